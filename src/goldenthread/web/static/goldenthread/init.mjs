// Progressive enhancement only: every page works without this file.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A long import goes on chunk by chunk while its page is open; without script the page's own
// "Continue import" button does the same one chunk at a time.
async function continueImport(module) {
  const form = module.querySelector("form");
  const status = module.querySelector("[data-role=status]");
  const bar = module.querySelector("progress");
  const button = module.querySelector("[data-role=continue]");
  button.hidden = true;
  for (;;) {
    let progress;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      progress = await response.json();
    } catch {
      status.textContent = "The import paused because the service could not be reached. Continue it when you are ready.";
      button.hidden = false;
      return;
    }
    bar.max = progress.rows_total;
    bar.value = progress.rows_done;
    status.textContent = `Imported ${progress.rows_done} of ${progress.rows_total} rows`;
    if (progress.finished) {
      window.location.reload();
      return;
    }
    if (progress.busy) await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

for (const module of document.querySelectorAll("[data-module=gt-import-progress]")) {
  continueImport(module);
}
