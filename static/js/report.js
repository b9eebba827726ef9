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
