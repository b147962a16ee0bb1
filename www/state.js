// The URL state of the page. Every user-settable property is a row of the settings
// table in Rust (src/settings/table.rs: key, label, default per model, range,
// help), which the wasm module hands over as JSON (`settingsTable()`); `useTable` reads
// it once, before anything else here runs, so nothing below repeats a name, a default,
// a regime, a colour or a preset. The hash is versioned (`v=1`) and read tolerantly:
// unknown keys, another version or a bad value never blank the page; what was set
// aside is reported (parseHash) so the page can say so. Values are validated by the
// core (settings::PageConfig), not here.

export let HASH_VERSION = "1";
// Regimes (curve names of the core) per model, in display order, with labels.
export let REGIMES = {};
// name -> default value (string, as in the input), or per-model defaults { qf, mg }.
export let FIELDS = {};
// Lessons in one click: { name: { label, title, values } } over the model's defaults.
export let PRESETS = {};
// Curve name -> CSS colour (the plots' colours).
export let COLORS = {};
// key -> the table's row (label, kind, min, max, help, ...).
export let SETTINGS = {};

// View options: not settings of the computation, but kept in the link.
//   embed=1      only the plots and a small Play/Pause (for an iframe on a slide)
//   hide=a,b     hide these controls or parts of the page (see HIDEABLE)
export const VIEW_KEYS = ["embed", "hide"];
const PAGE_PARTS = ["presets", "share", "export", "explain", "toolbar", "controls", "width", "sgd", "overlap"];
export let HIDEABLE = [...PAGE_PARTS];

/** Read the settings table (the parsed JSON of the wasm module's settingsTable()). */
export function useTable(table) {
  HASH_VERSION = table.version;
  FIELDS = {};
  SETTINGS = {};
  for (const s of table.settings) {
    if (!s.control) continue; // URL-only settings of the core the page has no control for
    FIELDS[s.key] = s.default.qf === s.default.mg ? s.default.qf : { ...s.default };
    SETTINGS[s.key] = s;
  }
  REGIMES = table.regimes;
  PRESETS = Object.fromEntries((table.preset_order || Object.keys(table.presets)).map((n) => [n, table.presets[n]]));
  COLORS = table.colors;
  HIDEABLE = [...Object.keys(FIELDS), ...PAGE_PARTS];
}

/** A setting's label for a model (the table's `label` is per model). */
export function labelFor(name, model) {
  const l = SETTINGS[name].label;
  return l[model] ?? l.qf;
}

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
  const p = Object.hasOwn(PRESETS, name) ? PRESETS[name] : null;
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
  const models = Object.keys(REGIMES);
  let model = "qf";
  if (models.includes(rawModel)) model = rawModel;
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
      ? `The link has no format version (v=${HASH_VERSION}); its settings were ignored and the defaults are shown.`
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
