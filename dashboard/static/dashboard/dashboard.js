/* Draws each dashboard chart from its canvas's data-chart attribute (no inline script: CSP).
   A click on a bar or point opens the filtered list behind it, like the table's links. */
(function () {
  "use strict";
  // Twelve colours, so the eleven plan states each get their own.
  var PALETTE = [
    "#0a58ca", "#198754", "#b35c00", "#6f42c1", "#b02a37", "#0b7285",
    "#5c940d", "#d6336c", "#343a40", "#e67700", "#74c0fc", "#862e9c"
  ];
  var TARGET = "#8a939b";

  function scales(spec) {
    var result = { x: { stacked: spec.stacked }, y: { stacked: spec.stacked, beginAtZero: true } };
    if (spec.datasets.some(function (set) { return set.kind === "money"; })) {
      result.money = { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } };
    }
    return result;
  }

  function draw(canvas) {
    var spec = JSON.parse(canvas.getAttribute("data-chart"));
    var colour = 0;
    var datasets = spec.datasets.map(function (set) {
      var c = set.kind === "target" ? TARGET : PALETTE[colour++ % PALETTE.length];
      return {
        label: set.label, data: set.data, links: set.links,
        backgroundColor: c, borderColor: c, borderWidth: spec.type === "line" ? 2 : 0,
        stack: spec.stacked && set.kind !== "target" ? "values" : set.label,
        // Money beside counts: on its own axis, on the right.
        yAxisID: set.kind === "money" ? "money" : "y",
        tension: 0.2, pointRadius: 2
      };
    });
    var chart = new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: scales(spec),
        plugins: { legend: { position: "bottom" } },
        onClick: function (event, elements) {
          if (!elements.length) { return; }
          var hit = elements[0];
          var links = datasets[hit.datasetIndex].links || [];
          if (links[hit.index]) { window.location.href = links[hit.index]; }
        }
      }
    });
    canvas.chart = chart;
  }

  function start() {
    if (window.Chart) {
      document.querySelectorAll("canvas[data-chart]").forEach(draw);
    }
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
