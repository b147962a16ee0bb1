//! Experiments as step-wise state machines, so the page can drive them in small
//! slices and the command line all at once, with the same numbers either way.
//!
//! * [`Sweep`]: exact finite-d population risks against rho = N/d for chosen curves,
//!   several draws of W, mean and spread. One unit of work is one (rho, draw, curve);
//!   on one thread units run draw-major, so the whole curve appears first and error
//!   bars then tighten. A pool of workers takes them in another order
//!   ([`Sweep::take`]): the cheap units first (the picture at small N at once), then
//!   the others from the costliest down, so no worker is left with a long unit at
//!   the end while the others idle. Each unit seeds its own generator from (seed, rho
//!   index, draw), so a point's value does not depend on the order or slicing of the
//!   work.
//! * [`Theory`]: the section-5 curves on any grid of rho.
//! * SGD runs live in [`crate::sgd::SgdRun`].

use crate::activation::Activation;
use crate::error::{Error, Result};
use crate::finite;
use crate::model::{ModelKind, Target};
use crate::params::{Curve, Limits, SweepParams};
use crate::rf::{self, WeightLaw};
use crate::rng::{self, Stream};
use crate::theory::{self, neurons};
use crate::{nn, nt};
use nalgebra::DMatrix;

/// Mean, standard deviation (over draws; below [`finite::ZERO_TOL`] it is 0) and
/// count of a sweep point.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Stat {
    pub mean: f64,
    pub std: f64,
    pub count: usize,
}

