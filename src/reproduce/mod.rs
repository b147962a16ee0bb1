//! The paper's own experimental protocol (its section 4, docs/maths.md section 7), cut
//! into independent units of work so that it runs on one core, on every core of one
//! machine, or as a job array on a cluster, with the same numbers every way.
//!
//! The protocol (Figure 1: qf, Figure 2: mg) at dimension d: NT and NN trained by
//! one-pass SGD (batch 100; 2e5 steps for qf, 1.4e5 for mg) for every width N of a grid
//! and every step size of a grid, the best step size per (regime, N) kept; RF fitted by
//! least squares on 5e5 observations for 10 draws of W; every model scored on 1e4 fresh
//! samples. Each dot carries both that test risk and its exact population risk
//! (docs/maths.md section 4), so sampling noise and optimisation error can be told apart.
//!
//! * [`Unit`]: one SGD run `(regime, N, eta)` or one RF fit `(N, draw)`. Its id names
//!   it, and its generators are seeded from `(seed, id)` through [`crate::rng::stream`]
//!   only: a unit's result does not depend on which process, thread or shard ran it.
//! * [`units`]: what one unit computes. [`store`]: the results folder (one JSON file
//!   per finished unit, written atomically). [`merge`]: the figure from any set of
//!   finished units. [`cli`]: the `reproduce` subcommand.
//!
//! Invariants: every unit is computed sequentially in one thread (faer's parallelism is
//! switched off while units run), so the files, and the merged outputs, are bit for bit
//! the same whatever the split. No file holds NaN or infinity: a diverged SGD run is
//! recorded as diverged, with its step size and step.

#[cfg(feature = "cli")]
pub mod cli;
pub mod merge;
pub mod runner;
pub mod store;
pub mod units;

use crate::activation::Activation;
use crate::error::{Error, Result};
use crate::model::{ModelKind, Spectrum, Target};
use crate::params::{Limits, SgdParams, SgdRegime};
use serde::{Deserialize, Serialize};

/// The widths of the paper's grid, as ratios N/d (the paper: N from 45 to 4500 at d = 450).
pub const DEFAULT_RHO: [f64; 11] = [0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0];

/// The default step-size grid (eta, the SGD step being eta/d): the paper's end points
/// 0.001 and 0.03 and steps of about x2 between them.
pub const DEFAULT_ETA: [f64; 6] = [0.001, 0.002, 0.005, 0.01, 0.02, 0.03];

/// A failure of the `reproduce` command: bad input (exit 2) or failed work (exit 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub input: bool,
    pub message: String,
}

impl Failure {
    pub fn input(message: impl Into<String>) -> Failure {
        Failure { input: true, message: message.into() }
    }
    pub fn runtime(message: impl Into<String>) -> Failure {
        Failure { input: false, message: message.into() }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let input = matches!(e, Error::Invalid { .. } | Error::File { .. });
        Failure { input, message: e.to_string() }
    }
}

/// Every knob of the protocol. Written to `protocol.json` in the results folder, so a
/// merge knows what a complete run holds and a resumed run cannot mix protocols.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Protocol {
    /// `fig1` (qf, Exp(1) spectrum of B) or `fig2` (mg, the paper's Delta).
    pub preset: String,
    pub model: String,
    pub d: usize,
    /// The spectrum as given (`exp`, `paper`, `list:..`); drawn from `seed`.
    pub spectrum: String,
    pub seed: u64,
    /// Widths N of the grid.
    pub neurons: Vec<usize>,
    /// SGD steps per run.
    pub steps: u64,
    pub batch: usize,
    /// Step-size grid (the SGD step is eta/d).
    pub eta: Vec<f64>,
    /// Records of the exact risk per SGD run (the learning curve of the right panel).
    pub records: u64,
    /// RF: draws of W per width.
    pub draws: usize,
    /// RF: observations of the least-squares fit.
    pub fit_samples: usize,
    /// RF: relative ridge of the fit (times the mean feature power).
    pub ridge: f64,
    /// RF activation (NT and NN use sigma(u) = u^2, as in the paper's theory).
    pub activation: String,
    /// Fresh samples scoring every fitted model.
    pub test_samples: usize,
    /// The crate version that wrote the folder.
    pub version: String,
}

/// One unit of work.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Unit {
    /// One SGD run of `regime` at width `n` and step size `eta`.
    Sgd { regime: SgdRegime, n: usize, eta: f64 },
    /// One RF fit at width `n` for draw `draw` of W.
    Rf { n: usize, draw: usize },
}

