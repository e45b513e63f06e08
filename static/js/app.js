// Draws every Plotly figure whose JSON sits in a <script type="application/json">,
// on load and after each htmx swap. No inline scripts, so a strict CSP works.
(function () {
  "use strict";

  function draw(root) {
    var targets = (root || document).querySelectorAll("[data-figure]");
    if (!targets.length) return;
    if (typeof window.Plotly === "undefined") {
      document.documentElement.classList.add("no-plotly");
      return;
    }
    targets.forEach(function (el) {
      var source = document.getElementById(el.dataset.figure);
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      window.Plotly.react(el, figure.data, figure.layout, { displayModeBar: false, responsive: true });
      el.dataset.drawn = "true";
    });
  }

  window.addEventListener("load", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.detail.elt); });
})();
