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
  // Counts are typed the Vietnamese way: "1.000" and "12 500" (as the server reads them).
  const value = (input) => {
    const text = input.value.trim();
    if (!/^\d{1,3}([. \u00a0\u202f]\d{3})*$|^\d+$/.test(text)) return 0;
    return Number.parseInt(text.replace(/\D/g, ""), 10);
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

// Nothing typed is lost: the figures are kept in the browser (localStorage, by unit, period and
// report version) as they are typed, offered back when the form opens again with the same
// version (after a session that expired, a refused token, a closed tab), and dropped once saved
// (the saved report has a newer version). Leaving with unsaved changes asks first. "Gửi báo
// cáo" asks for a confirmation (without JavaScript the button sends directly). A warning a few
// minutes before the idle session ends offers to stay signed in.
(function () {
  const form = document.getElementById("report-form");
  if (!form || !form.dataset.draftKey) return;
  const base = form.dataset.draftKey;
  const key = `${base}:v${form.dataset.version}`;
  const inputs = () => Array.from(form.querySelectorAll("input[data-column]"));
  let store = null;
  try { store = window.localStorage; } catch (error) { store = null; }
  let dirty = false;

  function keep() {
    if (!store) return;
    const values = {};
    inputs().forEach((input) => { values[input.name] = input.value; });
    try { store.setItem(key, JSON.stringify({ at: Date.now(), values })); } catch (error) { /* full */ }
  }

  if (store) {
    // Older versions of this report were saved (or replaced): their copies are no longer needed.
    for (let i = store.length - 1; i >= 0; i--) {
      const name = store.key(i);
      if (name && name.startsWith(`${base}:v`) && name !== key) store.removeItem(name);
    }
    const kept = JSON.parse(store.getItem(key) || "null");
    if (kept && kept.values) {
      let differs = false;
      inputs().forEach((input) => {
        if (input.name in kept.values && kept.values[input.name] !== input.value) {
          input.value = kept.values[input.name];
          differs = true;
        }
      });
      if (differs) { // (the same figures as the page shows need no line; kept until saved)
        dirty = true;
        const line = document.getElementById("draft-restored");
        const at = new Date(kept.at).toLocaleString("vi-VN", {
          hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit", year: "numeric" });
        line.textContent = form.dataset.restoredText.replace("%(time)s", at);
        line.classList.remove("d-none");
        form.querySelector("#report-table").dispatchEvent(new Event("input", { bubbles: true }));
      }
    }
  }

  form.addEventListener("input", (event) => {
    if (!event.target.matches("input[data-column]")) return;
    dirty = true;
    keep();
  });
  window.addEventListener("beforeunload", (event) => {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = form.dataset.leaveText;
  });
  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (button && button.hasAttribute("data-confirm") && !window.confirm(form.dataset.confirmText)) {
      event.preventDefault();
      return;
    }
    keep(); // kept until the saved page (a newer version) drops it
    dirty = false;
  });

  // The idle session: warn ``warn`` seconds before it ends; "Tiếp tục làm việc" renews it.
  const warning = document.getElementById("session-warning");
  const seconds = Number(form.dataset.sessionSeconds);
  const warn = Number(form.dataset.warnSeconds);
  if (!warning || !seconds) return;
  let warnTimer = null;
  let endTimer = null;
  function schedule(lasting) {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warning.classList.add("d-none");
    warnTimer = setTimeout(() => warning.classList.remove("d-none"),
      Math.max(lasting - warn, 0) * 1000);
    endTimer = setTimeout(expired, lasting * 1000);
  }
  function expired() {
    warning.classList.remove("d-none");
    warning.querySelector("[data-session-text]").classList.add("d-none");
    warning.querySelector("[data-session-expired]").classList.remove("d-none");
    warning.querySelector("[data-keepalive]").classList.add("d-none");
  }
  warning.querySelector("[data-keepalive]").addEventListener("click", async () => {
    try {
      const response = await fetch(form.dataset.keepaliveUrl, {
        method: "POST", credentials: "same-origin",
        headers: { Accept: "application/json",
                   "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value },
      });
      const json = (response.headers.get("Content-Type") || "").includes("json");
      if (response.ok && json) schedule((await response.json()).seconds);
      else expired(); // signed out meanwhile: the login page answered

    } catch (error) {
      // Offline: the warning stays; the figures are kept in the browser anyway.
    }
  });
  schedule(seconds);
})();

// "In biểu": the print stylesheet gives the official form on A4 landscape.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
