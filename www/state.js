// Every user-settable property, listed once: name, default (per model where the paper
// differs), and how it maps to the URL hash. The hash is versioned (`v=1`) and read
// tolerantly: unknown keys, another version or a bad value never blank the page; what
// was set aside is reported (parseHash) so the page can say so. Values are validated
// by the core (settings::PageConfig), not here.

export const HASH_VERSION = "1";

// Regimes (curve names of the core) per model, in display order, with labels.
export const REGIMES = {
  qf: [["rf_iso", "RF, isotropic features"], ["rf_opt", "RF, optimal features"], ["nt", "NT (lazy)"], ["nn", "NN (trained)"]],
  mg: [["rf", "RF"], ["nt", "NT (lazy)"], ["nn", "NN (trained)"], ["bayes", "Bayes error"]],
};

// name -> default value (string, as in the input), or per-model defaults.
export const FIELDS = {
  model: "qf",
  d: "30",
  spectrum: { qf: "exp", mg: "paper" },
  activation: "quadratic",
  regimes: { qf: "rf_iso,rf_opt,nt,nn", mg: "rf,nt,nn,bayes" },
  rho_min: "0.1",
  rho_max: "3",
  rho_points: "11",
  draws: "5",
  neurons: "15",
  batch: "100",
  eta_nt: "0.02",
  eta_nn: { qf: "0.02", mg: "0.3" },
  steps: "30000",
  record_every: "150",
  seed: "1",
};

// View options: not settings of the computation, but kept in the link.
//   embed=1      only the plots and a small Play/Pause (for an iframe on a slide)
//   hide=a,b     hide these controls or parts of the page (see HIDEABLE)
export const VIEW_KEYS = ["embed", "hide"];
export const HIDEABLE = [...Object.keys(FIELDS), "presets", "share", "export", "explain", "toolbar", "controls", "width", "sgd", "overlap"];

// Lessons in one click. Each sets the controls (over the model's defaults) and the URL.
export const PRESETS = {
  fig1: {
    label: "Figure 1 (qf)",
    title: "The paper's Figure 1: quadratic target, B with an i.i.d. Exp(1) spectrum (tau = 1/2)",
    values: { model: "qf", spectrum: "exp" },
  },
  fig2: {
    label: "Figure 2 (mg)",
    title: "The paper's Figure 2: mixture of Gaussians, Delta with entries from {2, 1.5, 1}/sqrt(d)",
    values: { model: "mg", spectrum: "paper" },
  },
  spiked: {
    label: "Spiked B: NN finds 5 directions",
    title: "B has 5 eigenvalues 10, the rest 1. With N = 5 neurons, trained weights line up with the 5 spikes (overlap near 1) while NT keeps 5 random directions (overlap N/d)",
    values: { model: "qf", spectrum: "spiked:5", neurons: "5", steps: "20000", record_every: "100" },
  },
  flat: {
    label: "Flat B: NT at its worst",
    title: "B = I, so tau(B) = 1: NT's risk is (1 - N/d) for N < d, RF gains nothing from optimal features, and no direction matters more than another",
    values: { model: "qf", spectrum: "flat" },
  },
};

export function defaultFor(name, model) {
  const v = FIELDS[name];
  return typeof v === "object" ? v[model] ?? v.qf : v;
}

export function defaults(model = "qf") {
  const s = {};
  for (const k of Object.keys(FIELDS)) s[k] = defaultFor(k, model);
  s.model = model;
  return s;
}

export function presetState(name) {
  const p = PRESETS[name];
  if (!p) return null;
  return { ...defaults(p.values.model || "qf"), ...p.values };
}

// The preset whose settings equal `state`, if any.
export function matchingPreset(state) {
  for (const name of Object.keys(PRESETS)) {
    const s = presetState(name);
    if (Object.keys(FIELDS).every((k) => String(state[k]) === String(s[k]))) return name;
  }
  return null;
}

// Read a hash ("#v=1&model=mg&d=40") tolerantly. Returns the state (missing keys take
// the defaults of the model the hash names), the view options, and what was set
// aside: `notes`, sentences for the page's notice.
export function parseHash(hash) {
  const p = new URLSearchParams(String(hash || "").replace(/^#/, ""));
  const notes = [];
  const rawModel = p.get("model");
  let model = "qf";
  if (rawModel === "mg" || rawModel === "qf") model = rawModel;
  else if (rawModel !== null) notes.push(`model: unknown model "${clip(rawModel)}"; using qf.`);
  const state = defaults(model);
  const view = { embed: p.get("embed") === "1" || p.get("embed") === "true", hide: splitList(p.get("hide")) };
  const badHide = view.hide.filter((h) => !HIDEABLE.includes(h));
  if (badHide.length) notes.push(`hide: nothing called ${badHide.map(clip).join(", ")} to hide.`);
  view.hide = view.hide.filter((h) => HIDEABLE.includes(h));
  const hasAny = [...p.keys()].some((k) => !VIEW_KEYS.includes(k));
  const version = p.get("v");
  if (hasAny && version !== HASH_VERSION) {
    notes.push(version === null
      ? "The link has no format version (v=1); its settings were ignored and the defaults are shown."
      : `The link uses format version ${clip(version)}; this page reads version ${HASH_VERSION}, so the defaults are shown.`);
    return { state: defaults("qf"), view, notes };
  }
  const unknown = [];
  for (const k of new Set(p.keys())) {
    if (k === "v" || k === "model" || VIEW_KEYS.includes(k)) continue;
    if (!Object.hasOwn(FIELDS, k)) { unknown.push(clip(k)); continue; }
    state[k] = p.get(k).slice(0, 400);
  }
  if (unknown.length) notes.push(`Ignored unknown setting${unknown.length > 1 ? "s" : ""} in the link: ${unknown.join(", ")}.`);
  return { state, view, notes };
}

// Back-compatible: the state of a hash, without the notes.
export function fromHash(hash) {
  return parseHash(hash).state;
}

// The hash of a state: only the values that differ from the model's defaults, then
// the view options that are on.
export function toHash(state, view = {}) {
  const p = new URLSearchParams();
  p.set("v", HASH_VERSION);
  const base = defaults(state.model);
  if (state.model !== "qf") p.set("model", state.model);
  for (const k of Object.keys(FIELDS)) {
    if (k !== "model" && state[k] !== base[k]) p.set(k, state[k]);
  }
  if (view.embed) p.set("embed", "1");
  if (view.hide && view.hide.length) p.set("hide", view.hide.join(","));
  return "#" + p.toString();
}

function splitList(v) {
  return v ? v.split(",").map((x) => x.trim()).filter(Boolean).slice(0, 40) : [];
}

function clip(s) {
  s = String(s);
  return s.length > 40 ? s.slice(0, 40) + "…" : s;
}
