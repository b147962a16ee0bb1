//! One-pass SGD (sec. 2.3, docs/maths.md section 7) as a step-wise state machine.
//!
//! Each step draws a fresh batch of b samples, so steps x b is the sample count. The
//! step size is `eps = eta / d`. Per sample, with `r = y - f(x)`:
//! * NN, `f = sum_i a_i <w_i,x>^2 + c` (qf: `a_i = 1` fixed; mg: `a_i` trained from 0):
//!   `grad_W = -4 r x (x^T W) diag(a)`, `grad_a_i = -2 r <w_i,x>^2`, `grad_c = -2 r`.
//! * NT, `f = c + 2 sum_i <w_i,x><a_i,x>` (W fixed at its initial value, A from 0):
//!   `grad_A = -4 r x (x^T W)`, `grad_c = -2 r`.
//!
//! Gradients are averaged over the batch and applied through two small matrix products
//! (`X W`, then `W += eps (4/b) X^T T`) on the kernels of [`crate::linalg::gemm`], over
//! preallocated buffers: a step allocates nothing (tests/alloc.rs counts). The weights live transposed and
//! zero-padded to a multiple of 4 columns while training (`wt`, d x np, rows
//! contiguous), so both products are contiguous axpys over the neurons; zero columns
//! stay exactly zero under every update. The batch's normals come from
//! [`crate::normal`]. `w` (d x N) is refreshed from `wt` after each
//! public `step` and `advance` and before each record. The run works in the eigenbasis of
//! B or Delta (exact in law, see `model`). At each record it stores the exact
//! population risk of the current `(M, c)` (`nn::quadratic_predictor_risk`), which is
//! noise-free, and it stops with [`Error::Diverged`] when the risk stops being finite
//! or explodes.

use crate::error::{Error, Result};
use crate::linalg::gemm::{Gemm, MatRef};
use crate::model::{ModelKind, Target};
use crate::nn;
use crate::nt;
use crate::params::{Limits, SgdParams, SgdRegime};
use crate::normal::Normals;
use crate::rng::{self, Stream};
use nalgebra::{DMatrix, DVector};

/// The generator of a run's draws: W first, then the batches' normals.
fn run_stream(seed: u64, regime: SgdRegime) -> rng::Rng {
    let regime_idx = match regime {
        SgdRegime::Nn => 0,
        SgdRegime::Nt => 1,
    };
    rng::stream(seed, Stream::Sgd, regime_idx, 0)
}

/// The first-layer weights at step 0: d x N, entries N(0, 1/d).
fn initial_weights(rng: &mut rng::Rng, d: usize, n: usize) -> DMatrix<f64> {
    let mut w = DMatrix::<f64>::zeros(d, n);
    rng::fill_normal(rng, w.as_mut_slice(), 1.0 / (d as f64).sqrt());
    w
}

/// The large-n limit of a run on `target` whose weights start at `w` (docs/maths.md
/// section 7): NN the minimum over width-N networks ([`nn::nn_min`], Theorem 3), NT the
/// exact risk of the best NT model on this W ([`nt::nt_risk_qf`], [`nt::nt_risk_mg`]).
fn limit_for(target: &Target, regime: SgdRegime, w: &DMatrix<f64>) -> Result<f64> {
    // The limit is a normalised risk: computed from the rescaled target (the same
    // numbers for any scale of B; finite for extreme ones), round-off of 0 is 0.
    let unit = target.rescaled();
    let n = w.ncols();
    let limit = match regime {
        SgdRegime::Nn => nn::nn_min(&unit, n),
        SgdRegime::Nt => match target.kind {
            ModelKind::Qf => nt::nt_risk_qf(&unit.diag_matrix(), w),
            ModelKind::Mg => nt::nt_risk_mg(&target.diag_matrix(), w)?,
        },
    };
    let name = format!("{regime:?}").to_ascii_uppercase();
    crate::finite::check(crate::finite::clean_risk(limit), || format!("the large-n limit of the {name} SGD run"))
}

/// The large-n limit that a run of `regime` with `n` neurons on `target` (drawn from
/// `seed`) would have, without setting up the run: the same W from the same stream as
/// [`SgdRun::new`] draws, so it equals that run's [`SgdRun::limit`]. Costs the NT
/// risk of one d x N draw of W (nothing for NN), whatever the run's size; the page
/// uses it for the limits at the width plot's d when SGD runs at a smaller d.
pub fn large_n_limit(target: &Target, regime: SgdRegime, n: usize, seed: u64) -> Result<f64> {
    let w = match regime {
        SgdRegime::Nt => initial_weights(&mut run_stream(seed, regime), target.d, n),
        // NN's limit depends on N only: no W to draw.
        SgdRegime::Nn => DMatrix::zeros(0, n),
    };
    limit_for(target, regime, &w)
}

