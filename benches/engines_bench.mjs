// Per-engine page figures for `make bench` (benches/run.py calls it; also runs alone):
// Chromium, Firefox ESR and WebKitGTK side by side, through tests/e2e-engines/engines.mjs.
//   node benches/engines_bench.mjs [REPS]     (ENGINES=chromium,firefox,webkit)
// Per engine, medians over REPS page loads (default 3):
//   sweep_s      load to every dot of the default sweep (the page's own timings:
//                wasm ready and sweep done, ms since navigation start)
//   sgd_s        the default SGD run (30000 steps of NT and NN, batch 100, d = 30, N = 15):
//                Play pressed to the run done (data-sgd = done), timed from Node
//   sweep_compute_s, sgd_compute_s  the same sweep and SGD run computed in one go
//                outside the page loop (benches/wasm-bench.html: the same build, no
//                frames, no drawing): what the engine's wasm costs, apart from the page
//   sgd_compute_worker_s  the same SGD run in one go in a Web Worker (the page runs
//                it in one)
//   sgd_steps_s  qf NN SGD steps/s at d = 30, N = 15, batch 100, outside the page loop
//   frame_hz     requestAnimationFrame callbacks per second on an idle page
//   build        the wasm build www/wasm.js picked in that engine
// Prints a table, then one line of JSON.
import { serve, launch, until, sleep, engineVersion, ENGINES } from "../tests/e2e-engines/engines.mjs";

const REPS = Number(process.argv[2] || process.env.BENCH_ENGINE_REPS || 3);
const chosen = (process.env.ENGINES || ENGINES.join(",")).split(",").map((s) => s.trim()).filter(Boolean);
const med = (xs) => { const v = xs.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b); return v.length ? v[(v.length - 1) >> 1] : null; };

async function fresh(b, url) {
  await b.goto("about:blank");
  await b.goto(url);
}

async function pageRun(b, base) {
  await fresh(b, base);
  await until(async () => (await b.attr("body", "data-sweep")) === "done", 120000, "the default sweep");
  const t = await b.js(() => ({ ...window.lazyExplorer.timings }));
  await sleep(200);
  const t0 = Date.now();
  await b.click("#play");
  await until(async () => (await b.attr("body", "data-sgd")) === "done", 300000, "the default SGD run");
  const sgd = (Date.now() - t0) / 1000;
  return { sweep_s: t.sweep / 1000, wasm_s: t.wasm / 1000, sgd_s: sgd };
}

async function frameRate(b) {
  return b.js(() => new Promise((resolve) => {
    let n = 0;
    const t0 = performance.now();
    const tick = (t) => { n++; if (t - t0 < 1000) requestAnimationFrame(tick); else resolve(n / ((t - t0) / 1000)); };
    requestAnimationFrame(tick);
  }));
}

// The same work outside the page loop (benches/wasm-bench.html, the same build).
async function raw(b, base) {
  await fresh(b, base + "benches/wasm-bench.html");
  await until(() => b.js(() => window.benchReady === true), 30000, "the bench page");
  const sweep = (await b.js(() => window.benchSweep())).secs;
  const run = (await b.js(() => window.benchSgdRun())).secs;
  const inWorker = (await b.js(() => window.benchSgdRunInWorker())).secs;
  const steps = (await b.js(() => window.benchSgd(30, 15, 100, 20000))).steps_per_s;
  return { sweep, run, inWorker, steps };
}

const server = await serve();
const out = {};
try {
  for (const name of chosen) {
    const b = await launch(name);
    try {
      const runs = [];
      for (let i = 0; i < REPS; i++) runs.push(await pageRun(b, server.base));
      const build = await b.attr("body", "data-wasm");
      const hz = await frameRate(b);
      const bare = [];
      for (let i = 0; i < REPS; i++) bare.push(await raw(b, server.base));
      out[name] = {
        version: engineVersion(name),
        build,
        sweep_s: med(runs.map((r) => r.sweep_s)),
        sweep_s_runs: runs.map((r) => r.sweep_s),
        wasm_ready_s: med(runs.map((r) => r.wasm_s)),
        sgd_s: med(runs.map((r) => r.sgd_s)),
        sgd_s_runs: runs.map((r) => r.sgd_s),
        sgd_steps_s: med(bare.map((r) => r.steps)),
        sweep_compute_s: med(bare.map((r) => r.sweep)),
        sgd_compute_s: med(bare.map((r) => r.run)),
        sgd_compute_worker_s: med(bare.map((r) => r.inWorker)),
        frame_hz: hz,
      };
      console.error(`[bench] ${name}: ${JSON.stringify(out[name])}`);
    } finally {
      await b.close();
    }
  }
} finally {
  await server.close();
}

const names = Object.keys(out);
const ref = out.chromium;
const row = (label, key, fmt) => {
  const cells = names.map((n) => { const v = out[n][key]; return (v === null || v === undefined ? "null" : fmt(v)).padStart(22); });
  console.log(label.padEnd(34) + cells.join(""));
};
console.log("\n" + "per engine".padEnd(34) + names.map((n) => n.padStart(22)).join(""));
console.log("-".repeat(34 + 22 * names.length));
row("version", "version", (v) => v.replace(/^(Chromium|Mozilla Firefox|WebKitGTK) /, "").slice(0, 21));
row("wasm build picked", "build", String);
row("default sweep, s (median)", "sweep_s", (v) => v.toFixed(2));
row("  its compute alone, s", "sweep_compute_s", (v) => v.toFixed(2));
row("default SGD run, s (median)", "sgd_s", (v) => v.toFixed(2));
row("  its compute alone, s", "sgd_compute_s", (v) => v.toFixed(2));
row("  the same in a worker, s", "sgd_compute_worker_s", (v) => v.toFixed(2));
row("SGD steps/s outside the page loop", "sgd_steps_s", (v) => v.toFixed(0));
row("animation frames/s (idle)", "frame_hz", (v) => v.toFixed(1));
if (ref) {
  for (const key of ["sweep_s", "sgd_s"]) {
    console.log(`${key} / chromium`.padEnd(34) + names.map((n) => (out[n][key] && ref[key] ? (out[n][key] / ref[key]).toFixed(2) : "null").padStart(22)).join(""));
  }
}
console.log(JSON.stringify({ engines: out, reps: REPS }));
