// Row-by-row saving on the evaluation screens (no inline scripts, CSP-friendly).
// Enter in a field submits its row's form through htmx; the server answers with the row.
// While a row is on its way its fields are read-only, so nothing typed meanwhile is lost.
// After a save, focus moves to the first field of the next row; after a refusal, to the
// first field in error. If the person has already tabbed elsewhere, focus is left alone.
(function () {
  "use strict";

  function rowOf(elt) {
    return elt && elt.closest ? elt.closest("[data-row]") : null;
  }

  function fields(row) {
    return row.querySelectorAll("input:not([type=hidden]), select, textarea");
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var row = rowOf(event.detail.elt);
    if (!row) return;
    row.setAttribute("aria-busy", "true");
    fields(row).forEach(function (f) { f.readOnly = true; });
  });

  // Whatever the answer, or none (a server error, no connection, no answer in time, a session
  // that ended): a row that was not replaced is given back as it was. static/js/forms.js says
  // why beside the row's button.
  document.addEventListener("htmx:afterRequest", function (event) {
    var row = rowOf(event.detail.elt);
    if (!row) return;
    row.removeAttribute("aria-busy");
    fields(row).forEach(function (f) { f.readOnly = false; });
  });

  document.addEventListener("htmx:afterSettle", function () {
    var row = document.querySelector("[data-row][data-focus]");
    if (!row) return;
    var how = row.dataset.focus;
    row.removeAttribute("data-focus");
    var active = document.activeElement;
    if (active && active !== document.body && !row.contains(active)) return;
    var target = null;
    if (how === "next") {
      var next = row.nextElementSibling;
      while (next && !next.hasAttribute("data-row")) next = next.nextElementSibling;
      target = next ? next.querySelector("input:not([type=hidden]):not([disabled]), select:not([disabled])") : null;
      if (!target) target = row.querySelector("button[type=submit]");
    } else {
      target = row.querySelector("[aria-invalid=true]") ||
        row.querySelector("input:not([type=hidden]):not([disabled]), select:not([disabled])");
    }
    if (target) {
      target.focus();
      if (target.select) target.select();
    }
  });
})();