impl Unit {
    /// A stable name, also the file name of its result: `sgd_nn_N45_eta0.02`, `rf_N45_draw3`.
    pub fn id(&self) -> String {
        match self {
            Unit::Sgd { regime, n, eta } => format!("sgd_{}_N{n}_eta{eta}", regime_name(*regime)),
            Unit::Rf { n, draw } => format!("rf_N{n}_draw{draw}"),
        }
    }
    /// The unit's key for [`crate::rng::stream`]: FNV-1a of its id.
    pub fn key(&self) -> u64 {
        self.id().bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
    }
}

pub fn regime_name(r: SgdRegime) -> &'static str {
    match r {
        SgdRegime::Nn => "nn",
        SgdRegime::Nt => "nt",
    }
}

/// The caps of a protocol run: the command line's, with the paper's largest width
/// (N = 4500 at d = 450) allowed for SGD.
pub fn limits() -> Limits {
    Limits { max_sgd_neurons: 20_000, max_sweep_neurons: 20_000, ..Limits::native() }
}

impl Protocol {
    /// The paper's protocol for `preset` at dimension `d` (every other knob the paper's).
    pub fn paper(preset: &str, d: usize) -> Result<Protocol> {
        let (model, spectrum, steps) = match preset {
            "fig1" => ("qf", "exp", 200_000),
            "fig2" => ("mg", "paper", 140_000),
            other => return Err(Error::invalid("preset", format!("unknown preset {:?}; use fig1 (qf) or fig2 (mg)", crate::model::clip(other)))),
        };
        let mut neurons: Vec<usize> = DEFAULT_RHO.iter().map(|r| crate::theory::neurons(*r, d)).filter(|n| *n > 0).collect();
        neurons.dedup();
        Ok(Protocol {
            preset: preset.into(),
            model: model.into(),
            d,
            spectrum: spectrum.into(),
            seed: 1,
            neurons,
            steps,
            batch: 100,
            eta: DEFAULT_ETA.to_vec(),
            records: 40,
            draws: 10,
            fit_samples: 500_000,
            ridge: 1e-8,
            activation: "quadratic".into(),
            test_samples: 10_000,
            version: env!("CARGO_PKG_VERSION").into(),
        })
    }

    pub fn kind(&self) -> Result<ModelKind> {
        self.model.parse()
    }
    pub fn activation(&self) -> Result<Activation> {
        self.activation.parse()
    }

    /// The target shared by every unit (B or Delta, diagonal: the paper's choice).
    pub fn target(&self) -> Result<Target> {
        let kind = self.kind()?;
        let spectrum: Spectrum = self.spectrum.parse()?;
        crate::params::ModelParams { kind, d: self.d, spectrum, rotate: false, seed: self.seed }.target(&limits())
    }

    /// Check every knob, naming the one at fault; returns the target.
    pub fn validate(&self) -> Result<Target> {
        let target = self.target()?;
        self.activation()?;
        let lim = limits();
        if self.neurons.is_empty() {
            return Err(Error::invalid("neurons", "give at least one width N"));
        }
        if let Some(n) = self.neurons.iter().find(|n| **n == 0 || **n > lim.max_sgd_neurons) {
            return Err(Error::invalid("neurons", format!("every width N must be between 1 and {}, got {n}", lim.max_sgd_neurons)));
        }
        let mut sorted = self.neurons.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted != self.neurons {
            return Err(Error::invalid("neurons", "list the widths N increasing, each once"));
        }
        if self.eta.is_empty() {
            return Err(Error::invalid("eta", "give at least one step size"));
        }
        let mut sorted = self.eta.clone();
        sorted.sort_by(f64::total_cmp);
        sorted.dedup();
        if sorted != self.eta {
            return Err(Error::invalid("eta", "list the step sizes increasing, each once"));
        }
        if !(1..=10_000).contains(&self.draws) {
            return Err(Error::invalid("draws", format!("the draws of W must be between 1 and 10000, got {}", self.draws)));
        }
        if self.fit_samples < 2 || self.fit_samples > 1_000_000_000 {
            return Err(Error::invalid("fit_samples", format!("the RF fit's sample size must be between 2 and 1e9, got {}", self.fit_samples)));
        }
        if self.test_samples < 1 || self.test_samples > 1_000_000_000 {
            return Err(Error::invalid("test_samples", format!("the test sample size must be between 1 and 1e9, got {}", self.test_samples)));
        }
        if !(self.ridge.is_finite() && self.ridge >= 0.0 && self.ridge < 1.0) {
            return Err(Error::invalid("ridge", format!("the relative ridge must be in [0, 1), got {}", self.ridge)));
        }
        if self.records < 1 || self.records > self.steps {
            return Err(Error::invalid("records", format!("the records per SGD run must be between 1 and the steps ({}), got {}", self.steps, self.records)));
        }
        for u in self.units() {
            if let Unit::Sgd { .. } = u {
                self.sgd_params(&u, &target, 0).validate(&lim)?;
            }
        }
        Ok(target)
    }

