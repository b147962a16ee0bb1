//! Random features (eq. 2): `f(x) = sum_i a_i sigma(<w_i,x>)`, only `a` fitted, no
//! offset. Exact population risk for a given W (docs/maths.md section 4): the best `a`
//! solves `K a = v` with `K_ij = E[sigma(<w_i,x>) sigma(<w_j,x>)]`, `v_i = E[y sigma(<w_i,x>)]`,
//! and the risk is `E[y^2] - v^T K^+ v`, normalised by `E[y^2]` (`2||B||_F^2` for qf,
//! 1 for mg). Under mg the pre-activations are Gaussian given y with covariance
//! `W^T S_y W`, so K and v average the Gaussian kernel over y = +-1.

use crate::activation::Activation;
use crate::error::Result;
use crate::linalg;
use crate::model::{ModelKind, Target};
use crate::rng::{self, Rng};
use nalgebra::{DMatrix, DVector};

/// How the first-layer weights are drawn: `w_i ~ N(0, Gamma)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeightLaw {
    /// `Gamma = I/d`.
    Isotropic,
    /// `Gamma = B / tr B` (qf's "optimal" RF features; needs tr B > 0).
    Optimal,
}

/// Draw W (d x n) in the target's original frame.
pub fn sample_weights(target: &Target, n: usize, law: WeightLaw, rng: &mut Rng) -> DMatrix<f64> {
    let d = target.d;
    let mut w = DMatrix::<f64>::zeros(d, n);
    match law {
        WeightLaw::Isotropic => rng::fill_normal(rng, w.as_mut_slice(), 1.0 / (d as f64).sqrt()),
        WeightLaw::Optimal => {
            rng::fill_normal(rng, w.as_mut_slice(), 1.0);
            let tr = target.trace();
            let scale: Vec<f64> = target.diag.iter().map(|g| (g.max(0.0) / tr).sqrt()).collect();
            for mut col in w.column_iter_mut() {
                for (x, s) in col.iter_mut().zip(&scale) {
                    *x *= s;
                }
            }
            if let Some(o) = &target.rotation {
                w = o * w;
            }
        }
    }
    w
}

/// Kernel matrix `K_ij = E[sigma(u_i) sigma(u_j)]` for pre-activations with covariance `g`.
fn kernel_matrix(act: Activation, g: &DMatrix<f64>) -> DMatrix<f64> {
    let n = g.nrows();
    let sd: Vec<f64> = (0..n).map(|i| g[(i, i)].max(0.0).sqrt()).collect();
    let coeffs: Vec<Vec<f64>> = sd.iter().map(|a| act.kernel_coeffs(*a)).collect();
    let mut k = DMatrix::<f64>::zeros(n, n);
    for j in 0..n {
        for i in j..n {
            let v = act.kernel(sd[i], sd[j], g[(i, j)], &coeffs[i], &coeffs[j]);
            k[(i, j)] = v;
            k[(j, i)] = v;
        }
    }
    // Diagonal: E[sigma(u)^2] exactly (the truncated Mehler series at r = 1 is the
    // slowest to converge).
    if act == Activation::Tanh {
        for i in 0..n {
            let a = sd[i];
            k[(i, i)] = crate::activation::gauss_hermite_expect(|x| (a * x).tanh().powi(2));
        }
    }
    k
}

/// `B W` (or `Delta W`): row scaling when the target is diagonal (no rotation), the
/// same products without the d x d x n matrix product.
fn times_target(target: &Target, target_matrix: &DMatrix<f64>, w: &DMatrix<f64>) -> DMatrix<f64> {
    if target.rotation.is_some() || target.diag.len() != w.nrows() {
        return target_matrix * w;
    }
    let mut out = w.clone();
    for mut col in out.column_iter_mut() {
        for (x, b) in col.iter_mut().zip(&target.diag) {
            *x *= b;
        }
    }
    out
}

/// Exact normalised population risk of RF with weights `w` (d x n).
/// `target_matrix` is `target.matrix()` (passed in so a sweep forms it once).
pub fn rf_risk(target: &Target, target_matrix: &DMatrix<f64>, w: &DMatrix<f64>, act: Activation) -> Result<f64> {
    let n = w.ncols();
    match target.kind {
        ModelKind::Qf => {
            let g = linalg::gram(w);
            let k = kernel_matrix(act, &g);
            let bw = times_target(target, target_matrix, w);
            let v = DVector::from_iterator(
                n,
                (0..n).map(|i| {
                    let a2 = g[(i, i)];
                    if a2 <= 0.0 {
                        return 0.0;
                    }
                    let wbw = w.column(i).dot(&bw.column(i));
                    wbw / a2 * act.hermite_scaled(2, a2.sqrt())
                }),
            );
            let norm = 2.0 * target.frob2();
            let explained = linalg::quad_form_pinv(k, &v)?;
            Ok(crate::finite::nonneg((norm - explained) / norm))
        }
        ModelKind::Mg => {
            // S_y = I - y Delta: W^T S_y W = G -+ W^T Delta W. Three n x n matrices
            // at most are live (G+ and G- overwrite G and W^T Delta W; the second
            // kernel is added into the first), which bounds the page's memory at
            // N = 4500 (src/limits.rs).
            let mut g_minus = linalg::gram(w);
            let dw = times_target(target, target_matrix, w);
            let mut g_plus = linalg::gram_cross(w, &dw);
            drop(dw);
            for (p, m) in g_plus.iter_mut().zip(g_minus.iter_mut()) {
                let (g, x) = (*m, *p);
                *p = g - x;
                *m = g + x;
            }
            let v = DVector::from_iterator(
                n,
                (0..n).map(|i| 0.5 * (act.raw_mean(g_plus[(i, i)].max(0.0).sqrt()) - act.raw_mean(g_minus[(i, i)].max(0.0).sqrt()))),
            );
            let mut k = kernel_matrix(act, &g_plus);
            drop(g_plus);
            let k_minus = kernel_matrix(act, &g_minus);
            drop(g_minus);
            for (a, b) in k.iter_mut().zip(k_minus.iter()) {
                *a = (*a + b) * 0.5;
            }
            drop(k_minus);
            let explained = linalg::quad_form_pinv(k, &v)?;
            Ok(crate::finite::nonneg(1.0 - explained))
        }
    }
}
