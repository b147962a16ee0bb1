// One worker of www/pool.js: its own instance of the page's wasm build (the one
// www/wasm.js picked for the page), a copy of the width sweep built from the page's
// settings (src/explorer/units.rs), and units computed on request. No maths here.
// Messages in:  {type: "init", build}  {type: "config", gen, settings}
//               {type: "unit", gen, unit}  {type: "fail"} / {type: "crash"} (tests)
// Messages out: {type: "ready"}  {type: "unit", gen, unit, value, ms}
//               {type: "error", gen, unit, message, field}   a core error (by field)
//               {type: "crash", gen, unit, message}           anything else (a bug)
import { BUILDS } from "./wasm.js";

let mod = null;
let sweep = null;
let gen = -1;
let failNext = false;
let chain = Promise.resolve();

const post = (m) => self.postMessage(m);

async function handle(m) {
  if (m.type === "init") {
    mod = await import(BUILDS[m.build] || BUILDS.simd128);
    await mod.default();
    post({ type: "ready" });
  } else if (m.type === "config") {
    gen = m.gen;
    if (sweep) { sweep.free(); sweep = null; }
    try {
      sweep = new mod.SweepWorker(m.settings);
    } catch (e) {
      report(e, null);
    }
  } else if (m.type === "unit") {
    if (m.gen !== gen || !sweep) return;
    const t0 = performance.now();
    try {
      // A forced error (tests): a unit the sweep does not have; the core refuses it.
      const value = sweep.unitValue(failNext ? 0xffffffff : m.unit);
      post({ type: "unit", gen, unit: m.unit, value, ms: performance.now() - t0 });
    } catch (e) {
      report(e, m.unit);
    } finally {
      failNext = false;
    }
  } else if (m.type === "fail") {
    failNext = true;
  } else if (m.type === "crash") {
    // A forced crash (tests): an exception nobody catches, as a bug would throw.
    setTimeout(() => { throw new Error("forced worker crash"); }, 0);
  }
}

// A core error carries `.field` (the setting at fault, or null); anything else
// (a wasm trap, a panic) is a crash: the pool replaces this worker.
function report(e, unit) {
  const message = (e && e.message) || String(e);
  if (e && "field" in e) post({ type: "error", gen, unit, message, field: e.field });
  else post({ type: "crash", gen, unit, message });
}

self.onmessage = (ev) => {
  chain = chain.then(() => handle(ev.data)).catch((e) => report(e, ev.data && ev.data.unit));
};
