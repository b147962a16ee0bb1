// The same end-to-end checks of the page in each browser engine (tests/e2e-engines/
// engines.mjs): Chromium, Firefox ESR and WebKitGTK (Safari's engine). Per engine: it
// loads with no error, the default sweep completes, Play and Pause work, a bad value
// shows its error next to its control, embed mode shows only the plots, the paper-scale
// sweep (one draw) runs in the workers with the page drawing only while one of them
// waits, and the JSON export holds the native command line's numbers for the same
// settings (1e-9).
// It also saves a PNG of the explanation (its formulas) per engine in test-results/.
// Run: bash scripts/test-engines.sh (ENGINES=webkit,firefox to choose).
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { serve, launch, until, sleep, ROOT, OUT, ENGINES } from "./engines.mjs";
import { recordDrawings, PAPER_ONE_DRAW } from "../e2e/harness.mjs";

const chosen = (process.env.ENGINES || ENGINES.join(",")).split(",").map((s) => s.trim()).filter(Boolean);
// Generous: the checks are about behaviour, not speed (make bench measures speed), and
// a 2-core machine running other jobs can be slow.
const SWEEP_MS = 90000;
const BIN = path.join(ROOT, "target/release/lazy-training");

let server;
before(async () => { server = await serve(); });
after(async () => { await server.close(); });