impl Stat {
    pub fn of(values: &[f64]) -> Stat {
        let n = values.len();
        if n == 0 {
            return Stat { mean: f64::NAN, std: f64::NAN, count: 0 };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let var = if n > 1 { values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64 } else { 0.0 };
        // The spread of risks that agree up to round-off (NT on a flat B) is 0.
        Stat { mean, std: finite::clean_risk(var.sqrt()), count: n }
    }
}

/// The exact normalised population risk of one curve at width `n` for draw `draw`
/// of W (generators keyed by `(seed, rho_idx, draw)`). For qf pass the
/// [`Target::rescaled`] target and its matrix (the risk does not depend on B's scale,
/// and the rescaled B keeps every sum of squares finite); round-off of an exact zero
/// is reported as 0 ([`finite::clean_risk`]).
#[allow(clippy::too_many_arguments)]
pub fn exact_point(target: &Target, target_matrix: &DMatrix<f64>, act: Activation, curve: Curve, n: usize, seed: u64, rho_idx: usize, draw: usize) -> Result<f64> {
    exact_point_raw(target, target_matrix, act, curve, n, seed, rho_idx, draw).map(finite::clean_risk)
}

#[allow(clippy::too_many_arguments)]
fn exact_point_raw(target: &Target, target_matrix: &DMatrix<f64>, act: Activation, curve: Curve, n: usize, seed: u64, rho_idx: usize, draw: usize) -> Result<f64> {
    let iso = || rf::sample_weights(target, n, WeightLaw::Isotropic, &mut rng::stream(seed, Stream::Weights, rho_idx as u64, draw as u64));
    match curve {
        Curve::RfIso => rf::rf_risk(target, target_matrix, &iso(), act),
        Curve::RfOpt => {
            let w = rf::sample_weights(target, n, WeightLaw::Optimal, &mut rng::stream(seed, Stream::WeightsOpt, rho_idx as u64, draw as u64));
            rf::rf_risk(target, target_matrix, &w, act)
        }
        Curve::Nt => match target.kind {
            ModelKind::Qf => Ok(nt::nt_risk_qf(target_matrix, &iso())),
            ModelKind::Mg => nt::nt_risk_mg(target_matrix, &iso()),
        },
        Curve::Nn => Ok(nn::nn_min(target, n)),
        Curve::Bayes => Err(Error::invalid("regimes", "the Bayes error has no finite-N simulation; it is a theory line")),
    }
}

/// A unit that costs at most this share of a sweep's total is cheap: a pool hands
/// cheap units out first, and queues more behind a worker's current unit.
pub const CHEAP_SHARE: f64 = 1e-3;
/// A unit of at most this many (estimated) flops takes a few milliseconds at most: a
/// pool queues it behind a worker's current unit too, whatever its share.
pub const SMALL_COST: f64 = 1e7;
/// Units in flight per worker while they are cheap or small: a worker keeps computing
/// while the page's main thread, busy with a frame, has not yet read its last values.
pub const QUEUE_DEPTH: usize = 8;

/// A width sweep in progress.
pub struct Sweep {
    params: SweepParams,
    /// The target as drawn.
    target: Target,
    /// What the exact risks are computed from: [`Target::rescaled`] and its matrix.
    work: Target,
    target_matrix: DMatrix<f64>,
    /// The curves that get dots (the requested ones that have a simulation).
    curves: Vec<Curve>,
    /// (rho index, draw, curve index), in execution order.
    units: Vec<(usize, usize, usize)>,
    /// Relative cost of each unit, for an honest progress fraction.
    cost: Vec<f64>,
    total_cost: f64,
    done_cost: f64,
    /// The order a pool takes units in ([`Sweep::take`]): the cheap ones (cost at most
    /// [`CHEAP_SHARE`] of the total) in execution order, then the rest by cost, the
    /// costliest first.
    order: Vec<usize>,
    /// Units handed out (to this thread or a worker).
    handed: Vec<bool>,
    /// Where the one-thread order and the pool order resume (every unit before is
    /// handed out).
    next: usize,
    next_pool: usize,
    /// Units whose value is in.
    done_units: usize,
    /// values[curve][rho][draw], filled in whatever order units come back (a pool of
    /// workers); statistics read them in draw order, so the numbers do not depend on it.
    values: Vec<Vec<Vec<Option<f64>>>>,
    failed: Option<Error>,
}

impl Sweep {
    pub fn new(params: &SweepParams, limits: &Limits) -> Result<Sweep> {
        let target = params.validate(limits)?;
        let d = target.d;
        let curves: Vec<Curve> = params.curves.iter().copied().filter(|c| *c != Curve::Bayes).collect();
        let mut units = Vec::new();
        let mut cost = Vec::new();
        for draw in 0..params.draws {
            for (ri, rho) in params.rho.iter().enumerate() {
                let n = neurons(*rho, d) as f64;
                for (ci, c) in curves.iter().enumerate() {
                    // NN's exact minimum does not depend on W: one unit per rho.
                    if *c == Curve::Nn && draw > 0 {
                        continue;
                    }
                    units.push((ri, draw, ci));
                    let df = d as f64;
                    cost.push(match c {
                        Curve::Nn => 1.0,
                        Curve::Nt if target.kind == ModelKind::Mg => 10.0 * df * df * (df + n.min(df)),
                        Curve::Nt => df * n.min(df) * df,
                        _ => n * n * (n / 3.0 + df),
                    });
                }
            }
        }
        let total_cost = cost.iter().sum::<f64>().max(1.0);
        let cheap = |i: usize| cost[i] <= CHEAP_SHARE * total_cost;
        let mut order: Vec<usize> = (0..units.len()).filter(|&i| cheap(i)).collect();
        let mut rest: Vec<usize> = (0..units.len()).filter(|&i| !cheap(i)).collect();
        // Costliest first; equal costs in execution order (the sort is stable).
        rest.sort_by(|&a, &b| cost[b].total_cmp(&cost[a]));
        order.extend(rest);
        let work = target.rescaled();
        let target_matrix = work.matrix();
        Ok(Sweep {
            values: vec![vec![vec![None; params.draws]; params.rho.len()]; curves.len()],
            params: params.clone(),
            target,
            work,
            target_matrix,
            curves,
            units,
            cost,
            total_cost,
            done_cost: 0.0,
            handed: vec![false; order.len()],
            order,
            next: 0,
            next_pool: 0,
            done_units: 0,
            failed: None,
        })
    }

    /// Compute up to `budget` units of work. Returns progress in [0, 1].
    pub fn advance(&mut self, budget: usize) -> Result<f64> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        for _ in 0..budget {
            while self.next < self.units.len() && self.handed[self.next] {
                self.next += 1;
            }
            let Some(i) = (self.next < self.units.len()).then_some(self.next) else { break };
            self.handed[i] = true;
            let v = self.unit_value(i);
            self.put(i, v)?;
        }
        Ok(self.progress())
    }

