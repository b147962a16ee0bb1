//! One-pass SGD (sec. 2.3, formulas.md section 7) as a step-wise state machine.
//!
//! Each step draws a fresh batch of b samples, so steps x b is the sample count. The
//! step size is `eps = eta / d`. Per sample, with `r = y - f(x)`:
//! * NN, `f = sum_i a_i <w_i,x>^2 + c` (qf: `a_i = 1` fixed; mg: `a_i` trained from 0):
//!   `grad_W = -4 r x (x^T W) diag(a)`, `grad_a_i = -2 r <w_i,x>^2`, `grad_c = -2 r`.
//! * NT, `f = c + 2 sum_i <w_i,x><a_i,x>` (W fixed at its initial value, A from 0):
//!   `grad_A = -4 r x (x^T W)`, `grad_c = -2 r`.
//!
//! Gradients are averaged over the batch and applied through two small matrix products
//! written as register-blocked loops ([`small_gemm`]) over preallocated buffers: a step
//! allocates nothing (tests/alloc.rs counts). The weights live transposed and
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
use crate::model::{ModelKind, Target};
use crate::nn;
use crate::nt;
use crate::params::{Limits, SgdParams, SgdRegime};
use crate::normal::Normals;
use crate::rng::{self, Stream};
use nalgebra::{DMatrix, DVector};

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
        self.step_inner();
        self.sync();
    }

    /// A fresh batch in the eigenbasis of the target (formulas.md section 2; the same
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
        small_gemm(b, d, np, &self.x, d, 1, &self.wt, &mut self.xw, 1.0, false);
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
                small_gemm(d, b, np, &self.x, 1, d, &self.xw, &mut self.wt, scale, true);
                if self.target.kind == ModelKind::Mg {
                    let ascale = self.eps * 2.0 / b as f64;
                    for (a, g) in self.ap.iter_mut().zip(&self.ga) {
                        *a += ascale * g;
                    }
                }
            }
            SgdRegime::Nt => {
                small_gemm(b, d, np, &self.x, d, 1, &self.at, &mut self.xa, 1.0, false);
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
                small_gemm(d, b, np, &self.x, 1, d, &self.xw, &mut self.at, scale, true);
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
    /// The current predictor `f(x) = <x, M x> + c` as `(M, c)`, in the eigenbasis of
    /// the target (to score it on fresh samples).
    pub fn quadratic_form(&mut self) -> (DMatrix<f64>, f64) {
        self.form_m();
        (self.m.clone(), self.c)
    }
}

/// `C (+)= alpha A Bm` for the small products of an SGD step, allocation-free.
///
/// `A` is m x kd with element (p, q) at `a[p * a_rs + q * a_cs]` (so a transpose is a
/// change of strides), `Bm` is kd x np and `C` m x np, both row-major with `np` a
/// multiple of 4. Register-blocked, with the kernel chosen for the machine: AVX-512
/// (6 rows x 16 columns of C in twelve zmm accumulators, masked for the last 8 or 4
/// columns) or AVX2/FMA natively, picked at run time; 4 rows x 4 columns of `f64x2`
/// in wasm with simd128; portable loops elsewhere. `gemm_kernels` lists them for the
/// tests.
#[doc(hidden)]
#[allow(clippy::too_many_arguments)]
pub fn small_gemm(m: usize, kd: usize, np: usize, a: &[f64], a_rs: usize, a_cs: usize, bm: &[f64], c: &mut [f64], alpha: f64, accumulate: bool) {
    assert!(np.is_multiple_of(4) && bm.len() >= kd * np && c.len() >= m * np);
    assert!(m == 0 || kd == 0 || a.len() > (m - 1) * a_rs + (kd - 1) * a_cs);
    // Natively, the same loops compiled for the widest vector unit the CPU has
    // (runtime detection, cached by std); wasm and older CPUs take the portable build.
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU supports the features the function is compiled for.
            return unsafe { small_gemm_avx512(m, kd, np, a, a_rs, a_cs, bm, c, alpha, accumulate) };
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            // SAFETY: as above.
            return unsafe { small_gemm_avx2(m, kd, np, a, a_rs, a_cs, bm, c, alpha, accumulate) };
        }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    return small_gemm_wasm(m, kd, np, a, a_rs, a_cs, bm, c, alpha, accumulate);
    #[allow(unreachable_code)]
    small_gemm_body::<false>(m, kd, np, a, a_rs, a_cs, bm, c, alpha, accumulate)
}

