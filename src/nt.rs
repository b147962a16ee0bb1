//! Neural tangent (eq. 3): `f(x) = c + sum_i sigma'(<w_i,x>) <a_i,x>`. For `sigma = u^2`
//! this is `c + <x,Mx>` with `M = W A^T + A W^T`: exactly the symmetric M with
//! `P M P = 0`, P the projection onto span(W)^perp (docs/maths.md section 3).
//!
//! Exact population risks for a given W (section 4):
//! * qf: `2||P B P||_F^2 / (2||B||_F^2)`, from one QR of W.
//! * mg: minimise `R(M) = (1 + <M,Delta>)^2 + 2||M||^2 + 2 tr(M Delta M Delta)` over
//!   `V = {M : PMP = 0}`; with `g = P_V(Delta)` and `A(M) = 2 P_V(M + Delta M Delta)`
//!   the minimum is `1 / (1 + g^T A^{-1} g)`, solved by conjugate gradients on V (A's
//!   spectrum lies in [2, 2(1 + max delta^2)], so a handful of iterations suffice).
//! * Theorem 5's large-d form `2 / (2 + ||Delta||^2 - ||P Delta P||^2)`.

use crate::error::{Error, Result};
use crate::linalg::{self, frob_dot};
use nalgebra::DMatrix;

/// The projector onto span(W)^perp, as its complement basis Q (d x r) of span(W):
/// `P = I - Q Q^T`. None when span(W) is all of R^d (P = 0).
pub fn span_basis(w: &DMatrix<f64>) -> Option<DMatrix<f64>> {
    if w.ncols() >= w.nrows() {
        None
    } else {
        Some(linalg::orth_basis(w))
    }
}

/// `P M P` for symmetric M, with `P = I - Q Q^T`.
fn project_perp(q: &Option<DMatrix<f64>>, m: &DMatrix<f64>) -> DMatrix<f64> {
    match q {
        None => DMatrix::zeros(m.nrows(), m.ncols()),
        Some(q) => {
            let qt_m = q.transpose() * m; // r x d
            let pm = m - q * &qt_m; // (I - QQ^T) M
            let pm_q = &pm * q; // d x r
            &pm - pm_q * q.transpose()
        }
    }
}

/// `||P B P||_F^2` for symmetric B, from `||B||^2 - 2||BQ||^2 + ||Q^T B Q||^2`.
pub fn perp_frob2(b: &DMatrix<f64>, q: &Option<DMatrix<f64>>) -> f64 {
    match q {
        None => 0.0,
        Some(q) => {
            let bq = b * q;
            let qbq = q.transpose() * &bq;
            crate::finite::nonneg(b.norm_squared() - 2.0 * bq.norm_squared() + qbq.norm_squared())
        }
    }
}

/// Exact normalised population risk of NT on qf for weights `w`: `||PBP||^2 / ||B||^2`.
pub fn nt_risk_qf(b: &DMatrix<f64>, w: &DMatrix<f64>) -> f64 {
    perp_frob2(b, &span_basis(w)) / b.norm_squared()
}

/// Theorem 5: `2 / (2 + ||Delta||^2 - ||P Delta P||^2)` (drops the O(1/d) term).
pub fn nt_theorem5_mg(delta: &DMatrix<f64>, w: &DMatrix<f64>) -> f64 {
    let q = span_basis(w);
    2.0 / (2.0 + delta.norm_squared() - perp_frob2(delta, &q))
}

/// Exact normalised population risk of NT on mg for weights `w` (CG on V).
pub fn nt_risk_mg(delta: &DMatrix<f64>, w: &DMatrix<f64>) -> Result<f64> {
    let q = span_basis(w);
    let pv = |m: &DMatrix<f64>| m - project_perp(&q, m);
    let op = |m: &DMatrix<f64>| pv(&(m + delta * m * delta)) * 2.0;
    let g = pv(delta);
    let gg = g.norm_squared();
    // A >= 2 on V, so q = g^T A^{-1} g <= gg/2: below 2^-57 the risk 1/(1+q) is 1 in
    // double precision (and a tiny Delta would take CG below the normal range).
    if gg < 1.0 / (1u64 << 56) as f64 {
        return Ok(1.0);
    }
    // Conjugate gradients for A x = g on V (x, r, p all stay in V).
    let mut x = DMatrix::<f64>::zeros(delta.nrows(), delta.ncols());
    let mut r = g.clone();
    let mut p = r.clone();
    let mut rr = gg;
    for _ in 0..500 {
        let ap = op(&p);
        let pap = frob_dot(&p, &ap);
        // Written so that NaN fails too.
        #[allow(clippy::neg_cmp_op_on_partial_ord)]
        if !(pap > 0.0) {
            return Err(Error::Numerical("NT subspace operator is not positive definite".into()));
        }
        let alpha = rr / pap;
        x += &p * alpha;
        r -= &ap * alpha;
        let rr_new = r.norm_squared();
        if rr_new <= 1e-28 * gg {
            break;
        }
        p = &r + &p * (rr_new / rr);
        rr = rr_new;
    }
    let q_val = frob_dot(&g, &x);
    Ok(1.0 / (1.0 + q_val))
}
