// Builds the static assets Django serves: the compiled stylesheet and GOV.UK Frontend's JavaScript.
// Output goes to build/static (ignored by git); Django finds it through STATICFILES_DIRS.
import { compile } from "sass";
import { mkdirSync, writeFileSync, copyFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build", "static");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");

mkdirSync(join(out, "goldenthread"), { recursive: true });
const result = compile(join(root, "src", "goldenthread", "web", "scss", "app.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "goldenthread", "app.css"), result.css);
mkdirSync(join(out, "govuk"), { recursive: true });
copyFileSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk", "govuk-frontend.min.js"));
console.log(`assets built in ${out}`);
