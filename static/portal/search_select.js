// <select data-search-url="...">: a choice among thousands, searched as one types
// (communities.widgets.SearchSelect). The select stays in the form, hidden, and keeps the chosen
// value; a text box with role="combobox" takes its label and shows matches fetched from the URL
// in a listbox. Keys: Down/Up move through the matches, Enter chooses, Escape closes.
(function () {
  "use strict";

  var DELAY = 200;
  var counter = 0;

  function enhance(select) {
    if (select.dataset.searchReady) { return; }
    select.dataset.searchReady = "1";
    counter += 1;
    var id = select.id || ("search-select-" + counter);
    var inputId = id + "-search";
    var listId = id + "-matches";
    var minChars = parseInt(select.dataset.searchMin || "1", 10);

    var wrapper = document.createElement("div");
    wrapper.className = "search-select";
    var input = document.createElement("input");
    input.type = "text";
    input.id = inputId;
    input.className = select.className.replace("form-select", "form-control");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");
    input.placeholder = select.dataset.searchPlaceholder || "";
    var described = select.getAttribute("aria-describedby");
    if (described) { input.setAttribute("aria-describedby", described); }
    if (select.getAttribute("aria-invalid")) { input.setAttribute("aria-invalid", "true"); }
    var chosen = select.options[select.selectedIndex];
    if (chosen && chosen.value) { input.value = chosen.text; }

    var list = document.createElement("ul");
    list.id = listId;
    list.className = "search-select-list list-group d-none";
    list.setAttribute("role", "listbox");

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");

    // The page's label now names the text box; the select is kept for the form only.
    document.querySelectorAll("label[for='" + id + "']").forEach(function (label) {
      label.setAttribute("for", inputId);
      label.id = label.id || (inputId + "-label");
      list.setAttribute("aria-labelledby", label.id);
    });
    select.classList.add("d-none");
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.parentNode.insertBefore(wrapper, select);
    wrapper.appendChild(input);
    wrapper.appendChild(list);
    wrapper.appendChild(status);
    wrapper.appendChild(select);

    var timer = null;
    var active = -1;
    var results = [];
    var request = 0;

    function close() {
      list.classList.add("d-none");
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(result) {
      select.innerHTML = "";
      var empty = document.createElement("option");
      empty.value = "";
      empty.text = "---------";
      select.appendChild(empty);
      if (result) {
        var option = document.createElement("option");
        option.value = result.value;
        option.text = result.label;
        option.selected = true;
        select.appendChild(option);
        input.value = result.label;
      }
      select.dispatchEvent(new Event("change", { bubbles: true }));
      close();
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      items.forEach(function (item, i) {
        item.classList.toggle("active", i === index);
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(found) {
      results = found;
      list.innerHTML = "";
      if (!found.length) {
        var none = document.createElement("li");
        none.className = "list-group-item text-body-secondary small";
        none.textContent = select.dataset.searchEmpty || "";
        list.appendChild(none);
      }
      found.forEach(function (result, index) {
        var item = document.createElement("li");
        item.id = listId + "-" + index;
        item.className = "list-group-item list-group-item-action";
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = result.label;
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(result);
        });
        list.appendChild(item);
      });
      list.classList.remove("d-none");
      input.setAttribute("aria-expanded", "true");
      status.textContent = found.length ? String(found.length) : (select.dataset.searchEmpty || "");
      highlight(found.length ? 0 : -1);
    }

    function search() {
      var text = input.value.trim();
      if (text.length < minChars) { close(); return; }
      request += 1;
      var mine = request;
      var url = new URL(select.dataset.searchUrl, window.location.href);
      url.searchParams.set("q", text);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (mine === request) { show(data.results || []); } })
        .catch(function () { if (mine === request) { show([]); } });
    }

    input.addEventListener("input", function () {
      if (!input.value.trim() && select.value) { choose(null); }
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      var open = input.getAttribute("aria-expanded") === "true";
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { search(); return; }
        highlight(Math.min(active + 1, results.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && open) {
        event.preventDefault();
        if (active >= 0 && results[active]) { choose(results[active]); }
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () {
      close();
      // A text that was typed but not chosen goes back to the chosen row's name.
      var current = select.options[select.selectedIndex];
      input.value = current && current.value ? current.text : "";
    });
  }

  function enhanceAll(root) {
    root.querySelectorAll("select[data-search-url]").forEach(enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  } else {
    enhanceAll(document);
  }
})();
