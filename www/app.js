// The page: wires the controls to the state, builds the wasm Explorer from it, and
// runs the animation loop in small time slices so the page never freezes. No maths
// here: every number comes from the Rust core (src/web.rs).
import init, { Explorer } from "./pkg/lazy_training.js";
import { REGIMES, FIELDS, defaultFor, fromHash, toHash } from "./state.js";

const $ = (id) => document.getElementById(id);
const SLICE_MS = 10;          // compute per animation frame
const INPUTS = Object.keys(FIELDS).filter((k) => k !== "regimes");

// Which error slot and which control a core error field points at.
const ERR_SLOT = { rho: "rho", rho_min: "rho", rho_max: "rho", rho_points: "rho", config: "general" };
const ERR_INPUT = { rho: "rho_min", regimes: null, config: null };

const ui = {
  explorer: null,      // the last good Explorer (its plots stay on screen on error)
  state: null,         // the state it was built from
  playing: false,
  dirty: [true, true], // left, right panels need a redraw
  dpr: 1,
  // Timings (ms since navigation start) for the end-to-end test and the curious.
  timings: { wasm: null, theory: null, sweep: null },
  builds: 0,
  errors: {},
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
  document.body.dataset.model = s.model;
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
    lab.prepend(Object.assign(document.createElement("span"), { className: "swatch sw-" + value, ariaHidden: "true" }));
    wrap.append(input, lab);
    box.append(wrap);
  }
}

