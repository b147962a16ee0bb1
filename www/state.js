// Every user-settable property, listed once: name, default (per model where the paper
// differs), and how it maps to the URL hash. The hash is versioned (`v=1`) and read
// tolerantly: unknown keys are ignored, bad values reach the core's validators and are
// shown next to their control like any typed value.

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

// State from the URL hash ("#v=1&model=mg&d=40"); missing keys take the defaults of
// the model the hash names. Values are strings, clipped to a sane length.
export function fromHash(hash) {
  const p = new URLSearchParams(String(hash || "").replace(/^#/, ""));
  const model = p.get("model") === "mg" ? "mg" : "qf";
  const s = defaults(model);
  if (p.get("v") !== HASH_VERSION) return s;
  for (const k of Object.keys(FIELDS)) {
    if (k === "model") continue;
    const v = p.get(k);
    if (v !== null) s[k] = v.slice(0, 400);
  }
  return s;
}

// The hash of a state: only the values that differ from the model's defaults.
export function toHash(state) {
  const p = new URLSearchParams();
  p.set("v", HASH_VERSION);
  const base = defaults(state.model);
  if (state.model !== "qf") p.set("model", state.model);
  for (const k of Object.keys(FIELDS)) {
    if (k !== "model" && state[k] !== base[k]) p.set(k, state[k]);
  }
  return "#" + p.toString();
}
