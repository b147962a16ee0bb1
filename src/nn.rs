//! Fully trained networks (sec. 2.3 and 3.3) and the population risk of any quadratic
//! predictor `f(x) = <x,Mx> + c` (docs/maths.md section 4), which all NN and NT states
//! reduce to: qf NN has `M = W W^T`, mg NN `M = W diag(a) W^T`, NT `M = W A^T + A W^T`.
//!
//! * qf: `R = [2||B - M||_F^2 + (tr M + c)^2] / (2||B||_F^2)`.
//! * mg: `R = 1/2 sum_y [(y - tr(M S_y) - c)^2 + 2 tr((M S_y)^2)]`, `S_y = I - y Delta`.
//! * minima over all width-N networks: qf `sum_{i>N} lambda_i(B)^2 / ||B||^2` (exact at
//!   any d); mg `1 / (1 + sum over the N largest |delta_i| of delta_i^2/(2(1+delta_i^2)))`.
//! * population gradient flow of qf NN (the eps -> 0 limit of SGD, section 7).

use crate::model::{ModelKind, Target};
use nalgebra::DMatrix;

/// Normalised population risk of `<x,Mx> + c` for a target given by its matrix
/// (`target_matrix`, B or Delta, in the same frame as M).
pub fn quadratic_predictor_risk(target: &Target, target_matrix: &DMatrix<f64>, m: &DMatrix<f64>, c: f64) -> f64 {
    match target.kind {
        ModelKind::Qf => {
            let diff = target_matrix - m;
            (2.0 * diff.norm_squared() + (m.trace() + c).powi(2)) / (2.0 * target.frob2())
        }
        ModelKind::Mg => {
            let md = m * target_matrix; // M Delta
            let tr_m = m.trace();
            let tr_md = md.trace();
            let tr_mm = m.norm_squared(); // tr(M^2) for symmetric M
            let tr_mdm = (&md * m).trace(); // tr(M Delta M)
            let tr_mdmd = (&md * &md).trace();
            let mut r = 0.0;
            for y in [1.0, -1.0] {
                // tr(M S_y) = tr M - y tr(M Delta); tr((M S_y)^2) = tr M^2 - 2y tr(M Delta M) + tr((M Delta)^2)
                let mean = tr_m - y * tr_md;
                let quad = tr_mm - 2.0 * y * tr_mdm + tr_mdmd;
                r += 0.5 * ((y - mean - c).powi(2) + 2.0 * quad);
            }
            r
        }
    }
}

/// The exact minimum of the NN population risk over width-N networks (normalised).
/// qf's ratio is scale-free, computed from [`Target::unit_diag`]; at N >= d it is 0
/// (not the `-0.0` of an empty sum).
pub fn nn_min(target: &Target, n: usize) -> f64 {
    match target.kind {
        ModelKind::Qf => {
            let unit = target.unit_diag();
            let frob2: f64 = unit.iter().map(|l| l * l).sum();
            let eig = target.unit_eig_desc_abs();
            let tail: f64 = eig.iter().skip(n).map(|l| l * l).sum();
            crate::finite::clean_risk(tail / frob2)
        }
        ModelKind::Mg => {
            let eig = target.eig_desc_abs();
            let s: f64 = eig.iter().take(n).map(|l| l * l / (2.0 * (1.0 + l * l))).sum();
            1.0 / (1.0 + s)
        }
    }
}

/// Population gradient flow of qf NN (`f = sum_i <w_i,x>^2 + c`), explicit Euler with
/// time step `dt` (in units of the SGD step size), in the eigenbasis of B:
/// `dW/dt = 8 (B - W W^T) W + 4 s W`, `dc/dt = 2 s`, `s = tr(B - W W^T) - tr B - c`.
/// Returns the normalised risk after each of `steps` steps.
pub fn gradient_flow_qf(target: &Target, w: &mut DMatrix<f64>, c: &mut f64, dt: f64, steps: usize) -> Vec<f64> {
    let b = target.diag_matrix();
    let mut out = Vec::with_capacity(steps);
    for _ in 0..steps {
        let wwt = &*w * w.transpose();
        let s = -wwt.trace() - *c;
        let grad = (&b - &wwt) * &*w * 8.0 + &*w * (4.0 * s);
        *w += grad * dt;
        *c += 2.0 * s * dt;
        let m = &*w * w.transpose();
        out.push(quadratic_predictor_risk(target, &b, &m, *c));
    }
    out
}

/// What NN learns (sec. 2.3's mechanism): how much of the target's top-N energy
/// span(W) holds, `sum_i lambda_i^2 ||Q^T e_i||^2 / sum_{i <= N} lambda_(i)^2`, with Q an
/// orthonormal basis of span(W) and W in the eigenbasis of the target (as
/// [`crate::sgd::SgdRun::weights`] gives it), so `e_i` are its eigenvectors. By Ky
/// Fan's inequality this is at most 1, with equality exactly when span(W) holds a
/// top-N eigenspace; weighting by `lambda_i^2` keeps it well defined when eigenvalues
/// tie (flat B, the paper's three-valued Delta). For qf NN at its minimum it is 1
/// (Theorem 3's risk `1 - sum_{i<=N} lambda_i^2 / ||B||^2`); for a random W it is
/// about [`random_overlap`].
pub fn top_eigenspace_overlap(target: &Target, w_eigenbasis: &DMatrix<f64>) -> f64 {
    let d = target.d;
    let n = w_eigenbasis.ncols().min(d);
    if n == 0 || w_eigenbasis.nrows() != d {
        return 0.0;
    }
    let top = top_energy(target, n);
    if top <= 0.0 {
        return 0.0;
    }
    let q = crate::linalg::orth_basis(w_eigenbasis);
    let held: f64 = target.unit_diag().iter().enumerate().map(|(i, l)| l * l * q.row(i).norm_squared()).sum();
    (held / top).clamp(0.0, 1.0)
}

/// `sum_{i <= n} lambda_(i)^2`, eigenvalues by decreasing |lambda|, of the rescaled
/// spectrum ([`Target::unit_diag`]: overlaps are ratios, free of the scale).
fn top_energy(target: &Target, n: usize) -> f64 {
    target.unit_eig_desc_abs().iter().take(n).map(|l| l * l).sum()
}

/// Expected [`top_eigenspace_overlap`] of an isotropic random W with N < d columns:
/// a uniformly random N-dimensional subspace holds a fraction N/d of every
/// eigenvector's squared length, so `(N/d) ||B||_F^2 / sum_{i <= N} lambda_(i)^2`
/// (1 for N >= d).
pub fn random_overlap(target: &Target, n: usize) -> f64 {
    let d = target.d;
    if n >= d {
        return 1.0;
    }
    let top = top_energy(target, n);
    if top <= 0.0 {
        return 0.0;
    }
    let frob2: f64 = target.unit_diag().iter().map(|l| l * l).sum();
    (n as f64 / d as f64 * frob2 / top).min(1.0)
}
