// Writes the golden copies of the page's exports (tests/golden/page-*.json) from the
// page's plain wasm build (www/pkg, loaded in Node). Run once, before a refactoring,
// with `node tests/golden/capture.mjs`; tests/e2e/golden.test.mjs and the native
// tests/golden.rs then compare what the code exports now with these copies.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
// The cases (also written to page-cases.json, which tests/golden.rs reads).
export const CASES = {
  // The page's defaults at small sizes, run to the end.
  "page-qf": { settings: { model: "qf", d: "12", rho_points: "4", draws: "2", neurons: "6", steps: "600", record_every: "100", seed: "3" }, sweepUnits: 1e9, sgdSteps: 1e9 },
  "page-mg": { settings: { model: "mg", d: "12", rho_points: "4", draws: "2", neurons: "6", steps: "600", record_every: "100", seed: "3" }, sweepUnits: 1e9, sgdSteps: 1e9 },
  // Part-way: dots not yet computed (null), SGD stopped between records.
  "page-qf-partial": { settings: { model: "qf", d: "10", spectrum: "spiked:2", activation: "relu", regimes: "nt,nn", rho_points: "3", draws: "2", neurons: "4", steps: "500", record_every: "100", seed: "5" }, sweepUnits: 2, sgdSteps: 250 },
};

export async function wasmModule() {
  const m = await import(path.join(ROOT, "www/pkg/lazy_training.js"));
  m.initSync({ module: fs.readFileSync(path.join(ROOT, "www/pkg/lazy_training_bg.wasm")) });
  return m;
}

/** Everything the page exports for one case: JSON, per-panel CSV, table, text alternative. */
export function exportsOf(m, c) {
  const ex = new m.Explorer(c.settings);
  let left = c.sweepUnits;
  while (!ex.sweepDone() && left > 0) { ex.advanceSweepUnits(Math.min(left, 50)); left -= 50; }
  let steps = c.sgdSteps;
  while (!ex.sgdDone() && steps > 0) { ex.advanceSgdSteps(Math.min(steps, 100)); steps -= 100; }
  const out = { settings: c.settings, export_json: JSON.parse(ex.exportJson()), csv: [], table: [], summary: [] };
  for (const p of [0, 1, 2]) {
    out.csv.push(ex.csv(p));
    out.table.push(JSON.parse(ex.table(p)));
    out.summary.push(ex.summary(p));
  }
  ex.free();
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const m = await wasmModule();
  fs.writeFileSync(path.join(HERE, "page-cases.json"), JSON.stringify(CASES, null, 1) + "\n");
  for (const [name, c] of Object.entries(CASES)) {
    fs.writeFileSync(path.join(HERE, name + ".json"), JSON.stringify(exportsOf(m, c), null, 1) + "\n");
    console.log("wrote", name);
  }
}
