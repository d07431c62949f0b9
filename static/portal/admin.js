// The admin's language switcher: choosing a language submits the form.
document.addEventListener("change", function (event) {
  "use strict";
  var field = event.target;
  if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});

// An inline table wider than a phone scrolls inside its group (the admin's own responsive
// style); the group then takes keyboard focus, so that the arrow keys scroll it too.
(function () {
  "use strict";
  function focusableScrollBoxes() {
    document.querySelectorAll(".inline-group").forEach(function (box) {
      var overflow = window.getComputedStyle(box).overflowX;
      var scrolls = (overflow === "auto" || overflow === "scroll") &&
        box.scrollWidth > box.clientWidth + 1;
      if (scrolls) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", focusableScrollBoxes);
  window.addEventListener("resize", focusableScrollBoxes);
})();
