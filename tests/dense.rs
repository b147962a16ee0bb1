//! The blocked kernels of src/linalg/dense.rs (the wasm build's exact solves from
//! N = 128 on) against nalgebra, natively (the same code runs in the page; the wasm
//! SIMD inner block is checked there by tests/e2e/pool.test.mjs's equal numbers and
//! by `make bench`'s solve, which compares both backends' values).
#![cfg(not(target_arch = "wasm32"))]

use lazy_training::linalg::{self, dense};
use nalgebra::{DMatrix, DVector};
use rand::{RngExt, SeedableRng};
use rand::rngs::Xoshiro256PlusPlus;

fn random(rows: usize, cols: usize, seed: u64) -> DMatrix<f64> {
    let mut r = Xoshiro256PlusPlus::seed_from_u64(seed);
    DMatrix::from_fn(rows, cols, |_, _| r.random_range(-1.0..1.0))
}

/// A well-conditioned SPD matrix: W^T W / d + I.
fn spd(n: usize, seed: u64) -> DMatrix<f64> {
    let w = random(n + 3, n, seed);
    w.transpose() * &w / (n as f64 + 3.0) + DMatrix::identity(n, n)
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

#[test]
fn cholesky_factor_equals_nalgebras_across_panel_edges() {
    for n in [1, 2, 3, 5, 63, 64, 65, 129, 200] {
        let k = spd(n, n as u64);
        let want = k.clone().cholesky().unwrap().l();
        let mut a = k.as_slice().to_vec();
        // Poison the upper triangle: the factorisation must not read it.
        for j in 0..n {
            for i in 0..j {
                a[j * n + i] = f64::NAN;
            }
        }
        assert!(dense::cholesky_lower(&mut a, n), "n = {n}");
        let mut worst = 0.0f64;
        for j in 0..n {
            for i in j..n {
                worst = worst.max((a[j * n + i] - want[(i, j)]).abs());
            }
            for i in 0..j {
                assert!(a[j * n + i].is_nan(), "n = {n}: the upper triangle was written at ({i}, {j})");
            }
        }
        assert!(worst < 1e-12, "n = {n}: max |L - L_nalgebra| = {worst:e}");
        // The quadratic form through the factor.
        let v = DVector::from_fn(n, |i, _| (i as f64 * 0.37).sin());
        let mut z = v.as_slice().to_vec();
        dense::solve_lower_in_place(&a, n, &mut z);
        let q: f64 = z.iter().map(|x| x * x).sum();
        let q_ref = v.dot(&k.clone().cholesky().unwrap().solve(&v));
        assert!(rel(q, q_ref) < 1e-11, "n = {n}: v^T K^-1 v {q} vs {q_ref}");
    }
}

#[test]
fn gram_equals_the_plain_product() {
    for (d, n) in [(1, 1), (7, 5), (130, 131), (450, 140), (3, 257)] {
        let w = random(d, n, (d * 1000 + n) as u64);
        let want = w.transpose() * &w;
        let got = dense::gram(w.as_slice(), d, n);
        let worst = (0..n * n).map(|i| (got[i] - want.as_slice()[i]).abs()).fold(0.0, f64::max);
        assert!(worst < 1e-12 * d as f64, "d = {d}, n = {n}: {worst:e}");
        assert_eq!(linalg::gram(&w).shape(), (n, n));
    }
}

#[test]
fn gram_cross_equals_the_plain_product_and_is_symmetric() {
    for (d, n) in [(3, 2), (130, 131), (450, 133)] {
        let w = random(d, n, (7 * d + n) as u64);
        // Delta W for a diagonal Delta with signs of both kinds.
        let delta: Vec<f64> = (0..d).map(|i| if i % 3 == 0 { -0.5 } else { 1.0 + i as f64 / d as f64 }).collect();
        let dw = DMatrix::from_fn(d, n, |i, j| delta[i] * w[(i, j)]);
        let want = w.transpose() * &dw;
        let got = dense::gram_cross(w.as_slice(), dw.as_slice(), d, n);
        let worst = (0..n * n).map(|i| (got[i] - want.as_slice()[i]).abs()).fold(0.0, f64::max);
        assert!(worst < 1e-12 * d as f64, "d = {d}, n = {n}: {worst:e}");
        assert!((0..n).all(|i| (0..n).all(|j| got[i * n + j] == got[j * n + i])), "exactly symmetric");
        assert_eq!(linalg::gram_cross(&w, &dw).shape(), (n, n));
    }
}

#[test]
fn not_positive_definite_is_refused_and_the_matrix_restored() {
    // Rank 20 < n = 150: singular; the blocked route says None and gives K back intact,
    // and the pseudo-inverse route then finds the exact projection.
    let (d, n) = (20, 150);
    let w = random(d, n, 9);
    // Exactly symmetric, as the kernels of src/rf.rs build K.
    let g = w.transpose() * &w;
    let k = (&g + g.transpose()) * 0.5;
    let v = k.column(3).into_owned();
    let mut work = k.clone();
    assert!(linalg::blocked_quad_form(&mut work, &v).is_none());
    assert!(work == k, "K restored exactly");
    // v in the span of K: v^T K^+ v = e3^T K e3 = K[3,3].
    let q = linalg::quad_form_pinv(k.clone(), &v).unwrap();
    assert!(rel(q, k[(3, 3)]) < 1e-6, "{q} vs {}", k[(3, 3)]);
    // A negative pivot and a NaN are refused too.
    let mut bad = spd(140, 1);
    bad[(70, 70)] = -1.0;
    assert!(!dense::cholesky_lower(&mut bad.as_mut_slice().to_vec(), 140));
    let mut nan = spd(140, 2);
    nan[(5, 5)] = f64::NAN;
    assert!(!dense::cholesky_lower(&mut nan.as_mut_slice().to_vec(), 140));
    // Well posed: the blocked route agrees with nalgebra's solve.
    let mut good = spd(300, 4);
    let v = DVector::from_fn(300, |i, _| 1.0 / (1.0 + i as f64));
    let want = v.dot(&good.clone().cholesky().unwrap().solve(&v));
    let got = linalg::blocked_quad_form(&mut good, &v).unwrap();
    assert!(rel(got, want) < 1e-11, "{got} vs {want}");
}
