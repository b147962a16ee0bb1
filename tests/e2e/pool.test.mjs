// The worker pool (www/pool.js, www/worker.js) in the page, under its
// Content-Security-Policy: the same numbers as one thread for the same seed, cancel
// stops every worker, a failing worker reports by field and a crashing one is
// replaced without changing the numbers; the page draws only while a worker waits.
// Run: node --test tests/e2e/pool.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, open, sweepDone, workerCores, recordDrawings, PAPER_ONE_DRAW } from "./harness.mjs";

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

// In the page: a pool of `size` workers computes the sweep of `settings` (over the
// page's defaults); returns every curve's means and spreads, and the pool's stats.
// `pool[during](0)` (a test hook) runs once, after the first unit is in.
const POOLED = async ({ settings, size, during }) => {
  const { Pool } = await import(location.origin + "/www/pool.js");
  const ui = window.lazyExplorer;
  const Ex = ui.explorer.constructor;
  const s = { ...ui.state, ...settings };
  const errors = [];
  const pool = new Pool({ build: document.body.dataset.wasm, size, onError: (e) => errors.push({ message: e.message, field: e.field }) });
  window.testPool = pool;
  const ex = new Ex(s);
  pool.start(ex, s);
  let hook = during ? (p) => p[during](0) : null;
  const t0 = performance.now();
  while (!ex.sweepDone() && errors.length === 0 && performance.now() - t0 < 60000) {
    pool.advance();
    if (hook && ex.sweepUnits() > 0) { hook(pool); hook = null; }
    await new Promise((r) => setTimeout(r, 5));
  }
  const curves = s.regimes.split(",").filter((c) => c !== "bayes");
  const out = { done: ex.sweepDone(), errors, stats: pool.stats(), means: {}, json: ex.exportJson() };
  for (const c of curves) out.means[c] = Array.from(ex.sweepMeans(c));
  pool.cancel();
  ex.free();
  return out;
};

const SINGLE = ({ settings }) => {
  const ui = window.lazyExplorer;
  const Ex = ui.explorer.constructor;
  const s = { ...ui.state, ...settings };
  const ex = new Ex(s);
  while (!ex.sweepDone()) ex.advanceSweepUnits(8);
  const out = { means: {}, json: ex.exportJson() };
  for (const c of s.regimes.split(",").filter((c) => c !== "bayes")) out.means[c] = Array.from(ex.sweepMeans(c));
  ex.free();
  return out;
};

const width = (json) => JSON.stringify(JSON.parse(json).width);

