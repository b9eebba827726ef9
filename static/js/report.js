// Form II.06a: totals (3), (7), (11) per row and column sums, updated as the clerk types, and
// the flag on (6) when it differs from the previous quarter's pending.
(function () {
  const table = document.getElementById("report-table");
  if (!table) return;
  const totals = {
    received_total: ["received_online", "received_in_person", "received_postal", "received_carried_over"],
    resolved_total: ["resolved_early", "resolved_on_time", "resolved_late"],
    pending_total: ["pending_in_time", "pending_overdue"],
  };
  const format = new Intl.NumberFormat("vi-VN");
  const value = (input) => {
    const number = Number.parseInt(input.value, 10);
    return Number.isFinite(number) ? number : 0;
  };

  function refresh() {
    const sums = {};
    table.querySelectorAll("tr[data-row]").forEach((row) => {
      const cells = {};
      row.querySelectorAll("input[data-column]").forEach((input) => {
        cells[input.dataset.column] = value(input);
      });
      for (const [total, parts] of Object.entries(totals)) {
        cells[total] = parts.reduce((sum, part) => sum + (cells[part] || 0), 0);
        row.querySelector(`[data-total="${total}"]`).textContent = format.format(cells[total]);
      }
      for (const [name, number] of Object.entries(cells)) sums[name] = (sums[name] || 0) + number;
      const flag = row.querySelector(".carried-flag");
      const carried = row.querySelector('input[data-column="received_carried_over"]');
      if (flag && carried) flag.classList.toggle("d-none", value(carried) === Number(flag.dataset.previous));
    });
    table.querySelectorAll("[data-sum]").forEach((cell) => {
      cell.textContent = format.format(sums[cell.dataset.sum] || 0);
    });
  }

  table.addEventListener("input", refresh);
  refresh();
})();

// Outlier warnings as the clerk types: the server applies the same rule as on saving
// (cchc/quality/outliers.py) to the figures on the form and says which cells to check. A
// warning, never a block; nothing is stored until the form is saved.
(function () {
  const form = document.getElementById("report-form");
  const table = document.getElementById("report-table");
  if (!form || !table || !form.dataset.outlierUrl) return;
  let timer = null;
  let asked = 0;

  function cellOf(field, column) {
    const row = table.querySelector(`tr[data-field="${field}"]`);
    if (!row) return null;
    const place = row.querySelector(`input[data-column="${column}"], [data-total="${column}"]`);
    return place ? place.closest("td") : null;
  }

  function show(flags) {
    table.querySelectorAll(".outlier-flag").forEach((element) => element.remove());
    for (const flag of flags) {
      const cell = cellOf(flag.field, flag.column);
      if (!cell) continue;
      const note = document.createElement("div");
      note.className = "form-text outlier-flag " +
        (flag.checked ? "text-success-emphasis" : "text-warning-emphasis");
      note.setAttribute("role", "status");
      note.title = flag.explanation;
      note.textContent = "⚠ " + flag.label + (flag.checked ? " · " + form.dataset.checkedText : "");
      cell.appendChild(note);
    }
  }

  async function check() {
    const ticket = ++asked;
    try {
      const response = await fetch(form.dataset.outlierUrl, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok || ticket !== asked) return;
      show((await response.json()).flags);
    } catch (error) {
      // Offline or the server is busy: the check runs again on saving.
    }
  }

  table.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(check, 600);
  });
})();
