//! Every user-settable parameter, checked once at the door. A `*Params` struct holds
//! what a person asked for (with the paper's defaults); `validate()` turns it into a
//! config or an [`Error`] naming the field and its allowed range, before any work.
//! The same checks serve the command line and the page (which passes tighter
//! [`Limits`] so a browser tab never takes on more than it can finish).

use crate::activation::Activation;
use crate::error::{clip, Error, Result};
use crate::model::{neurons, ModelKind, Spectrum, Target};

pub use crate::limits::{Limits, MAX_D};

/// Estimated work (floating-point operations) and peak memory (bytes) of a task.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Cost {
    pub flops: f64,
    pub bytes: f64,
}

/// A number for a message: plain when moderate, scientific when huge or tiny.
pub(crate) fn num(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-4..1e7).contains(&x.abs()) { format!("{x:e}") } else { format!("{x}") }
}

fn human(x: f64) -> String {
    let (v, unit) = if x >= 1e12 { (x / 1e12, "T") } else if x >= 1e9 { (x / 1e9, "G") } else if x >= 1e6 { (x / 1e6, "M") } else { (x / 1e3, "k") };
    format!("{v:.1} {unit}")
}

impl Cost {
    /// Refuse a task beyond the caps, naming the field that drives its size.
    fn check(&self, field: &'static str, max_flops: f64, max_bytes: f64, what: &str, advice: &str) -> Result<()> {
        if self.flops > max_flops || self.bytes > max_bytes {
            return Err(Error::invalid(
                field,
                format!(
                    "{what} needs about {}FLOP and {}B of memory, beyond the cap here ({}FLOP, {}B); {advice}",
                    human(self.flops),
                    human(self.bytes),
                    human(max_flops),
                    human(max_bytes)
                ),
            ));
        }
        Ok(())
    }
}

fn check_range<T: PartialOrd + std::fmt::Display + Copy>(field: &'static str, v: T, lo: T, hi: T, what: &str) -> Result<T> {
    if v < lo || v > hi {
        return Err(Error::invalid(field, format!("{what} must be between {lo} and {hi}, got {v}")));
    }
    Ok(v)
}

/// The data model: kind, dimension, spectrum, rotation, seed.
#[derive(Clone, Debug)]
pub struct ModelParams {
    pub kind: ModelKind,
    pub d: usize,
    pub spectrum: Spectrum,
    pub rotate: bool,
    pub seed: u64,
}

impl ModelParams {
    pub fn new(kind: ModelKind, d: usize) -> Self {
        ModelParams { kind, d, spectrum: Spectrum::default_for(kind), rotate: false, seed: 1 }
    }
    /// Check d and draw the target (which checks the spectrum against the model).
    pub fn target(&self, limits: &Limits) -> Result<Target> {
        check_range("d", self.d, 2, limits.max_d, "the dimension d")?;
        Target::new(self.kind, self.d, &self.spectrum, self.rotate, self.seed)
    }
}

/// A curve of the width plots. Names follow the CLI: qf `rf_iso, rf_opt, nt, nn`;
/// mg `rf, nt, nn, bayes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Curve {
    RfIso,
    RfOpt,
    Nt,
    Nn,
    Bayes,
}

/// Everything shown about one curve, in one table: its name (CLI, URL, JSON keys),
/// its label in plots and exports, its label beside the page's check box, and its
/// colour (colour-blind safe, Okabe-Ito). RF's names and labels depend on the model
/// (qf has two RF curves, mg one).
pub struct CurveInfo {
    pub curve: Curve,
    /// (qf, mg) names.
    pub name: (&'static str, &'static str),
    /// (qf, mg) labels in plots, tables and exports.
    pub label: (&'static str, &'static str),
    /// (qf, mg) labels of the page's check boxes.
    pub control: (&'static str, &'static str),
    pub color: (u8, u8, u8),
}

/// The curve table (see [`CurveInfo`]), in [`Curve`] order.
pub const CURVES: [CurveInfo; 5] = [
    CurveInfo { curve: Curve::RfIso, name: ("rf_iso", "rf"), label: ("RF (isotropic)", "RF"), control: ("RF, isotropic features", "RF"), color: (0, 114, 178) },
    CurveInfo { curve: Curve::RfOpt, name: ("rf_opt", "rf_opt"), label: ("RF (optimal)", "RF (optimal)"), control: ("RF, optimal features", "RF, optimal features"), color: (86, 180, 233) },
    CurveInfo { curve: Curve::Nt, name: ("nt", "nt"), label: ("NT", "NT"), control: ("NT (lazy)", "NT (lazy)"), color: (213, 94, 0) },
    CurveInfo { curve: Curve::Nn, name: ("nn", "nn"), label: ("NN", "NN"), control: ("NN (trained)", "NN (trained)"), color: (0, 158, 115) },
    CurveInfo { curve: Curve::Bayes, name: ("bayes", "bayes"), label: ("Bayes error", "Bayes error"), control: ("Bayes error", "Bayes error"), color: (0, 0, 0) },
];