test("two workers give the numbers one thread gives, bit for bit (qf and mg)", async () => {
  const { page, context, problems } = await open(env);
  await sweepDone(page);
  for (const settings of [{ d: "40", draws: "3", activation: "relu" }, { model: "mg", d: "30", draws: "2", spectrum: "paper", regimes: "rf,nt,nn,bayes", eta_nn: "0.3" }]) {
    const one = await page.evaluate(SINGLE, { settings });
    const two = await page.evaluate(POOLED, { settings, size: 2 });
    assert.ok(two.done, "the pool finished");
    assert.deepEqual(two.errors, []);
    assert.equal(two.stats.size, 2);
    assert.deepEqual(two.means, one.means, "means per N/d");
    assert.equal(width(two.json), width(one.json), "the width panel's export (means, spreads, counts)");
    for (const v of Object.values(two.means).flat()) assert.ok(Number.isFinite(v));
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test("a crashing worker is replaced and the numbers do not change", async () => {
  const { page, context } = await open(env);
  await sweepDone(page);
  const settings = { d: "40", draws: "4" };
  const one = await page.evaluate(SINGLE, { settings });
  const two = await page.evaluate(POOLED, { settings, size: 2, during: "forceCrash" });
  assert.ok(two.done, "the pool finished after the crash");
  assert.deepEqual(two.errors, []);
  assert.equal(two.stats.replaced, 1, "one worker was replaced");
  assert.deepEqual(two.means, one.means);
  await context.close();
});

test("a worker's core error reports by field, and the page keeps working", async () => {
  const { page, context } = await open(env);
  await sweepDone(page);
  const r = await page.evaluate(POOLED, { settings: { d: "40", draws: "4" }, size: 2, during: "forceError" });
  assert.equal(r.done, false);
  assert.equal(r.errors.length, 1, JSON.stringify(r.errors));
  assert.equal(r.errors[0].field, "unit");
  assert.match(r.errors[0].message, /unit 4294967295 is not among the sweep's \d+ units/);
  // A new computation on the same page, by a new pool, completes with the page's numbers.
  const settings = { d: "30", draws: "2" };
  const one = await page.evaluate(SINGLE, { settings });
  const again = await page.evaluate(POOLED, { settings, size: 2 });
  assert.ok(again.done);
  assert.deepEqual(again.means, one.means);
  await context.close();
});

test("cancel stops every worker within 100 ms", async () => {
  const { page, context } = await open(env);
  await sweepDone(page);
    // Units of about a second each (N up to 1000 at d = 200): both workers busy.
  await page.evaluate(async () => {
    const { Pool } = await import(location.origin + "/www/pool.js");
    const ui = window.lazyExplorer;
    const s = { ...ui.state, d: "200", rho_min: "3", rho_max: "5", rho_points: "3", draws: "10", regimes: "rf_iso,rf_opt" };
    window.big = new ui.explorer.constructor(s);
    window.testPool = new Pool({ build: document.body.dataset.wasm, size: 2 });
    window.testPool.start(window.big, s);
    window.testPool.advance();
    window.advancing = setInterval(() => window.testPool.advance(), 20);
  });
  // Wait until the workers run (the wasm loaded, units handed out), then measure.
  await page.waitForFunction(() => window.testPool.workers.length === 2 && window.testPool.workers.every((w) => w.ready && w.inflight.size > 0), null, { timeout: 20000 });
  await page.waitForTimeout(400);
  const busy = await workerCores(page, 500);
  const cancelled = await page.evaluate(() => {
    const t0 = performance.now();
    window.testPool.cancel();
    return { ms: performance.now() - t0, workers: window.testPool.workers.length, busy: window.testPool.busy };
  });
  await page.waitForTimeout(100);
  const after = await workerCores(page, 500);
  console.log(`# worker threads' cores while computing ${busy.toFixed(2)}, from 100 to 600 ms after cancel ${after.toFixed(2)}; cancel() took ${cancelled.ms.toFixed(1)} ms`);
  assert.equal(cancelled.workers, 0);
  assert.equal(cancelled.busy, false);
  assert.ok(busy > 0.5, `two computing workers should keep more than half a core busy (shared machine), saw ${busy.toFixed(2)}`);
  assert.ok(after < 0.05, `from 100 ms after cancel the workers still used ${after.toFixed(2)} cores`);
  const units = await page.evaluate(() => { clearInterval(window.advancing); return window.big.sweepUnits(); });
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.big.sweepUnits()), units, "no unit came in after cancel");
  await context.close();
});

test("while the pool sweeps, the page draws only with a worker between units, and the units go out again after", async () => {
  const { page, context, problems } = await open(env, env.base + "?workers=2");
  await sweepDone(page);
  // Every plot drawing from now on notes how many workers had units in flight; then
  // Figure 1 at the paper's scale with one draw: redraws come at most every second, each
  // once a worker is between units.
  await page.evaluate(recordDrawings, PAPER_ONE_DRAW);
  await page.waitForFunction(() => document.body.dataset.sweep === "running", null, { timeout: 10000 });
  await sweepDone(page, 60000);
  const r = await page.evaluate(() => ({ draws: window.draws, held: window.lazyExplorer.pool.held, stats: window.lazyExplorer.pool.stats() }));
  const during = r.draws.filter((d) => d.sweeping && d.workers === 2);
  console.log(`# ${during.length} drawings while the two workers swept (${r.stats.units} units, ${(r.stats.wallMs / 1000).toFixed(1)} s); workers computing at each: ${during.map((d) => d.computing).join(" ")}`);
  // The first drawing with the new settings, then at least one redraw with values in.
  assert.ok(during.filter((d) => d.panel === 0).length >= 2, `the width plot should redraw during a sweep of ${(r.stats.wallMs / 1000).toFixed(1)} s, saw ${during.length} drawings`);
  for (const d of during) assert.ok(d.computing < 2, `a drawing while both workers computed: ${JSON.stringify(d)}`);
  assert.equal(r.held, false, "the pool hands out units again after the last redraw");
  assert.deepEqual(problems, []);
  await context.close();
});
