// The page: wires the controls to the state, builds the wasm Explorer from it, and
// runs the animation loop in small time slices so the page never freezes. No maths
// and no logic a native test cannot reach: every number, export, read-out and text
// alternative comes from the Rust explorer core (src/explorer/, through src/web.rs),
// every setting, regime, colour and preset from its settings table (state.js reads
// it); this file only wires the DOM, runs the loop, sizes, formats and downloads.
// Nothing from the URL or a control ever reaches innerHTML: text goes in through
// textContent.
import { loadWasm } from "./wasm.js";
import { watchSeen, transformScale, topOfOrigin, framed, giveBackFocus, toDeck } from "./lecture.js";
import { Pool } from "./pool.js";
import { Training } from "./training.js";
import { REGIMES, FIELDS, PRESETS, COLORS, SETTINGS, HIDEABLE, useTable, defaultFor, labelFor, parseHash, toHash, presetState, matchingPreset } from "./state.js";

const $ = (id) => document.getElementById(id);
const SLICE_MS = 10;          // compute per animation frame
// While computing, plots and progress bars redraw at most every REDRAW_MS (POOL_REDRAW_MS
// while the pool computes the sweep), and less often where a redraw costs more: the
// frame after a redraw comes late by what the engine spent on it (its compositing: in
// WebKitGTK without a GPU, ~130 ms of software OpenGL per redraw). The redraws then come
// at most every 3x that cost while the main thread computes, and every 10x while workers
// compute (the compositor's threads take their cores from the workers; README,
// "Browsers"). Frames that come late get a longer compute slice, up to 3 x SLICE_MS.
// While the pool computes, the main thread shares the cores with the workers: its
// tasks stretch when the system's scheduler runs a worker in their midst, so the fewer
// redraws, the fewer long tasks (at paper scale, in Chromium here, alternating runs of
// benches/paper_bench.mjs: every 250 ms gave a longest task of 22.0 and 19.1 ms, every
// 500 ms 15.1 and 13.1 ms; later, every 500 ms 22.8 and 17.8 ms, every 1000 ms 15.2 and
// 16.0 ms, and the workers' own time 4-13% shorter), and each redraw waits for a worker
// with nothing to do (poolNews). New dots and time left about once a second suit a
// computation of a minute; a short one ends in a redraw at once.
const REDRAW_MS = 50;
const POOL_REDRAW_MS = 1000;
let lastRedraw = -Infinity, redrewAt = 0, redrawCost = 0, lastFrame = 0, slice = SLICE_MS;
let frameGap = 1000 / 60;     // the shortest time between two frames seen (the display's)
let INPUTS = [];              // the table's settings with a form control (regimes aside)
const PANELS = ["width", "sgd", "overlap"];
const EMBED_TEXT_SCALE = 1.5; // projector-sized plot text in embed mode

let Explorer = null;   // the wasm class, once www/wasm.js has loaded a build
let Wasm = null;       // the wasm module (its free functions)
// The loop runs only while there is work and the explorer can be seen (www/lecture.js:
// the document visible, the plots in view, the slide not stopped by reveal.js); idle
// or unseen, it requests no animation frame at all, and picks up where it stopped.
let frameId = 0;
let seen = () => true;

const ui = {
  explorer: null,      // the last good Explorer (its plots stay on screen on error)
  state: null,         // the state it was built from
  view: { embed: false, hide: [] },
  playing: false,
  dirty: [true, true, true], // width, SGD, overlap panels need a redraw
  dpr: 1,
  // Timings (ms since navigation start) for the end-to-end test and the curious.
  timings: { wasm: null, theory: null, sweep: null },
  builds: 0,
  errors: {},
  notes: [],           // what the link asked for that could not be used
  lastSummary: 0,
  hashView: { embed: false, hide: [] }, // the view options the address's hash carries
  frames: 0,           // animation frames run (for the tests)
  refused: false,      // the form holds a value the core refused (its message is shown)
  pool: null,          // the Web Workers computing the width sweep (www/pool.js), if any
  training: null,      // the Web Worker running the SGD runs (www/training.js), if any
  sgdFresh: false,     // its news came since the last frame
  shown: [true, true, true], // each plot has a size on screen (measured on resize)
  buffers: [],         // each plot's canvas outside the document, drawn into (drawAll)
  drawn: [false, false, false], // a buffer drawn and not yet on the page (present)
  sweepStopped: false, // the visitor stopped this sweep (its dots so far stay)
};
window.lazyExplorer = ui;

function readForm() {
  const s = {};
  for (const k of INPUTS) s[k] = $(k).value.trim();
  s.regimes = [...document.querySelectorAll("#regime-boxes input:checked")].map((b) => b.value).join(",");
  return s;
}

function writeForm(s) {
  for (const k of INPUTS) $(k).value = s[k];
  renderRegimes(s.model, s.regimes);
  setModel(s.model);
}

// The model's labels (the spectrum is of B or of Delta) from the settings table.
function setModel(model) {
  document.body.dataset.model = model;
  for (const k of INPUTS) {
    const label = document.querySelector(`label[for="${k}"]`);
    if (label) { label.textContent = labelFor(k, model); label.title = SETTINGS[k].help; }
  }
  $("regimes").querySelector("legend").textContent = labelFor("regimes", model);
}

