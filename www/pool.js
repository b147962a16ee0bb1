// A pool of Web Workers (www/worker.js), each with its own instance of the page's wasm
// build, computing the width sweep's units while the main thread only hands them out,
// takes the values back and draws. The Explorer on the main thread decides which
// units come next and records values in any order (src/explorer/units.rs): the same
// seed gives the same numbers with any number of workers.
//
// The page's interface is small:
//   const pool = new Pool({ build, compiled, size, onError, onProgress });
//   pool.start(explorer, settings)  a new computation (the old one's results are dropped)
//   pool.advance()                  hand out units to idle workers (call once per frame)
//   pool.cancel()                   stop every worker now (they are terminated)
//   pool.paused = true              hand out no more units (the page is unseen); the
//                                   units in flight finish, advance() resumes
//   pool.hold(ms), pool.release()   the same for a redraw: no new units until release()
//                                   (or `ms` later), so the page draws with the cores
//                                   of the workers that are between units
//   pool.busy, pool.ok, pool.idle(), pool.timeLeft(), pool.stats()
// A worker whose unit fails with a core error reports it by field (onError, as the
// Explorer's own errors) and the sweep stops; a worker that crashes (a trap, an
// uncaught exception) is replaced and its units go to the next worker, once; a second
// crash on the same unit is reported. Without workers (no Worker, a blocked script,
// a worker that fails before it is ready) `ok` turns false, `onFallback` is called and
// the page computes on its main thread.

const MAX_WORKERS = 8;
// Units in flight per worker, at most: while they are cheap or small (the core decides:
// src/experiment.rs, Sweep::take_for, up to 8) they wait in the worker's queue, so a
// worker never idles for a round trip between small units, nor while a frame keeps the
// main thread from reading its values.
const DEPTH = 8;
// A second worker (and each next one) starts only once a computation has run this long
// (ms), and twice what a worker's start took (grow()).
const GROW_MS = 100;
// A sweep of more estimated flops than this (about a second of one worker) starts with
// every worker.
const LARGE_FLOPS = 2e9;

/** A module worker running www/worker.js (`url`) with the page's wasm `build` (and its
 *  compiled WebAssembly.Module `compiled`, if any, so that the worker does not compile
 *  it again): `onMessage(data)` gets its messages and `onCrash(message)` its failures
 *  (an uncaught error, an unreadable message). Returns null where workers cannot start. */
export function startWorker(url, build, onMessage, onCrash, what = "the worker", compiled = null) {
  let w;
  try {
    w = new Worker(url, { type: "module" });
  } catch (e) {
    return null;
  }
  w.onmessage = (ev) => onMessage(ev.data);
  w.onerror = (ev) => { ev.preventDefault(); onCrash(ev.message || `${what} stopped`); };
  w.onmessageerror = () => onCrash(`a message from ${what} could not be read`);
  try {
    w.postMessage({ type: "init", build, module: compiled });
  } catch (e) {
    w.postMessage({ type: "init", build }); // an engine that cannot send a compiled module
  }
  return w;
}

// A User Timing mark (in a browser's performance panel and traces; benches/paper_bench.mjs
// measures the main thread's tasks from the sweep's first unit sent).
function mark(name) {
  try { performance.mark(name); } catch (_) { /* an engine without User Timing marks */ }
}

export function defaultSize() {
  const n = (typeof navigator !== "undefined" && navigator.hardwareConcurrency) || 2;
  return Math.max(1, Math.min(MAX_WORKERS, n));
}

export class Pool {
  constructor({ build = "simd128", compiled = null, size = defaultSize(), onError = () => {}, onProgress = () => {}, onFallback = () => {}, url = new URL("./worker.js", import.meta.url) } = {}) {
    this.build = build;
    this.compiled = compiled;
    this.size = Math.max(1, Math.min(MAX_WORKERS, size | 0));
    this.onError = onError;
    this.onProgress = onProgress;
    this.onFallback = onFallback;
    this.fresh = false;       // values came in since the page last looked (the page resets it)
    this.paused = false;      // no new units while the page cannot be seen
    this.held = false;        // no new units while the page redraws (hold, release)
    this.holdTimer = 0;
    this.url = url;
    this.workers = [];
    this.gen = 0;
    this.ex = null;
    this.settings = null;
    this.requeue = [];        // units of a crashed worker, sent before new ones
    this.crashed = new Set(); // units that crashed a worker once
    this.failed = false;      // the current computation stopped on an error
    this.ok = typeof Worker === "function";
    this.started = 0;
    this.finished = null;
    this.unitsIn = 0;
    this.busyMs = 0;
    this.startMs = 0;         // the longest a worker took from its start to its first value
    this.firstAt = null;      // when the computation's first value came
    this.firstSent = null;    // when its first unit went to a worker
    this.grewAt = 0;          // when the last worker was added
    this.growTimer = 0;
    this.replaced = 0;        // workers replaced after a crash
  }

