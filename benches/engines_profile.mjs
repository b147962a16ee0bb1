// Where the page's time goes in each engine (an investigation aid for `make bench`'s
// per-engine figures): wraps the wasm Explorer's methods from outside the page
// (driver script, after load) to sum, per frame, the time in the sweep/SGD compute,
// in drawing (drawPanel) and the frame count, over the default sweep and the
// default SGD run restarted with Reset and Play.
//   node benches/engines_profile.mjs   (ENGINES=webkit,chromium; DRAW=0 skips drawing)
import { serve, launch, until, sleep, ENGINES } from "../tests/e2e-engines/engines.mjs";

const chosen = (process.env.ENGINES || ENGINES.join(",")).split(",");
const server = await serve();
const res = {};
for (const name of chosen) {
  const b = await launch(name);
  try {
    await b.goto(server.base);
    await until(async () => (await b.attr("body", "data-sweep")) === "done", 120000, "sweep");
    await b.js((draw) => {
      const P = Object.getPrototypeOf(window.lazyExplorer.explorer);
      const acc = (window.__prof = { advanceSweep: 0, advanceSgd: 0, drawPanel: 0, frames: 0, calls: {} });
      for (const m of ["advanceSweep", "advanceSgd", "drawPanel", "sweepProgress", "sgdProgress", "summary"]) {
        const f = P[m];
        P[m] = function (...a) {
          if (m === "drawPanel" && !draw) return;
          const t = performance.now();
          try { return f.apply(this, a); } finally { acc[m] = (acc[m] || 0) + performance.now() - t; acc.calls[m] = (acc.calls[m] || 0) + 1; }
        };
      }
      const tick = () => { acc.frames++; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
      return true;
    }, process.env.DRAW !== "0");
    const phase = async (label, start, doneAttr) => {
      await b.js(() => { const a = window.__prof; for (const k of Object.keys(a)) if (typeof a[k] === "number") a[k] = 0; a.calls = {}; a.t0 = performance.now(); return true; });
      await start();
      await until(async () => (await b.attr("body", doneAttr)) === "done", 300000, label);
      const p = await b.js(() => ({ ...window.__prof, wall: performance.now() - window.__prof.t0 }));
      return p;
    };
    // A new seed: a new sweep from scratch (Reset keeps the finished one).
    const sweep = await phase("sweep", () => b.type("#seed", "2"), "data-sweep");
    await sleep(300);
    const sgd = await phase("sgd", () => b.click("#play"), "data-sgd");
    res[name] = { sweep, sgd };
    const r1 = (x) => Math.round(x);
    for (const [ph, p] of Object.entries(res[name])) {
      console.log(`${name} ${ph}: wall ${r1(p.wall)} ms, frames ${p.frames} (${r1(p.wall / p.frames)} ms each), compute ${r1(p.advanceSweep + p.advanceSgd)} ms, draw ${r1(p.drawPanel)} ms (${p.calls.drawPanel || 0} draws), summaries ${r1(p.summary)} ms`);
    }
  } finally { await b.close(); }
}
await server.close();
