//! Every setting of the page, declared once. One row per setting: its key (the URL
//! key, the control's id, the field an error names and the [`PageConfig`] field, one
//! name all the way), its label, its default per model, its range, its help text and
//! its kind. [`PageConfig::parse`] reads defaults, message wording and ranges from
//! here; the page reads the whole table from the wasm module ([`table_json`], exported
//! as `settingsTable()`), so `www/state.js` repeats none of it; the command line takes
//! its defaults from here where it has the same setting ([`default_of`]), and the
//! paper's step sizes live only in the `eta_nt`/`eta_nn` rows ([`paper_eta`]).
//!
//! [`PageConfig`]: crate::settings::PageConfig
//! [`PageConfig::parse`]: crate::settings::PageConfig::parse

use crate::model::ModelKind;
use crate::params::{Curve, Limits, SgdRegime};
use serde_json::{json, Map, Value};

/// The URL format version (`#v=1&...`).
pub const URL_VERSION: &str = "1";

/// Largest seed that survives a round trip through a JS number.
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// What a setting holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One of `choices`.
    Choice,
    /// A whole number.
    Whole,
    /// A finite number.
    Number,
    /// Free text (a spectrum).
    Text,
    /// On or off.
    Flag,
    /// A comma list of curve names.
    Curves,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Choice => "choice",
            Kind::Whole => "whole",
            Kind::Number => "number",
            Kind::Text => "text",
            Kind::Flag => "flag",
            Kind::Curves => "curves",
        }
    }
}

/// The allowed values of a number.
#[derive(Clone, Copy, Debug)]
pub enum Range {
    /// Any value the kind allows.
    Any,
    /// Strictly positive, at most `max` (if any).
    Positive { max: Option<f64> },
    /// A whole number of at least this.
    AtLeast(u64),
    /// A whole number from `lo` to the cap that `hi` reads from the [`Limits`] (inclusive).
    Between { lo: u64, hi: fn(&Limits) -> u64 },
}

/// One setting (see the module doc).
pub struct Setting {
    pub key: &'static str,
    /// The control's label (qf, mg: the same but for the spectrum's, of B or of Delta).
    pub label: (&'static str, &'static str),
    /// How messages name it ("the dimension d").
    pub what: &'static str,
    pub kind: Kind,
    /// Default (qf, mg), as text.
    pub default: (&'static str, &'static str),
    /// d, seed, rho_min and rho_points are checked against it when the settings are
    /// parsed; the counts and step sizes by the core's validators ([`crate::params`]),
    /// whose bounds are the same [`Limits`] fields.
    pub range: Range,
    pub choices: &'static [&'static str],
    pub help: &'static str,
    /// The page has a control for it (`rotate` is URL-only on the page: none).
    pub control: bool,
}

const fn row(key: &'static str, label: &'static str, what: &'static str, kind: Kind, default: (&'static str, &'static str), range: Range, help: &'static str) -> Setting {
    Setting { key, label: (label, label), what, kind, default, range, choices: &[], help, control: true }
}

