//! Dense linear algebra the rest of the crate relies on, behind one seam so that the
//! heavy solves can be swapped for a faster backend without touching the maths:
//! `v^T K^+ v` for a PSD kernel matrix (Cholesky, with an eigen-based pseudo-inverse
//! when K is singular or ill-conditioned), orthonormal bases of span(W), Haar rotations
//! and checked symmetric eigendecompositions. No function here panics on user data:
//! failures come back as [`Error::Numerical`].
//!
//! [`dense`]: blocked Cholesky and Gram kernels for N in the thousands (the wasm
//! build's exact solves from [`BLOCKED_FROM`] on).
//!
//! [`gemm`]: the small matrix products of an SGD step, with one kernel per instruction
//! set (portable, x86-64 AVX2/AVX-512, wasm simd128) behind one typed call.

pub mod dense;
pub mod gemm;

use crate::error::{Error, Result};
use crate::rng::{self, Rng};
use nalgebra::{DMatrix, DVector, SymmetricEigen};

/// `v^T K^+ v` for a symmetric positive semi-definite `K`.
///
/// Tries a Cholesky factorisation first. If it fails, or the factor's diagonal shows a
/// condition number beyond ~1e12, falls back to a symmetric eigendecomposition and
/// drops eigenvalues below `1e-12 * max` (the Moore-Penrose pseudo-inverse: the exact
/// projection onto the span of the features even when they are linearly dependent).
pub fn quad_form_pinv(mut k: DMatrix<f64>, v: &DVector<f64>) -> Result<f64> {
    let n = k.nrows();
    if n == 0 {
        return Ok(0.0);
    }
    if !k.iter().all(|x| x.is_finite()) || !v.iter().all(|x| x.is_finite()) {
        return Err(Error::Numerical("kernel matrix has non-finite entries".into()));
    }
    if let Some(q) = cholesky_quad_form(&mut k, v) {
        return Ok(q);
    }
    let eig = SymmetricEigen::try_new(k, 1e-13, 10_000)
        .ok_or_else(|| Error::Numerical("eigendecomposition of the kernel did not converge".into()))?;
    let top = eig.eigenvalues.iter().cloned().fold(0.0f64, f64::max);
    let proj = eig.eigenvectors.transpose() * v;
    let mut q = 0.0;
    for (lam, p) in eig.eigenvalues.iter().zip(proj.iter()) {
        if *lam > 1e-12 * top {
            q += p * p / lam;
        }
    }
    Ok(q)
}

/// `|L^{-1} v|^2` from a Cholesky factor `K = L L^T`, or None when K is not positive
/// definite or the factor's diagonal shows a condition number beyond ~1e12 (the caller
/// then takes the pseudo-inverse route).
///
/// Natively: faer's blocked, SIMD, multithreaded factorisation (the N x N solve with N
/// up to 10 d dominates the exact sweeps). In wasm: nalgebra's (keeps the page small).
#[cfg(not(target_arch = "wasm32"))]
fn cholesky_quad_form(k: &mut DMatrix<f64>, v: &DVector<f64>) -> Option<f64> {
    use faer::linalg::triangular_solve::solve_lower_triangular_in_place;
    let n = k.nrows();
    // nalgebra and faer are both column-major: a view, no copy. Only the lower triangle is read.
    let km = faer::MatRef::from_column_major_slice(k.as_slice(), n, n);
    let llt = km.llt(faer::Side::Lower).ok()?;
    let l = llt.L();
    if !well_conditioned((0..n).map(|i| l[(i, i)])) {
        return None;
    }
    let mut z = faer::Mat::<f64>::from_fn(n, 1, |i, _| v[i]);
    solve_lower_triangular_in_place(l, z.as_mut(), faer::get_global_parallelism());
    let q: f64 = (0..n).map(|i| z[(i, 0)] * z[(i, 0)]).sum();
    q.is_finite().then_some(q)
}

/// In wasm: from [`BLOCKED_FROM`] on, [`dense::cholesky_lower`] in place on K's lower
/// triangle (no copy of K: on failure the lower triangle is restored from the upper, which
/// the factorisation leaves alone, and the diagonal from a saved copy); below it, nalgebra's.
#[cfg(target_arch = "wasm32")]
fn cholesky_quad_form(k: &mut DMatrix<f64>, v: &DVector<f64>) -> Option<f64> {
    let n = k.nrows();
    if n >= BLOCKED_FROM {
        return blocked_quad_form(k, v);
    }
    let ch = k.clone().cholesky()?;
    let l = ch.l_dirty();
    if !well_conditioned((0..k.nrows()).map(|i| l[(i, i)])) {
        return None;
    }
    Some(l.solve_lower_triangular(v)?.norm_squared())
}

