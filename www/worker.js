// One worker of www/pool.js or www/training.js: its own instance of the page's wasm
// build (the one www/wasm.js picked for the page) and either
//  - a copy of the width sweep built from the page's settings (src/explorer/units.rs),
//    computing units on request (the pool's workers), or
//  - a copy of the SGD runs (src/explorer/training.rs), advanced while the page plays,
//    sending their news (the training worker).
// No maths here.
// Messages in:  {type: "init", build, module}   (module: the page's compiled wasm)
//               {type: "config", gen, settings}
//               {type: "unit", gen, unit}  {type: "fail"} / {type: "crash"} (tests)
//               {type: "train", gen, settings}  {type: "play", gen, on}
//               {type: "stride", gen}  {type: "pace", gen, pace}
// Messages out: {type: "ready"}  {type: "unit", gen, unit, value, ms}
//               {type: "news", gen, news, done}   the SGD runs' progress (Float64Array)
//               {type: "error", gen, unit, message, field}   a core error (by field)
//               {type: "crash", gen, unit, message}           anything else (a bug)
import { BUILDS } from "./wasm.js";

let mod = null;
let sweep = null;
let gen = -1;
let failNext = false;
let chain = Promise.resolve();
// The training worker's state: its runs, whether the page plays, the last slice's time.
let trainer = null;
let playing = false;
let lastSlice = 0;
let sliceQueued = false;
const SLICE_MS = 20; // compute between two news (the page redraws at most every 50 ms)
const loop = new MessageChannel(); // a zero-delay turn that lets the page's messages in
loop.port1.onmessage = () => { sliceQueued = false; slice(); };

const post = (m) => self.postMessage(m);

async function handle(m) {
  if (m.type === "init") {
    mod = await import(BUILDS[m.build] || BUILDS.simd128);
    // The page's compiled module when it could send one, else this worker compiles.
    await mod.default(m.module instanceof WebAssembly.Module ? { module_or_path: m.module } : undefined);
    post({ type: "ready" });
  } else if (m.type === "config") {
    gen = m.gen;
    sweep = rebuild(sweep, mod.SweepWorker, m.settings);
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
  } else if (m.type === "train") {
    gen = m.gen;
    playing = false;
    trainer = rebuild(trainer, mod.SgdWorker, m.settings);
  } else if (m.type === "play") {
    if (m.gen !== gen || !trainer) return;
    if (m.on && !playing) lastSlice = 0; // a new start earns no steps for the time paused
    playing = m.on;
    queueSlice();
  } else if (m.type === "stride") {
    if (m.gen !== gen || !trainer) return;
    playing = false;
    trainer.advanceStride();
    sendNews();
  } else if (m.type === "pace") {
    if (m.gen !== gen || !trainer) return;
    try { trainer.setPace(m.pace); } catch (e) { report(e, null); }
  } else if (m.type === "fail") {
    failNext = true;
  } else if (m.type === "crash") {
    // A forced crash (tests): an exception nobody catches, as a bug would throw.
    setTimeout(() => { throw new Error("forced worker crash"); }, 0);
  }
}

// The worker's copy for new settings (the old one freed); null, reported, if refused.
function rebuild(old, Copy, settings) {
  if (old) old.free();
  try {
    return new Copy(settings);
  } catch (e) {
    report(e, null);
    return null;
  }
}

// Play: slices of SGD, each followed by its news; at full speed the next slice comes
// at once (after any message from the page: a pause), at a slower pace every 16 ms.
function queueSlice() {
  if (sliceQueued || !playing || !trainer || trainer.done()) return;
  sliceQueued = true;
  if (trainer.paced()) setTimeout(() => { sliceQueued = false; slice(); }, 16);
  else loop.port2.postMessage(0);
}

function slice() {
  if (!playing || !trainer) return;
  const t = performance.now();
  const dt = lastSlice ? t - lastSlice : 0;
  lastSlice = t;
  try {
    trainer.advancePaced(SLICE_MS, dt);
    sendNews();
  } catch (e) {
    playing = false;
    report(e, null);
    return;
  }
  queueSlice();
}

function sendNews() {
  const news = trainer.news();
  // A Float64Array, handed over without a copy.
  if (news !== undefined) self.postMessage({ type: "news", gen, news, done: trainer.done() }, [news.buffer]);
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