fn by_model<T>(pair: (T, T), kind: ModelKind) -> T {
    match kind {
        ModelKind::Qf => pair.0,
        ModelKind::Mg => pair.1,
    }
}

impl Curve {
    fn info(self) -> &'static CurveInfo {
        &CURVES[self as usize]
    }
    /// The curve's name (CLI, URL and JSON keys): `rf_iso` (qf) or `rf` (mg), ...
    pub fn name(self, kind: ModelKind) -> &'static str {
        by_model(self.info().name, kind)
    }
    /// The curve's label in plots, tables and exports.
    pub fn label(self, kind: ModelKind) -> &'static str {
        by_model(self.info().label, kind)
    }
    /// The label of the curve's check box on the page.
    pub fn control_label(self, kind: ModelKind) -> &'static str {
        by_model(self.info().control, kind)
    }
    /// The curve's colour (RGB).
    pub fn color(self) -> (u8, u8, u8) {
        self.info().color
    }
    /// The activation this curve's results use: RF uses the chosen one; NT and NN are
    /// the quadratic-activation results (their theorems and simulations); the Bayes
    /// error has none.
    pub fn activation(self, chosen: Activation) -> Option<Activation> {
        match self {
            Curve::RfIso | Curve::RfOpt => Some(chosen),
            Curve::Nt | Curve::Nn => Some(Activation::Quadratic),
            Curve::Bayes => None,
        }
    }
    /// The theory curves of a model, in display order.
    pub fn theory_set(kind: ModelKind) -> &'static [Curve] {
        match kind {
            ModelKind::Qf => &[Curve::RfIso, Curve::RfOpt, Curve::Nt, Curve::Nn],
            ModelKind::Mg => &[Curve::RfIso, Curve::Nt, Curve::Nn, Curve::Bayes],
        }
    }
    /// The curves with simulated (exact finite-d) dots.
    pub fn exact_set(kind: ModelKind) -> &'static [Curve] {
        match kind {
            ModelKind::Qf => &[Curve::RfIso, Curve::RfOpt, Curve::Nt, Curve::Nn],
            ModelKind::Mg => &[Curve::RfIso, Curve::Nt, Curve::Nn],
        }
    }
    pub fn parse(s: &str, kind: ModelKind) -> Result<Curve> {
        let c = match s.trim().to_ascii_lowercase().as_str() {
            "rf_iso" | "rf" => Curve::RfIso,
            "rf_opt" => Curve::RfOpt,
            "nt" => Curve::Nt,
            "nn" => Curve::Nn,
            "bayes" => Curve::Bayes,
            other => return Err(Error::invalid("regimes", format!("unknown regime {:?}; use rf_iso, rf_opt, nt, nn (qf) or rf, nt, nn, bayes (mg)", clip(other)))),
        };
        if !Curve::theory_set(kind).contains(&c) {
            return Err(Error::invalid("regimes", format!("{} is not a curve of the {kind} model", c.name(kind))));
        }
        Ok(c)
    }
}

/// Parse a list of numbers separated by commas or spaces.
pub fn parse_list(field: &'static str, s: &str) -> Result<Vec<f64>> {
    let mut v = Vec::new();
    for tok in s.split(|c: char| c == ',' || c.is_whitespace()).filter(|t| !t.is_empty()) {
        let x: f64 = tok.parse().map_err(|_| Error::invalid(field, format!("{:?} is not a number", clip(tok))))?;
        v.push(x);
        if v.len() > 10_000 {
            return Err(Error::invalid(field, "too many values"));
        }
    }
    Ok(v)
}

/// Check a rho grid: non-empty, finite, in (0, 100], increasing, and every
/// `N = floor(rho d + 1/2)` between 1 and `max_n`.
pub fn check_rho(rho: &[f64], d: usize, max_points: usize, max_n: usize) -> Result<()> {
    if rho.is_empty() {
        return Err(Error::invalid("rho", "give at least one value of N/d"));
    }
    if rho.len() > max_points {
        return Err(Error::invalid("rho", format!("at most {max_points} values of N/d, got {}", rho.len())));
    }
    for (i, r) in rho.iter().enumerate() {
        if !r.is_finite() || *r <= 0.0 || *r > 100.0 {
            return Err(Error::invalid("rho", format!("N/d must be in (0, 100], got {r}")));
        }
        if i > 0 && *r <= rho[i - 1] {
            return Err(Error::invalid("rho", "values of N/d must be strictly increasing"));
        }
    }
    let n_lo = neurons(rho[0], d);
    let n_hi = neurons(*rho.last().unwrap_or(&0.0), d);
    if n_lo < 1 {
        return Err(Error::invalid("rho", format!("N/d = {} gives N = 0 neurons at d = {d}; the smallest N/d is {:.4}", rho[0], 0.5 / d as f64)));
    }
    if n_hi > max_n {
        return Err(Error::invalid("rho", format!("N/d = {} gives N = {n_hi} neurons at d = {d}; at most {max_n} here", rho.last().unwrap_or(&0.0))));
    }
    Ok(())
}

