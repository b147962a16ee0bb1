//! One-pass SGD (sec. 2.3, formulas.md section 7) as a step-wise state machine.
//!
//! Each step draws a fresh batch of b samples, so steps x b is the sample count. The
//! step size is `eps = eta / d`. Per sample, with `r = y - f(x)`:
//! * NN, `f = sum_i a_i <w_i,x>^2 + c` (qf: `a_i = 1` fixed; mg: `a_i` trained from 0):
//!   `grad_W = -4 r x (x^T W) diag(a)`, `grad_a_i = -2 r <w_i,x>^2`, `grad_c = -2 r`.
//! * NT, `f = c + 2 sum_i <w_i,x><a_i,x>` (W fixed at its initial value, A from 0):
//!   `grad_A = -4 r x (x^T W)`, `grad_c = -2 r`.
//!
//! Gradients are averaged over the batch and applied through two GEMMs into
//! preallocated buffers: a step allocates nothing. The run works in the eigenbasis of
//! B or Delta (exact in law, see `model`). At each record it stores the exact
//! population risk of the current `(M, c)` (`nn::quadratic_predictor_risk`), which is
//! noise-free, and it stops with [`Error::Diverged`] when the risk stops being finite
//! or explodes.

use crate::error::{Error, Result};
use crate::model::{ModelKind, Target};
use crate::nn;
use crate::nt;
use crate::params::{Limits, SgdParams, SgdRegime};
use crate::rng::{self, Rng, Stream};
use nalgebra::{DMatrix, DVector};

/// A one-pass SGD run in progress.
pub struct SgdRun {
    params: SgdParams,
    target: Target,
    /// diag(B) or diag(Delta): the target in its eigenbasis.
    target_matrix: DMatrix<f64>,
    rng: Rng,
    eps: f64,
    /// First-layer weights, d x N.
    w: DMatrix<f64>,
    /// NT's trained directions A (d x N); empty for NN.
    amat: DMatrix<f64>,
    /// Second layer (NN); ones for qf.
    a: DVector<f64>,
    c: f64,
    // Buffers (no allocation in `step`).
    xt: DMatrix<f64>,
    y: DVector<f64>,
    xw: DMatrix<f64>,
    xa: DMatrix<f64>,
    tmp: DMatrix<f64>,
    m: DMatrix<f64>,
    step: u64,
    rec_steps: Vec<u64>,
    rec_risk: Vec<f64>,
    limit: f64,
    failed: Option<Error>,
}

impl SgdRun {
    /// Validate and set up a run: draws the target, W (and the NT limit for this W).
    pub fn new(params: &SgdParams, limits: &Limits) -> Result<SgdRun> {
        let target = params.validate(limits)?;
        let (d, n, b) = (target.d, params.neurons, params.batch);
        let regime_idx = match params.regime {
            SgdRegime::Nn => 0,
            SgdRegime::Nt => 1,
        };
        let mut rng = rng::stream(params.model.seed, Stream::Sgd, regime_idx, 0);
        let mut w = DMatrix::<f64>::zeros(d, n);
        rng::fill_normal(&mut rng, w.as_mut_slice(), 1.0 / (d as f64).sqrt());
        let target_matrix = target.diag_matrix();
        let limit = match params.regime {
            SgdRegime::Nn => nn::nn_min(&target, n),
            SgdRegime::Nt => match target.kind {
                ModelKind::Qf => nt::nt_risk_qf(&target_matrix, &w),
                ModelKind::Mg => nt::nt_risk_mg(&target_matrix, &w)?,
            },
        };
        let a = match (params.regime, target.kind) {
            (SgdRegime::Nn, ModelKind::Qf) => DVector::from_element(n, 1.0),
            _ => DVector::zeros(n),
        };
        let amat = match params.regime {
            SgdRegime::Nt => DMatrix::zeros(d, n),
            SgdRegime::Nn => DMatrix::zeros(0, 0),
        };
        let xa = match params.regime {
            SgdRegime::Nt => DMatrix::zeros(b, n),
            SgdRegime::Nn => DMatrix::zeros(0, 0),
        };
        let mut run = SgdRun {
            eps: params.eta / d as f64,
            params: params.clone(),
            target,
            target_matrix,
            rng,
            w,
            amat,
            a,
            c: 0.0,
            xt: DMatrix::zeros(d, b),
            y: DVector::zeros(b),
            xw: DMatrix::zeros(b, n),
            xa,
            tmp: DMatrix::zeros(b, n),
            m: DMatrix::zeros(d, d),
            step: 0,
            rec_steps: Vec::new(),
            rec_risk: Vec::new(),
            limit,
            failed: None,
        };
        run.record()?;
        Ok(run)
    }

    /// The quadratic form `M` of the current network, written into `self.m`.
    fn form_m(&mut self) {
        match self.params.regime {
            SgdRegime::Nn => {
                // M = W diag(a) W^T, accumulated column by column.
                self.m.fill(0.0);
                let d = self.w.nrows();
                for (i, col) in self.w.column_iter().enumerate() {
                    let ai = self.a[i];
                    if ai == 0.0 {
                        continue;
                    }
                    for q in 0..d {
                        let s = ai * col[q];
                        if s == 0.0 {
                            continue;
                        }
                        for p in 0..d {
                            self.m[(p, q)] += s * col[p];
                        }
                    }
                }
            }
            SgdRegime::Nt => {
                // M = W A^T + A W^T
                self.m.gemm(1.0, &self.w, &self.amat.transpose(), 0.0);
                let t = self.m.transpose();
                self.m += t;
            }
        }
    }