/// Matrices from this size on go through [`dense`] in the wasm build (below it the
/// packing does not pay, and the page's small exact risks stay as they were).
pub const BLOCKED_FROM: usize = 128;

/// `|L^{-1} v|^2` by [`dense::cholesky_lower`] in place (None as [`cholesky_quad_form`]);
/// K's lower triangle is restored from its upper triangle (and a saved diagonal) when
/// None is returned.
pub fn blocked_quad_form(k: &mut DMatrix<f64>, v: &DVector<f64>) -> Option<f64> {
    let n = k.nrows();
    let a = k.as_mut_slice();
    let diag: Vec<f64> = (0..n).map(|i| a[i * n + i]).collect();
    let ok = dense::cholesky_lower(a, n) && well_conditioned((0..n).map(|i| a[i * n + i]));
    let q = ok.then(|| {
        let mut z = v.as_slice().to_vec();
        dense::solve_lower_in_place(a, n, &mut z);
        z.iter().map(|x| x * x).sum::<f64>()
    });
    match q {
        Some(q) if q.is_finite() => Some(q),
        _ => {
            for j in 0..n {
                a[j * n + j] = diag[j];
                for i in j + 1..n {
                    a[j * n + i] = a[i * n + j];
                }
            }
            None
        }
    }
}

/// `W^T M` for a `d x n` W and a `d x n` M with a symmetric product (`M = Delta W`;
/// wasm from [`BLOCKED_FROM`] columns on: [`dense::gram_cross`], exactly symmetric).
pub fn gram_cross(w: &DMatrix<f64>, m: &DMatrix<f64>) -> DMatrix<f64> {
    if cfg!(target_arch = "wasm32") && w.ncols() >= BLOCKED_FROM && w.shape() == m.shape() {
        DMatrix::from_vec(w.ncols(), w.ncols(), dense::gram_cross(w.as_slice(), m.as_slice(), w.nrows(), w.ncols()))
    } else {
        w.transpose() * m
    }
}

/// The Gram matrix `W^T W` (wasm from [`BLOCKED_FROM`] columns on: [`dense::gram`]).
pub fn gram(w: &DMatrix<f64>) -> DMatrix<f64> {
    if cfg!(target_arch = "wasm32") && w.ncols() >= BLOCKED_FROM {
        DMatrix::from_vec(w.ncols(), w.ncols(), dense::gram(w.as_slice(), w.nrows(), w.ncols()))
    } else {
        w.transpose() * w
    }
}

/// The Cholesky factor's diagonal is positive and `(max/min)^2 < 1e12`.
fn well_conditioned(diag: impl Iterator<Item = f64>) -> bool {
    let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
    for x in diag {
        // Written so that NaN fails too.
        #[allow(clippy::neg_cmp_op_on_partial_ord)]
        if !(x > 0.0) {
            return false;
        }
        lo = lo.min(x);
        hi = hi.max(x);
    }
    lo > 0.0 && (hi / lo).powi(2) < 1e12
}

/// Orthonormal basis (d x r) of the column span of `w` (d x n), r = min(d, n).
/// Columns of a Gaussian W are linearly independent with probability one.
pub fn orth_basis(w: &DMatrix<f64>) -> DMatrix<f64> {
    let r = w.nrows().min(w.ncols());
    let qr = w.clone().qr();
    let q = qr.q();
    q.columns(0, r).into_owned()
}

/// A Haar-distributed orthogonal d x d matrix (QR of a Gaussian matrix with the sign
/// of R's diagonal moved into Q).
pub fn haar_orthogonal(d: usize, rng: &mut Rng) -> DMatrix<f64> {
    let mut g = DMatrix::<f64>::zeros(d, d);
    rng::fill_normal(rng, g.as_mut_slice(), 1.0);
    let qr = g.qr();
    let r = qr.r();
    let mut q = qr.q();
    for j in 0..d {
        if r[(j, j)] < 0.0 {
            q.column_mut(j).neg_mut();
        }
    }
    q
}

/// Eigenvalues of a symmetric matrix in decreasing order, checked.
pub fn sym_eigenvalues_desc(m: DMatrix<f64>) -> Result<Vec<f64>> {
    let eig = SymmetricEigen::try_new(m, 1e-14, 10_000)
        .ok_or_else(|| Error::Numerical("symmetric eigendecomposition did not converge".into()))?;
    let mut v: Vec<f64> = eig.eigenvalues.iter().cloned().collect();
    v.sort_by(|a, b| b.total_cmp(a));
    Ok(v)
}

/// Frobenius inner product of two matrices of equal shape.
#[inline]
pub fn frob_dot(a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    a.iter().zip(b.iter()).map(|(x, y)| x * y).sum()
}
