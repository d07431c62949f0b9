// The admin's language switcher: choosing a language submits the form.
document.addEventListener("change", function (event) {
  "use strict";
  var field = event.target;
  if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});
