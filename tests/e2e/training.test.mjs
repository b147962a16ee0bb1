// The SGD runs in a Web Worker (www/training.js, www/worker.js) in the page, under its
// Content-Security-Policy: Play to the end gives the records the main thread computes
// (?workers=0) bit for bit; Step takes a fortieth of the steps; Pause (and plots out of
// view) leave the worker idle; a divergence is shown beside its step size.
// Run: node --test tests/e2e/training.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, open, sweepDone, workerCores } from "./harness.mjs";

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

const LINK = "#v=1&d=24&neurons=8&steps=6000&record_every=100&seed=7";

// Play the page's runs to the end; returns where they ran and their export.
async function playToEnd(query) {
  const { page, context, problems } = await open(env, env.base + query + LINK);
  await sweepDone(page);
  const trainer = await page.evaluate(() => document.body.dataset.trainer);
  await page.locator("#play").click();
  await page.waitForFunction(() => document.body.dataset.sgd === "done", null, { timeout: 120000 });
  const sgd = await page.evaluate(() => JSON.parse(window.lazyExplorer.explorer.exportJson()).sgd);
  const summary = await page.locator("#plot-sgd").getAttribute("aria-label");
  await context.close();
  return { trainer, sgd, summary, problems };
}

test("Play in the worker gives the main thread's records, bit for bit", async () => {
  const worker = await playToEnd("");
  const main = await playToEnd("?workers=0");
  assert.equal(worker.trainer, "worker");
  assert.equal(main.trainer, "main");
  assert.deepEqual(worker.problems, []);
  for (const r of ["nt", "nn"]) {
    assert.equal(worker.sgd[r].samples.length, 6000 / 100 + 1, `${r}: a record at 0 and every 100 steps`);
    assert.equal(worker.sgd[r].samples.at(-1), 6000 * 100, "steps x batch samples at the end");
  }
  // JSON text of the same f64 values is the same text (shortest round-trip digits).
  assert.equal(JSON.stringify(worker.sgd), JSON.stringify(main.sgd));
  assert.equal(worker.summary, main.summary, "the text alternative too");
});

test("Step takes a fortieth of the steps; Pause and plots out of view leave the worker idle", async () => {
  // Long runs (d = 100, N = 50: seconds of SGD), so Play is still on when we look.
  const { page, context, problems } = await open(env, env.base + "#v=1&d=100&neurons=50&steps=40000&rho_points=3&draws=1");
  await sweepDone(page);
  const progress = () => page.evaluate(() => window.lazyExplorer.explorer.sgdProgress());
  await page.locator("#step").click();
  await page.waitForFunction(() => window.lazyExplorer.explorer.sgdProgress() > 0, null, { timeout: 20000 });
  assert.equal(await progress(), 1 / 40);
  // Playing: the worker computes. Paused: from 100 ms on, it uses no CPU.
  await page.locator("#play").click();
  await page.waitForFunction(() => window.lazyExplorer.explorer.sgdProgress() > 0.05, null, { timeout: 60000 });
  const playing = await workerCores(page, 400);
  await page.locator("#play").click();
  await page.waitForTimeout(100);
  const p0 = await progress();
  const paused = await workerCores(page, 400);
  assert.equal(await progress(), p0, "no progress while paused");
  console.log(`# training worker's cores: playing ${playing.toFixed(2)}, paused ${paused.toFixed(2)}`);
  assert.ok(playing > 0.3, `a playing worker computes (saw ${playing.toFixed(2)} cores)`);
  assert.ok(paused < 0.05, `a paused worker is idle (saw ${paused.toFixed(2)} cores)`);
  // Playing but scrolled out of view (the plots unseen): no progress, no CPU.
  await page.locator("#play").click();
  await page.waitForFunction((p) => window.lazyExplorer.explorer.sgdProgress() > p, p0, { timeout: 20000 });
  await page.evaluate(() => { document.body.style.minHeight = "20000px"; window.scrollTo(0, 19000); });
  await page.waitForFunction(() => !window.lazyExplorer.seen(), null, { timeout: 5000 });
  await page.waitForTimeout(100);
  const p1 = await progress();
  const hidden = await workerCores(page, 400);
  assert.equal(await progress(), p1, "no progress while unseen");
  assert.ok(hidden < 0.05, `an unseen page's worker is idle (saw ${hidden.toFixed(2)} cores)`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForFunction((p) => window.lazyExplorer.explorer.sgdProgress() > p, p1, { timeout: 20000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test("a divergence in the worker is shown beside its step size and stops Play", async () => {
  const { page, context } = await open(env, env.base + "#v=1&d=20&eta_nn=50&steps=2000&record_every=10");
  await sweepDone(page);
  assert.equal(await page.evaluate(() => document.body.dataset.trainer), "worker");
  await page.locator("#play").click();
  await page.locator("#err-eta_nn").waitFor({ state: "visible", timeout: 20000 });
  assert.match(await page.locator("#err-eta_nn").textContent(), /diverged/);
  assert.equal(await page.locator("#eta_nn").getAttribute("aria-invalid"), "true");
  await page.locator("#play", { hasText: "Play" }).waitFor();
  await context.close();
});