// ---- errors next to their control -------------------------------------------------
function clearErrors() {
  for (const el of document.querySelectorAll(".err")) { el.hidden = true; el.textContent = ""; }
  for (const el of document.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  ui.errors = {};
}

function showError(err) {
  const field = err && err.field ? String(err.field) : "general";
  const message = (err && err.message) || String(err);
  const slot = $("err-" + (ERR_SLOT[field] || field)) || $("err-general");
  // Beside its control the "field: " prefix of the core's message says nothing new.
  slot.textContent = message.startsWith(field + ": ") ? message.slice(field.length + 2) : message;
  slot.hidden = false;
  const inputId = field in ERR_INPUT ? ERR_INPUT[field] : field;
  const input = inputId && $(inputId);
  if (input) {
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", slot.id);
  }
  if (field === "regimes") $("regimes").setAttribute("aria-invalid", "true");
  ui.errors[field] = message;
  setStatus("Not applied: " + message, true);
}

function setStatus(text, bad = false) {
  const s = $("status");
  s.textContent = text;
  s.classList.toggle("bad", bad);
}

// ---- building --------------------------------------------------------------------
function rebuild(state, { keepPlaying = false } = {}) {
  let ex;
  try {
    ex = new Explorer(state);
  } catch (e) {
    clearErrors();
    showError(e);
    return false;
  }
  clearErrors();
  if (ui.explorer) ui.explorer.free();
  ui.explorer = ex;
  ui.state = state;
  ui.builds += 1;
  ui.dirty = [true, true];
  ui.timings.sweep = null;
  if (!keepPlaying) setPlaying(false);
  const hash = toHash(state);
  if (location.hash !== hash && !(hash === "#v=1" && !location.hash)) history.replaceState(null, "", hash);
  drawAll();
  if (ui.timings.theory === null) ui.timings.theory = performance.now();
  setStatus(describe());
  return true;
}

function describe() {
  const s = ui.state;
  const tau = s.model === "qf" ? `, τ(B) = ${ui.explorer.tau().toFixed(3)}` : "";
  return `${s.model}, d = ${s.d}, ${s.spectrum} spectrum, ${s.activation} activation${tau}`;
}

let changeTimer = 0;
function onChange(ev) {
  if (ev && ev.target && ev.target.id === "model") {
    // A new model takes its own defaults for what differs between models.
    const m = $("model").value;
    for (const k of ["spectrum", "eta_nn", "eta_nt"]) $(k).value = defaultFor(k, m);
    renderRegimes(m, defaultFor("regimes", m));
    document.body.dataset.model = m;
  }
  clearTimeout(changeTimer);
  changeTimer = setTimeout(() => rebuild(readForm()), 120);
}

// ---- drawing -----------------------------------------------------------------------
const canvases = () => [$("plot-width"), $("plot-sgd")];

function sizeCanvases() {
  ui.dpr = Math.max(1, Math.min(4, window.devicePixelRatio || 1));
  for (const c of canvases()) {
    const r = c.parentElement.getBoundingClientRect();
    const w = Math.max(60, Math.round(r.width * ui.dpr));
    const h = Math.max(60, Math.round(r.height * ui.dpr));
    if (c.width !== w || c.height !== h) { c.width = w; c.height = h; }
  }
  ui.dirty = [true, true];
}

function drawAll() {
  if (!ui.explorer) return;
  const [left, right] = canvases();
  try {
    if (ui.dirty[0]) { ui.explorer.drawWidth(left, ui.dpr); ui.dirty[0] = false; }
    if (ui.dirty[1]) { ui.explorer.drawSgd(right, ui.dpr); ui.dirty[1] = false; }
  } catch (e) {
    showError(e);
  }
}

function updateProgress() {
  const ex = ui.explorer;
  if (!ex) return;
  $("sweep-progress").value = ex.sweepProgress();
  $("sgd-progress").value = ex.sgdProgress();
  document.body.dataset.sweep = ex.sweepDone() ? "done" : "running";
  document.body.dataset.sgd = ex.sgdDone() ? "done" : ui.playing ? "playing" : "paused";
}

// ---- the loop ----------------------------------------------------------------------
function frame() {
  const ex = ui.explorer;
  if (ex) {
    try {
      const sweeping = !ex.sweepDone();
      const training = ui.playing && !ex.sgdDone();
      const share = sweeping && training ? SLICE_MS / 2 : SLICE_MS;
      if (sweeping) {
        ex.advanceSweep(share);
        ui.dirty[0] = true;
        if (ex.sweepDone()) ui.timings.sweep = performance.now();
      }
      if (training) {
        ex.advanceSgd(share);
        ui.dirty[1] = true;
      }
    } catch (e) {
      showError(e);
      setPlaying(false);
      ui.dirty = [true, true];
    }
    if (ui.playing && ex.sgdDone()) setPlaying(false);
    drawAll();
    updateProgress();
  }
  requestAnimationFrame(frame);
}

function setPlaying(on) {
  ui.playing = on;
  const b = $("play");
  b.textContent = on ? "Pause" : "Play";
  b.setAttribute("aria-pressed", on ? "true" : "false");
  updateProgress();
}

// ---- hover read-out ----------------------------------------------------------------
function hover(panel, canvas, out, xName) {
  canvas.addEventListener("pointermove", (ev) => {
    if (!ui.explorer) return;
    const p = ui.explorer.toData(panel, ev.offsetX * ui.dpr, ev.offsetY * ui.dpr);
    out.textContent = p ? `${xName} = ${fmt(p[0])}, risk = ${p[1].toFixed(3)}` : "";
  });
  canvas.addEventListener("pointerleave", () => { out.textContent = ""; });
}
const fmt = (v) => (v >= 1000 ? Math.round(v).toLocaleString("en") : v.toPrecision(3));

// ---- start -------------------------------------------------------------------------
async function main() {
  await init();
  ui.timings.wasm = performance.now();
  const state = fromHash(location.hash);
  writeForm(state);
  for (const k of INPUTS) $(k).addEventListener("change", onChange);
  $("controls").addEventListener("submit", (e) => { e.preventDefault(); rebuild(readForm()); });
  $("play").addEventListener("click", () => {
    const ex = ui.explorer;
    if (!ex) return;
    if (!ui.playing && ex.sgdDone()) { rebuild(ui.state); }
    setPlaying(!ui.playing);
  });
  $("step").addEventListener("click", () => {
    const ex = ui.explorer;
    if (!ex) return;
    setPlaying(false);
    try {
      ex.advanceSgdSteps(Math.max(1, Math.round(Number(ui.state.steps) / 40) || 1));
    } catch (e) { showError(e); }
    ui.dirty[1] = true;
  });
  $("reset").addEventListener("click", () => rebuild(readForm()));
  window.addEventListener("hashchange", () => {
    if (location.hash === toHash(ui.state || {})) return;
    const s = fromHash(location.hash);
    writeForm(s);
    rebuild(s);
  });
  hover(0, $("plot-width"), $("hover-width"), "N/d");
  hover(1, $("plot-sgd"), $("hover-sgd"), "samples");
  sizeCanvases();
  new ResizeObserver(() => { sizeCanvases(); drawAll(); }).observe($("plot-width").parentElement);
  matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`).addEventListener("change", () => { sizeCanvases(); drawAll(); });
  if (!rebuild(state)) {
    // A bad link: keep its values in the form (the error says what is wrong) but
    // show the default view underneath.
    const errs = { ...ui.errors };
    const d = fromHash("");
    rebuild(d);
    for (const [field, message] of Object.entries(errs)) showError({ field, message: message + " (from the link; showing the defaults)" });
  }
  requestAnimationFrame(frame);
}

main().catch((e) => {
  console.error(e);
  setStatus("The explorer could not start: " + (e && e.message ? e.message : e), true);
});
