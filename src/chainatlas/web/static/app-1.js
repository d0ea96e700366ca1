/* chainatlas dashboard script, version 1: draws the page's charts from the embedded JSON.
   Chart specs live in <script type="application/json" id="chart-data">, so the page runs under a
   strict Content-Security-Policy (no inline script) and nothing is fetched from outside. */
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("chart-data");
    if (!holder || !window.Plotly) { return; }
    var specs = JSON.parse(holder.textContent);
    Object.keys(specs).forEach(function (key) {
      var el = document.querySelector('[data-chart="' + key + '"]');
      var spec = specs[key];
      if (!el || !spec) { return; }
      Plotly.newPlot(el, spec.data, spec.layout, {displaylogo: false, responsive: true}).then(function () {
        el.setAttribute("data-rendered", "1");
        // points that carry a site URL in customdata (the opportunity quadrant) open it on click
        el.on("plotly_click", function (ev) {
          var p = ev && ev.points && ev.points[0];
          if (p && typeof p.customdata === "string" && p.customdata.charAt(0) === "/") {
            window.location.href = p.customdata;
          }
        });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