    /// The exact normalised population risk of the current network.
    pub fn current_risk(&mut self) -> f64 {
        self.form_m();
        nn::quadratic_predictor_risk(&self.target, &self.target_matrix, &self.m, self.c)
    }

    fn record(&mut self) -> Result<()> {
        let risk = self.current_risk();
        let first = self.rec_risk.first().copied().unwrap_or(risk);
        if !risk.is_finite() || risk > 1e4 * (1.0 + first) {
            let e = Error::Diverged { step: self.step, risk, suggested: self.params.eta / 10.0 };
            self.failed = Some(e.clone());
            return Err(e);
        }
        self.rec_steps.push(self.step);
        self.rec_risk.push(risk);
        Ok(())
    }

    /// One SGD step on a fresh batch. Allocation-free.
    pub fn step(&mut self) {
        let b = self.params.batch;
        for j in 0..b {
            let mut col = self.xt.column_mut(j);
            self.y[j] = self.target.sample_eigenbasis(&mut self.rng, col.as_mut_slice());
        }
        // xw = X W  (b x N)
        self.xw.gemm_tr(1.0, &self.xt, &self.w, 0.0);
        let n = self.w.ncols();
        let mut rsum = 0.0;
        match self.params.regime {
            SgdRegime::Nn => {
                let train_a = self.target.kind == ModelKind::Mg;
                // residuals r_j (overwriting y), then tmp_ji = r_j a_i xw_ji and the a-gradient
                for j in 0..b {
                    let mut f = self.c;
                    for i in 0..n {
                        let u = self.xw[(j, i)];
                        f += self.a[i] * u * u;
                    }
                    self.y[j] -= f; // y now holds the residual r_j
                    rsum += self.y[j];
                }
                let scale = self.eps * 4.0 / b as f64;
                let ascale = self.eps * 2.0 / b as f64;
                for i in 0..n {
                    let ai = self.a[i];
                    let mut ga = 0.0;
                    for j in 0..b {
                        let u = self.xw[(j, i)];
                        let rj = self.y[j];
                        self.tmp[(j, i)] = rj * ai * u;
                        ga += rj * u * u;
                    }
                    if train_a {
                        self.a[i] = ai + ascale * ga;
                    }
                }
                // W += eps (4/b) X^T tmp   (uses the a from before this step)
                self.w.gemm(scale, &self.xt, &self.tmp, 1.0);
            }
            SgdRegime::Nt => {
                self.xa.gemm_tr(1.0, &self.xt, &self.amat, 0.0);
                for j in 0..b {
                    let mut f = self.c;
                    for i in 0..n {
                        f += 2.0 * self.xw[(j, i)] * self.xa[(j, i)];
                    }
                    self.y[j] -= f;
                    rsum += self.y[j];
                }
                for i in 0..n {
                    for j in 0..b {
                        self.tmp[(j, i)] = self.y[j] * self.xw[(j, i)];
                    }
                }
                let scale = self.eps * 4.0 / b as f64;
                self.amat.gemm(scale, &self.xt, &self.tmp, 1.0);
            }
        }
        self.c += self.eps * 2.0 / b as f64 * rsum;
        self.step += 1;
    }

    /// Run up to `budget` steps (stopping at records as scheduled). Returns progress
    /// in [0, 1], or the divergence error (then and on every later call).
    pub fn advance(&mut self, budget: u64) -> Result<f64> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let mut left = budget;
        while left > 0 && self.step < self.params.steps {
            self.step();
            left -= 1;
            if self.step % self.params.record_every == 0 || self.step == self.params.steps {
                self.record()?;
            } else if !self.c.is_finite() {
                self.record()?;
            }
        }
        Ok(self.progress())
    }

    pub fn progress(&self) -> f64 {
        self.step as f64 / self.params.steps as f64
    }
    pub fn done(&self) -> bool {
        self.step >= self.params.steps || self.failed.is_some()
    }
    pub fn error(&self) -> Option<&Error> {
        self.failed.as_ref()
    }
    pub fn params(&self) -> &SgdParams {
        &self.params
    }
    pub fn target(&self) -> &Target {
        &self.target
    }
    /// Step counts at the records.
    pub fn record_steps(&self) -> &[u64] {
        &self.rec_steps
    }
    /// Samples seen at the records (steps x batch).
    pub fn record_samples(&self) -> Vec<u64> {
        self.rec_steps.iter().map(|s| s * self.params.batch as u64).collect()
    }
    /// Exact normalised population risks at the records.
    pub fn record_risks(&self) -> &[f64] {
        &self.rec_risk
    }
    /// The exact minimum this run can reach (NN: over width-N networks; NT: for its W).
    pub fn limit(&self) -> f64 {
        self.limit
    }
    /// First-layer weights (d x N) in the eigenbasis of the target.
    pub fn weights(&self) -> &DMatrix<f64> {
        &self.w
    }
}
