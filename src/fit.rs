//! Finite-n fits scored on fresh samples: the sample-based route to the numbers that
//! `rf` and `nt` compute in closed form. Ridge least squares on n training samples
//! (normal equations accumulated in blocks through GEMM, Cholesky solve), then the
//! mean squared error on `n_test` fresh samples, normalised like the exact risks
//! (`E y^2 = 2||B||_F^2` for qf, 1 for mg).
//!
//! * RF: features `sigma(<w_i,x>)`, no offset (eq. 2).
//! * NT (sigma = u^2): features `2 <w_i,x> x_j` for all i, j, plus a constant (eq. 3).

use crate::activation::Activation;
use crate::error::{Error, Result};
use crate::model::{ModelKind, Target};
use crate::rng::Rng;
use nalgebra::{DMatrix, DVector};

/// Which feature map to fit.
#[derive(Clone, Copy, Debug)]
pub enum Features<'a> {
    Rf(&'a DMatrix<f64>, Activation),
    Nt(&'a DMatrix<f64>),
}

impl Features<'_> {
    fn dim(&self) -> usize {
        match self {
            Features::Rf(w, _) => w.ncols(),
            Features::Nt(w) => w.ncols() * w.nrows() + 1,
        }
    }
    fn fill(&self, x: &[f64], out: &mut [f64]) {
        match self {
            Features::Rf(w, act) => {
                for (i, col) in w.column_iter().enumerate() {
                    let u: f64 = col.iter().zip(x).map(|(a, b)| a * b).sum();
                    out[i] = act.eval(u);
                }
            }
            Features::Nt(w) => {
                let d = w.nrows();
                for (i, col) in w.column_iter().enumerate() {
                    let u: f64 = col.iter().zip(x).map(|(a, b)| a * b).sum();
                    for j in 0..d {
                        out[i * d + j] = 2.0 * u * x[j];
                    }
                }
                out[w.ncols() * d] = 1.0;
            }
        }
    }
}

/// Fit by ridge least squares (`ridge` times the mean feature power, relative) on
/// `n_train` samples and return the normalised test risk on `n_test` fresh samples.
pub fn fit_and_score(target: &Target, feats: Features<'_>, n_train: usize, n_test: usize, ridge: f64, rng: &mut Rng) -> Result<f64> {
    let p = feats.dim();
    let d = target.d;
    const BLOCK: usize = 512;
    let mut phi = DMatrix::<f64>::zeros(BLOCK, p);
    let mut yb = DVector::<f64>::zeros(BLOCK);
    let mut gram = DMatrix::<f64>::zeros(p, p);
    let mut rhs = DVector::<f64>::zeros(p);
    let mut x = vec![0.0; d];
    let mut row = vec![0.0; p];
    let mut done = 0;
    while done < n_train {
        let m = BLOCK.min(n_train - done);
        for j in 0..m {
            yb[j] = target.sample(rng, &mut x);
            feats.fill(&x, &mut row);
            for (k, v) in row.iter().enumerate() {
                phi[(j, k)] = *v;
            }
        }
        let pv = phi.rows(0, m);
        gram.gemm_tr(1.0, &pv, &pv, 1.0);
        rhs.gemv_tr(1.0, &pv, &yb.rows(0, m), 1.0);
        done += m;
    }
    let mean_power = (0..p).map(|k| gram[(k, k)]).sum::<f64>() / p as f64;
    for k in 0..p {
        gram[(k, k)] += ridge * mean_power;
    }
    let coef = gram.cholesky().ok_or_else(|| Error::Numerical("normal equations are not positive definite".into()))?.solve(&rhs);
    let mut se = 0.0;
    for _ in 0..n_test {
        let y = target.sample(rng, &mut x);
        feats.fill(&x, &mut row);
        let f: f64 = row.iter().zip(coef.iter()).map(|(a, b)| a * b).sum();
        se += (y - f).powi(2);
    }
    let ey2 = match target.kind {
        ModelKind::Qf => 2.0 * target.frob2(),
        ModelKind::Mg => 1.0,
    };
    Ok(se / n_test as f64 / ey2)
}
