// Behaviour shared by every page. No inline scripts anywhere: pages add their own files.
document.querySelectorAll("[data-autosubmit]").forEach((element) => {
  element.addEventListener("change", () => element.form.submit());
});
document.querySelectorAll("select[data-navigate]").forEach((element) => {
  element.addEventListener("change", () => { window.location.href = element.value; });
});
// A page's chart data (from its json_script), with the defaults every chart here shares; null
// when the page has none or Chart.js did not load (the tables beside the charts remain).
window.cchcChartData = function (id) {
  const source = document.getElementById(id);
  if (!source || typeof Chart === "undefined") return null;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  // No animation: the numbers are the point, and some users ask for reduced motion.
  Chart.defaults.animation = false;
  return JSON.parse(source.textContent);
};