    /// Every unit, the most expensive first (so greedy workers finish together), ties
    /// in the order of the grids. The order is a function of the protocol alone:
    /// shards cut it the same way in every process.
    pub fn units(&self) -> Vec<Unit> {
        let mut v = Vec::new();
        for regime in [SgdRegime::Nt, SgdRegime::Nn] {
            for &n in &self.neurons {
                for &eta in &self.eta {
                    v.push(Unit::Sgd { regime, n, eta });
                }
            }
        }
        for &n in &self.neurons {
            for draw in 0..self.draws {
                v.push(Unit::Rf { n, draw });
            }
        }
        let mut keyed: Vec<(f64, usize, Unit)> = v.into_iter().enumerate().map(|(i, u)| (self.cost(&u).flops, i, u)).collect();
        keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        keyed.into_iter().map(|(_, _, u)| u).collect()
    }

    /// The SGD parameters of a unit: the shared target passed as its spectrum (so the
    /// run's own seed draws only W and the batches), that seed derived from the unit.
    pub fn sgd_params(&self, unit: &Unit, target: &Target, run_seed: u64) -> SgdParams {
        let (regime, n, eta) = match *unit {
            Unit::Sgd { regime, n, eta } => (regime, n, eta),
            Unit::Rf { n, .. } => (SgdRegime::Nn, n, 0.0),
        };
        SgdParams {
            model: crate::params::ModelParams { kind: target.kind, d: self.d, spectrum: Spectrum::Values(target.diag.clone()), rotate: false, seed: run_seed },
            regime,
            neurons: n,
            batch: self.batch,
            eta,
            steps: self.steps,
            record_every: (self.steps / self.records).max(1),
        }
    }

    /// Estimated work and peak memory of one unit.
    pub fn cost(&self, unit: &Unit) -> crate::params::Cost {
        let d = self.d as f64;
        let test = self.test_samples as f64;
        match *unit {
            Unit::Sgd { n, .. } => {
                let nn = n as f64;
                let (b, steps) = (self.batch as f64, self.steps as f64);
                let records = self.records as f64 + 1.0;
                crate::params::Cost {
                    flops: steps * (4.0 * b * d * nn + 20.0 * b * d) + records * (2.0 * d * d * nn + 10.0 * d * d) + test * (2.0 * d * d + 20.0 * d),
                    bytes: 8.0 * (3.0 * d * nn + b * (d + 3.0 * nn) + 3.0 * d * d),
                }
            }
            Unit::Rf { n, .. } => {
                let p = n as f64;
                let fit = self.fit_samples as f64;
                crate::params::Cost {
                    // features (N d each) and the Gram matrix (2 N^2 per observation, GEMM),
                    // the exact risk's kernel and Cholesky, scoring.
                    flops: fit * (2.0 * p * d + 2.0 * p * p + 20.0 * d) + 2.0 * d * p * p + 30.0 * p * p + p * p * p / 3.0 + test * (2.0 * p * d + 20.0 * d),
                    bytes: 8.0 * (3.0 * p * p + 512.0 * p + 2.0 * d * p + d * d),
                }
            }
        }
    }
}

/// `--shard i/n`: the slice of the unit list this process runs (every n-th unit from i).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = Error;
    fn from_str(s: &str) -> Result<Shard> {
        let bad = || Error::invalid("shard", format!("expected i/n with 0 <= i < n (e.g. 0/4), got {:?}", crate::model::clip(s)));
        let (i, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let (index, count): (usize, usize) = (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    pub const ALL: Shard = Shard { index: 0, count: 1 };
    /// This shard's units: positions `index, index + count, ...` of the (cost-sorted) list,
    /// so each shard gets a similar mix of large and small units.
    pub fn select(&self, units: &[Unit]) -> Vec<Unit> {
        units.iter().enumerate().filter(|(k, _)| k % self.count == self.index).map(|(_, u)| *u).collect()
    }
}