function renderRegimes(model, selected) {
  const chosen = new Set(String(selected).split(",").map((x) => x.trim()));
  const box = $("regime-boxes");
  box.replaceChildren();
  for (const [value, label] of REGIMES[model] || REGIMES.qf) {
    const id = "regime-" + value;
    const wrap = document.createElement("div");
    wrap.className = "check";
    const input = Object.assign(document.createElement("input"), { type: "checkbox", id, value, checked: chosen.has(value) });
    input.addEventListener("change", onChange);
    const lab = Object.assign(document.createElement("label"), { htmlFor: id, textContent: label });
    const swatch = Object.assign(document.createElement("span"), { className: "swatch sw-" + value, ariaHidden: "true" });
    swatch.style.setProperty("--sw", COLORS[value]);
    lab.prepend(swatch);
    wrap.append(input, lab);
    box.append(wrap);
  }
}

// ---- errors next to their control, and the link notice ----------------------------
function clearErrors() {
  for (const el of document.querySelectorAll(".err")) { el.hidden = true; el.textContent = ""; }
  for (const el of document.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  ui.errors = {};
}

// A core error carries where it goes (src/explorer/page.rs): `slot`, `control`, and
// `short`, the message without its field prefix. Anything else goes to the general slot.
function showError(err) {
  const message = (err && err.message) || String(err);
  const slot = (err && err.slot && $("err-" + err.slot)) || $("err-general");
  slot.textContent = (err && err.short) || message;
  slot.hidden = false;
  const input = err && err.control && $(err.control);
  if (input) {
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", slot.id);
  }
  ui.errors[(err && err.field) || "general"] = message;
  setStatus("Not applied: " + message, true);
}

function setStatus(text, bad = false) {
  const s = $("status");
  s.textContent = text;
  s.classList.toggle("bad", bad);
}

function showNotice(notes) {
  ui.notes = notes;
  const list = $("notice-list");
  list.replaceChildren(...notes.map((n) => Object.assign(document.createElement("li"), { textContent: n })));
  $("notice").hidden = notes.length === 0;
}

// ---- building --------------------------------------------------------------------
function install(ex, { keepPlaying = false } = {}) {
  clearErrors();
  ui.refused = false;
  if (ui.explorer) ui.explorer.free();
  ui.explorer = ex;
  ui.state = ex.settings();
  ui.builds += 1;
  startSweep(ex);
  if (trained()) ui.training.start(ui.state);
  document.body.dataset.trainer = trained() ? "worker" : "main";
  ex.setTextScale(ui.view.embed ? EMBED_TEXT_SCALE : 1);
  ui.dirty = [true, true, true];
  ui.timings.sweep = null;
  if (!keepPlaying) setPlaying(false);
  writeUrl();
  markPreset();
  // The sizes of the plots as laid out with the new settings shown (the form, the
  // status), so that the first drawing has them and the resize observer redraws nothing.
  if (seen()) { sizeCanvases(); drawAll(); present(); }
  lastRedraw = performance.now();
  refreshSummaries(true);
  if (ui.timings.theory === null) ui.timings.theory = performance.now();
  setStatus(ex.describe());
  wake();
}

function rebuild(state, opts) {
  let ex;
  try {
    ex = new Explorer(state);
  } catch (e) {
    clearErrors();
    showError(e);
    ui.refused = true; // the form holds a value the core refused; the explorer is the last good one
    return false;
  }
  install(ex, opts);
  return true;
}

// A link's settings: the core replaces refused values by their defaults and says so
// (Explorer.fromLink), so a bad link shows a working page, never a blank one.
function showLink(state, notes) {
  const ex = Explorer.fromLink(state);
  writeForm(ex.settings());
  showNotice([...notes, ...ex.linkNotes()]);
  install(ex);
}

// The hash keeps the view options it came with (embed=1 given in the query stays there).
function writeUrl() {
  if (!ui.state) return;
  const hash = toHash(ui.state, ui.hashView);
  if (location.hash !== hash && !(hash === "#v=1" && !location.hash)) history.replaceState(null, "", location.pathname + location.search + hash);
}

let changeTimer = 0;
function onChange(ev) {
  if (ev && ev.target && ev.target.id === "model") {
    // A new model takes its own defaults for what differs between models.
    const m = $("model").value;
    for (const k of INPUTS) if (k !== "model" && typeof FIELDS[k] === "object") $(k).value = defaultFor(k, m);
    renderRegimes(m, defaultFor("regimes", m));
    setModel(m);
  }
  clearTimeout(changeTimer);
  changeTimer = setTimeout(() => {
    const s = readForm();
    // The pace changes how fast Play goes, not what it computes: the runs go on.
    if (ui.state && ui.explorer && !ui.refused && s.pace !== ui.state.pace &&
        Object.keys(FIELDS).every((k) => k === "pace" || String(s[k]) === String(ui.state[k]))) {
      try { ui.explorer.setPace(s.pace); } catch (e) { showError(e); return; }
      if (trained()) ui.training.pace(s.pace);
      ui.state = ui.explorer.settings();
      writeUrl();
      return;
    }
    // A change event that changes nothing (a blur after a typed value was applied, or
    // after a click on Play) must not restart the runs, nor clear what a run reported
    // (a diverged step size); a refused value typed back to the one in use just clears
    // its message.
    if (ui.state && Object.keys(FIELDS).every((k) => String(s[k]) === String(ui.state[k]))) {
      if (ui.refused && ui.explorer) { clearErrors(); ui.refused = false; setStatus(ui.explorer.describe()); }
      return;
    }
    rebuild(s);
  }, 120);
}

// ---- presets ---------------------------------------------------------------------
function applyPreset(name) {
  const s = presetState(name);
  if (!s) return;
  if (ui.state) s.pace = ui.state.pace; // a preset sets what is computed, not the pace
  clearTimeout(changeTimer);
  writeForm(s);
  showNotice([]);
  rebuild(s);
}

// The preset buttons, from the settings table.
function renderPresets() {
  const group = $("presets");
  for (const [name, p] of Object.entries(PRESETS)) {
    group.append(Object.assign(document.createElement("button"), { type: "button", textContent: p.label, title: p.title }));
    const b = group.lastElementChild;
    b.dataset.preset = name;
    b.setAttribute("aria-pressed", "false");
  }
}

function markPreset() {
  const current = ui.state && matchingPreset({ ...ui.state, pace: defaultFor("pace") });
  for (const b of document.querySelectorAll("[data-preset]")) b.setAttribute("aria-pressed", b.dataset.preset === current ? "true" : "false");
  document.body.dataset.activePreset = current || "";
}

// ---- drawing -----------------------------------------------------------------------
const canvases = () => PANELS.map((p) => $("plot-" + p));

// The backing store follows the plot's size on screen: CSS size x device pixel ratio x
// the scale of the CSS transforms above it (a deck scaling its slide), measured through
// the frames of this origin; the policy (and the assumption for a host of another
// origin) is the core's (src/explorer/embed.rs).
function sizeCanvases() {
  const box = canvases().map((c) => c.parentElement).find((b) => b.offsetWidth > 0);
  const t = box ? transformScale(box) : { scale: 1, foreign: framed() };
  const dpr = Wasm ? Wasm.backingScale(window.devicePixelRatio || 1, t.scale, t.foreign) : Math.max(1, Math.min(4, window.devicePixelRatio || 1));
  const scaled = dpr !== ui.dpr;
  ui.dpr = dpr;
  ui.transform = t;
  // A plot redraws if its size or scale changed (a new size clears its canvas); the
  // first observation of the sizes, right after the first drawing, redraws nothing.
  canvases().forEach((c, i) => {
    const r = c.parentElement.getBoundingClientRect();
    ui.shown[i] = r.width > 0 && r.height > 0;
    if (!ui.shown[i]) return; // hidden
    const w = Math.max(60, Math.round(r.width * ui.dpr));
    const h = Math.max(60, Math.round(r.height * ui.dpr));
    for (const b of [c, ui.buffers[i]]) if (b.width !== w || b.height !== h) { b.width = w; b.height = h; ui.dirty[i] = true; }
    if (scaled) ui.dirty[i] = true;
  });
}

// Whether each plot has a size is measured when sizes change (sizeCanvases, from the
// ResizeObserver), never while drawing: reading layout in a frame after the page wrote
// to the DOM would force a style and layout pass inside the frame.
// Each plot draws into a canvas outside the document (its buffer, ui.buffers), which
// present() then copies onto the page's canvas in one drawImage. While computing, the
// drawing is a task of its own (drawChannel's, below) and the copy is in the next frame: a canvas in
// the document has the engine bring the page's style up to date before it resolves a
// font, and a drawing inside a frame adds to that frame's style, layout, paint and
// commit; with both cores computing, such frames took 18-38 ms (benches/paper_bench.mjs,
// benches/longtask_trace.mjs).
// At most `max` panels per call: while computing, one panel per task, so no task holds
// the main thread for several drawings.
// `only`: the panels of the redraw in progress (each is cleared there once drawn).
function drawAll(max = PANELS.length, only = null) {
  if (!ui.explorer) return;
  try {
    for (let i = 0; i < PANELS.length && max > 0; i++) {
      if (only && !only[i]) continue;
      if (only) only[i] = false;
      if (ui.dirty[i] && ui.shown[i]) {
        ui.dirty[i] = false;
        max -= 1;
        ui.explorer.drawPanel(i, ui.buffers[i], ui.dpr);
        ui.drawn[i] = true;
      }
    }
  } catch (e) {
    showError(e);
  }
}

// The buffers drawn since the last call, onto the page's canvases. Returns whether any was.
function present() {
  const cs = canvases();
  let any = false;
  ui.drawn.forEach((d, i) => {
    if (!d) return;
    ui.drawn[i] = false;
    any = true;
    const ctx = cs[i].getContext("2d");
    ctx.clearRect(0, 0, cs[i].width, cs[i].height);
    ctx.drawImage(ui.buffers[i], 0, 0);
  });
  return any;
}

// The plots' text alternatives (and open data tables), at most twice a second.
function refreshSummaries(force = false) {
  const ex = ui.explorer;
  if (!ex) return;
  const now = performance.now();
  if (!force && now - ui.lastSummary < 500) return;
  ui.lastSummary = now;
  canvases().forEach((c, i) => c.setAttribute("aria-label", ex.summary(i)));
  for (const fig of document.querySelectorAll("figure[data-panel]")) {
    const det = fig.querySelector("details.data");
    if (det.open) fillTable(fig);
  }
}

// Writes to the document only what changed: a write, even of the same value, can
// invalidate the page's style (the body's data attributes are in its selectors) and
// cost a style and layout pass in the next frame.
function put(el, key, value) {
  if (el[key] !== value) el[key] = value;
}
function putData(key, value) {
  if (document.body.dataset[key] !== value) document.body.dataset[key] = value;
}

function updateProgress() {
  const ex = ui.explorer;
  if (!ex) return;
  put($("sweep-progress"), "value", ex.sweepProgress());
  showSweepControls();
  put($("sgd-progress"), "value", ex.sgdProgress());
  putData("sweep", ex.sweepDone() ? "done" : "running");
  putData("sgd", ex.sgdDone() ? "done" : ui.playing ? "playing" : "paused");
}

// ---- the loop ----------------------------------------------------------------------
// An animation frame is requested only when it has work: a slice of computing on the
// main thread (no workers), a redraw the visitor asked for (wake: settings, a resize,
// Play), or a redraw of what the workers sent (news), at most every redrawEvery() ms
// and woken by a timer until then. No frame is requested just to wait: an engine
// that composites each frame in software (WebKitGTK without a GPU) spends a core's
// time on frames in which nothing changed, time the workers then lack.
let newsTimer = 0;
let urgent = true;   // a redraw the visitor asked for: draw in the next frame
let round = null;    // the panels of a redraw in progress (one per task while computing)
let oneByOne = false; // this redraw draws one panel per task
let drawPosted = false, drawMs = 0, roundDone = false;
let shownSettings = true; // a frame has shown the last build's plots (startSweep)
const drawChannel = new MessageChannel();
const releaseChannel = new MessageChannel();
releaseChannel.port1.onmessage = () => { if (ui.pool) ui.pool.release(); };

const anyDirty = () => ui.dirty.some((d, i) => d && ui.shown[i]);
const fresh = () => (pooled() && ui.pool.fresh) || ui.sgdFresh;

// The width sweep is still to compute (not stopped by the visitor).
const sweepRunning = () => !!ui.explorer && !ui.explorer.sweepDone() && !ui.sweepStopped;

// Computing on the main thread (no worker for it), or a run to stop.
function mainWork() {
  const ex = ui.explorer;
  if (!ex) return false;
  return (sweepRunning() && !pooled()) || (ui.playing && (ex.sgdDone() || !trained()));
}

function redrawEvery() {
  if (mainWork()) return Math.max(REDRAW_MS, 3 * redrawCost);
  return Math.max(sweepRunning() && pooled() ? POOL_REDRAW_MS : REDRAW_MS, 10 * redrawCost);
}

// Milliseconds until the next frame has work (Infinity: none).
function nextWork() {
  if (!ui.explorer) return Infinity;
  // A drawing to show (drawn, or a redraw just done), or the frame that measures a
  // redraw's cost (redrewAt): the next frame.
  if (mainWork() || redrewAt || roundDone || !shownSettings || ui.drawn.some(Boolean)) return 0;
  if (!anyDirty() && !fresh()) return Infinity;
  if (urgent || round) return 0;
  // While the pool sweeps, its redraws wait for a worker with nothing to do (poolNews):
  // its values come with a worker's unit done.
  if (sweepRunning() && pooled() && !ui.sgdFresh) return drawNow ? 0 : Infinity;
  return Math.max(0, lastRedraw + redrawEvery() - performance.now());
}

function schedule() {
  if (frameId || !seen()) return;
  const wait = nextWork();
  if (wait === Infinity) return;
  if (wait <= 0) {
    clearTimeout(newsTimer);
    newsTimer = 0;
    frameId = requestAnimationFrame(frame);
  } else if (!newsTimer) {
    newsTimer = setTimeout(() => { newsTimer = 0; schedule(); }, wait);
  }
}

// The visitor changed something: what is dirty redraws in the next frame.
function wake() {
  urgent = true;
  schedule();
}

// A worker sent values: they redraw at the next redraw time.
function gotNews() {
  schedule();
}

// A worker of the pool sent a value. While the pool sweeps, a redraw waits for a
// worker with nothing to compute: once a redraw is due, the pool hands out no new units
// (at most for HOLD_MS), and the redraw starts as soon as a worker has finished those
// it has (where units take seconds, the plot may lag by one unit); the units go out
// again once it is on the page. The main thread then draws without sharing the cores
// with every worker: on two cores, with two workers computing, the system's scheduler
// stretched the page's drawing tasks and frames two- to threefold (5-10 ms of the main
// thread's CPU time took 13-27 ms; Chromium traces of benches/paper_bench.mjs's page).
// A worker with nothing to do comes soon: one unit at a time where units are long, a
// few ms of queued work where they are short.
const HOLD_MS = 1000;
const START_HOLD_MS = 1000;
let drawNow = false; // a worker waits: redraw in the next frame
function poolNews() {
  const pool = ui.pool;
  // A redraw waiting (held) starts with the first worker between units.
  if (sweepRunning() && seen() && !round && (pool.held || performance.now() - lastRedraw >= redrawEvery())) {
    if (!pool.held) pool.hold(HOLD_MS);
    if (pool.idle() > 0) drawNow = true;
  }
  schedule();
}

// Seen again (or hidden): a transform may have changed meanwhile (a deck rescaled).
function seenChanged() {
  if (seen()) sizeCanvases();
  // Unseen, the workers take no new units (those in flight finish); seen, they get
  // units again.
  if (ui.pool) { ui.pool.paused = !seen(); if (seen()) ui.pool.advance(); }
  // The training worker runs only while the page plays and is seen.
  if (trained()) ui.training.play(ui.playing && seen());
  wake();
}

function frame(t) {
  frameId = 0;
  if (!seen()) { redrewAt = 0; return; } // resumes from wake() when seen again
  ui.frames += 1;
  const dt = lastFrame ? t - lastFrame : 0;
  if (dt > 0 && dt < frameGap) frameGap = dt;
  if (redrewAt) { redrawCost = drawMs + Math.max(0, t - redrewAt - frameGap); redrewAt = 0; }
  slice = Math.min(3 * SLICE_MS, Math.max(SLICE_MS, dt - 8));
  lastFrame = t;
  const ex = ui.explorer;
  if (ex) {
    let changed = false;
    try {
      const sweeping = !ex.sweepDone();
      const training = ui.playing && !ex.sgdDone();
      const share = sweeping && training ? slice / 2 : slice;
      if (sweeping && !ui.sweepStopped) {
        if (pooled()) {
          ui.pool.advance();
        } else {
          ex.advanceSweep(share);
          ui.dirty[0] = true;
          changed = true;
        }
      }
      // Values the workers sent since the last frame (the last may come after the
      // frame that saw the sweep still running).
      if (pooled() && ui.pool.fresh) { ui.pool.fresh = false; ui.dirty[0] = true; changed = true; }
      if (ex.sweepDone() && ui.timings.sweep === null) ui.timings.sweep = performance.now();
      // The worker's news come by message (onNews); without it, train here.
      if (training && !trained()) {
        ex.advanceSgdPaced(share, dt); // at the pace of the settings (full speed by default)
        ui.dirty[1] = ui.dirty[2] = true;
        changed = true;
      }
      if (ui.sgdFresh) { ui.sgdFresh = false; ui.dirty[1] = ui.dirty[2] = true; changed = true; }
    } catch (e) {
      showError(e);
      setPlaying(false);
      ui.dirty = [true, true, true];
    }
    if (ui.playing && ex.sgdDone()) { setPlaying(false); changed = true; }
    const finished = ex.sweepDone() && (ex.sgdDone() || !ui.playing);
    // What the last drawing task drew goes on the page, with the progress bars.
    // A redraw covers the panels dirty when it starts, one per task while computing;
    // values that come meanwhile wait for the next redraw.
    const shown = present();
    if (roundDone) { roundDone = false; lastRedraw = redrewAt = t; }
    if (!round && anyDirty() && (urgent || finished || drawNow || t - lastRedraw >= redrawEvery())) { round = ui.dirty.map((d, i) => d && ui.shown[i]); drawMs = 0; }
    drawNow = false;
    if (round) {
      // One panel per task while the main thread computes or the pool sweeps (a panel at
      // paper scale takes ms to tens of ms); else the whole redraw in one task (one composite).
      oneByOne = !finished && (mainWork() || (sweepRunning() && pooled()));
      if (!drawPosted) { drawPosted = true; drawChannel.port2.postMessage(0); }
    }
    const settled = !round && !anyDirty(); // nothing left to draw
    if (shown || settled) updateProgress();
    if (settled) { shownSettings = true; urgent = false; }
    // The training worker starts (so that Play answers at once) when the finished sweep
    // is on the page, in a task after this frame: its start (a thread, an isolate, the
    // module) had shared the cores with the sweep's last drawings (a Chromium trace and
    // the scheduler's record in benches/paper_bench.mjs).
    if (settled && ex.sweepDone() && trained() && !ui.training.worker) setTimeout(() => { if (trained()) ui.training.warm(); }, 0);
    // With no redraw in progress, the workers get units again once this frame is done
    // (its style, layout, paint).
    if (shownSettings && !round && ui.pool && ui.pool.held) releaseChannel.port2.postMessage(0);
    if (changed) refreshSummaries(finished);
  }
  // After a redraw, the next frame comes at once: how late it comes is the redraw's cost.
  schedule();
}

// A redraw's drawing, in a task of its own after the frame that started it (drawAll
// says why); the next frame shows it.
drawChannel.port1.onmessage = () => {
  drawPosted = false;
  if (!round || !seen()) return;
  const t0 = performance.now();
  drawAll(oneByOne ? 1 : PANELS.length, round);
  drawMs += performance.now() - t0;
  if (!round.some(Boolean)) { round = null; roundDone = true; urgent = false; }
  schedule();
};

// ---- the width sweep on the worker pool ------------------------------------------
// www/pool.js computes the sweep's units in Web Workers (one wasm instance each) and
// hands the values to the Explorer; without workers the loop above computes them.
const pooled = () => ui.pool !== null && ui.pool.ok;

// ?workers=0 asks for none. A page from disk (the single file of `make single`) has no
// worker script beside it, and Chromium and WebKit start no workers from file:// anyway:
// the main thread computes.
const workersAllowed = () => new URLSearchParams(location.search).get("workers") !== "0" && typeof Worker === "function" && location.protocol !== "file:";

function makePool(build, compiled) {
  const asked = new URLSearchParams(location.search).get("workers");
  if (!workersAllowed()) return null;
  const size = asked && /^[1-8]$/.test(asked) ? Number(asked) : undefined;
  return new Pool({
    build,
    compiled,
    size,
    onProgress: () => {
      ui.pool.fresh = true;
      putData("workers", String(ui.pool.workers.length)); // it grows with the work
      poolNews(); // the frame loop may be idle while only the workers compute
      if (ui.timings.sweep === null && ui.explorer && ui.explorer.sweepDone()) ui.timings.sweep = performance.now();
    },
    onError: (e) => { showError(e); ui.dirty[0] = true; },
    // No worker could start (an engine without module workers): compute here instead.
    onFallback: () => { if (ui.explorer) rebuild(ui.state, { keepPlaying: ui.playing }); },
  });
}

// ---- the SGD runs in a worker ------------------------------------------------------
const trained = () => ui.training !== null && ui.training.ok;

function makeTraining(build, compiled) {
  if (!workersAllowed()) return null;
  return new Training({
    build,
    compiled,
    onNews: (news) => {
      const ex = ui.explorer;
      if (!ex) return;
      try {
        ex.acceptTraining(news);
      } catch (e) {
        showError(e); // a divergence names its step size, as on the main thread
        setPlaying(false);
      }
      ui.sgdFresh = true;
      // The runs' end shows at once (Play turns back, data-sgd = done); the last
      // redraw follows in the next frame.
      if (ui.playing && ex.sgdDone()) setPlaying(false);
      else gotNews();
    },
    onError: (e) => { showError(e); setPlaying(false); },
    // The worker failed: train on the main thread, from the start of the runs.
    onFallback: () => { if (ui.explorer) rebuild(ui.state, { keepPlaying: ui.playing }); },
  });
}

function startSweep(ex) {
  ui.sweepStopped = false;
  // The workers start now (their wasm instances) and get units once a frame has shown
  // the new settings and their plots (at most START_HOLD_MS later): the page renders
  // with the cores to itself.
  if (pooled()) { ui.pool.start(ex, ui.state); ui.pool.hold(START_HOLD_MS); shownSettings = false; }
  // How many workers compute the sweep (0: the main thread), for tests and the curious.
  document.body.dataset.workers = pooled() ? String(ui.pool.workers.length) : "0";
  showSweepControls();
}

function stopSweep() {
  ui.sweepStopped = true;
  if (ui.pool) ui.pool.cancel();
  showSweepControls();
  setStatus(ui.explorer ? ui.explorer.describe() + " (width sweep stopped)" : "");
}

// "about 2 min left" beside the sweep's progress ("estimating…" until a value is in),
// and its Stop button while it runs.
function showSweepControls() {
  const running = sweepRunning();
  const left = running && pooled() ? ui.pool.timeLeft() : null;
  put($("sweep-left"), "textContent", left === null ? (running && pooled() ? "estimating…" : "") : left >= 90 ? `about ${Math.round(left / 60)} min left` : `about ${Math.max(1, Math.round(left))} s left`);
  put($("sweep-stop"), "hidden", !running);
}

function setPlaying(on) {
  ui.playing = on;
  const b = $("play");
  b.textContent = on ? "Pause" : "Play";
  b.setAttribute("aria-pressed", on ? "true" : "false");
  updateProgress();
  if (on) lastFrame = 0; // a new start earns no steps for the time paused
  if (trained()) ui.training.play(on && seen());
  wake();
}

function togglePlay() {
  const ex = ui.explorer;
  if (!ex) return;
  if (!ui.playing && ex.sgdDone()) rebuild(ui.state);
  setPlaying(!ui.playing);
}

function stepOnce() {
  const ex = ui.explorer;
  if (!ex) return;
  setPlaying(false);
  if (trained()) { ui.training.stride(); return; } // its news redraw the panels
  try {
    ex.advanceSgdStride();
  } catch (e) { showError(e); }
  ui.dirty[1] = ui.dirty[2] = true;
  refreshSummaries(true);
  wake();
}

function resetRun() {
  if (ui.view.embed) rebuild(ui.state);
  else rebuild(readForm());
}

// ---- keyboard ----------------------------------------------------------------------
// Space plays/pauses, Right arrow steps, R resets; not while typing in a control, and
// buttons, links and summaries keep their own Space/Enter. In an embed, the page keeps
// only what its focused Play button needs; every other key is the deck's: the focus
// goes back to the host and the key to reveal.js (src/explorer/embed.rs, the key map).
function onKey(ev) {
  if (ev.defaultPrevented) return;
  const t = ev.target;
  const within = (sel) => t && t.closest && t.closest(sel);
  if (ui.view.embed) {
    const message = Wasm.deckMessage(ev.key, ev.shiftKey, ev.ctrlKey || ev.metaKey || ev.altKey, !!within("button, a, summary"));
    if (message === undefined || !framed()) return;
    ev.preventDefault();
    toDeck(message);
    return;
  }
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (within("input, select, textarea, [contenteditable]")) return;
  if (ev.key === " " || ev.code === "Space") {
    if (within("button, a, summary")) return;
    ev.preventDefault();
    togglePlay();
  }
  else if (ev.key === "ArrowRight") { ev.preventDefault(); stepOnce(); }
  else if (ev.key === "r" || ev.key === "R") { ev.preventDefault(); resetRun(); }
}

// ---- hover read-out ----------------------------------------------------------------
function hover(panel, canvas, out) {
  const show = (ev) => {
    if (!ui.explorer) return;
    const p = ui.explorer.nearest(panel, ev.offsetX * ui.dpr, ev.offsetY * ui.dpr);
    if (!p) { out.textContent = ""; return; }
    out.textContent = p.text;
    canvas.dataset.hover = out.textContent;
  };
  canvas.addEventListener("pointermove", show);
  canvas.addEventListener("pointerdown", show);
  canvas.addEventListener("pointerleave", () => { out.textContent = ""; });
}

// ---- export ------------------------------------------------------------------------
function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function exportPanel(panel, kind) {
  const ex = ui.explorer;
  if (!ex) return;
  const canvas = canvases()[panel];
  try {
    if (kind === "png") {
      canvas.toBlob((b) => b && download(b, ex.fileStem(panel) + ".png"), "image/png");
    } else if (kind === "svg") {
      const r = canvas.parentElement.getBoundingClientRect();
      const svg = ex.svg(panel, Math.round(r.width) || 640, Math.round(r.height) || 480);
      download(new Blob([svg], { type: "image/svg+xml" }), ex.fileStem(panel) + ".svg");
    } else if (kind === "csv") {
      download(new Blob([ex.csv(panel)], { type: "text/csv" }), ex.fileStem(panel) + ".csv");
    }
  } catch (e) { showError(e); }
}

function exportJson() {
  const ex = ui.explorer;
  if (!ex) return;
  let doc;
  try { doc = ex.exportDocument(shareLink()); } catch (e) { showError(e); return; }
  download(new Blob([doc], { type: "application/json" }), ex.fileStem() + ".json");
}

// "Show data": an HTML table built with DOM APIs (textContent only).
function fillTable(fig) {
  const ex = ui.explorer;
  const panel = Number(fig.dataset.panel);
  const { columns, rows } = JSON.parse(ex.table(panel));
  const table = document.createElement("table");
  const cap = document.createElement("caption");
  cap.textContent = ex.summary(panel);
  const head = document.createElement("tr");
  for (const c of columns) head.append(Object.assign(document.createElement("th"), { scope: "col", textContent: c }));
  const thead = document.createElement("thead");
  thead.append(head);
  const body = document.createElement("tbody");
  for (const row of rows) {
    const tr = document.createElement("tr");
    for (const v of row) {
      const td = document.createElement("td");
      td.textContent = v; // cell texts, formatted by the core
      tr.append(td);
    }
    body.append(tr);
  }
  table.append(cap, thead, body);
  fig.querySelector(".table-wrap").replaceChildren(table);
}

// ---- share -------------------------------------------------------------------------
function shareLink() {
  return location.origin + location.pathname + toHash(ui.state, { hide: ui.view.hide });
}

function embedCode() {
  const src = location.origin + location.pathname + "?embed=1" + toHash(ui.state, { hide: ui.view.hide });
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
  return `<iframe src="${esc(src)}" width="960" height="480" style="border:0" loading="lazy" title="Lazy training explorer: RF vs NT vs NN"></iframe>`;
}

async function copy(text, what) {
  const box = $("share-box");
  const field = $("share-text");
  $("share-label").textContent = what + ":";
  field.value = text;
  box.hidden = false;
  let ok = false;
  try {
    if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(text); ok = true; }
  } catch (_) { ok = false; }
  $("share-msg").textContent = ok ? "Copied to the clipboard." : "Select the text and copy it (Ctrl+C).";
  field.focus();
  field.select();
}