/// A one-pass SGD run in progress.
pub struct SgdRun {
    params: SgdParams,
    target: Target,
    /// diag(B) or diag(Delta): the target in its eigenbasis.
    target_matrix: DMatrix<f64>,
    /// The batches' normals (two generators seeded from the run's stream).
    normals: Normals,
    /// mg: per-coordinate standard deviations `sqrt(1 - y delta_k)` for y = +1 and -1.
    sd_pos: Vec<f64>,
    sd_neg: Vec<f64>,
    eps: f64,
    /// First-layer weights, d x N.
    w: DMatrix<f64>,
    /// NT's trained directions A (d x N); empty for NN.
    amat: DMatrix<f64>,
    /// Second layer (NN); ones for qf.
    a: DVector<f64>,
    c: f64,
    // Training layout and buffers (no allocation in `step`).
    /// Padded width (multiple of 4, >= N).
    np: usize,
    /// W transposed and padded: `wt[k * np + i] = W[k, i]` (zero for i >= N).
    wt: Vec<f64>,
    /// NT's A, same layout (empty for NN).
    at: Vec<f64>,
    /// Second layer, padded with zeros.
    ap: Vec<f64>,
    /// mg NN: the a-gradient of the current batch.
    ga: Vec<f64>,
    /// The batch, one sample per row: `x[j * d + k]`.
    x: Vec<f64>,
    y: Vec<f64>,
    /// `X W` (b x np, row-major), then overwritten by the gradient factor `T`.
    xw: Vec<f64>,
    /// `X A` (NT).
    xa: Vec<f64>,
    m: DMatrix<f64>,
    step: u64,
    rec_steps: Vec<u64>,
    rec_risk: Vec<f64>,
    limit: f64,
    failed: Option<Error>,
    /// Its steps are taken elsewhere ([`SgdRun::mirror`]); it takes none here.
    mirrored: bool,
}