    /// Hand out up to `k` units not handed out yet (their indices, in the pool's
    /// order: cheap units first, then the costliest first), for [`Sweep::unit_value`]
    /// elsewhere (a worker) and [`Sweep::put`] back here.
    pub fn take(&mut self, k: usize) -> Vec<usize> {
        let mut out = Vec::new();
        while out.len() < k {
            match self.peek() {
                Some(i) => {
                    self.handed[i] = true;
                    out.push(i);
                }
                None => break,
            }
        }
        out
    }

    /// The next unit [`Sweep::take`] would hand out.
    fn peek(&mut self) -> Option<usize> {
        if self.failed.is_some() {
            return None;
        }
        while self.next_pool < self.order.len() && self.handed[self.order[self.next_pool]] {
            self.next_pool += 1;
        }
        self.order.get(self.next_pool).copied()
    }

    /// The next unit for a worker that has `in_flight` units not back yet: one for an
    /// idle worker; more, up to [`QUEUE_DEPTH`] in flight, only while the next is cheap
    /// or small (so the worker need not wait a round trip between small units, and
    /// never holds a long unit in its queue while another worker idles).
    pub fn take_for(&mut self, in_flight: usize) -> Option<usize> {
        let i = self.peek()?;
        let ok = in_flight == 0 || (in_flight < QUEUE_DEPTH && self.queueable(i));
        ok.then(|| self.take(1)[0])
    }

    /// Whether unit `i` may wait in a worker's queue: cheap (a small share of the
    /// sweep) or small (a few milliseconds).
    pub fn queueable(&self, i: usize) -> bool {
        self.cost[i] <= CHEAP_SHARE * self.total_cost || self.cost[i] <= SMALL_COST
    }

    /// The value of unit `i` (no state changes: any copy of this sweep built from the
    /// same parameters gives the same number). An error names the unit.
    pub fn unit_value(&self, i: usize) -> Result<f64> {
        let &(ri, draw, ci) = self.units.get(i).ok_or_else(|| Error::invalid("unit", format!("unit {i} is not among the sweep's {} units", self.units.len())))?;
        let n = neurons(self.params.rho[ri], self.target.d);
        let curve = self.curves[ci];
        let what = || format!("the exact {} risk at N/d = {} (N = {n}, draw {})", curve.name(self.target.kind), self.params.rho[ri], draw + 1);
        exact_point(&self.work, &self.target_matrix, self.params.activation, curve, n, self.params.model.seed, ri, draw)
            .map_err(|e| match e {
                Error::Numerical(m) => Error::Numerical(format!("{}: {m}", what())),
                other => other,
            })
            .and_then(|v| finite::check(v, what))
    }

    /// Record the outcome of unit `i`. An error stops the sweep (later calls return
    /// it); a unit given twice or out of range is refused. Returns progress.
    pub fn put(&mut self, i: usize, v: Result<f64>) -> Result<f64> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let &(ri, draw, ci) = self.units.get(i).ok_or_else(|| Error::invalid("unit", format!("unit {i} is not among the sweep's {} units", self.units.len())))?;
        if !self.handed[i] || self.values[ci][ri][draw].is_some() {
            return Err(Error::invalid("unit", format!("unit {i} was not handed out, or is already in")));
        }
        match v.and_then(|x| finite::check(x, || format!("unit {i}"))) {
            Ok(x) => {
                self.values[ci][ri][draw] = Some(x);
                self.done_cost += self.cost[i];
                self.done_units += 1;
                Ok(self.progress())
            }
            Err(e) => {
                self.failed = Some(e.clone());
                Err(e)
            }
        }
    }

    /// The sweep's estimated work: the sum of its units' costs (flops, roughly).
    pub fn total_cost(&self) -> f64 {
        self.total_cost
    }

    /// The relative cost of unit `i` (0 out of range).
    pub fn unit_cost(&self, i: usize) -> f64 {
        self.cost.get(i).copied().unwrap_or(0.0)
    }

    pub fn progress(&self) -> f64 {
        if self.done() { 1.0 } else { (self.done_cost / self.total_cost).min(1.0) }
    }
    pub fn done(&self) -> bool {
        self.done_units >= self.units.len()
    }
    pub fn units_done(&self) -> usize {
        self.done_units
    }
    pub fn units_total(&self) -> usize {
        self.units.len()
    }
    pub fn target(&self) -> &Target {
        &self.target
    }
    pub fn params(&self) -> &SweepParams {
        &self.params
    }
    /// The curves with dots, and for each rho its statistics so far.
    pub fn results(&self) -> Vec<(Curve, Vec<Stat>)> {
        self.curves.iter().zip(&self.values).map(|(c, v)| (*c, v.iter().map(|x| Stat::of(&x.iter().flatten().copied().collect::<Vec<f64>>())).collect())).collect()
    }
}

