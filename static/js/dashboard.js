// Unit dashboard charts. Data comes from the page's json_script; every chart also has a table.
(function () {
  const data = window.cchcChartData("dashboard-data");
  if (!data) return;
  const percent = (value) => (value === null ? "–" : `${value.toLocaleString("vi-VN")} %`);

  new Chart(document.getElementById("chart-by-field"), {
    type: "bar",
    data: {
      labels: data.fields,
      datasets: [
        { label: data.labels.early, data: data.early, backgroundColor: "#198754" },
        { label: data.labels.onTime, data: data.onTime, backgroundColor: "#0d6efd" },
        { label: data.labels.late, data: data.late, backgroundColor: "#dc3545" },
      ],
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true } },
    },
  });

  new Chart(document.getElementById("chart-trend"), {
    type: "line",
    data: {
      labels: data.periods,
      datasets: [
        { label: data.labels.onTimeRate, data: data.onTimeRate, borderColor: "#0d6efd", spanGaps: true },
        { label: data.labels.onlineRate, data: data.onlineRate, borderColor: "#fd7e14", spanGaps: true },
      ],
    },
    options: {
      maintainAspectRatio: false,
      scales: { y: { min: 0, max: 100, ticks: { callback: (v) => `${v} %` } } },
      plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${percent(c.parsed.y)}` } } },
    },
  });
})();
