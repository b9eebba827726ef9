// Behaviour shared by every page. No inline scripts anywhere: pages add their own files.
document.querySelectorAll("[data-autosubmit]").forEach((element) => {
  element.addEventListener("change", () => element.form.submit());
});
