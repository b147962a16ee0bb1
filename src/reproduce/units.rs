//! What one unit of the protocol computes (see [`super`]).
//!
//! * SGD `(regime, N, eta)`: [`crate::sgd::SgdRun`] for the protocol's steps, seeded
//!   from `(seed, unit)`, on the protocol's target. Its exact population risk is the
//!   run's last record (docs/maths.md section 4, noise-free); its test risk is the mean
//!   squared error of the trained predictor `<x, M x> + c` on fresh samples. A run
//!   that diverges is recorded as diverged (step size and step), never as a number.
//! * RF `(N, draw)`: W drawn from `(seed, unit)`, the least-squares fit of the second
//!   layer on the protocol's observations ([`crate::fit::fit_and_score`], which also
//!   scores it on fresh samples), and the exact population risk of the best second
//!   layer for that W ([`crate::rf::rf_risk`]).
//!
//! Risks are normalised as everywhere in the crate (the trivial predictor has risk 1).

use super::{Protocol, Unit};
use crate::error::{Error, Result};
use crate::model::{ModelKind, Target};
use crate::params::SgdRegime;
use crate::rf::{self, WeightLaw};
use crate::rng::{self, Stream};
use crate::sgd::SgdRun;
use nalgebra::{DMatrix, DVector};
use rand::RngExt;
use serde::{Deserialize, Serialize};

/// The stored result of one finished unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitResult {
    pub unit: String,
    /// `sgd` or `rf`.
    pub kind: String,
    /// `nn` or `nt` (SGD units).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regime: Option<String>,
    pub neurons: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draw: Option<usize>,
    pub outcome: Outcome,
    /// Wall-clock seconds the unit took (informative; merges ignore it).
    pub seconds: f64,
}

/// How a unit ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Outcome {
    Ok {
        /// Mean squared error on fresh samples, normalised.
        test_risk: f64,
        /// Exact population risk, normalised.
        exact_risk: f64,
        /// SGD: the exact risk this run can reach (NN: best width-N network; NT: for its W).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<f64>,
        /// SGD: samples seen and exact risk at each record (the learning curve).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        curve_samples: Vec<u64>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        curve_risk: Vec<f64>,
    },
    /// SGD left the stable region at `step` (its step size is the unit's eta).
    Diverged { step: u64 },
}

/// Compute one unit on the protocol's target (single-threaded, deterministic).
pub fn compute(p: &Protocol, target: &Target, unit: &Unit) -> Result<UnitResult> {
    let t0 = std::time::Instant::now();
    let key = unit.key();
    let mut res = match *unit {
        Unit::Sgd { regime, n, eta } => {
            let run_seed = rng::stream(p.seed, Stream::Sgd, key, 0).random::<u64>();
            let params = p.sgd_params(unit, target, run_seed);
            let outcome = match SgdRun::new(&params, &super::limits()) {
                Err(Error::Diverged { step, .. }) => Outcome::Diverged { step },
                Err(e) => return Err(e),
                Ok(mut run) => match run.advance(u64::MAX) {
                    Err(Error::Diverged { step, .. }) => Outcome::Diverged { step },
                    Err(e) => return Err(e),
                    Ok(_) => {
                        let exact_risk = *run.record_risks().last().expect("a run records its start");
                        let (m, c) = run.quadratic_form();
                        let test_risk = test_quadratic(target, &m, c, p.test_samples, &mut rng::stream(p.seed, Stream::Fit, key, 1));
                        if test_risk.is_finite() {
                            Outcome::Ok { test_risk, exact_risk, limit: Some(run.limit()), curve_samples: run.record_samples(), curve_risk: run.record_risks().to_vec() }
                        } else {
                            Outcome::Diverged { step: p.steps }
                        }
                    }
                },
            };
            UnitResult { unit: unit.id(), kind: "sgd".into(), regime: Some(super::regime_name(regime).into()), neurons: n, eta: Some(eta), draw: None, outcome, seconds: 0.0 }
        }
        Unit::Rf { n, draw } => {
            let act = p.activation()?;
            let w = rf::sample_weights(target, n, WeightLaw::Isotropic, &mut rng::stream(p.seed, Stream::Weights, key, 0));
            let exact_risk = rf::rf_risk(target, &target.matrix(), &w, act)?;
            let test_risk = crate::fit::fit_and_score(target, crate::fit::Features::Rf(&w, act), p.fit_samples, p.test_samples, p.ridge, &mut rng::stream(p.seed, Stream::Fit, key, 0))?;
            if !test_risk.is_finite() || !exact_risk.is_finite() {
                return Err(Error::Numerical(format!("RF at N = {n}, draw {draw}: the fit gave a non-finite risk")));
            }
            let outcome = Outcome::Ok { test_risk, exact_risk, limit: None, curve_samples: Vec::new(), curve_risk: Vec::new() };
            UnitResult { unit: unit.id(), kind: "rf".into(), regime: None, neurons: n, eta: None, draw: Some(draw), outcome, seconds: 0.0 }
        }
    };
    res.seconds = (t0.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
    Ok(res)
}

/// Normalised mean squared error of `<x, M x> + c` (M in the target's eigenbasis) on
/// `n` fresh samples.
pub fn test_quadratic(target: &Target, m: &DMatrix<f64>, c: f64, n: usize, rng: &mut rng::Rng) -> f64 {
    let d = target.d;
    let mut x = DVector::<f64>::zeros(d);
    let mut mx = DVector::<f64>::zeros(d);
    let mut se = 0.0;
    for _ in 0..n {
        let y = target.sample_eigenbasis(rng, x.as_mut_slice());
        mx.gemv(1.0, m, &x, 0.0);
        let f = x.dot(&mx) + c;
        se += (y - f).powi(2);
    }
    let ey2 = match target.kind {
        ModelKind::Qf => 2.0 * target.frob2(),
        ModelKind::Mg => 1.0,
    };
    se / n as f64 / ey2
}

/// The regime of a stored SGD result.
pub fn parse_regime(s: &str) -> Option<SgdRegime> {
    s.parse().ok()
}
