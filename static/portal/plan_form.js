// The gap-filling plan form: add line items from the empty form, and show their sum against
// the total investment typed in.
(function () {
  "use strict";
  var form = document.querySelector("[data-testid=plan-form]");
  if (!form) { return; }
  var prefix = form.getAttribute("data-formset-prefix");
  var body = form.querySelector("[data-testid=line-items] tbody");
  var totalForms = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  var sumBox = document.getElementById("line-item-sum");
  var total = document.getElementById("id_total_investment");
  function sum() {
    var cents = 0;
    body.querySelectorAll("[data-line-item]").forEach(function (row) {
      var removed = row.querySelector("input[name$='-DELETE']");
      var amount = row.querySelector("input[name$='-investment']");
      if (amount && !(removed && removed.checked) && amount.value !== "") {
        cents += Math.round(parseFloat(amount.value) * 100) || 0;
      }
    });
    return cents;
  }
  function show() {
    var cents = sum();
    sumBox.textContent = (cents / 100).toLocaleString("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2});
    var typed = Math.round(parseFloat(total.value) * 100);
    sumBox.classList.toggle("text-danger", cents > 0 && typed !== cents);
  }
  document.getElementById("add-line-item").addEventListener("click", function () {
    var index = parseInt(totalForms.value, 10);
    var html = document.getElementById("line-item-template").innerHTML.replace(/__prefix__/g, index);
    body.insertAdjacentHTML("beforeend", html);
    totalForms.value = index + 1;
  });
  document.getElementById("use-line-item-sum").addEventListener("click", function () {
    total.value = (sum() / 100).toFixed(2);
    show();
  });
  form.addEventListener("input", show);
  form.addEventListener("change", show);
  show();
})();

// When the community changes, list that community's landing spaces instead (the server knows
// which spaces are free and which another plan holds).
(function () {
  "use strict";
  var form = document.querySelector("[data-testid=plan-form][data-space-choices-url]");
  var community = document.getElementById("id_community");
  var box = document.querySelector("[data-choices-for=spaces]");
  if (!form || !community || !box || community.disabled) { return; }
  community.addEventListener("change", function () {
    var url = new URL(form.getAttribute("data-space-choices-url"), window.location.href);
    url.searchParams.set("community", community.value);
    box.setAttribute("aria-busy", "true");
    fetch(url, {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.statusText); }
        return response.text();
      })
      .then(function (html) { box.innerHTML = html; })
      .catch(function () { box.textContent = box.getAttribute("data-error") || ""; })
      .then(function () { box.removeAttribute("aria-busy"); });
  });
})();
