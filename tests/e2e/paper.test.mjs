// The paper-scale presets in the page (Chromium): "Figure 1 (paper scale)" and
// "Figure 2 (paper scale)" set d = 450, N/d from 0.1 to 10 and 10 draws (SGD at
// d = 100 beside the exact limits at d = 450); the worker
// pool starts at once, the page shows the time left and a Stop button, stays
// responsive, and Stop ends the workers. Then the same settings at reduced work (one
// draw, N/d up to 3) run to the end in the workers, every dot finite, equal to the
// dots one thread computes. Run: node --test tests/e2e/paper.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, open, sweepDone, builds, builtAfter } from "./harness.mjs";

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

for (const [name, label, model] of [["fig1_paper", "Figure 1 (paper scale)", "qf"], ["fig2_paper", "Figure 2 (paper scale)", "mg"]]) {
  test(`${label}: d = 450, N/d 0.1..10, 10 draws in the workers; time left, Stop; reduced draws run to the end`, async () => {
    const { page, context, problems, foreign } = await open(env);
    await sweepDone(page);
    const b0 = await builds(page);
    await page.getByRole("button", { name: label }).click();
    await builtAfter(page, b0, 20000);
    const state = await page.evaluate(() => window.lazyExplorer.state);
    assert.deepEqual([state.model, state.d, state.rho_min, state.rho_max, state.rho_points, state.draws], [model, "450", "0.1", "10", "11", "10"]);
    assert.equal(await page.evaluate(() => document.body.dataset.activePreset), name);
    // SGD (the right plot) at d = 100, N = 50, 100000 steps, beside the limits at d = 450
    // (README, "The right plot at paper scale"): the control, the plot's text alternative.
    assert.deepEqual([state.sgd_d, state.neurons, state.steps, state.record_every], ["100", "50", "100000", "500"]);
    assert.equal(await page.locator("#sgd_d").inputValue(), "100");
    await page.waitForFunction(() => /one-pass SGD at d = 100 \(the width plot's d is 450\), N = 50: .*at d = 450 with N = 225: 0\.\d{3}/.test(document.getElementById("plot-sgd").getAttribute("aria-label")), null, { timeout: 10000 });
    // The workers run: units come in, a time left shows, the Stop button is offered.
    await page.waitForFunction(() => window.lazyExplorer.explorer.sweepUnits() >= 3, null, { timeout: 60000 });
    await page.waitForFunction(() => /left$/.test(document.getElementById("sweep-left").textContent), null, { timeout: 30000 });
    assert.equal(await page.locator("#sweep-stop").isVisible(), true);
    const pool = await page.evaluate(() => ({ ok: window.lazyExplorer.pool.ok, workers: window.lazyExplorer.pool.workers.length, total: window.lazyExplorer.explorer.sweepUnitsTotal() }));
    assert.ok(pool.ok && pool.workers >= 1, JSON.stringify(pool));
    assert.equal(await page.evaluate(() => document.body.dataset.workers), String(pool.workers));
    assert.equal(pool.total, model === "qf" ? 11 * 10 * 3 + 11 : 11 * 10 * 2 + 11, "units: RF (two kinds for qf) and NT per draw, NN once per N/d");
    // The main thread stays free: a click on Pause/Play answers at once.
    const t0 = Date.now();
    await page.getByRole("button", { name: "Play" }).click();
    await page.getByRole("button", { name: "Pause" }).waitFor({ timeout: 2000 });
    await page.getByRole("button", { name: "Pause" }).click();
    console.log(`# ${name}: Play answered in ${Date.now() - t0} ms while the workers computed`);
    // Stop: the workers end, the dots so far stay.
    await page.locator("#sweep-stop").click();
    const stopped = await page.evaluate(() => ({ workers: window.lazyExplorer.pool.workers.length, units: window.lazyExplorer.explorer.sweepUnits(), hidden: document.getElementById("sweep-stop").hidden }));
    assert.deepEqual([stopped.workers, stopped.hidden], [0, true]);
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => window.lazyExplorer.explorer.sweepUnits()), stopped.units, "nothing comes in after Stop");
    // Reduced work, same scale of d: one draw, N/d from 0.1 to 3.
    const b1 = await builds(page);
    await page.locator("#draws").fill("1");
    await page.locator("#rho_max").fill("3");
    await page.locator("#rho_max").press("Enter");
    await builtAfter(page, b1, 20000);
    await sweepDone(page, 120000);
    // The last values from the workers reach the plot and its text alternative.
    await page.waitForFunction(() => /\(100% computed\)/.test(document.getElementById("plot-width").getAttribute("aria-label")), null, { timeout: 5000 });
    const curves = model === "qf" ? ["rf_iso", "rf_opt", "nt", "nn"] : ["rf", "nt", "nn"];
    const pooled = await page.evaluate((cs) => Object.fromEntries(cs.map((c) => [c, Array.from(window.lazyExplorer.explorer.sweepMeans(c))])), curves);
    for (const [c, v] of Object.entries(pooled)) {
      assert.equal(v.length, 11, c);
      for (const x of v) assert.ok(Number.isFinite(x) && x >= 0 && x <= 1.0001, `${c}: ${v}`);
    }
    // The same dots on one thread (the N <= 1350 units here take a few seconds).
    const single = await page.evaluate((cs) => {
      const ui = window.lazyExplorer;
      const ex = new ui.explorer.constructor(ui.state);
      while (!ex.sweepDone()) ex.advanceSweepUnits(4);
      const out = Object.fromEntries(cs.map((c) => [c, Array.from(ex.sweepMeans(c))]));
      ex.free();
      return out;
    }, curves);
    assert.deepEqual(pooled, single);
    assert.deepEqual(problems, []);
    assert.deepEqual(foreign, []);
    await context.close();
  });
}
