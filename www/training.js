// The SGD runs in a Web Worker (www/worker.js, its own wasm instance), so that Play
// costs the page's main thread only the drawing. The worker holds a copy of the view's
// runs built from the same settings (src/explorer/training.rs) and sends their news;
// the page's Explorer takes them (acceptTraining) and shows the numbers it would have
// computed itself, bit for bit.
//
//   const t = new Training({ build, compiled, onNews, onError, onFallback });
//   t.start(settings)   new runs at step 0 (the old ones' news are dropped)
//   t.warm()            start the worker now (else the first play or Step starts it)
//   t.play(on)          run (at the settings' pace) or pause; paused costs nothing
//   t.stride()          one press of Step
//   t.pace(text)        a new pace; the runs go on
//   t.cancel()          stop the worker now
//   t.ok                false once the worker could not start (the page then trains
//                       on its main thread)
// onNews(news) gets the numbers (a Float64Array) for Explorer.acceptTraining; a crash
// calls onFallback.
import { startWorker } from "./pool.js";

export class Training {
  constructor({ build = "simd128", compiled = null, onNews = () => {}, onError = () => {}, onFallback = () => {}, url = new URL("./worker.js", import.meta.url) } = {}) {
    Object.assign(this, { build, compiled, onNews, onError, onFallback, url });
    this.worker = null;
    this.settings = null;
    this.gen = 0;
    this.ready = false;
    this.ok = typeof Worker === "function";
  }

  spawn() {
    const w = startWorker(this.url, this.build, (m) => this.receive(m), (message) => this.crash(message), "the training worker", this.compiled);
    if (!w) this.ok = false;
    this.ready = false;
    return w;
  }

  /** New runs from `settings` (the object the page's Explorer was built from). The
   *  worker itself starts at the first warm(), play or Step: not while the page's
   *  width sweep is starting its own workers. */
  start(settings) {
    this.gen += 1;
    this.settings = { ...settings };
    if (this.worker) this.worker.postMessage({ type: "train", gen: this.gen, settings: this.settings });
  }

  /** Start the worker now (idempotent), so that Play answers at once. */
  warm() {
    if (this.worker || !this.ok || !this.settings) return;
    this.worker = this.spawn();
    if (this.worker) this.worker.postMessage({ type: "train", gen: this.gen, settings: this.settings });
  }

  play(on) { if (on) this.warm(); if (this.worker) this.worker.postMessage({ type: "play", gen: this.gen, on: !!on }); }
  stride() { this.warm(); if (this.worker) this.worker.postMessage({ type: "stride", gen: this.gen }); }
  pace(text) {
    if (this.settings) this.settings.pace = String(text);
    if (this.worker) this.worker.postMessage({ type: "pace", gen: this.gen, pace: String(text) });
  }

  cancel() {
    this.gen += 1;
    if (this.worker) this.worker.terminate();
    this.worker = null;
  }

  receive(m) {
    if (m.type === "ready") { this.ready = true; return; }
    if (m.gen !== this.gen) return; // an old computation's
    if (m.type === "news") this.onNews(m.news, m.done);
    else if (m.type === "error") this.onError(Object.assign(new Error(m.message), { field: m.field }));
    else if (m.type === "crash") this.crash(m.message);
  }

  // A worker that fails (before it is ready: no module workers, a blocked script; or
  // later: a bug) is not replaced: the page trains on its main thread from then on.
  crash(message) {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this.ok = false;
    this.onFallback(message);
  }

  // Tests: crash the worker as a bug would.
  forceCrash() { if (this.worker) this.worker.postMessage({ type: "crash" }); }
}
