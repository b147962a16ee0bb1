//! The page's settings as one pure-Rust parser, so that what a URL or a control can
//! send is checked (and fuzzed natively) by the same code the page runs. Keys, all
//! optional, read as text: `model` (qf|mg), `d`, `spectrum`, `rotate`, `activation`,
//! `regimes` (comma list of rf_iso, rf_opt, nt, nn for qf; rf, nt, nn, bayes for mg),
//! `rho_min`, `rho_max`, `rho_points`, `draws`, `sgd_d`, `neurons`, `batch`, `eta_nt`, `eta_nn`,
//! `steps`, `record_every`, `seed`: the rows of the settings table
//! ([`crate::settings::table`]), which gives each its default, the wording of
//! its messages and its range. Every error names the key at fault; the ranges of the
//! counts and step sizes are the core's own checks ([`crate::params`], same bounds as
//! the table's), run by [`PageConfig::check`].

pub mod table;

use crate::activation::Activation;
use crate::error::Error;
use crate::experiment::log_grid;
use crate::model::{clip, ModelKind, Spectrum};
use crate::params::{Curve, Limits, ModelParams, SgdParams, SgdRegime, SweepParams};
use table::{Range, Setting};

/// The page's settings, parsed with field-named errors.
#[derive(Clone, Debug)]
pub struct PageConfig {
    pub kind: ModelKind,
    pub d: usize,
    pub spectrum: Spectrum,
    /// The spectrum as given (for provenance).
    pub spectrum_text: String,
    pub rotate: bool,
    pub activation: Activation,
    pub curves: Vec<Curve>,
    pub rho: Vec<f64>,
    pub draws: usize,
    /// The dimension of the SGD runs (the `sgd_d` setting; `same` gives `d`).
    pub sgd_d: usize,
    pub neurons: usize,
    pub batch: usize,
    pub eta_nt: f64,
    pub eta_nn: f64,
    pub steps: u64,
    pub record_every: u64,
    pub seed: u64,
}

/// Reads one setting as text through the caller's lookup (`None`: not given); the
/// default, the wording of messages and the range come from the settings table.
struct Fields<'a>(&'a dyn Fn(&str) -> Option<String>, ModelKind);

fn row(key: &'static str) -> &'static Setting {
    // Every key read below is a row of the table (tests/explorer.rs reads them all).
    table::setting(key).unwrap_or(&table::SETTINGS[0])
}

impl Fields<'_> {
    fn text(&self, key: &str) -> Option<String> {
        let t = (self.0)(key)?;
        let t = t.trim();
        if t.is_empty() { None } else { Some(t.to_string()) }
    }

    /// The given text, else the table's default for the model.
    fn text_or_default(&self, key: &'static str) -> String {
        self.text(key).unwrap_or_else(|| table::default_of(key, self.1).to_string())
    }

    fn float(&self, key: &'static str) -> Result<f64, Error> {
        let t = self.text_or_default(key);
        t.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| Error::invalid(key, format!("{} must be a number, got {:?}", row(key).what, clip(&t))))
    }

    fn whole(&self, key: &'static str) -> Result<u64, Error> {
        let t = self.text_or_default(key);
        t.parse::<u64>().map_err(|_| Error::invalid(key, format!("{} must be a whole number, got {:?}", row(key).what, clip(&t))))
    }
}

/// The table's range of a number, for the settings checked at parse time.
fn positive(key: &'static str, v: f64) -> Result<(), Error> {
    match row(key).range {
        Range::Positive { .. } if v <= 0.0 => Err(Error::invalid(key, format!("{} must be positive, got {}", row(key).what, crate::params::num(v)))),
        _ => Ok(()),
    }
}

/// The table's range of a whole number, for the settings checked at parse time.
fn between(key: &'static str, v: u64, limits: &Limits) -> Result<(), Error> {
    match row(key).range {
        Range::Between { lo, hi } if v < lo || v > hi(limits) => Err(Error::invalid(key, format!("{} must be between {lo} and {}, got {v}", row(key).what, hi(limits)))),
        _ => Ok(()),
    }
}

