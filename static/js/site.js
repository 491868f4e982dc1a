// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";
  function bindCounters(root) {
    root.querySelectorAll("textarea[data-counter]").forEach(function (area) {
      var output = document.getElementById(area.dataset.counter);
      if (!output || area.dataset.counterBound) return;
      area.dataset.counterBound = "1";
      var max = parseInt(area.getAttribute("maxlength"), 10);
      var template = output.dataset.template || "{n}";
      function update() { output.textContent = template.replace("{n}", String(max - area.value.length)); }
      area.addEventListener("input", update);
      update();
      output.hidden = false;
    });
  }
  // htmx snapshots the page for Back after the person has already typed the next filter, so a
  // restored filter form would show the newer values: set a pushed GET form from its address.
  function formsFollowUrl() {
    var params = new URLSearchParams(location.search);
    document.querySelectorAll("form[method=get][data-hx-push-url=true]").forEach(function (form) {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.type === "submit" || field.type === "file") return;
        var value = params.get(field.name);
        if (field.type === "hidden") {
          if (value !== null) field.value = value;
        } else if (field.type === "checkbox" || field.type === "radio") {
          field.checked = params.getAll(field.name).indexOf(field.value) >= 0;
        } else {
          field.value = value === null ? "" : value;
          if (field.tagName === "SELECT" && field.selectedIndex < 0) field.selectedIndex = 0;
        }
      });
    });
  }
  document.addEventListener("htmx:historyRestore", formsFollowUrl);
  document.addEventListener("DOMContentLoaded", function () { bindCounters(document); });
  document.addEventListener("htmx:afterSwap", function (event) { bindCounters(event.target); });
})();
