// End-to-end test of the explorer page: a tiny static server on 127.0.0.1 serves the
// repository root (after `make build`), playwright-core drives the system's Chromium.
// Run: node --test tests/e2e/   (make test-e2e). Screenshots go to test-results/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { start, open as openWith, OUT, sweepDone } from "./harness.mjs";

let env, base;
before(async () => {
  env = await start();
  base = env.base;
});
after(async () => { await env.stop(); });

// A page that records console errors, page errors and requests to other origins.
const open = (url = base, viewport = { width: 1280, height: 900 }, deviceScaleFactor = 1) => openWith(env, url, viewport, deviceScaleFactor);

// Non-white pixels of a canvas, and a cheap fingerprint of its content.
const inkOf = (page, id) => page.evaluate((id) => {
  const c = document.getElementById(id);
  const { data } = c.getContext("2d").getImageData(0, 0, c.width, c.height);
  let ink = 0, hash = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] < 245 || data[i + 1] < 245 || data[i + 2] < 245) { ink++; hash = (hash * 31 + data[i] + 7 * data[i + 1] + 13 * data[i + 2] + i) | 0; }
  }
  return { ink, hash, w: c.width, h: c.height };
}, id);

test("loads cleanly: theory at once, every dot within 10 s, both plots drawn, nothing fetched elsewhere", async () => {
  const { page, context, problems, foreign } = await open();
  await page.waitForFunction(() => window.lazyExplorer && window.lazyExplorer.timings.theory !== null, null, { timeout: 10000 });
  await sweepDone(page, 10000);
  const t = await page.evaluate(() => window.lazyExplorer.timings);
  console.log(`# timings (ms from navigation start): wasm ready ${t.wasm.toFixed(0)}, theory drawn ${t.theory.toFixed(0)}, all dots ${t.sweep.toFixed(0)}`);
  assert.ok(t.sweep < 10000, `the default sweep took ${t.sweep} ms`);
  // Let the last frame paint.
  await page.waitForTimeout(100);
  const left = await inkOf(page, "plot-width");
  const right = await inkOf(page, "plot-sgd");
  assert.ok(left.ink > 0.03 * left.w * left.h, `left plot has only ${left.ink} inked pixels`);
  assert.ok(right.ink > 0.01 * right.w * right.h, `right plot has only ${right.ink} inked pixels`);
  assert.equal(await page.locator("#sweep-progress").evaluate((p) => p.value), 1);
  await page.getByRole("button", { name: "Play" }).waitFor();
  await page.getByRole("button", { name: "Step" }).waitFor();
  await page.getByRole("button", { name: "Reset" }).waitFor();
  await page.screenshot({ path: path.join(OUT, "default.png"), fullPage: true });
  assert.deepEqual(problems, []);
  assert.deepEqual(foreign, []);
  await context.close();
});

