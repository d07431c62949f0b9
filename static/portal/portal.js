// Behaviour the pages declare with data- attributes, so that no page needs inline script or style
// (the Content-Security-Policy allows neither).
(function () {
  "use strict";

  // <select data-autosubmit>: choosing an option submits its form (the language switcher,
  // list filters); a <noscript> button does the same without JavaScript.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
      field.form.submit();
    }
  });

  // <form data-confirm="question">: ask before sending. <form data-disable-on-submit>: disable
  // its buttons once sent, so a double click sends it once.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (form.hasAttribute("data-disable-on-submit")) {
      form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
    }
  });

  // <div class="progress-bar" data-progress-width="40">: the bar's width, in per cent.
  function showProgress(root) {
    root.querySelectorAll("[data-progress-width]").forEach(function (bar) {
      var percent = parseFloat(bar.getAttribute("data-progress-width")) || 0;
      bar.style.width = Math.max(0, Math.min(100, percent)) + "%";
    });
  }
  showProgress(document);

  // A table wider than its box scrolls inside it (.table-responsive); the box takes keyboard
  // focus then, so that the arrow keys scroll it too (not only a finger or a mouse).
  function focusableScrollBoxes() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  focusableScrollBoxes();
  window.addEventListener("resize", focusableScrollBoxes);
})();
