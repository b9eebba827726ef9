// Live subtotals per area and the total of the PAR self-assessment and appraisal pages.
// The server computes the same sums when it saves; this only helps while typing.
(function () {
  const form = document.getElementById("par-form");
  if (!form) return;
  const number = (text) => {
    const value = parseFloat(String(text).replace(/\s/g, "").replace(",", "."));
    return Number.isFinite(value) ? value : null;
  };
  const shown = (value) => value.toLocaleString("vi-VN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  function update() {
    const areas = {};
    let total = 0;
    let any = false;
    form.querySelectorAll(".par-score").forEach((input) => {
      const value = number(input.value);
      const max = number(input.dataset.max);
      input.classList.toggle("is-invalid", value !== null && (value < 0 || value > max));
      if (value === null) return;
      areas[input.dataset.area] = (areas[input.dataset.area] || 0) + value;
      total += value;
      any = true;
    });
    form.querySelectorAll("[data-subtotal]").forEach((output) => {
      const value = areas[output.dataset.subtotal];
      output.textContent = value === undefined ? "–" : shown(value);
    });
    document.getElementById("par-total").textContent = any ? shown(total) : "–";
  }
  form.addEventListener("input", update);
  update();
})();
