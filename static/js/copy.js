// "Copy" buttons: <button data-copy="input-id" hidden> copies that input's value. Without
// JavaScript the button stays hidden and the address can be selected by hand.
document.querySelectorAll("button[data-copy]").forEach((button) => {
  const input = document.getElementById(button.dataset.copy);
  if (!input || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    await navigator.clipboard.writeText(input.value);
    button.textContent = "Copied";
  });
});