/// The wasm kernel: 128-bit lanes (f64x2), so a block is 4 rows by 4 columns (two
/// v128) of C: eight accumulators, which fit the 16 vector registers engines map wasm
/// SIMD onto. Measured in Node (d = 30 steps) against blocks of 1, 2 and 3 rows x 8
/// columns and 5 and 6 rows x 4 columns: none faster, 1 x 8 and 6 x 4 slower. With the
/// relaxed-simd feature (the page's second build, for engines that have it) the
/// multiply-add is `f64x2.relaxed_madd`, a fused multiply-add where the CPU has one;
/// otherwise a multiply and an add.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[allow(clippy::too_many_arguments)]
fn small_gemm_wasm(m: usize, kd: usize, np: usize, a: &[f64], a_rs: usize, a_cs: usize, bm: &[f64], c: &mut [f64], alpha: f64, accumulate: bool) {
    for i0 in (0..np).step_by(4) {
        let mut p = 0;
        while p + 4 <= m {
            wasm_kernel::<4>(kd, np, a, a_rs, a_cs, bm, c, alpha, accumulate, p, i0);
            p += 4;
        }
        while p < m {
            wasm_kernel::<1>(kd, np, a, a_rs, a_cs, bm, c, alpha, accumulate, p, i0);
            p += 1;
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
#[allow(clippy::too_many_arguments, clippy::needless_range_loop)]
fn wasm_kernel<const R: usize>(kd: usize, np: usize, a: &[f64], a_rs: usize, a_cs: usize, bm: &[f64], c: &mut [f64], alpha: f64, accumulate: bool, p: usize, i0: usize) {
    use core::arch::wasm32::*;
    #[inline(always)]
    fn madd(x: v128, y: v128, acc: v128) -> v128 {
        #[cfg(target_feature = "relaxed-simd")]
        return f64x2_relaxed_madd(x, y, acc);
        #[cfg(not(target_feature = "relaxed-simd"))]
        return f64x2_add(f64x2_mul(x, y), acc);
    }
    const V: usize = 2;
    let mut acc = [[f64x2_splat(0.0); V]; R];
    let (ap, bp0) = (a.as_ptr(), bm.as_ptr());
    for q in 0..kd {
        // SAFETY (every unchecked access): `small_gemm` asserted the bounds for
        // p + R <= m, q < kd and i0 + 4 <= np.
        unsafe {
            let bp = bp0.add(q * np + i0);
            let mut brow = [f64x2_splat(0.0); V];
            for v in 0..V {
                brow[v] = v128_load(bp.add(2 * v) as *const v128);
            }
            for r in 0..R {
                let x = f64x2_splat(*ap.add((p + r) * a_rs + q * a_cs));
                for v in 0..V {
                    acc[r][v] = madd(x, brow[v], acc[r][v]);
                }
            }
        }
    }
    let al = f64x2_splat(alpha);
    for r in 0..R {
        // SAFETY: as above.
        unsafe {
            let cp = c.as_mut_ptr().add((p + r) * np + i0);
            for v in 0..V {
                let o = cp.add(2 * v) as *mut v128;
                let out = if accumulate { madd(al, acc[r][v], v128_load(o)) } else { f64x2_mul(al, acc[r][v]) };
                v128_store(o, out);
            }
        }
    }
}

/// The signature of [`small_gemm`] and of each of its kernels.
#[doc(hidden)]
pub type GemmKernel = fn(usize, usize, usize, &[f64], usize, usize, &[f64], &mut [f64], f64, bool);

/// Every kernel this build holds that this CPU can run, by name, for the tests
/// (tests/kernels/mod.rs checks each against the triple loop, natively and in wasm).
#[doc(hidden)]
pub fn gemm_kernels() -> Vec<(&'static str, GemmKernel)> {
    let mut k: Vec<(&'static str, GemmKernel)> = vec![("dispatch", small_gemm), ("portable", |m, kd, np, a, rs, cs, bm, c, al, acc| small_gemm_body::<false>(m, kd, np, a, rs, cs, bm, c, al, acc))];
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has the features.
            k.push(("avx2", |m, kd, np, a, rs, cs, bm, c, al, acc| unsafe { small_gemm_avx2(m, kd, np, a, rs, cs, bm, c, al, acc) }));
        }
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: as above.
            k.push(("avx512", |m, kd, np, a, rs, cs, bm, c, al, acc| unsafe { small_gemm_avx512(m, kd, np, a, rs, cs, bm, c, al, acc) }));
        }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    k.push((if cfg!(target_feature = "relaxed-simd") { "wasm-relaxed" } else { "wasm-simd128" }, small_gemm_wasm));
    k
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
#[allow(clippy::too_many_arguments)]
unsafe fn small_gemm_avx512(m: usize, kd: usize, np: usize, a: &[f64], a_rs: usize, a_cs: usize, bm: &[f64], c: &mut [f64], alpha: f64, accumulate: bool) {
    // Column blocks of 16 (two zmm), then 8 (one zmm), then 4 (one masked zmm); within
    // a block, rows of C in groups of 6: 12 accumulators, so each loaded row of B
    // serves 6 FMAs and the FMA units, not the loads, set the pace.
    let mut i0 = 0;
    while i0 + 16 <= np {
        avx512_rows::<2>(m, kd, np, a, a_rs, a_cs, bm, c, alpha, accumulate, i0, 0xff);
        i0 += 16;
    }
    if i0 + 8 <= np {
        avx512_rows::<1>(m, kd, np, a, a_rs, a_cs, bm, c, alpha, accumulate, i0, 0xff);
        i0 += 8;
    }
    if i0 < np {
        avx512_rows::<1>(m, kd, np, a, a_rs, a_cs, bm, c, alpha, accumulate, i0, 0x0f);
    }
}

/// All rows of C for the columns `i0..i0 + 8 V` (the last zmm of each row masked by `mask`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
#[allow(clippy::too_many_arguments)]
unsafe fn avx512_rows<const V: usize>(m: usize, kd: usize, np: usize, a: &[f64], a_rs: usize, a_cs: usize, bm: &[f64], c: &mut [f64], alpha: f64, accumulate: bool, i0: usize, mask: u8) {
    let mut p = 0;
    while p + 6 <= m {
        avx512_kernel::<6, V>(kd, np, a, a_rs, a_cs, bm, c, alpha, accumulate, p, i0, mask);
        p += 6;
    }
    match m - p {
        5 => avx512_kernel::<5, V>(kd, np, a, a_rs, a_cs, bm, c, alpha, accumulate, p, i0, mask),
        4 => avx512_kernel::<4, V>(kd, np, a, a_rs, a_cs, bm, c, alpha, accumulate, p, i0, mask),
        3 => avx512_kernel::<3, V>(kd, np, a, a_rs, a_cs, bm, c, alpha, accumulate, p, i0, mask),
        2 => avx512_kernel::<2, V>(kd, np, a, a_rs, a_cs, bm, c, alpha, accumulate, p, i0, mask),
        1 => avx512_kernel::<1, V>(kd, np, a, a_rs, a_cs, bm, c, alpha, accumulate, p, i0, mask),
        _ => {}
    }
}

/// `C[p..p+R, i0..i0+8V] (+)= alpha A[p..p+R, :] B[:, i0..i0+8V]` in R x V zmm accumulators.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
#[inline]
#[allow(clippy::too_many_arguments, clippy::needless_range_loop)]
unsafe fn avx512_kernel<const R: usize, const V: usize>(kd: usize, np: usize, a: &[f64], a_rs: usize, a_cs: usize, bm: &[f64], c: &mut [f64], alpha: f64, accumulate: bool, p: usize, i0: usize, mask: u8) {
    use std::arch::x86_64::*;
    // SAFETY (every unchecked access): `small_gemm` asserted the bounds for p + R <= m,
    // q < kd and i0 + 8V <= np rounded up to the mask (np is a multiple of 4, and the
    // masked lanes are neither read nor written).
    let masks = {
        let mut ms = [0xffu8; V];
        ms[V - 1] = mask;
        ms
    };
    let mut acc = [[_mm512_setzero_pd(); V]; R];
    let ap = a.as_ptr();
    for q in 0..kd {
        let bp = bm.as_ptr().add(q * np + i0);
        let mut brow = [_mm512_setzero_pd(); V];
        for v in 0..V {
            brow[v] = _mm512_maskz_loadu_pd(masks[v], bp.add(8 * v));
        }
        for r in 0..R {
            let x = _mm512_set1_pd(*ap.add((p + r) * a_rs + q * a_cs));
            for v in 0..V {
                acc[r][v] = _mm512_fmadd_pd(x, brow[v], acc[r][v]);
            }
        }
    }
    let al = _mm512_set1_pd(alpha);
    for r in 0..R {
        let cp = c.as_mut_ptr().add((p + r) * np + i0);
        for v in 0..V {
            let out = if accumulate {
                _mm512_fmadd_pd(al, acc[r][v], _mm512_maskz_loadu_pd(masks[v], cp.add(8 * v)))
            } else {
                _mm512_mul_pd(al, acc[r][v])
            };
            _mm512_mask_storeu_pd(cp.add(8 * v), masks[v], out);
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[allow(clippy::too_many_arguments)]
unsafe fn small_gemm_avx2(m: usize, kd: usize, np: usize, a: &[f64], a_rs: usize, a_cs: usize, bm: &[f64], c: &mut [f64], alpha: f64, accumulate: bool) {
    small_gemm_body::<true>(m, kd, np, a, a_rs, a_cs, bm, c, alpha, accumulate)
}

/// The portable loops (AVX2/FMA when compiled with `FMA`): one row of C by 16, then 8,
/// then 4 columns, accumulated over q in a fixed-size array that LLVM keeps in vector
/// registers.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn small_gemm_body<const FMA: bool>(m: usize, kd: usize, np: usize, a: &[f64], a_rs: usize, a_cs: usize, bm: &[f64], c: &mut [f64], alpha: f64, accumulate: bool) {
    let mut i0 = 0;
    while i0 + 16 <= np {
        block::<16, FMA>(m, kd, np, a, a_rs, a_cs, bm, c, alpha, accumulate, i0);
        i0 += 16;
    }
    while i0 + 8 <= np {
        block::<8, FMA>(m, kd, np, a, a_rs, a_cs, bm, c, alpha, accumulate, i0);
        i0 += 8;
    }
    if i0 < np {
        block::<4, FMA>(m, kd, np, a, a_rs, a_cs, bm, c, alpha, accumulate, i0);
    }

    #[inline(always)]
    fn fma_row<const W: usize, const FMA: bool>(acc: &mut [f64; W], x: f64, b: &[f64; W]) {
        for l in 0..W {
            // mul_add only where it is one instruction (it is a libm call elsewhere).
            if FMA {
                acc[l] = x.mul_add(b[l], acc[l]);
            } else {
                acc[l] += x * b[l];
            }
        }
    }

    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn block<const W: usize, const FMA: bool>(m: usize, kd: usize, np: usize, a: &[f64], a_rs: usize, a_cs: usize, bm: &[f64], c: &mut [f64], alpha: f64, accumulate: bool, i0: usize) {
        let mut store = |p: usize, acc: &[f64; W]| {
            let out: &mut [f64; W] = (&mut c[p * np + i0..p * np + i0 + W]).try_into().unwrap();
            if accumulate {
                for l in 0..W {
                    out[l] += alpha * acc[l];
                }
            } else {
                for l in 0..W {
                    out[l] = alpha * acc[l];
                }
            }
        };
        for p in 0..m {
            let mut acc = [0.0; W];
            let r0 = p * a_rs;
            for q in 0..kd {
                // SAFETY: the asserts of `small_gemm` bound every index: p < m, q < kd, i0 + W <= np.
                let (x0, brow) = unsafe { (*a.get_unchecked(r0 + q * a_cs), &*(bm.as_ptr().add(q * np + i0) as *const [f64; W])) };
                fma_row::<W, FMA>(&mut acc, x0, brow);
            }
            store(p, &acc);
        }
    }
}