/// The table, in the order of the page's links (`#v=1&model=..&d=..`).
pub const SETTINGS: [Setting; 19] = [
    Setting { choices: &["qf", "mg"], ..row("model", "Model", "the model", Kind::Choice, ("qf", "qf"), Range::Any, "qf: quadratic function y = <x,Bx> - tr B; mg: mixture of two Gaussians with covariances I -/+ Delta") },
    row("d", "Dimension d", "the dimension d", Kind::Whole, ("30", "30"), Range::Between { lo: 2, hi: |l| l.max_d as u64 }, "the input dimension"),
    Setting { label: ("Spectrum of B", "Spectrum of Δ"), ..row("spectrum", "", "the spectrum", Kind::Text, ("exp", "paper"), Range::Any, "exp, flat, spiked:K, paper (mg) or list:a,b,..") },
    Setting { control: false, ..row("rotate", "Rotate", "rotate", Kind::Flag, ("false", "false"), Range::Any, "conjugate B (or Delta) by a random rotation") },
    Setting { choices: &["quadratic", "relu", "abs", "tanh"], ..row("activation", "Activation σ (centred)", "the activation", Kind::Choice, ("quadratic", "quadratic"), Range::Any, "the activation of the RF curves (NT and NN are the quadratic-activation results)") },
    row("regimes", "Regimes shown", "the regimes", Kind::Curves, ("rf_iso,rf_opt,nt,nn", "rf,nt,nn,bayes"), Range::Any, "which curves to show"),
    row("rho_min", "N/d from", "the smallest N/d", Kind::Number, ("0.1", "0.1"), Range::Positive { max: None }, "the smallest width ratio of the sweep"),
    row("rho_max", "to", "the largest N/d", Kind::Number, ("3", "3"), Range::Positive { max: None }, "the largest width ratio of the sweep"),
    row("rho_points", "points", "the number of N/d values", Kind::Whole, ("11", "11"), Range::Between { lo: 1, hi: |l| l.max_rho_points as u64 }, "log-spaced values of N/d"),
    row("draws", "Draws of W per point", "the number of draws", Kind::Whole, ("5", "5"), Range::Between { lo: 1, hi: |l| l.max_draws as u64 }, "draws of the first-layer weights per N/d: mean and spread"),
    row("sgd_d", "Dimension of SGD", "the dimension of the SGD runs", Kind::Text, ("same", "same"), Range::Between { lo: 2, hi: |l| l.max_d as u64 }, "same (the width plot's d) or a smaller d where SGD fits the page's time; the plot then adds the exact large-n limits at the width plot's d for the same N/d"),
    row("neurons", "Neurons N", "the number of neurons N", Kind::Whole, ("15", "15"), Range::Between { lo: 1, hi: |l| l.max_sgd_neurons as u64 }, "the width of the SGD runs"),
    row("batch", "Batch size", "the batch size", Kind::Whole, ("100", "100"), Range::Between { lo: 1, hi: |l| l.max_batch as u64 }, "fresh samples per SGD step"),
    row("eta_nt", "Step size η (NT)", "the NT step size", Kind::Number, ("0.02", "0.02"), Range::Positive { max: Some(100.0) }, "the NT run's step is eta/d (the paper's: 0.02)"),
    row("eta_nn", "Step size η (NN)", "the NN step size", Kind::Number, ("0.02", "0.3"), Range::Positive { max: Some(100.0) }, "the NN run's step is eta/d (the paper's: qf 0.02, mg 0.3)"),
    row("steps", "Steps", "the number of SGD steps", Kind::Whole, ("30000", "30000"), Range::Between { lo: 1, hi: |l| l.max_steps }, "SGD steps of each run"),
    row("record_every", "Record every", "record-every", Kind::Whole, ("150", "150"), Range::AtLeast(1), "the exact risk is recorded every this many steps (at most the steps)"),
    row("seed", "Seed", "the seed", Kind::Whole, ("1", "1"), Range::Between { lo: 0, hi: |_| MAX_SEED }, "every random draw comes from it: same seed, same numbers"),
    Setting { choices: &["full", "8000", "4000", "2000", "1000", "500"], ..row("pace", "Pace of Play", "the pace", Kind::Choice, ("full", "full"), Range::Any, "how fast Play advances: full speed, or SGD steps per second of each run (at 500 the default run of 30000 steps lasts a minute)") },
];

/// A lesson in one click: values over the model's defaults.
pub struct Preset {
    pub name: &'static str,
    pub label: &'static str,
    pub title: &'static str,
    pub values: &'static [(&'static str, &'static str)],
}

/// The page's presets (the command line's `figure --preset` reads fig1 and fig2's model).
pub const PRESETS: [Preset; 6] = [
    Preset { name: "fig1", label: "Figure 1 (qf)", title: "The paper's Figure 1: quadratic target, B with an i.i.d. Exp(1) spectrum (tau = 1/2)", values: &[("model", "qf"), ("spectrum", "exp")] },
    Preset { name: "fig2", label: "Figure 2 (mg)", title: "The paper's Figure 2: mixture of Gaussians, Delta with entries from {2, 1.5, 1}/sqrt(d)", values: &[("model", "mg"), ("spectrum", "paper")] },
    Preset {
        name: "spiked",
        label: "Spiked B: NN finds 5 directions",
        title: "B has 5 eigenvalues 10, the rest 1. With N = 5 neurons, trained weights line up with the 5 spikes (overlap near 1) while NT keeps 5 random directions (overlap N/d)",
        values: &[("model", "qf"), ("spectrum", "spiked:5"), ("neurons", "5"), ("steps", "20000"), ("record_every", "100")],
    },
    Preset {
        name: "flat",
        label: "Flat B: NT at its worst",
        title: "B = I, so tau(B) = 1: NT's risk is (1 - N/d) for N < d, RF gains nothing from optimal features, and no direction matters more than another",
        values: &[("model", "qf"), ("spectrum", "flat")],
    },
    // The paper's scale for the width sweep: d = 450, N from 45 to 4500, 10 draws of W,
    // computed by the page's worker pool (a few minutes on two cores; README, "Paper
    // scale in the browser"). SGD at d = 450 would take many minutes per run in a page:
    // the runs train at sgd_d = 100 with the page's default N/d = 1/2 (N = 50) and
    // 100000 steps of 100 (the step is eta/d: a larger d needs more steps), the largest
    // such run within the page's SGD work cap, about half a minute per run in Chromium
    // here; the right plot adds the exact limits at d = 450, N = 225 (README, "The
    // right plot at paper scale").
    Preset {
        name: "fig1_paper",
        label: "Figure 1 (paper scale)",
        title: "Figure 1 at the paper's scale: d = 450, N/d from 0.1 to 10 (N = 45 to 4500), 10 draws of W; minutes of computing in this page's background workers. SGD (press Play) runs at d = 100 beside the exact limits at d = 450",
        values: &[("model", "qf"), ("spectrum", "exp"), ("d", "450"), ("rho_min", "0.1"), ("rho_max", "10"), ("rho_points", "11"), ("draws", "10"), ("sgd_d", "100"), ("neurons", "50"), ("steps", "100000"), ("record_every", "500")],
    },
    Preset {
        name: "fig2_paper",
        label: "Figure 2 (paper scale)",
        title: "Figure 2 at the paper's scale: d = 450, N/d from 0.1 to 10 (N = 45 to 4500), 10 draws of W; minutes of computing in this page's background workers. SGD (press Play) runs at d = 100 beside the exact limits at d = 450",
        values: &[("model", "mg"), ("spectrum", "paper"), ("d", "450"), ("rho_min", "0.1"), ("rho_max", "10"), ("rho_points", "11"), ("draws", "10"), ("sgd_d", "100"), ("neurons", "50"), ("steps", "100000"), ("record_every", "500")],
    },
];

