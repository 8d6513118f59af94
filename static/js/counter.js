// Characters left under every textarea marked data-counter (with a maxlength), kept up to date
// as one types and after htmx swaps a new form in. Without JavaScript the limit still holds:
// the browser stops at maxlength and the server says so.
(function () {
  function attach(field) {
    if (field.dataset.counterReady) return;
    field.dataset.counterReady = "1";
    var max = parseInt(field.getAttribute("maxlength"), 10);
    if (!max) return;
    var out = document.createElement("p");
    out.className = "muted counter";
    out.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", out);
    function update() {
      var left = max - field.value.length;
      out.textContent = left + " character" + (left === 1 ? "" : "s") + " left";
    }
    field.addEventListener("input", update);
    update();
  }
  function scan(root) {
    root.querySelectorAll("textarea[data-counter]").forEach(attach);
  }
  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:afterSwap", function (event) { scan(event.target.parentNode || document); });
})();
