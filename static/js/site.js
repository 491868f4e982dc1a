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
  document.addEventListener("DOMContentLoaded", function () { bindCounters(document); });
  document.addEventListener("htmx:afterSwap", function (event) { bindCounters(event.target); });
})();