// The native command line's exact sweep for the page's default settings (state.js).
function nativeSweep(rho) {
  if (!fs.existsSync(BIN)) {
    const b = spawnSync("cargo", ["build", "--release", "--quiet", "--bin", "lazy-training"], { cwd: ROOT, stdio: "inherit" });
    assert.equal(b.status, 0, "cargo build failed");
  }
  const r = spawnSync(BIN, ["exact", "--model", "qf", "--d", "30", "--seed", "1", "--draws", "5", "--rho", rho.join(","), "--quiet"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const sweepDone = (b) => until(async () => (await b.attr("body", "data-sweep")) === "done", SWEEP_MS, "the default sweep");

// A fresh page load (about:blank first, so that a URL differing only in its hash loads anew).
async function load(b, url) {
  await b.goto("about:blank");
  await b.goto(url);
  return until(async () => await b.attr("body", "data-wasm"), 30000, "the wasm module to load");
}

for (const name of chosen) {
  describe(name, () => {
    let b;
    before(async () => { b = await launch(name); });
    after(async () => { if (b) await b.close(); });

    test("loads with no error and the default sweep completes", async () => {
      const build = await load(b, server.base);
      assert.ok(["relaxed", "simd128"].includes(build), `wasm build ${build}`);
      await sweepDone(b);
      const status = await b.text("#status");
      assert.ok(!/could not start|Not applied/.test(status), `status: ${status}`);
      assert.equal(Number(await b.prop("#sweep-progress", "value")), 1);
      // The sweep ran in the page's Web Workers (www/pool.js), not on its main thread.
      const workers = Number(await b.attr("body", "data-workers"));
      assert.ok(workers >= 1, `the sweep's workers: ${workers}`);
      const summary = await b.attr("#plot-width", "aria-label");
      assert.match(summary, /\(100% computed\)/, summary);
      assert.doesNotMatch(summary, /not yet computed|NaN/, summary);
      console.log(`# ${b.name} (${b.version}): wasm build ${build}, ${workers} workers`);
      fs.mkdirSync(OUT, { recursive: true });
      await b.shot("article.explain", path.join(OUT, `explain-${name}.png`));
      // The formulas' norm bars and angle brackets are drawn: "||B||" in tau is wider
      // than "B" by two glyphs, and every such fence has a glyph's width (WebKit drew
      // them as nothing while they were stretchy).
      const norm = await b.rect(".qf-only mfrac msubsup > mrow");
      const bee = await b.rect(".qf-only mfrac msubsup > mrow > mi");
      assert.ok(norm.width > bee.width + 6, `||B|| is ${norm.width} px wide, B alone ${bee.width} px`);
      const fences = await b.rects("article.explain section:not(.mg-only) mo[stretchy=false]");
      assert.equal(fences.length, 12, "the norm bars and angle brackets of the visible formulas");
      for (const r of fences) assert.ok(r.width >= 3, `a fence ${r.width} px wide`);
      assert.deepEqual(b.console, []);
    });

    test("Play runs SGD, Pause stops it", async () => {
      assert.equal((await b.text("#play")).trim(), "Play");
      const p0 = Number(await b.prop("#sgd-progress", "value"));
      await b.click("#play");
      await until(async () => (await b.text("#play")).trim() === "Pause" && (await b.attr("body", "data-sgd")) === "playing", 5000, "Pause");
      await until(async () => Number(await b.prop("#sgd-progress", "value")) > p0 + 0.02, 30000, "SGD progress");
      await b.click("#play");
      await until(async () => (await b.text("#play")).trim() === "Play" && (await b.attr("body", "data-sgd")) === "paused", 5000, "Play");
      await sleep(300); // the SGD worker's last slice may still report
      const p1 = Number(await b.prop("#sgd-progress", "value"));
      assert.ok(p1 > p0 && p1 < 1, `progress ${p0} -> ${p1}`);
      await sleep(600);
      assert.equal(Number(await b.prop("#sgd-progress", "value")), p1, "SGD kept running after Pause");
      // The SGD plot's text alternative states both runs' current risks, as numbers.
      const summary = await b.attr("#plot-sgd", "aria-label");
      assert.doesNotMatch(summary, /NaN|Infinity/, summary);
      assert.deepEqual(b.console, []);
    });

    test("a bad dimension shows its error next to the d control, a good one clears it", async () => {
      await b.type("#d", "1");
      await until(async () => (await b.prop("#err-d", "hidden")) === false, 5000, "the error under d");
      const msg = await b.text("#err-d");
      assert.match(msg, /\b2\b/, `the message should state the allowed range: ${msg}`);
      assert.equal(await b.attr("#d", "aria-invalid"), "true");
      assert.equal(await b.attr("#d", "aria-describedby"), "err-d");
      assert.ok(await b.visible("#err-d"));
      assert.equal(await b.prop("#err-general", "hidden"), true, "the error belongs beside d, not in the general slot");
      await b.type("#d", "30");
      await until(async () => (await b.prop("#err-d", "hidden")) === true, 5000, "the error to clear");
      assert.equal(await b.attr("#d", "aria-invalid"), null);
      await sweepDone(b);
    });

    test("embed mode shows the plots and Play only", async () => {
      await load(b, server.base + "#v=1&embed=1");
      assert.match(await b.attr("body", "class"), /\bembed\b/);
      await sweepDone(b);
      assert.equal(await b.visible("#plot-width"), true);
      assert.equal(await b.visible("#play"), true);
      assert.equal(await b.visible("#controls"), false);
      assert.equal(await b.visible("article.explain"), false);
      assert.equal(await b.visible("#open-full"), true);
      const r = await b.rect("#plot-width");
      assert.ok(r.width > 200 && r.height > 100, `plot ${r.width} x ${r.height}`);
      assert.deepEqual(b.console, []);
    });

    test("Figure 1 at the paper's scale, one draw: the workers compute it, and the page draws only while one is between units", async () => {
      await load(b, server.base);
      await sweepDone(b);
      // Every plot drawing from now on notes how many workers had units in flight.
      await b.js(recordDrawings, PAPER_ONE_DRAW);
      await until(async () => (await b.attr("body", "data-sweep")) === "running", 10000, "the paper-scale sweep to start");
      await sweepDone(b);
      const r = await b.js(() => ({ draws: window.draws, held: window.lazyExplorer.pool.held, summary: document.getElementById("plot-width").getAttribute("aria-label") }));
      const during = r.draws.filter((d) => d.sweeping && d.workers >= 2);
      console.log(`# ${b.name}: ${during.length} drawings while ${during.length ? during[0].workers : "?"} workers swept; workers computing at each: ${during.map((d) => d.computing).join(" ")}`);
      assert.ok(during.length >= 1, "the plots were drawn while the workers swept");
      for (const d of during) assert.ok(d.computing < d.workers, `a drawing while every worker computed: ${JSON.stringify(d)}`);
      assert.equal(r.held, false, "the pool hands out units again after the last redraw");
      assert.match(r.summary, /\(100% computed\)/, r.summary);
      assert.deepEqual(b.console, []);
    });

    test("the JSON export holds the native command line's sweep (1e-9)", async () => {
      await load(b, server.base);
      await sweepDone(b);
      // Catch the download: the page hands a Blob to URL.createObjectURL and clicks a link.
      await b.js(() => {
        window.__download = null;
        const make = URL.createObjectURL.bind(URL);
        URL.createObjectURL = (blob) => { blob.text().then((t) => { window.__download = t; }); return make(blob); };
        HTMLAnchorElement.prototype.click = function () { window.__downloadName = this.download; };
        return true;
      });
      await b.click("#export-json");
      const text = await until(() => b.js(() => window.__download), 10000, "the JSON download");
      assert.match(await b.js(() => window.__downloadName), /^lazy-training-qf-d30-seed1\.json$/);
      const doc = JSON.parse(text);
      assert.equal(doc.format, "lazy-training-explorer/1");
      const rho = doc.data.sweep.rho;
      assert.equal(rho.length, 11);
      const native = nativeSweep(rho);
      const curves = Object.keys(native.curves);
      assert.ok(curves.length >= 3, `native curves ${curves}`);
      for (const c of curves) {
        const got = doc.data.sweep.curves[c].mean, want = native.curves[c].mean;
        assert.equal(got.length, want.length, c);
        for (let i = 0; i < want.length; i++) {
          assert.ok(Math.abs(got[i] - want[i]) <= 1e-9 * Math.max(1, Math.abs(want[i])), `${c}[${i}]: ${b.name} ${got[i]} vs native ${want[i]}`);
        }
      }
      assert.deepEqual(b.console, []);
    });
  });
}
