// Behaviour shared by every page. No inline scripts anywhere: pages add their own files.
document.querySelectorAll("[data-autosubmit]").forEach((element) => {
  element.addEventListener("change", () => element.form.submit());
});
document.querySelectorAll("select[data-navigate]").forEach((element) => {
  element.addEventListener("change", () => { window.location.href = element.value; });
});
