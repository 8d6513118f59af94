// "Scan with camera" on the check-in page. Where the browser reads QR codes itself
// (window.BarcodeDetector: Chromium on Android, macOS and ChromeOS) and has a camera, the host
// points the phone at the QR code of a guest's ticket: the code field is filled and sent, as if
// typed. Elsewhere the button never appears and typing the code works as always. The page's
// Permissions-Policy allows the camera for this page alone (events/views/evening.py).
(() => {
  const scanner = document.getElementById("check-in-scanner");
  const button = document.getElementById("check-in-scan");
  const status = document.getElementById("check-in-scan-status");
  const media = navigator.mediaDevices;
  if (!scanner || !button || !("BarcodeDetector" in window) || !media?.getUserMedia) return;

  const EVERY_MS = 250;
  let stream = null;
  let video = null;
  let timer = null;

  function say(text) {
    status.textContent = text;
  }

  function stop() {
    clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    if (video) video.remove();
    video = null;
    button.textContent = "Scan with camera";
  }

  function send(code) {
    // The panel (and its form) is swapped after each check-in: look it up each time.
    const form = document.querySelector(".check-in-form");
    const field = form?.querySelector("input[name='code']");
    if (!field) return;
    field.value = code;
    say(`Read ${code}: checking in…`);
    form.requestSubmit(); // htmx sends it like a typed code; without htmx, a plain POST
  }

  async function start(detector) {
    try {
      stream = await media.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch {
      say("The camera is not available here: type the code instead.");
      return;
    }
    video = document.createElement("video");
    video.muted = true;
    video.playsInline = true;
    video.className = "check-in-video";
    video.setAttribute("aria-label", "Camera view: hold a ticket's QR code in front of it");
    video.srcObject = stream;
    scanner.append(video);
    await video.play().catch(() => {});
    button.textContent = "Stop the camera";
    say("Hold the QR code of the guest's ticket in front of the camera.");
    const look = async () => {
      if (!stream) return;
      let found = [];
      try {
        found = await detector.detect(video);
      } catch {
        found = []; // no frame yet: look again
      }
      const code = found.find((barcode) => barcode.rawValue)?.rawValue;
      if (code) {
        stop();
        send(code.trim());
      } else if (stream) {
        timer = setTimeout(look, EVERY_MS);
      }
    };
    look();
  }

  async function ready() {
    let formats = [];
    try {
      formats = await window.BarcodeDetector.getSupportedFormats();
    } catch {
      return;
    }
    if (!formats.includes("qr_code")) return;
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    scanner.hidden = false;
    button.addEventListener("click", () => (stream ? stop() : start(detector)));
  }

  ready();
})();