  get busy() {
    return this.workers.some((w) => w.inflight.size > 0) || this.requeue.length > 0;
  }

  spawn() {
    const slot = { w: null, ready: false, inflight: new Set(), gen: -1, spawned: performance.now(), units: 0 };
    const w = startWorker(this.url, this.build, (m) => this.receive(slot, m), (message) => this.crash(slot, message), "the worker", this.compiled);
    if (!w) {
      this.ok = false;
      return null;
    }
    slot.w = w;
    if (this.settings) { w.postMessage({ type: "config", gen: this.gen, settings: this.settings }); slot.gen = this.gen; }
    return slot;
  }

  /** A new computation: `ex` (the page's Explorer) hands out the units, `settings`
   *  (the object it was built from) builds each worker's copy. */
  start(ex, settings) {
    this.gen += 1;
    this.ex = ex;
    this.settings = { ...settings };
    this.requeue = [];
    this.crashed = new Set();
    this.failed = false;
    this.started = performance.now();
    this.finished = null;
    this.unitsIn = 0;
    this.busyMs = 0;
    this.firstAt = null;
    this.firstSent = null;
    clearTimeout(this.growTimer);
    clearTimeout(this.holdTimer);
    this.held = false;
    // A worker still busy with the old computation is replaced (a unit at d = 450
    // takes seconds); an idle one gets the new settings.
    this.workers = this.workers.filter((s) => {
      if (s.inflight.size > 0) { s.w.terminate(); return false; }
      s.gen = this.gen;
      s.w.postMessage({ type: "config", gen: this.gen, settings: this.settings });
      return true;
    });
    // A large sweep gets every worker at once; a small one one worker to begin with,
    // and more as it shows it has the work for them (grow).
    const want = ex.sweepCost() > LARGE_FLOPS ? this.size : 1;
    while (this.ok && this.workers.length < want) {
      const s = this.spawn();
      if (!s) break;
      this.workers.push(s);
    }
  }

  // Another worker (up to `size`) once the computation has run, since its first value or
  // the last worker's start, for twice what starting a worker took (from its start to
  // its first value: fetching its script, instantiating the wasm, the first calls). A
  // small sweep is done by then: a new worker would cost it more than it saves.
  grow() {
    clearTimeout(this.growTimer);
    this.growTimer = 0;
    if (!this.ok || this.workers.length >= this.size || !this.ex || this.failed || this.ex.sweepDone() || this.firstAt === null) return;
    const after = Math.max(GROW_MS, 2 * this.startMs);
    const wait = Math.max(this.firstAt, this.grewAt) + after - performance.now();
    if (wait <= 0 && !this.paused) {
      const s = this.spawn();
      if (s) { this.workers.push(s); this.grewAt = performance.now(); }
    }
    // Again later (a long unit may keep values from coming meanwhile).
    if (this.workers.length < this.size) this.growTimer = setTimeout(() => { this.grow(); this.advance(); }, wait > 0 ? wait : after);
  }

  /** Stop every worker now; the current computation's later results are dropped. */
  cancel() {
    this.gen += 1;
    clearTimeout(this.growTimer);
    clearTimeout(this.holdTimer);
    this.held = false;
    this.growTimer = 0;
    for (const s of this.workers) s.w.terminate();
    this.workers = [];
    this.requeue = [];
    this.ex = null;
    this.settings = null;
  }

  /** How many started workers have no unit in flight. */
  idle() {
    return this.workers.filter((s) => s.ready && s.inflight.size === 0).length;
  }