/// Theory curves (docs/maths.md section 5) on a grid of rho.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Theory {
    pub rho: Vec<f64>,
    /// (curve, value at each rho).
    #[serde(skip)]
    pub curves: Vec<(Curve, Vec<f64>)>,
    /// Monte Carlo standard error of the Bayes line (mg only).
    pub bayes_se: Option<f64>,
}

/// Monte Carlo samples for the Bayes error (+-0.001 at 2e5).
pub const BAYES_SAMPLES: usize = 200_000;

impl Theory {
    /// [`Theory::compute`], then [`Theory::check`]: every value finite, or an error
    /// naming the curve and N/d.
    pub fn try_compute(target: &Target, act: Activation, curves: &[Curve], rho: &[f64], bayes_samples: usize, seed: u64) -> Result<Theory> {
        let th = Theory::compute(target, act, curves, rho, bayes_samples, seed);
        th.check(target.kind)?;
        Ok(th)
    }

    /// An error naming the first curve and N/d whose value is not finite.
    pub fn check(&self, kind: ModelKind) -> Result<()> {
        for (c, v) in &self.curves {
            for (x, r) in v.iter().zip(&self.rho) {
                finite::check(*x, || format!("the theory {} risk at N/d = {r}", c.name(kind)))?;
            }
        }
        if let Some(se) = self.bayes_se {
            finite::check(se, || "the Monte Carlo standard error of the Bayes error".into())?;
        }
        Ok(())
    }

    /// Every theory curve in `curves` on the grid `rho`; the Bayes error uses
    /// `bayes_samples` Monte Carlo samples. Scale-free (qf: computed from the
    /// rescaled spectrum where it matters); values below [`finite::ZERO_TOL`] are 0.
    pub fn compute(target: &Target, act: Activation, curves: &[Curve], rho: &[f64], bayes_samples: usize, seed: u64) -> Theory {
        let d = target.d;
        let mut bayes_se = None;
        let out = curves
            .iter()
            .map(|c| {
                let v: Vec<f64> = match (c, target.kind) {
                    (Curve::RfIso, ModelKind::Qf) => rho.iter().map(|r| theory::qf_rf_iso(target, act, *r)).collect(),
                    (Curve::RfIso, ModelKind::Mg) => rho.iter().map(|r| theory::mg_rf(target, act, *r)).collect(),
                    (Curve::RfOpt, _) => rho.iter().map(|r| theory::qf_rf_opt(target, act, *r)).collect(),
                    (Curve::Nt, ModelKind::Qf) => rho.iter().map(|r| theory::qf_nt(target, *r)).collect(),
                    (Curve::Nt, ModelKind::Mg) => rho.iter().map(|r| theory::mg_nt(target, *r)).collect(),
                    (Curve::Nn, _) => rho.iter().map(|r| theory::nn(target, neurons(*r, d))).collect(),
                    (Curve::Bayes, _) => {
                        let (m, se) = theory::mg_bayes(target, bayes_samples, seed);
                        bayes_se = Some(se);
                        vec![m; rho.len()]
                    }
                };
                (*c, v.into_iter().map(finite::clean_risk).collect())
            })
            .collect();
        Theory { rho: rho.to_vec(), curves: out, bayes_se }
    }
}

/// `n` log-spaced values from `lo` to `hi` (for smooth theory lines).
pub fn log_grid(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if n < 2 || lo >= hi {
        return vec![lo];
    }
    let (a, b) = (lo.ln(), hi.ln());
    let mut v: Vec<f64> = (0..n).map(|i| (a + (b - a) * i as f64 / (n - 1) as f64).exp()).collect();
    // exact end points (exp(ln x) may miss x by an ulp)
    v[0] = lo;
    v[n - 1] = hi;
    v
}
