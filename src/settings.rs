//! The page's settings as one pure-Rust parser, so that what a URL or a control can
//! send is checked (and fuzzed natively) by the same code the page runs. Keys, all
//! optional, read as text: `model` (qf|mg), `d`, `spectrum`, `rotate`, `activation`,
//! `regimes` (comma list of rf_iso, rf_opt, nt, nn for qf; rf, nt, nn, bayes for mg),
//! `rho_min`, `rho_max`, `rho_points`, `draws`, `neurons`, `batch`, `eta_nt`, `eta_nn`,
//! `steps`, `record_every`, `seed`. Every error names the key at fault; range checks
//! are the core's own ([`crate::params`]), run by [`PageConfig::check`].

use crate::activation::Activation;
use crate::error::Error;
use crate::experiment::log_grid;
use crate::model::{clip, ModelKind, Spectrum};
use crate::params::{Curve, Limits, ModelParams, SgdParams, SgdRegime, SweepParams};

/// The page's settings, parsed with field-named errors.
#[derive(Clone, Debug)]
pub struct PageConfig {
    pub kind: ModelKind,
    pub d: usize,
    pub spectrum: Spectrum,
    pub rotate: bool,
    pub activation: Activation,
    pub curves: Vec<Curve>,
    pub rho: Vec<f64>,
    pub draws: usize,
    pub neurons: usize,
    pub batch: usize,
    pub eta_nt: f64,
    pub eta_nn: f64,
    pub steps: u64,
    pub record_every: u64,
    pub seed: u64,
}

/// Reads one setting as text through the caller's lookup (`None`: not given).
struct Fields<'a>(&'a dyn Fn(&str) -> Option<String>);

impl Fields<'_> {
    fn text(&self, key: &str) -> Option<String> {
        let t = (self.0)(key)?;
        let t = t.trim();
        if t.is_empty() { None } else { Some(t.to_string()) }
    }


    fn float(&self, key: &'static str, default: f64, what: &str) -> Result<f64, Error> {
        match self.text(key) {
            None => Ok(default),
            Some(t) => t
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| Error::invalid(key, format!("{what} must be a number, got {:?}", clip(&t)))),
        }
    }

    fn whole(&self, key: &'static str, default: u64, what: &str) -> Result<u64, Error> {
        match self.text(key) {
            None => Ok(default),
            Some(t) => t.parse::<u64>().map_err(|_| Error::invalid(key, format!("{what} must be a whole number, got {:?}", clip(&t)))),
        }
    }
}

/// Largest seed that survives a round trip through a JS number.
const MAX_SEED: u64 = (1 << 53) - 1;

impl PageConfig {
    /// Parse and check the settings that `get` returns by key (strings as typed).
    pub fn parse(get: &dyn Fn(&str) -> Option<String>, limits: &Limits) -> Result<PageConfig, Error> {
        let f = Fields(get);
        let kind: ModelKind = f.text("model").unwrap_or_else(|| "qf".into()).parse()?;
        let d = f.whole("d", 30, "the dimension d")?;
        if d < 2 || d > limits.max_d as u64 {
            return Err(Error::invalid("d", format!("the dimension d must be between 2 and {}, got {d}", limits.max_d)));
        }
        let spectrum = match f.text("spectrum") {
            None => Spectrum::default_for(kind),
            Some(t) if t.to_ascii_lowercase().starts_with("file:") => {
                return Err(Error::invalid("spectrum", "a page cannot read files; type the eigenvalues as list:a,b,.."));
            }
            Some(t) => t.parse()?,
        };
        let rotate = matches!(f.text("rotate").as_deref(), Some("true") | Some("1") | Some("on"));
        let activation: Activation = f.text("activation").unwrap_or_else(|| "quadratic".into()).parse()?;
        let curves = match f.text("regimes") {
            None => Curve::theory_set(kind).to_vec(),
            Some(t) => {
                let mut v = Vec::new();
                for name in t.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()) {
                    let c = Curve::parse(name, kind)?;
                    if !v.contains(&c) {
                        v.push(c);
                    }
                }
                // Display order, whatever order the page listed them in.
                Curve::theory_set(kind).iter().copied().filter(|c| v.contains(c)).collect()
            }
        };
        if curves.is_empty() {
            return Err(Error::invalid("regimes", "choose at least one regime to show"));
        }
        let rho_min = f.float("rho_min", 0.1, "the smallest N/d")?;
        let rho_max = f.float("rho_max", 3.0, "the largest N/d")?;
        let points = f.whole("rho_points", 11, "the number of N/d values")?;
        if rho_min <= 0.0 {
            return Err(Error::invalid("rho_min", format!("the smallest N/d must be positive, got {}", crate::params::num(rho_min))));
        }
        if points < 1 || points > limits.max_rho_points as u64 {
            return Err(Error::invalid("rho_points", format!("the number of N/d values must be between 1 and {}, got {points}", limits.max_rho_points)));
        }
        if points > 1 && rho_max <= rho_min {
            return Err(Error::invalid("rho_max", format!("the largest N/d ({}) must exceed the smallest ({})", crate::params::num(rho_max), crate::params::num(rho_min))));
        }
        let rho = log_grid(rho_min, rho_max, points as usize);
        let draws = f.whole("draws", 5, "the number of draws")?;
        let neurons = f.whole("neurons", 15, "the number of neurons N")?;
        let batch = f.whole("batch", 100, "the batch size")?;
        let (nt_default, nn_default) = match kind {
            ModelKind::Qf => (0.02, 0.02),
            ModelKind::Mg => (0.02, 0.3),
        };
        let eta_nt = f.float("eta_nt", nt_default, "the NT step size")?;
        let eta_nn = f.float("eta_nn", nn_default, "the NN step size")?;
        let steps = f.whole("steps", 30_000, "the number of SGD steps")?;
        let record_every = f.whole("record_every", 150, "record-every")?;
        let seed = f.whole("seed", 1, "the seed")?;
        if seed > MAX_SEED {
            return Err(Error::invalid("seed", format!("the seed must be between 0 and {MAX_SEED}, got {seed}")));
        }
        // Large counts are caught by the core's range checks; clamp only so the cast is lossless.
        let size = |v: u64| v.min(u32::MAX as u64) as usize;
        Ok(PageConfig {
            kind,
            d: d as usize,
            spectrum,
            rotate,
            activation,
            curves,
            rho,
            draws: size(draws),
            neurons: size(neurons),
            batch: size(batch),
            eta_nt,
            eta_nn,
            steps,
            record_every,
            seed,
        })
    }

    pub fn model(&self) -> ModelParams {
        ModelParams { kind: self.kind, d: self.d, spectrum: self.spectrum.clone(), rotate: self.rotate, seed: self.seed }
    }

    pub fn sgd(&self, regime: SgdRegime) -> SgdParams {
        let eta = match regime {
            SgdRegime::Nt => self.eta_nt,
            SgdRegime::Nn => self.eta_nn,
        };
        SgdParams { model: self.model(), regime, neurons: self.neurons, batch: self.batch, eta, steps: self.steps, record_every: self.record_every }
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