impl SgdRun {
    /// Validate and set up a run: draws the target, W (and the NT limit for this W).
    pub fn new(params: &SgdParams, limits: &Limits) -> Result<SgdRun> {
        let target = params.validate(limits)?;
        let (d, n, b) = (target.d, params.neurons, params.batch);
        let mut rng = run_stream(params.model.seed, params.regime);
        let w = initial_weights(&mut rng, d, n);
        let target_matrix = target.diag_matrix();
        let limit = limit_for(&target, params.regime, &w)?;
        let a = match (params.regime, target.kind) {
            (SgdRegime::Nn, ModelKind::Qf) => DVector::from_element(n, 1.0),
            _ => DVector::zeros(n),
        };
        let amat = match params.regime {
            SgdRegime::Nt => DMatrix::zeros(d, n),
            SgdRegime::Nn => DMatrix::zeros(0, 0),
        };
        let np = n.div_ceil(4) * 4;
        let mut wt = vec![0.0; d * np];
        for i in 0..n {
            for k in 0..d {
                wt[k * np + i] = w[(k, i)];
            }
        }
        let mut ap = vec![0.0; np];
        ap[..n].copy_from_slice(a.as_slice());
        let (at, xa) = match params.regime {
            SgdRegime::Nt => (vec![0.0; d * np], vec![0.0; b * np]),
            SgdRegime::Nn => (Vec::new(), Vec::new()),
        };
        let normals = Normals::new(&mut rng);
        let (sd_pos, sd_neg) = match target.kind {
            ModelKind::Mg => (target.diag.iter().map(|dl| (1.0 - dl).sqrt()).collect(), target.diag.iter().map(|dl| (1.0 + dl).sqrt()).collect()),
            ModelKind::Qf => (Vec::new(), Vec::new()),
        };
        let mut run = SgdRun {
            eps: params.eta / d as f64,
            params: params.clone(),
            target,
            target_matrix,
            normals,
            sd_pos,
            sd_neg,
            w,
            amat,
            a,
            c: 0.0,
            np,
            wt,
            at,
            ap,
            ga: vec![0.0; np],
            x: vec![0.0; b * d],
            y: vec![0.0; b],
            xw: vec![0.0; b * np],
            xa,
            m: DMatrix::zeros(d, d),
            step: 0,
            rec_steps: Vec::new(),
            rec_risk: Vec::new(),
            limit,
            failed: None,
            mirrored: false,
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

    /// qf: B's largest eigenvalue, which SGD's step sizes are relative to (the
    /// divergence message names it when it is far from 1); mg: 1 (|delta_i| < 1).
    fn b_scale(&self) -> f64 {
        match self.target.kind {
            ModelKind::Qf => self.target.largest_abs(),
            ModelKind::Mg => 1.0,
        }
    }

    /// The exact normalised population risk of the current network.
    pub fn current_risk(&mut self) -> f64 {
        self.form_m();
        nn::quadratic_predictor_risk(&self.target, &self.target_matrix, &self.m, self.c)
    }

    /// Copy the training layout back into `w`, `amat` and `a` (d x N, N).
    fn sync(&mut self) {
        let (d, n, np) = (self.w.nrows(), self.w.ncols(), self.np);
        for i in 0..n {
            let col = self.w.column_mut(i);
            for (k, v) in col.into_iter().enumerate() {
                *v = self.wt[k * np + i];
            }
        }
        if !self.at.is_empty() {
            for i in 0..n {
                for k in 0..d {
                    self.amat[(k, i)] = self.at[k * np + i];
                }
            }
        }
        self.a.as_mut_slice().copy_from_slice(&self.ap[..n]);
    }

    fn record(&mut self) -> Result<()> {
        self.sync();
        let risk = self.current_risk();
        let first = self.rec_risk.first().copied().unwrap_or(risk);
        if !risk.is_finite() || risk > 1e4 * (1.0 + first) {
            let e = Error::Diverged { step: self.step, risk, suggested: self.params.eta / 10.0, scale: self.b_scale() };
            self.failed = Some(e.clone());
            return Err(e);
        }
        self.rec_steps.push(self.step);
        self.rec_risk.push(risk);
        Ok(())
    }

    /// One SGD step on a fresh batch. Allocation-free.
    pub fn step(&mut self) {
        self.step_inner();
        self.sync();
    }

    /// A fresh batch in the eigenbasis of the target (docs/maths.md section 2; the same
    /// law as `Target::sample_eigenbasis`): rows of `x`, labels in `y`.
    #[inline]
    fn sample_batch(&mut self) {
        let d = self.target.d;
        let normals = &mut self.normals;
        match self.target.kind {
            ModelKind::Qf => {
                for (xj, yj) in self.x.chunks_exact_mut(d).zip(self.y.iter_mut()) {
                    normals.fill(xj);
                    let mut acc = [0.0; 2];
                    let mut pairs = xj.chunks_exact(2).zip(self.target.diag.chunks_exact(2));
                    for (z, g) in &mut pairs {
                        acc[0] += g[0] * (z[0] * z[0] - 1.0);
                        acc[1] += g[1] * (z[1] * z[1] - 1.0);
                    }
                    if d % 2 == 1 {
                        let z = xj[d - 1];
                        acc[0] += self.target.diag[d - 1] * (z * z - 1.0);
                    }
                    *yj = acc[0] + acc[1];
                }
            }
            ModelKind::Mg => {
                for (xj, yj) in self.x.chunks_exact_mut(d).zip(self.y.iter_mut()) {
                    let plus = normals.bits() >> 63 == 1;
                    normals.fill(xj);
                    let sd = if plus { &self.sd_pos } else { &self.sd_neg };
                    for (x, s) in xj.iter_mut().zip(sd) {
                        *x *= s;
                    }
                    *yj = if plus { 1.0 } else { -1.0 };
                }
            }
        }
    }

    fn step_inner(&mut self) {
        let b = self.params.batch;
        let d = self.target.d;
        let np = self.np;
        self.sample_batch();
        // xw = X W  (b x np)
        Gemm::set(&mut self.xw, 1.0, MatRef::row_major(&self.x, b, d), &self.wt, np).run();
        let scale = self.eps * 4.0 / b as f64;
        let mut rsum = 0.0;
        match self.params.regime {
            SgdRegime::Nn => {
                // Residuals r_j (overwriting y).
                for (j, row) in self.xw.chunks_exact(np).enumerate() {
                    let mut f = [0.0; 4];
                    for (u, a) in row.chunks_exact(4).zip(self.ap.chunks_exact(4)) {
                        for l in 0..4 {
                            f[l] += a[l] * u[l] * u[l];
                        }
                    }
                    let r = self.y[j] - (self.c + ((f[0] + f[1]) + (f[2] + f[3])));
                    self.y[j] = r;
                    rsum += r;
                }
                if self.target.kind == ModelKind::Mg {
                    // a-gradient sum_j r_j xw_ji^2, before xw is overwritten.
                    self.ga.fill(0.0);
                    for (row, r) in self.xw.chunks_exact(np).zip(&self.y) {
                        for (g, u) in self.ga.iter_mut().zip(row) {
                            *g += r * u * u;
                        }
                    }
                }
                // T_ji = r_j a_i xw_ji in place of xw (with the a from before this step).
                for (row, r) in self.xw.chunks_exact_mut(np).zip(&self.y) {
                    for (u, a) in row.iter_mut().zip(&self.ap) {
                        *u *= r * a;
                    }
                }
                // W += eps (4/b) X^T T
                Gemm::add(&mut self.wt, scale, MatRef::row_major(&self.x, b, d).t(), &self.xw, np).run();
                if self.target.kind == ModelKind::Mg {
                    let ascale = self.eps * 2.0 / b as f64;
                    for (a, g) in self.ap.iter_mut().zip(&self.ga) {
                        *a += ascale * g;
                    }
                }
            }
            SgdRegime::Nt => {
                Gemm::set(&mut self.xa, 1.0, MatRef::row_major(&self.x, b, d), &self.at, np).run();
                for (j, (row, rowa)) in self.xw.chunks_exact_mut(np).zip(self.xa.chunks_exact(np)).enumerate() {
                    let mut f = [0.0; 4];
                    for (u, v) in row.chunks_exact(4).zip(rowa.chunks_exact(4)) {
                        for l in 0..4 {
                            f[l] += u[l] * v[l];
                        }
                    }
                    let r = self.y[j] - (self.c + 2.0 * ((f[0] + f[1]) + (f[2] + f[3])));
                    rsum += r;
                    for u in row.iter_mut() {
                        *u *= r;
                    }
                }
                Gemm::add(&mut self.at, scale, MatRef::row_major(&self.x, b, d).t(), &self.xw, np).run();
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
        if self.mirrored {
            return Err(Error::invalid("steps", "this SGD run is computed elsewhere (a worker): it takes no steps here"));
        }
        let mut left = budget;
        while left > 0 && self.step < self.params.steps {
            self.step_inner();
            left -= 1;
            // Records as scheduled, and at once when the intercept stops being finite
            // (the record reports the divergence).
            if self.step.is_multiple_of(self.params.record_every) || self.step == self.params.steps || !self.c.is_finite() {
                self.record()?;
            }
        }
        self.sync();
        Ok(self.progress())
    }

    /// Take the state of a copy of this run computed elsewhere (a Web Worker, from the
    /// same parameters, so its records are this run's, bit for bit): its step count,
    /// its records from index `first` on (`steps`, `risks`; earlier ones are kept), and
    /// its error. From then on this run takes no steps of its own and its weights stay
    /// at their last local values. Refused (nothing changed) when the records leave a
    /// gap, disagree in length, or the step count goes back or past the run's steps.
    pub fn mirror(&mut self, step: u64, first: usize, steps: &[u64], risks: &[f64], failed: Option<Error>) -> Result<()> {
        let bad = |m: String| Err(Error::invalid("sgd", format!("a worker's SGD progress does not fit this run: {m}")));
        if first > self.rec_steps.len() || steps.len() != risks.len() {
            return bad(format!("records from {first} ({} steps, {} risks) after {} here", steps.len(), risks.len(), self.rec_steps.len()));
        }
        if step < self.step || step > self.params.steps || steps.iter().any(|s| *s > step) {
            return bad(format!("step {step} after step {} of {}", self.step, self.params.steps));
        }
        self.mirrored = true;
        self.step = step;
        self.rec_steps.truncate(first);
        self.rec_steps.extend_from_slice(steps);
        self.rec_risk.truncate(first);
        self.rec_risk.extend_from_slice(risks);
        if failed.is_some() {
            self.failed = failed;
        }
        Ok(())
    }

    pub fn progress(&self) -> f64 {
        self.step as f64 / self.params.steps as f64
    }
    /// Steps taken so far.
    pub fn steps_taken(&self) -> u64 {
        self.step
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
    /// The current predictor `f(x) = <x, M x> + c` as `(M, c)`, in the eigenbasis of
    /// the target (to score it on fresh samples).
    pub fn quadratic_form(&mut self) -> (DMatrix<f64>, f64) {
        self.form_m();
        (self.m.clone(), self.c)
    }
}
