// Plan editor (templates/projects/_plan_editor.html): running sum of weights per row and
// the total, kept live; rows moved up and down (renumbering the order inputs); new rows
// from the <template>. Without JavaScript the page still works: order numbers, blank rows.
(function () {
  "use strict";

  function number(value) {
    var n = parseFloat(String(value || "").replace(",", "."));
    return isNaN(n) ? 0 : n;
  }

  function rows(form) {
    return Array.prototype.slice.call(form.querySelectorAll("#plan-rows > tr"));
  }

  function isDeleted(row) {
    var box = row.querySelector("input[type=checkbox][name$='-DELETE']");
    return box && box.checked;
  }

  function isBlank(row) {
    var id = row.querySelector("input[name$='-step_id']");
    var title = row.querySelector("textarea[name$='-title']");
    var weight = row.querySelector("input[name$='-weight']");
    return !(id && id.value) && !(title && title.value.trim()) && !(weight && weight.value);
  }

  function recompute(form) {
    var running = 0;
    rows(form).forEach(function (row) {
      row.classList.toggle("plan__row--deleted", !!isDeleted(row));
      var cell = row.querySelector(".plan__running");
      if (isDeleted(row) || isBlank(row)) {
        if (cell) cell.textContent = "";
        return;
      }
      running += number((row.querySelector("input[name$='-weight']") || {}).value);
      if (cell) cell.textContent = running.toFixed(2);
    });
    var total = form.querySelector("#plan-total");
    var status = form.querySelector("#plan-status");
    var add = form.querySelector(".plan__add");
    if (total) total.textContent = running.toFixed(2);
    if (status && add) {
      var complete = Math.abs(running - 100) < 0.005;
      status.textContent = complete ? add.dataset.complete : add.dataset.incomplete;
      status.classList.toggle("plan__status--incomplete", !complete);
    }
  }

  function renumber(form) {
    var n = 0;
    rows(form).forEach(function (row) {
      if (isBlank(row)) return;
      var order = row.querySelector("input[name$='-order']");
      n += 1;
      if (order) order.value = n;
    });
  }

  function addRow(form) {
    var template = document.getElementById("plan-empty-row");
    var totalForms = form.querySelector("input[name$='-TOTAL_FORMS']");
    if (!template || !totalForms) return;
    var index = parseInt(totalForms.value, 10) || 0;
    var holder = document.createElement("tbody");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.querySelector("tr");
    form.querySelector("#plan-rows").appendChild(row);
    totalForms.value = String(index + 1);
    showButtons(row);
    var title = row.querySelector("textarea");
    if (title) title.focus();
  }

  function showButtons(root) {
    root.querySelectorAll(".plan__up, .plan__down, .plan__add").forEach(function (b) {
      b.hidden = false;
    });
  }

  function init(form) {
    showButtons(form);
    form.addEventListener("input", function () { recompute(form); });
    form.addEventListener("change", function () { recompute(form); });
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      var row = button.closest("tr");
      if (button.classList.contains("plan__add")) {
        addRow(form);
      } else if (button.classList.contains("plan__up") && row && row.previousElementSibling) {
        row.parentNode.insertBefore(row, row.previousElementSibling);
        renumber(form);
        button.focus();
      } else if (button.classList.contains("plan__down") && row && row.nextElementSibling) {
        row.parentNode.insertBefore(row.nextElementSibling, row);
        renumber(form);
        button.focus();
      } else {
        return;
      }
      recompute(form);
    });
    recompute(form);
  }

  // On load, and again when a refused save brings the editor back (htmx swaps the form).
  function initAll() {
    document.querySelectorAll("form[data-plan-editor]:not([data-plan-ready])").forEach(function (form) {
      form.dataset.planReady = "true";
      init(form);
    });
  }
  document.addEventListener("DOMContentLoaded", initAll);
  document.addEventListener("htmx:afterSettle", initAll);
})();