// ---- view options: embed, hide ----------------------------------------------------
function applyView() {
  const v = ui.view;
  document.body.classList.toggle("embed", v.embed);
  for (const el of document.querySelectorAll("[data-hidden-by]")) { el.hidden = false; el.removeAttribute("data-hidden-by"); }
  for (const name of v.hide) {
    if (!HIDEABLE.includes(name)) continue;
    let els = [...document.querySelectorAll(`[data-hide="${name}"]`)];
    if (Object.hasOwn(FIELDS, name)) els = name === "regimes" ? [$("regimes")] : [$(name).closest(".field")];
    for (const el of els) { if (el) { el.hidden = true; el.dataset.hiddenBy = name; } }
  }
  const visible = PANELS.filter((p) => !$("fig-" + p).hidden).length;
  document.body.style.setProperty("--plots", String(Math.max(1, visible)));
  const full = $("open-full");
  full.hidden = !v.embed;
  if (ui.state) full.href = shareLink();
}

// ---- start -------------------------------------------------------------------------
async function main() {
  // The single-file build (scripts/build-single.mjs) brings its wasm inline.
  const wasm = globalThis.lazyTrainingInline ? await globalThis.lazyTrainingInline() : await loadWasm();
  Wasm = wasm.module;
  Explorer = wasm.module.Explorer;
  ui.pool = makePool(wasm.build, wasm.compiled);
  ui.training = makeTraining(wasm.build, wasm.compiled);
  useTable(JSON.parse(wasm.module.settingsTable()));
  INPUTS = Object.keys(FIELDS).filter((k) => k !== "regimes");
  renderPresets();
  // The pace's values from the table: full speed, then SGD steps per second.
  $("pace").replaceChildren(...SETTINGS.pace.choices.map((c) => Object.assign(document.createElement("option"), { value: c, textContent: c === "full" ? "full speed" : `${c} steps/s` })));
  // Each control's range from the table (the core checks it; this only guides input).
  for (const k of INPUTS) {
    for (const bound of ["min", "max"]) if (SETTINGS[k][bound] !== undefined && $(k).type === "number") $(k)[bound] = String(SETTINGS[k][bound]);
  }
  document.body.dataset.wasm = wasm.build; // which build runs: "relaxed" or "simd128"
  $("wasm-build").textContent = wasm.build === "relaxed" ? " (SIMD with fused multiply-add)" : " (SIMD)";
  ui.timings.wasm = performance.now();
  // View options may come in the query (?embed=1) or the hash.
  const fromLink = parseHash(location.hash);
  const q = parseHash(location.search.replace(/^\?/, "#"));
  ui.view = { embed: fromLink.view.embed || q.view.embed, hide: [...new Set([...q.view.hide, ...fromLink.view.hide])] };
  ui.hashView = fromLink.view;
  const notes = [...fromLink.notes];
  applyView();

  for (const k of INPUTS) $(k).addEventListener("change", onChange);
  $("controls").addEventListener("submit", (e) => { e.preventDefault(); rebuild(readForm()); });
  // A click on Play with the mouse in an embed gives the keyboard back to the deck.
  $("play").addEventListener("click", (ev) => { togglePlay(); if (ui.view.embed && ev.detail > 0) giveBackFocus(); });
  $("step").addEventListener("click", stepOnce);
  $("reset").addEventListener("click", resetRun);
  $("sweep-stop").addEventListener("click", stopSweep);
  for (const b of document.querySelectorAll("[data-preset]")) b.addEventListener("click", () => applyPreset(b.dataset.preset));
  for (const fig of document.querySelectorAll("figure[data-panel]")) {
    const panel = Number(fig.dataset.panel);
    for (const b of fig.querySelectorAll("[data-export]")) b.addEventListener("click", () => exportPanel(panel, b.dataset.export));
    const det = fig.querySelector("details.data");
    det.addEventListener("toggle", () => { if (det.open && ui.explorer) fillTable(fig); });
  }
  $("export-json").addEventListener("click", exportJson);
  $("copy-link").addEventListener("click", () => copy(shareLink(), "Link"));
  $("copy-embed").addEventListener("click", () => copy(embedCode(), "Embed code"));
  $("notice-close").addEventListener("click", () => showNotice([]));
  const tc = $("toggle-controls");
  tc.addEventListener("click", () => {
    const open = tc.getAttribute("aria-expanded") !== "true";
    tc.setAttribute("aria-expanded", String(open));
    $("controls").classList.toggle("open", open);
    tc.textContent = open ? "Hide settings" : "Settings";
  });
  document.addEventListener("keydown", onKey);
  window.addEventListener("hashchange", () => {
    if (location.hash === toHash(ui.state || {}, ui.hashView)) return;
    const p = parseHash(location.hash);
    showLink(p.state, p.notes);
  });
  PANELS.forEach((p, i) => hover(i, $("plot-" + p), $("hover-" + p)));
  // Canvases drawn on the CPU, the buffers and the page's own: a plot's few thousand
  // strokes and labels. In Chromium on this GPU-less machine, frames that drew in the
  // page's canvases took 29-33 ms with it, 44-65 ms without; with the buffers, a page
  // canvas left to the GPU path spent 7-10 ms flushing each copy (the longest task
  // 20.3 ms against 14.6) (benches/longtask_trace.mjs, traced).
  ui.buffers = PANELS.map(() => document.createElement("canvas"));
  for (const c of [...canvases(), ...ui.buffers]) c.getContext("2d", { willReadFrequently: true });
  sizeCanvases();
  // Sizes change: redraw in the next frame (if seen).
  const resized = () => { sizeCanvases(); wake(); };
  const ro = new ResizeObserver(resized);
  for (const c of canvases()) ro.observe(c.parentElement);
  matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`).addEventListener("change", resized);
  const top = topOfOrigin();
  if (top !== window) top.addEventListener("resize", resized); // a deck rescaling its slides
  seen = watchSeen(document.querySelector(".stage"), seenChanged);
  ui.seen = () => seen();

  showLink(fromLink.state, notes);
  applyView();
  wake();
}

main().catch((e) => {
  console.error(e);
  setStatus("The explorer could not start: " + (e && e.message ? e.message : e), true);
  // Nothing can run: controls that would do nothing are disabled, not left to mislead.
  if (!ui.explorer) {
    for (const el of document.querySelectorAll("main button, main input, main select")) el.disabled = true;
    document.body.dataset.model ||= "qf";
  }
});
