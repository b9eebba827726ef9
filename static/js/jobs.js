// A job's page while it is queued or running: asks the job's small JSON view how far it is
// every half second, moves the progress bar and the message, and reloads the page once the job has
// ended, which then shows its result (the preview, the import's reports or every error).
// Without JavaScript the page says to reload it.
document.querySelectorAll("[data-job-progress]").forEach((box) => {
  const bar = box.querySelector("progress");
  const field = (name) => box.querySelector(`[data-job-field="${name}"]`);
  let failures = 0;
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.jobProgress, {
        credentials: "same-origin", headers: {"Accept": "application/json"}, cache: "no-store",
      });
      if (!response.ok || !(response.headers.get("Content-Type") || "").includes("json")) {
        throw new Error(`HTTP ${response.status}`);
      }
      const job = await response.json();
      failures = 0;
      if (bar && job.total) {
        bar.max = job.total;
        bar.value = job.done;
        bar.textContent = `${job.percent}%`;
      }
      field("status_label").textContent = job.status_label;
      if (job.message) field("message").textContent = job.message;
      const counts = field("counts");
      if (counts && job.total) counts.textContent = `${job.done}/${job.total}`;
      box.dataset.jobStatus = job.status;
      if (job.finished) {
        window.location.reload();
        return;
      }
    } catch (error) {
      failures += 1;  // signed out, or the server restarting: keep trying, more slowly
    }
    window.setTimeout(poll, failures ? Math.min(10000, 1000 * 2 ** failures) : 500);
  };
  window.setTimeout(poll, 300);
});