/// A width sweep: exact finite-d population risks against rho.
#[derive(Clone, Debug)]
pub struct SweepParams {
    pub model: ModelParams,
    pub activation: Activation,
    pub curves: Vec<Curve>,
    pub rho: Vec<f64>,
    pub draws: usize,
}

impl SweepParams {
    pub fn validate(&self, limits: &Limits) -> Result<Target> {
        let target = self.model.target(limits)?;
        check_range("draws", self.draws, 1, limits.max_draws, "the number of draws of W")?;
        check_rho(&self.rho, self.model.d, limits.max_rho_points, limits.max_sweep_neurons)?;
        for c in &self.curves {
            if !Curve::theory_set(self.model.kind).contains(c) {
                return Err(Error::invalid("regimes", format!("{} is not a curve of the {} model", c.name(self.model.kind), self.model.kind)));
            }
        }
        self.cost().check("rho", limits.max_sweep_flops, limits.max_bytes, "this sweep", "lower d, the largest N/d or the number of draws")?;
        Ok(target)
    }

    /// Estimated work and peak memory of the whole sweep (see `experiment::Sweep`):
    /// per rho and draw, RF builds an N x N kernel (N^2 d) and factors it (N^3/3),
    /// NT projects (d^2 N; mg: ~10 conjugate-gradient steps of 2 d^3 + 4 d^2 N).
    pub fn cost(&self) -> Cost {
        let d = self.model.d as f64;
        let kernel = if self.activation == Activation::Tanh { 80.0 } else { 10.0 };
        let mut flops = 0.0f64;
        let mut bytes = 8.0 * d * d * 4.0;
        for rho in &self.rho {
            let n = neurons(*rho, self.model.d) as f64;
            for c in &self.curves {
                flops += self.draws as f64
                    * match c {
                        Curve::RfIso | Curve::RfOpt => 2.0 * n * n * d + kernel * n * n + n * n * n / 3.0,
                        Curve::Nt if self.model.kind == ModelKind::Mg => 10.0 * (2.0 * d * d * d + 4.0 * d * d * n.min(d)),
                        Curve::Nt => 4.0 * d * d * n.min(d),
                        Curve::Nn | Curve::Bayes => 0.0,
                    };
            }
            bytes = bytes.max(8.0 * (3.0 * n * n + 3.0 * d * n + 4.0 * d * d));
        }
        Cost { flops, bytes }
    }
}

/// What SGD trains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SgdRegime {
    /// Both layers (qf: second layer fixed at 1).
    Nn,
    /// The linearisation at the initial W (`a_i` and `c`).
    Nt,
}

impl SgdRegime {
    /// The width-plot curve of this regime (same name, label and colour).
    pub fn curve(self) -> Curve {
        match self {
            SgdRegime::Nn => Curve::Nn,
            SgdRegime::Nt => Curve::Nt,
        }
    }
}

impl std::str::FromStr for SgdRegime {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "nn" => Ok(SgdRegime::Nn),
            "nt" => Ok(SgdRegime::Nt),
            _ => Err(Error::invalid("regime", format!("unknown SGD regime {:?}; use nn or nt", clip(s)))),
        }
    }
}

/// One-pass SGD (section 7): step size `eta / d`, fresh batch each step.
#[derive(Clone, Debug)]
pub struct SgdParams {
    pub model: ModelParams,
    pub regime: SgdRegime,
    pub neurons: usize,
    pub batch: usize,
    pub eta: f64,
    pub steps: u64,
    pub record_every: u64,
}

impl SgdParams {
    pub fn validate(&self, limits: &Limits) -> Result<Target> {
        let target = self.model.target(limits)?;
        check_range("neurons", self.neurons, 1, limits.max_sgd_neurons, "the number of neurons N")?;
        check_range("batch", self.batch, 1, limits.max_batch, "the batch size")?;
        if !self.eta.is_finite() || self.eta <= 0.0 || self.eta > 100.0 {
            return Err(Error::invalid("eta", format!("the step size eta must be a number in (0, 100] (the step is eta/d), got {}", num(self.eta))));
        }
        check_range("steps", self.steps, 1, limits.max_steps, "the number of SGD steps")?;
        check_range("record_every", self.record_every, 1, self.steps, "record-every")?;
        self.cost().check("steps", limits.max_sgd_flops, limits.max_bytes, "this SGD run", "lower the steps, d, N or the batch size")?;
        Ok(target)
    }

    /// Estimated work and peak memory: per step two GEMMs (4 b d N) and b d normal
    /// draws (~20 operations each); per record one d x d form (d^2 N).
    pub fn cost(&self) -> Cost {
        let (d, n, b) = (self.model.d as f64, self.neurons as f64, self.batch as f64);
        let steps = self.steps as f64;
        let records = steps / self.record_every as f64 + 1.0;
        Cost {
            flops: steps * (4.0 * b * d * n + 20.0 * b * d) + records * (2.0 * d * d * n + 10.0 * d * d),
            bytes: 8.0 * (3.0 * d * n + b * (d + 3.0 * n) + 2.0 * d * d) + 16.0 * records,
        }
    }
}