test("Play advances the SGD plot, Pause stops it", async () => {
  const { page, context, problems } = await open();
  await sweepDone(page);
  const before = await inkOf(page, "plot-sgd");
  const samples0 = await page.evaluate(() => window.lazyExplorer.explorer.sgdSamples());
  await page.getByRole("button", { name: "Play" }).click();
  await page.getByRole("button", { name: "Pause" }).waitFor();
  await page.waitForFunction((s0) => window.lazyExplorer.explorer.sgdSamples() > s0 + 200000, samples0, { timeout: 20000 });
  await page.screenshot({ path: path.join(OUT, "playing.png") });
  const during = await inkOf(page, "plot-sgd");
  assert.notEqual(during.hash, before.hash, "the SGD plot did not change while playing");
  const risks = await page.evaluate(() => window.lazyExplorer.explorer.sgdRisks("nn"));
  assert.ok(risks.length > 3 && risks[risks.length - 1] < risks[0], "NN risk should fall while playing");
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByRole("button", { name: "Play" }).waitFor();
  await page.waitForTimeout(100); // the worker's last slice may still report
  const paused = await page.evaluate(() => window.lazyExplorer.explorer.sgdSamples());
  await page.waitForTimeout(400);
  assert.equal(await page.evaluate(() => window.lazyExplorer.explorer.sgdSamples()), paused, "SGD kept running after Pause");
  assert.equal((await inkOf(page, "plot-sgd")).hash, (await inkOf(page, "plot-sgd")).hash);
  // Step advances by a slice without playing.
  await page.getByRole("button", { name: "Step" }).click();
  await page.waitForFunction((p) => window.lazyExplorer.explorer.sgdSamples() > p, paused, { timeout: 5000 }).catch(() => {});
  assert.ok(await page.evaluate(() => window.lazyExplorer.explorer.sgdSamples()) > paused, "Step did not advance SGD");
  await page.getByRole("button", { name: "Play" }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test("changing d recomputes both plots and the link", async () => {
  const { page, context, problems } = await open();
  await sweepDone(page);
  const left0 = await inkOf(page, "plot-width");
  const builds = await page.evaluate(() => window.lazyExplorer.builds);
  await page.getByLabel("Dimension d").fill("40");
  await page.getByLabel("Dimension d").dispatchEvent("change");
  await page.waitForFunction((b) => window.lazyExplorer.builds > b, builds, { timeout: 5000 });
  await sweepDone(page);
  await page.waitForTimeout(100);
  const left1 = await inkOf(page, "plot-width");
  assert.notEqual(left1.hash, left0.hash, "the width plot did not change with d");
  assert.match(await page.locator("#status").textContent(), /d = 40/);
  assert.match(page.url(), /d=40/);
  // The link reproduces the view.
  const again = await open(page.url());
  await sweepDone(again.page);
  assert.equal(await again.page.getByLabel("Dimension d").inputValue(), "40");
  await again.context.close();
  assert.deepEqual(problems, []);
  await context.close();
});

test("a bad value shows an error next to its control; the page keeps working", async () => {
  const { page, context, problems } = await open();
  await sweepDone(page);
  const left0 = await inkOf(page, "plot-width");
  const d = page.getByLabel("Dimension d");
  await d.fill("5000");
  await d.dispatchEvent("change");
  const err = page.locator("#err-d");
  await err.waitFor({ state: "visible", timeout: 5000 });
  assert.match(await err.textContent(), /dimension d must be between 2 and 450/);
  assert.equal(await d.getAttribute("aria-invalid"), "true");
  // The last good plot stays.
  assert.equal((await inkOf(page, "plot-width")).hash, left0.hash);
  await page.screenshot({ path: path.join(OUT, "error.png") });
  // A bad N/d range is reported by the rho controls.
  await d.fill("30");
  await page.getByLabel("N/d from").fill("-1");
  await page.getByLabel("N/d from").dispatchEvent("change");
  await page.locator("#err-rho").waitFor({ state: "visible", timeout: 5000 });
  assert.equal(await page.locator("#err-d").isHidden(), true);
  // Fixing it clears the error and recomputes.
  const builds = await page.evaluate(() => window.lazyExplorer.builds);
  await page.getByLabel("N/d from").fill("0.2");
  await page.getByLabel("N/d from").dispatchEvent("change");
  await page.waitForFunction((b) => window.lazyExplorer.builds > b, builds, { timeout: 5000 });
  assert.equal(await page.locator("#err-rho").isHidden(), true);
  await sweepDone(page);
  // A step size that diverges stops that run with a message next to it.
  const before = await page.evaluate(() => window.lazyExplorer.builds);
  await page.getByLabel("Step size η (NN)").fill("50");
  await page.getByLabel("Step size η (NN)").dispatchEvent("change");
  await page.waitForFunction(() => document.getElementById("eta_nn").value === "50" && window.lazyExplorer.state.eta_nn === "50", null, { timeout: 5000 });
  // Play only once the handle with the new step size is built (no race under load).
  await page.waitForFunction((b) => window.lazyExplorer.builds > b, before, { timeout: 10000 });
  await page.getByRole("button", { name: "Play" }).click();
  await page.locator("#err-eta_nn").waitFor({ state: "visible", timeout: 15000 });
  assert.match(await page.locator("#err-eta_nn").textContent(), /diverged/);
  await page.getByRole("button", { name: "Play" }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test("mg model and a narrow window", async () => {
  const { page, context, problems } = await open(base + "#v=1&model=mg&d=40");
  await sweepDone(page);
  assert.equal(await page.getByLabel("Model").inputValue(), "mg");
  await page.getByRole("button", { name: "Play" }).click();
  await page.waitForFunction(() => window.lazyExplorer.explorer.sgdProgress() > 0.3, null, { timeout: 30000 });
  await page.screenshot({ path: path.join(OUT, "mg.png"), fullPage: true });
  await context.close();
  const narrow = await open(base, { width: 400, height: 800 });
  await sweepDone(narrow.page);
  const c = await inkOf(narrow.page, "plot-width");
  assert.ok(c.w <= 400 && c.ink > 1000);
  await narrow.page.screenshot({ path: path.join(OUT, "narrow.png"), fullPage: true });
  assert.deepEqual([...problems, ...narrow.problems], []);
  await narrow.context.close();
});

test("crisp on high-DPI screens and redrawn when the window is resized", async () => {
  const { page, context, problems } = await open(base, { width: 1280, height: 900 }, 2);
  await sweepDone(page);
  const size = () => page.evaluate(() => {
    const c = document.getElementById("plot-width");
    const r = c.getBoundingClientRect();
    return { w: c.width, h: c.height, cssW: r.width, cssH: r.height };
  });
  const s = await size();
  assert.ok(Math.abs(s.w - 2 * s.cssW) <= 1 && Math.abs(s.h - 2 * s.cssH) <= 1, `backing ${s.w}x${s.h} for CSS ${s.cssW}x${s.cssH} at dpr 2`);
  assert.ok((await inkOf(page, "plot-width")).ink > 0.03 * s.w * s.h);
  await page.screenshot({ path: path.join(OUT, "dpr2.png") });
  await page.setViewportSize({ width: 900, height: 900 });
  await page.waitForFunction((w0) => document.getElementById("plot-width").width !== w0, s.w, { timeout: 5000 });
  await page.waitForTimeout(100);
  const t = await size();
  assert.ok(Math.abs(t.w - 2 * t.cssW) <= 1, "the canvas follows its container");
  assert.ok((await inkOf(page, "plot-width")).ink > 0.03 * t.w * t.h, "redrawn after the resize");
  assert.deepEqual(problems, []);
  await context.close();
});

// The page ships two builds (www/wasm.js): Chromium has relaxed SIMD, so it gets the
// one whose SGD products use fused multiply-adds; ?wasm=simd128 forces the plain one
// (what browsers without relaxed SIMD get). The same link must show the same numbers
// in both, to rounding: every number of the JSON export, 1e-9 relative.
test("the relaxed-SIMD and plain builds load as chosen and show the same numbers", async () => {
  const numbers = (v, out = []) => {
    if (typeof v === "number") out.push(v);
    else if (v && typeof v === "object") for (const k of Object.keys(v).sort()) numbers(v[k], out);
    return out;
  };
  for (const hash of ["#v=1&steps=2000&record_every=100", "#v=1&model=mg&d=24&neurons=6&steps=2000&record_every=100"]) {
    const runs = {};
    for (const query of ["", "?wasm=simd128"]) {
      const { page, context, problems } = await open(base + query + hash);
      await sweepDone(page);
      runs[query] = await page.evaluate(() => {
        const ex = window.lazyExplorer.explorer;
        while (!ex.sgdDone()) ex.advanceSgdSteps(500);
        return { build: document.body.dataset.wasm, footer: document.getElementById("wasm-build").textContent, data: JSON.parse(ex.exportJson()) };
      });
      assert.deepEqual(problems, []);
      await context.close();
    }
    assert.equal(runs[""].build, "relaxed", "Chromium has relaxed SIMD: the page should load pkg-relaxed");
    assert.match(runs[""].footer, /fused multiply-add/);
    assert.equal(runs["?wasm=simd128"].build, "simd128");
    const a = numbers(runs[""].data), b = numbers(runs["?wasm=simd128"].data);
    assert.ok(a.length > 100, `only ${a.length} numbers exported`);
    assert.equal(a.length, b.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
    console.log(`# ${hash}: ${a.length} numbers, largest relative difference relaxed vs plain ${worst.toExponential(2)}`);
    assert.ok(worst <= 1e-9, `relaxed and plain builds differ by ${worst}`);
  }
});

// A browser without WebAssembly SIMD (simulated: WebAssembly.validate says no) gets a
// message naming what is missing and which browsers have it, not a blank page.
test("without WebAssembly SIMD the page says what is missing", async () => {
  const { page, context } = await openWith(env, base, { width: 1280, height: 900 }, 1, () => { WebAssembly.validate = () => false; });
  await page.waitForFunction(() => /could not start/.test(document.getElementById("status").textContent), null, { timeout: 10000 });
  const status = await page.locator("#status").textContent();
  assert.match(status, /no WebAssembly SIMD.*Chrome or Edge 91\+, Firefox 89\+ or Safari 16\.4\+/);
  assert.equal(await page.locator("#status").evaluate((el) => el.classList.contains("bad")), true);
  assert.equal(await page.evaluate(() => document.body.dataset.wasm), undefined, "no build was loaded");
  assert.equal(await page.getByRole("button", { name: "Play" }).isDisabled(), true, "controls that cannot work are disabled");
  assert.equal(await page.locator("#d").isDisabled(), true);
  await page.screenshot({ path: path.join(OUT, "no-simd.png") });
  await context.close();
});
