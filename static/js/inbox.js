// The inbox: the ticked outlier flags are confirmed with one fetch() POST, without leaving the
// page; each row says whether it was recorded or why not. Without JavaScript the form posts
// and the inbox comes back with the same sentences as messages.
document.querySelectorAll("form[data-bulk-flags]").forEach((form) => {
  const status = form.querySelector("[data-flags-status]");
  const left = document.querySelector("[data-flags-left]");
  const say = (text, kind) => {
    status.className = `mt-2 alert alert-${kind} py-2`;
    status.textContent = text;
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    const body = new FormData(form);
    try {
      const response = await fetch(form.action, {
        method: "POST", body, credentials: "same-origin",
        headers: {"Accept": "application/json",
                  "X-CSRFToken": body.get("csrfmiddlewaretoken")},
      });
      const type = response.headers.get("Content-Type") || "";
      if (!type.includes("application/json")) {  // signed out, CSRF page: the plain form says
        form.submit();
        return;
      }
      const answer = await response.json();
      answer.checked.forEach((item) => {
        const row = form.querySelector(`[data-flag-row="${item.flag}"]`);
        if (!row) return;
        row.classList.add("table-success");
        const box = row.querySelector("input[name=flag]");
        box.checked = false;
        box.disabled = true;
        row.querySelector("input[name^=note-]").disabled = true;
        row.querySelector("[data-flag-result]").textContent = "✓ " + item.message;
      });
      answer.refused.forEach((item) => {
        const row = item.flag && form.querySelector(`[data-flag-row="${item.flag}"]`);
        if (row) {
          row.classList.add("table-danger");
          row.querySelector("[data-flag-result]").textContent = item.message;
        }
      });
      if (left) {
        left.textContent = form.querySelectorAll("input[name=flag]:not(:disabled)").length;
      }
      const messages = answer.checked.concat(answer.refused).map((item) => item.message);
      say(messages.join(" "), answer.refused.length ? "warning" : "success");
    } catch (error) {
      say(form.dataset.networkError, "danger");
    } finally {
      button.disabled = false;
    }
  });
});
