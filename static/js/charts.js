// Draws every <canvas data-chart="json-id"> with Chart.js (vendored). The data table next to each
// chart stays the accessible source; without JavaScript only the table shows.
(function () {
  "use strict";
  var palette = ["#1f5fa8", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0f766e", "#a16207", "#475569"];
  function draw(root) {
    if (typeof Chart === "undefined") return;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      var round = spec.type === "pie" || spec.type === "doughnut";
      spec.datasets.forEach(function (set, index) {
        var colour = round ? palette : palette[index % palette.length];
        set.backgroundColor = colour;
        set.borderColor = round ? "#fff" : colour;
      });
      canvas.dataset.drawn = "1";
      canvas.parentNode.hidden = false;
      new Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: spec.datasets },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          indexAxis: spec.horizontal ? "y" : "x",
          plugins: { legend: { display: round || spec.datasets.length > 1 } }
        }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
