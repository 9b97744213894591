// Progressive enhancement only: every page works without this file.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A long import goes on chunk by chunk while its page is open; without script the page's own
// "Continue import" button does the same one chunk at a time.
function importStatus(progress) {
  return progress.recording_relationships
    ? `Recording relationships: ${progress.links_done} of ${progress.rows_total} rows checked`
    : `Imported ${progress.rows_done} of ${progress.rows_total} rows`;
}

async function importChunk(form) {
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      redirect: "manual",
    });
  } catch {
    throw new Error("The import paused because the service could not be reached. Continue it when you are ready.");
  }
  if (response.type === "opaqueredirect" || response.status === 403) {
    throw new Error("Your session has ended. Sign in again and continue the import from Import records.");
  }
  const json = (response.headers.get("Content-Type") || "").startsWith("application/json");
  const progress = json ? await response.json() : null;
  if (progress && progress.error) throw new Error(progress.error);
  if (!response.ok || !progress) {
    throw new Error(`The import paused because the service answered ${response.status}. Continue it when you are ready.`);
  }
  return progress;
}

async function continueImport(module) {
  const form = module.querySelector("[data-role=continue-form]");
  const status = module.querySelector("[data-role=status]");
  const announce = module.querySelector("[data-role=announce]");
  const bar = module.querySelector("progress");
  const button = module.querySelector("[data-role=continue]");
  button.classList.add("govuk-!-display-none");
  let announced = -1;
  for (;;) {
    let progress;
    try {
      progress = await importChunk(form);
    } catch (error) {
      status.textContent = error.message;
      announce.textContent = error.message;
      button.classList.remove("govuk-!-display-none");
      return;
    }
    if (progress.finished) {
      window.location.reload();
      return;
    }
    bar.max = progress.rows_total;
    const done = progress.recording_relationships ? progress.links_done : progress.rows_done;
    bar.value = done;
    status.textContent = importStatus(progress);
    // A screen reader hears every tenth, not every chunk.
    const tenth = Math.floor((10 * done) / Math.max(progress.rows_total, 1)) + (progress.recording_relationships ? 10 : 0);
    if (tenth !== announced) {
      announced = tenth;
      announce.textContent = status.textContent;
    }
    if (progress.busy) await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

for (const module of document.querySelectorAll("[data-module=gt-import-progress]")) {
  continueImport(module);
}
