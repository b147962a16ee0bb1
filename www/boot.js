// A classic script (not a module), so it runs where module scripts are refused:
// Chromium, Chrome, Edge and Safari refuse them, and fetch, on pages opened from disk
// (file://). There the page would stay on "Loading..."; this says why and what to do.
// Firefox runs the page from disk, so nothing is shown there. DOM glue only.
(function () {
  if (location.protocol !== "file:") return;
  window.addEventListener("load", function () {
    if (window.lazyExplorer) return; // www/app.js started
    var say = "This browser does not run the explorer from a file on disk: it blocks the page's module scripts on file:// addresses. " +
      "Open the single-file explorer instead (dist/lazy-training-explorer.html, built by `make single`; it runs from disk in every browser), " +
      "or serve this folder (`make serve`, or `python3 -m http.server` in it) and open http://127.0.0.1:8000/.";
    var status = document.getElementById("status");
    if (status) { status.textContent = say; status.classList.add("bad"); }
    document.body.dataset.start = "file-blocked";
    var buttons = document.querySelectorAll("main button, main input, main select");
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
  });
})();
