// Polls a sheet written in the background (a disbursement sheet, a three-year plan table) and
// shows its progress until it is done or has failed.
(function () {
  "use strict";
  var box = document.getElementById("export");
  if (!box) { return; }
  if (box.dataset.state === "done" || box.dataset.state === "failed") { return; }
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      var bar = document.getElementById("export-bar");
      bar.style.width = s.percent + "%"; bar.textContent = s.percent + "%";
      bar.parentNode.setAttribute("aria-valuenow", s.percent);
      document.getElementById("export-state").textContent = s.state_label + (s.total_rows ? " · " + s.rows_written + " / " + s.total_rows : "");
      var queued = document.getElementById("export-queued");
      if (queued && s.state !== "pending") { queued.classList.add("d-none"); }
      if (s.state === "done") { document.getElementById("export-download").classList.remove("d-none"); return; }
      if (s.state === "failed") { window.location.reload(); return; }
      window.setTimeout(poll, 1000);
    });
  }
  window.setTimeout(poll, 500);
})();
