// Browser/Node side of `make bench`, driven by benches/run.py. A long-lived process:
// reads one JSON command per line on stdin, answers one JSON line on stdout, so the
// driver can alternate wasm and native measurements within one run.
//   {"cmd":"sgd","where":"chromium"|"node","d":30,"n":15,"batch":100,"steps":20000[,"wasm":"simd128"]}
//     Chromium runs the build the page picks there (www/wasm.js: relaxed SIMD), or the
//     plain simd128 build with "wasm":"simd128"; Node runs www/pkg (Node 20 has no
//     relaxed SIMD without a flag).
//   {"cmd":"page_sweep"}      load index.html, ms from navigation start to every dot of the default sweep
//   {"cmd":"page_longtask","secs":10}  play the default view; longest main-thread task (PerformanceObserver longtask)
//   {"cmd":"quit"}
// Serves the repository root and drives /usr/bin/chromium through the e2e tests'
// harness (tests/e2e/harness.mjs: static server on 127.0.0.1, playwright-core).
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { start, ROOT } from "../tests/e2e/harness.mjs";

// The e2e tests' harness: a static server on the repository root and /usr/bin/chromium.
let env = null, base;
const benchPages = {};
let nodeWasm = null; // www/pkg loaded in this Node process

async function getBrowser() {
  if (!env) {
    env = await start();
    base = env.base;
  }
  return env.browser;
}

async function chromiumSgd(c) {
  const key = c.wasm === "simd128" ? "simd128" : "page";
  if (!benchPages[key]) {
    const b = await getBrowser();
    const page = await (await b.newContext()).newPage();
    await page.goto(base + "benches/wasm-bench.html" + (key === "simd128" ? "?wasm=simd128" : ""));
    await page.waitForFunction(() => window.benchReady);
    benchPages[key] = page;
  }
  return await benchPages[key].evaluate(([d, n, b, s]) => window.benchSgd(d, n, b, s), [c.d, c.n, c.batch, c.steps]);
}

async function nodeSgd(c) {
  if (!nodeWasm) {
    nodeWasm = await import(path.join(ROOT, "www/pkg/lazy_training.js"));
    nodeWasm.initSync({ module: fs.readFileSync(path.join(ROOT, "www/pkg/lazy_training_bg.wasm")) });
  }
  const big = c.steps + Math.floor(c.steps / 10) + 10; // within the page's work cap
  const ex = new nodeWasm.Explorer({ model: "qf", d: c.d, neurons: c.n, batch: c.batch, regimes: "nn", steps: big, record_every: big, rho_points: 1, draws: 1, seed: 1 });
  ex.advanceSgdSteps(Math.max(1, Math.floor(c.steps / 10)));
  const t = performance.now();
  ex.advanceSgdSteps(c.steps);
  const secs = (performance.now() - t) / 1000;
  ex.free();
  return { secs, steps_per_s: c.steps / secs };
}

async function freshPage() {
  const b = await getBrowser();
  const ctx = await b.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return { ctx, page, errors };
}

async function pageSweep() {
  const { ctx, page, errors } = await freshPage();
  await page.goto(base);
  await page.waitForFunction(() => document.body.dataset.sweep === "done" && window.lazyExplorer && window.lazyExplorer.timings.sweep !== null, null, { timeout: 60000 });
  const t = await page.evaluate(() => ({ ...window.lazyExplorer.timings }));
  await ctx.close();
  return { ms: t.sweep, wasm_ms: t.wasm, theory_ms: t.theory, errors };
}

async function pageLongtask(secs) {
  const { ctx, page, errors } = await freshPage();
  await page.addInitScript(() => {
    window.__longtasks = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longtasks.push(e.duration); }).observe({ type: "longtask", buffered: true });
  });
  await page.goto(base);
  await page.waitForFunction(() => document.body.dataset.sweep === "done", null, { timeout: 60000 });
  await page.evaluate(() => { window.__longtasks.length = 0; });
  await page.getByRole("button", { name: "Play" }).click();
  await page.waitForTimeout(secs * 1000);
  const r = await page.evaluate(() => ({ tasks: window.__longtasks.slice(), samples: window.lazyExplorer.explorer.sgdSamples(), playing: window.lazyExplorer.playing }));
  await ctx.close();
  // No entry at all means no task reached 50 ms (the longtask threshold).
  return { longest_ms: r.tasks.length ? Math.max(...r.tasks) : 0, count: r.tasks.length, samples: r.samples, errors };
}

async function handle(c) {
  switch (c.cmd) {
    case "sgd": return c.where === "node" ? nodeSgd(c) : chromiumSgd(c);
    case "page_sweep": return pageSweep();
    case "page_longtask": return pageLongtask(c.secs || 10);
    default: throw new Error("unknown command " + c.cmd);
  }
}

const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  if (!line.trim()) continue;
  const c = JSON.parse(line);
  if (c.cmd === "quit") break;
  let out;
  try { out = { ok: true, ...(await handle(c)) }; } catch (e) { out = { ok: false, error: String(e && e.message || e) }; }
  process.stdout.write(JSON.stringify(out) + "\n");
}
if (env) await env.stop();
