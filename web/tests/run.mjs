// Runs every browser scenario (web/tests/*.mjs but the harness and this runner), one after another,
// each in its own node process with its own local stack; exits 1 if any failed.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const scenarios = readdirSync(here)
  .filter(f => f.endsWith(".mjs") && !["harness.mjs", "run.mjs"].includes(f))
  .filter(f => !only.length || only.some(o => f.includes(o)))
  .sort();
let failed = 0;
for (const file of scenarios) {
  const result = spawnSync(process.execPath, [join(here, file)], { stdio: "inherit" });
  if (result.status !== 0) failed += 1;
}
if (!scenarios.length) { console.error("browser-test: no scenario matched"); process.exit(1); }
console.log(`browser-test: ${scenarios.length - failed} of ${scenarios.length} scenario files passed`);
process.exit(failed ? 1 : 0);