  /** No new units for `ms` at most, or until release(): the page redraws meanwhile. */
  hold(ms) {
    this.held = true;
    clearTimeout(this.holdTimer);
    this.holdTimer = setTimeout(() => this.release(), ms);
  }

  release() {
    clearTimeout(this.holdTimer);
    if (!this.held) return;
    this.held = false;
    this.advance();
  }

  /** Give each idle worker units, up to DEPTH in flight. Returns true while busy. */
  advance() {
    const ex = this.ex;
    if (!ex || this.failed) return false;
    if (this.paused || this.held) return this.busy;
    for (const s of this.workers) {
      while (s.ready && s.inflight.size < DEPTH) {
        // A second unit waits in a worker's queue only if it is cheap (the core decides).
        const unit = this.requeue.length ? this.requeue.shift() : ex.takeSweepUnitFor(s.inflight.size);
        if (unit === undefined) break;
        s.inflight.add(unit);
        s.w.postMessage({ type: "unit", gen: this.gen, unit });
        if (this.firstSent === null) { this.firstSent = performance.now(); mark("sweep: first unit sent"); }
      }
    }
    return this.busy;
  }

  receive(slot, m) {
    if (m.type === "ready") { slot.ready = true; this.advance(); return; }
    if (m.gen !== this.gen || !this.ex) return; // an old computation's
    if (m.unit !== undefined && m.unit !== null) slot.inflight.delete(m.unit);
    if (m.type === "unit") {
      this.busyMs += m.ms;
      this.firstAt ??= performance.now();
      slot.units += 1;
      // A worker's first value comes that long after its start.
      if (slot.units === 1) this.startMs = Math.max(this.startMs, performance.now() - slot.spawned);
      try {
        this.ex.putSweepUnit(m.unit, m.value);
        this.unitsIn += 1;
      } catch (e) {
        this.fail(e);
        return;
      }
      if (this.ex.sweepDone()) { this.finished = performance.now(); mark("sweep: last value in"); }
      this.onProgress();
      this.grow();
      this.advance();
    } else if (m.type === "error") {
      this.fail(Object.assign(new Error(m.message), { field: m.field }));
    } else if (m.type === "crash") {
      this.crash(slot, m.message, m.unit);
    }
  }

  fail(e) {
    if (this.failed) return;
    this.failed = true;
    for (const s of this.workers) s.inflight.clear();
    this.requeue = [];
    this.onError(e);
  }

  // Replace a crashed worker; its units go to the others (a unit that crashes a
  // worker twice is reported).
  crash(slot, message, unit) {
    slot.w.terminate();
    if (!slot.ready) {
      // The worker never started (no module workers, a blocked script): no pool.
      this.cancel();
      this.ok = false;
      this.onFallback(message);
      return;
    }
    const i = this.workers.indexOf(slot);
    if (i < 0) return;
    this.workers.splice(i, 1);
    const units = [...slot.inflight];
    if (unit !== undefined && unit !== null && !units.includes(unit)) units.push(unit);
    if (!this.ex || this.failed) return;
    const again = units.find((u) => this.crashed.has(u));
    if (again !== undefined) {
      this.fail(Object.assign(new Error(`a worker failed twice on sweep unit ${again}: ${message}`), { field: null }));
      return;
    }
    for (const u of units) this.crashed.add(u);
    this.replaced += 1;
    this.requeue.push(...units);
    const s = this.spawn();
    if (s) this.workers.push(s);
    this.advance();
  }

  /** Seconds left, from the cost-weighted progress so far (null before any). */
  timeLeft() {
    if (!this.ex) return null;
    const p = this.ex.sweepProgress();
    if (!(p > 0) || p >= 1) return p >= 1 ? 0 : null;
    const elapsed = (performance.now() - this.started) / 1000;
    return elapsed * (1 - p) / p;
  }

  stats() {
    return { workers: this.workers.length, size: this.size, units: this.unitsIn, busyMs: this.busyMs, wallMs: (this.finished ?? performance.now()) - this.started, replaced: this.replaced };
  }

  // Tests: make one worker's next unit fail with a core error, or crash it.
  forceError(i = 0) { const s = this.workers[i]; if (s) s.w.postMessage({ type: "fail" }); }
  forceCrash(i = 0) { const s = this.workers[i]; if (s) s.w.postMessage({ type: "crash" }); }
}
