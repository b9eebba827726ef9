// PAR result by area: maximum, self-assessed and appraised points. Data from json_script;
// the same numbers are in the table beside the chart.
(function () {
  const data = window.cchcChartData("par-data");
  if (!data) return;
  new Chart(document.getElementById("chart-areas"), {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.names.max, data: data.max, backgroundColor: "#ced4da" },
        { label: data.names.self, data: data.self, backgroundColor: "#0d6efd" },
        { label: data.names.appraised, data: data.appraised, backgroundColor: "#198754" },
      ],
    },
    options: { indexAxis: "y", maintainAspectRatio: false },
  });
})();
