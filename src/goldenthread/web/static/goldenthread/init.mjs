// Progressive enhancement only: every page works without this file.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A long import runs in the background worker; while its page is open this shows how far it has got,
// asking the page's own address for its progress as JSON. Without script, "Check progress" reloads it.
function importStatus(progress) {
  if (progress.checking) return `Checking each of the file's ${progress.rows_total} rows`;
  return progress.recording_relationships
    ? `Recording relationships: ${progress.links_done} of ${progress.rows_total} rows checked`
    : `Imported ${progress.rows_done} of ${progress.rows_total} rows`;
}

async function importProgress() {
  let response;
  try {
    response = await fetch(window.location.pathname, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      redirect: "manual",
    });
  } catch {
    throw new Error("The service could not be reached: the import goes on. Check progress when you are ready.");
  }
  if (response.type === "opaqueredirect" || response.status === 403) {
    throw new Error("Your session has ended. Sign in again to see the import from Import records.");
  }
  const json = (response.headers.get("Content-Type") || "").startsWith("application/json");
  if (!response.ok || !json) {
    throw new Error(`The service answered ${response.status}: the import goes on. Check progress when you are ready.`);
  }
  return response.json();
}

async function followImport(module) {
  const status = module.querySelector("[data-role=status]");
  const announce = module.querySelector("[data-role=announce]");
  const waiting = module.querySelector("[data-role=waiting]");
  const bar = module.querySelector("progress");
  const button = module.querySelector("[data-role=continue]");
  button.classList.add("govuk-!-display-none");
  let announced = -1;
  for (;;) {
    let progress;
    try {
      progress = await importProgress();
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
    waiting.hidden = !progress.waiting;
    bar.max = progress.rows_total;
    const done = progress.recording_relationships ? progress.links_done : progress.rows_done;
    bar.value = done;
    status.textContent = importStatus(progress);
    // A screen reader hears every tenth, not every poll.
    const tenth = Math.floor((10 * done) / Math.max(progress.rows_total, 1)) + (progress.recording_relationships ? 10 : 0);
    if (tenth !== announced) {
      announced = tenth;
      announce.textContent = status.textContent;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

for (const module of document.querySelectorAll("[data-module=gt-import-progress]")) {
  followImport(module);
}