impl PageConfig {
    /// Parse and check the settings that `get` returns by key (strings as typed).
    pub fn parse(get: &dyn Fn(&str) -> Option<String>, limits: &Limits) -> Result<PageConfig, Error> {
        let kind: ModelKind = Fields(get, ModelKind::Qf).text_or_default("model").parse()?;
        let f = Fields(get, kind);
        let d = f.whole("d")?;
        between("d", d, limits)?;
        let spectrum_text = f.text_or_default("spectrum");
        if spectrum_text.to_ascii_lowercase().starts_with("file:") {
            return Err(Error::invalid("spectrum", "a page cannot read files; type the eigenvalues as list:a,b,.."));
        }
        let spectrum: Spectrum = spectrum_text.parse()?;
        let rotate = matches!(f.text_or_default("rotate").as_str(), "true" | "1" | "on");
        let activation: Activation = f.text_or_default("activation").parse()?;
        let mut chosen = Vec::new();
        for name in f.text_or_default("regimes").split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()) {
            let c = Curve::parse(name, kind)?;
            if !chosen.contains(&c) {
                chosen.push(c);
            }
        }
        // Display order, whatever order the page listed them in.
        let curves: Vec<Curve> = Curve::theory_set(kind).iter().copied().filter(|c| chosen.contains(c)).collect();
        if curves.is_empty() {
            return Err(Error::invalid("regimes", "choose at least one regime to show"));
        }
        let rho_min = f.float("rho_min")?;
        let rho_max = f.float("rho_max")?;
        let points = f.whole("rho_points")?;
        positive("rho_min", rho_min)?;
        between("rho_points", points, limits)?;
        if points > 1 && rho_max <= rho_min {
            return Err(Error::invalid("rho_max", format!("the largest N/d ({}) must exceed the smallest ({})", crate::params::num(rho_max), crate::params::num(rho_min))));
        }
        let rho = log_grid(rho_min, rho_max, points as usize);
        let draws = f.whole("draws")?;
        let sgd_d = match f.text_or_default("sgd_d") {
            t if t.eq_ignore_ascii_case("same") => d,
            t => t.parse::<u64>().map_err(|_| Error::invalid("sgd_d", format!("{} must be a whole number or same, got {:?}", row("sgd_d").what, clip(&t))))?,
        };
        between("sgd_d", sgd_d, limits)?;
        let neurons = f.whole("neurons")?;
        let batch = f.whole("batch")?;
        let eta_nt = f.float("eta_nt")?;
        let eta_nn = f.float("eta_nn")?;
        let steps = f.whole("steps")?;
        let record_every = f.whole("record_every")?;
        let seed = f.whole("seed")?;
        between("seed", seed, limits)?;
        // Large counts are caught by the core's range checks; clamp only so the cast is lossless.
        let size = |v: u64| v.min(u32::MAX as u64) as usize;
        let cfg = PageConfig {
            kind,
            d: d as usize,
            spectrum,
            spectrum_text,
            rotate,
            activation,
            curves,
            rho,
            draws: size(draws),
            sgd_d: sgd_d as usize,
            neurons: size(neurons),
            batch: size(batch),
            eta_nt,
            eta_nn,
            steps,
            record_every,
            seed,
        };
        // The limits at d are those of a width at d with the runs' N/d: a draw of W of
        // that width, bounded as the sweep's widths are.
        let wide = cfg.neurons_at_d();
        if cfg.sgd_elsewhere() && cfg.neurons <= limits.max_sgd_neurons && wide > limits.max_sweep_neurons {
            return Err(Error::invalid(
                "sgd_d",
                format!("N = {} at d = {} is N = {wide} at the width plot's d = {d} (same N/d), beyond the page's {} neurons; raise {} or lower N", cfg.neurons, cfg.sgd_d, limits.max_sweep_neurons, row("sgd_d").what),
            ));
        }
        Ok(cfg)
    }

    /// The SGD runs are at another dimension than the width sweep (`sgd_d` is not `d`).
    pub fn sgd_elsewhere(&self) -> bool {
        self.sgd_d != self.d
    }

    /// The width at the sweep's d with the SGD runs' N/d: `round(neurons d / sgd_d)`
    /// (at least 1; `neurons` when `sgd_d` is `d`).
    pub fn neurons_at_d(&self) -> usize {
        ((self.neurons as f64 * self.d as f64 / self.sgd_d as f64).round() as usize).max(1)
    }

    pub fn model(&self) -> ModelParams {
        ModelParams { kind: self.kind, d: self.d, spectrum: self.spectrum.clone(), rotate: self.rotate, seed: self.seed }
    }

    /// One SGD run of the right panel: at dimension `sgd_d` (the target drawn there
    /// from the same seed), `neurons` neurons.
    pub fn sgd(&self, regime: SgdRegime) -> SgdParams {
        let eta = match regime {
            SgdRegime::Nt => self.eta_nt,
            SgdRegime::Nn => self.eta_nn,
        };
        let model = ModelParams { d: self.sgd_d, ..self.model() };
        SgdParams { model, regime, neurons: self.neurons, batch: self.batch, eta, steps: self.steps, record_every: self.record_every }
    }
}


impl PageConfig {
    /// Parse a query string (`model=mg&d=40`, a leading `?` or `#` allowed; values
    /// percent-decoded; unknown keys ignored).
    pub fn from_query(query: &str, limits: &Limits) -> Result<PageConfig, Error> {
        let pairs = query_pairs(query);
        PageConfig::parse(&|k: &str| pairs.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.clone()), limits)
    }

    /// The width sweep these settings describe.
    pub fn sweep(&self) -> SweepParams {
        SweepParams { model: self.model(), activation: self.activation, curves: self.curves.clone(), rho: self.rho.clone(), draws: self.draws }
    }

    /// Every check the page's work will meet (sweep and both SGD runs, with their
    /// work and memory caps), without doing the work.
    pub fn check(&self, limits: &Limits) -> Result<(), Error> {
        self.sweep().validate(limits)?;
        self.sgd(SgdRegime::Nt).validate(limits).map_err(|e| rename_eta(e, "eta_nt"))?;
        self.sgd(SgdRegime::Nn).validate(limits).map_err(|e| rename_eta(e, "eta_nn"))?;
        Ok(())
    }
}

/// The core names one `eta`; the page has a step size per regime.
pub fn rename_eta(e: Error, field: &'static str) -> Error {
    match e {
        Error::Invalid { field: "eta", message } => Error::Invalid { field, message },
        other => other,
    }
}

/// `k=v&k=v` pairs with `+` and `%XX` decoded (invalid escapes kept as typed).
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    let q = query.trim_start_matches(['?', '#']);
    q.split('&')
        .filter(|p| !p.is_empty())
        .take(200)
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
