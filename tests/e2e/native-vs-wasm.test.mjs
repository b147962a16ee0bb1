// Seeds are portable: the page's wasm module (www/pkg, loaded in Node) and the native
// command line give the same numbers for the same settings and seed. Compares the
// exact-risk sweep (every curve, every N/d, mean over draws) and an SGD run's
// recorded risks, to 1e-9 relative (floating-point rounding may differ between
// native SIMD and wasm; the random streams must not).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = path.join(ROOT, "target/release/lazy-training");

function cli(args) {
  if (!fs.existsSync(BIN)) {
    const b = spawnSync("cargo", ["build", "--release", "--quiet"], { cwd: ROOT, stdio: "inherit" });
    assert.equal(b.status, 0, "cargo build failed");
  }
  const r = spawnSync(BIN, args, { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

async function wasmModule() {
  const m = await import(path.join(ROOT, "www/pkg/lazy_training.js"));
  m.initSync({ module: fs.readFileSync(path.join(ROOT, "www/pkg/lazy_training_bg.wasm")) });
  return m;
}

function close(a, b, what) {
  assert.equal(a.length, b.length, what + ": lengths");
  for (let i = 0; i < a.length; i++) {
    const tol = 1e-9 * Math.max(1, Math.abs(b[i]));
    assert.ok(Math.abs(a[i] - b[i]) <= tol, `${what}[${i}]: wasm ${a[i]} vs native ${b[i]}`);
  }
}

for (const model of ["qf", "mg"]) {
  test(`${model}: wasm sweep and SGD equal the native command line for the same seed`, async () => {
    const m = await wasmModule();
    const ex = new m.Explorer({ model, d: "24", seed: "7", draws: "3", rho_min: "0.2", rho_max: "2", rho_points: "5",
      neurons: "6", steps: "400", record_every: "100" });
    while (!ex.sweepDone()) ex.advanceSweepUnits(50);
    const rho = Array.from(ex.sweepRho());
    const native = cli(["exact", "--model", model, "--d", "24", "--seed", "7", "--draws", "3", "--rho", rho.join(","), "--quiet"]);
    for (const curve of Object.keys(native.curves)) {
      close(Array.from(ex.sweepMeans(curve)), native.curves[curve].mean, `${model} ${curve}`);
    }
    while (!ex.sgdDone()) ex.advanceSgdSteps(100);
    const eta = model === "qf" ? "0.02" : "0.3";
    const sgd = cli(["sgd", "--model", model, "--regime", "nn", "--d", "24", "--seed", "7", "--neurons", "6", "--lr", eta,
      "--steps", "400", "--record-every", "100"]);
    close(Array.from(ex.sgdRisks("nn")), sgd.risk, `${model} SGD nn`);
    ex.free();
  });
}
