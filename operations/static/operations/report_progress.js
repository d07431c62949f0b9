// Polls a supervision report's status and reloads the page once the build has finished.
(function () {
  "use strict";
  var box = document.getElementById("report-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("report-bar");
  var percent = document.getElementById("report-percent");
  var state = document.getElementById("report-state");

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.style.width = data.progress + "%";
        bar.parentElement.setAttribute("aria-valuenow", data.progress);
        percent.textContent = data.progress;
        state.textContent = data.state_label;
        if (data.state === "done" || data.state === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