/// The row of `key` (every key used in the code is in the table).
pub fn setting(key: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.key == key)
}

/// The default of `key` for a model, as text ("" for a key not in the table).
pub fn default_of(key: &str, kind: ModelKind) -> &'static str {
    setting(key).map_or("", |s| match kind {
        ModelKind::Qf => s.default.0,
        ModelKind::Mg => s.default.1,
    })
}

/// The paper's step size for a model and SGD regime (the `eta_nt`/`eta_nn` rows).
pub fn paper_eta(kind: ModelKind, regime: SgdRegime) -> f64 {
    let key = match regime {
        SgdRegime::Nt => "eta_nt",
        SgdRegime::Nn => "eta_nn",
    };
    // The table's defaults are numbers (tests/explorer.rs parses every default).
    default_of(key, kind).parse().unwrap_or(f64::NAN)
}

/// The model a preset sets, if it is one of the table's presets.
pub fn preset_model(name: &str) -> Option<ModelKind> {
    let p = PRESETS.iter().find(|p| p.name == name)?;
    p.values.iter().find(|(k, _)| *k == "model").and_then(|(_, v)| v.parse().ok())
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The whole table as JSON for the page (ranges under `limits`): `version`,
/// `settings` (key, label {qf, mg}, kind, default {qf, mg}, min, max, choices, help, control),
/// `regimes` per model ([name, label] in display order), curve `colors`, `presets`.
pub fn table_json(limits: &Limits) -> String {
    let settings: Vec<Value> = SETTINGS
        .iter()
        .map(|s| {
            let (min, max) = match s.range {
                Range::Any => (None, None),
                Range::Positive { max } => (Some(0.0), max),
                Range::AtLeast(lo) => (Some(lo as f64), None),
                Range::Between { lo, hi } => (Some(lo as f64), Some(hi(limits) as f64)),
            };
            let mut o = json!({
                "key": s.key, "label": { "qf": s.label.0, "mg": s.label.1 }, "kind": s.kind.name(),
                "default": { "qf": s.default.0, "mg": s.default.1 },
                "choices": s.choices, "help": s.help, "control": s.control,
            });
            // A bound that does not exist is left out (never null).
            if let Some(v) = min {
                o["min"] = json!(v);
            }
            if let Some(v) = max {
                o["max"] = json!(v);
            }
            o
        })
        .collect();
    let mut regimes = Map::new();
    let mut colors = Map::new();
    for kind in [ModelKind::Qf, ModelKind::Mg] {
        let list: Vec<Value> = Curve::theory_set(kind).iter().map(|c| json!([c.name(kind), c.control_label(kind)])).collect();
        regimes.insert(kind.to_string(), Value::Array(list));
        for c in Curve::theory_set(kind) {
            colors.insert(c.name(kind).to_string(), json!(hex(c.color())));
        }
    }
    let presets: Map<String, Value> = PRESETS
        .iter()
        .map(|p| {
            let values: Map<String, Value> = p.values.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
            (p.name.to_string(), json!({ "label": p.label, "title": p.title, "values": values }))
        })
        .collect();
    // JSON objects lose their order here: `preset_order` keeps the buttons' order.
    let order: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
    json!({ "version": URL_VERSION, "settings": settings, "regimes": regimes, "colors": colors, "presets": presets, "preset_order": order }).to_string()
}
