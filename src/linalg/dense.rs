//! Dense kernels for the exact solves at N in the thousands, in pure Rust so that the
//! page's wasm gets them too: a blocked (right-looking) Cholesky factorisation and the
//! Gram matrix `W^T W`, both built on one packed rank-k update of a lower triangle,
//! `C += alpha P P^T` ([`update_lower`]).
//!
//! Matrices are column-major (nalgebra's layout). The update packs `P` by blocks of 4
//! rows (`[block][k][4]`, zero-padded), so its inner loop reads 4 consecutive values
//! of one block and 4 of another per `k` and keeps a 4 x 4 block of `C` in registers:
//! with wasm simd128 that is eight `f64x2` accumulators (the `relaxed_madd` of the
//! page's relaxed-SIMD build fuses the multiply-add), elsewhere plain loops the
//! compiler vectorises. Blocks of rows are taken in chunks that stay in the cache while
//! the other side streams.
//!
//! Natively the crate uses faer's factorisation (multithreaded); these kernels are
//! the wasm build's ([`crate::linalg`]) and are tested natively against nalgebra.

/// Columns per panel of the blocked Cholesky factorisation.
pub const NB: usize = 64;
/// Rows (of `P`) per pass of [`gram_lower`] (the packed slice then stays in cache).
const KC: usize = 128;
/// Row blocks of 4 per cache chunk of [`update_lower`].
const CHUNK: usize = 64;

/// Pack rows `r0..r0 + m`, columns `c0..c0 + kb` of the column-major matrix `a`
/// (leading dimension `lda`) into `pk` as blocks of 4 rows: `pk[(b * kb + k) * 4 + r]
/// = a[r0 + 4 b + r, c0 + k]`, zero past row m.
fn pack_rows(a: &[f64], lda: usize, r0: usize, c0: usize, m: usize, kb: usize, pk: &mut Vec<f64>) {
    let blocks = m.div_ceil(4);
    pk.clear();
    pk.resize(blocks * kb * 4, 0.0);
    for k in 0..kb {
        let col = &a[(c0 + k) * lda + r0..(c0 + k) * lda + r0 + m];
        for (i, x) in col.iter().enumerate() {
            pk[((i / 4) * kb + k) * 4 + i % 4] = *x;
        }
    }
}

/// Pack the transpose of rows `k0..k0 + kb` of a column-major `d x n` matrix `w`:
/// P = W^T restricted to those rows, as [`pack_rows`] lays it out.
fn pack_transposed(w: &[f64], d: usize, n: usize, k0: usize, kb: usize, pk: &mut Vec<f64>) {
    let blocks = n.div_ceil(4);
    pk.clear();
    pk.resize(blocks * kb * 4, 0.0);
    for i in 0..n {
        let col = &w[i * d + k0..i * d + k0 + kb];
        let base = (i / 4) * kb * 4 + i % 4;
        for (k, x) in col.iter().enumerate() {
            pk[base + k * 4] = *x;
        }
    }
}

/// `acc[c][r] = sum_k pi[4k + r] pj[4k + c]` for one pair of packed 4-row blocks.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn block(pi: &[f64], pj: &[f64], kb: usize) -> [[f64; 4]; 4] {
    use super::gemm::wasm::madd;
    use core::arch::wasm32::*;
    assert!(pi.len() >= 4 * kb && pj.len() >= 4 * kb);
    let z = f64x2_splat(0.0);
    let mut acc = [[z; 2]; 4];
    let (a, b) = (pi.as_ptr(), pj.as_ptr());
    for k in 0..kb {
        // SAFETY: 4k + 3 < 4 kb <= both lengths (asserted above); v128_load takes
        // unaligned addresses.
        unsafe {
            let a0 = v128_load(a.add(4 * k) as *const v128);
            let a1 = v128_load(a.add(4 * k + 2) as *const v128);
            for (c, row) in acc.iter_mut().enumerate() {
                let s = f64x2_splat(*b.add(4 * k + c));
                row[0] = madd(a0, s, row[0]);
                row[1] = madd(a1, s, row[1]);
            }
        }
    }
    let mut out = [[0.0; 4]; 4];
    for (o, v) in out.iter_mut().zip(acc) {
        *o = [f64x2_extract_lane::<0>(v[0]), f64x2_extract_lane::<1>(v[0]), f64x2_extract_lane::<0>(v[1]), f64x2_extract_lane::<1>(v[1])];
    }
    out
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn block(pi: &[f64], pj: &[f64], kb: usize) -> [[f64; 4]; 4] {
    let mut acc = [[0.0f64; 4]; 4];
    for (a, b) in pi[..4 * kb].chunks_exact(4).zip(pj[..4 * kb].chunks_exact(4)) {
        for (c, row) in acc.iter_mut().enumerate() {
            for r in 0..4 {
                row[r] += a[r] * b[c];
            }
        }
    }
    acc
}

/// `C += alpha P P^T` on the lower triangle (diagonal included) of the `m x m`
/// column-major `C` at `c` (leading dimension `ldc`), `P` (`m x kb`) packed by
/// [`pack_rows`]. The strictly upper triangle is not touched.
pub fn update_lower(c: &mut [f64], ldc: usize, pk: &[f64], m: usize, kb: usize, alpha: f64) {
    update_lower_pair(c, ldc, pk, pk, m, kb, alpha);
}

/// `C += alpha P Q^T` on the lower triangle of `C` (as [`update_lower`]), `P` and `Q`
/// both `m x kb`, packed by [`pack_rows`].
fn update_lower_pair(c: &mut [f64], ldc: usize, pk: &[f64], qk: &[f64], m: usize, kb: usize, alpha: f64) {
    let blocks = m.div_ceil(4);
    let stride = 4 * kb;
    for i0 in (0..blocks).step_by(CHUNK) {
        let i1 = (i0 + CHUNK).min(blocks);
        for jb in 0..i1 {
            let pj = &qk[jb * stride..(jb + 1) * stride];
            for ib in i0.max(jb)..i1 {
                let acc = block(&pk[ib * stride..(ib + 1) * stride], pj, kb);
                for (cc, col) in acc.iter().enumerate() {
                    let j = 4 * jb + cc;
                    if j >= m {
                        break;
                    }
                    let base = j * ldc;
                    for (r, v) in col.iter().enumerate() {
                        let i = 4 * ib + r;
                        if i >= j && i < m {
                            c[base + i] += alpha * v;
                        }
                    }
                }
            }
        }
    }
}

/// The Gram matrix `W^T W` (n x n, both triangles) of a column-major `d x n` matrix.
pub fn gram(w: &[f64], d: usize, n: usize) -> Vec<f64> {
    assert_eq!(w.len(), d * n, "gram: W must hold d x n values");
    let mut g = vec![0.0; n * n];
    let mut pk = Vec::new();
    for k0 in (0..d).step_by(KC) {
        let kb = KC.min(d - k0);
        pack_transposed(w, d, n, k0, kb, &mut pk);
        update_lower(&mut g, n, &pk, n, kb, 1.0);
    }
    for j in 0..n {
        for i in j + 1..n {
            g[i * n + j] = g[j * n + i];
        }
    }
    g
}

/// `A^T B` (n x n) for column-major `d x n` matrices whose product is symmetric (as
/// `W^T Delta W`): the lower triangle computed, the upper its mirror image.
pub fn gram_cross(a: &[f64], b: &[f64], d: usize, n: usize) -> Vec<f64> {
    assert!(a.len() == d * n && b.len() == d * n, "gram_cross: A and B must hold d x n values");
    let mut g = vec![0.0; n * n];
    let (mut pa, mut pb) = (Vec::new(), Vec::new());
    for k0 in (0..d).step_by(KC) {
        let kb = KC.min(d - k0);
        pack_transposed(a, d, n, k0, kb, &mut pa);
        pack_transposed(b, d, n, k0, kb, &mut pb);
        update_lower_pair(&mut g, n, &pa, &pb, n, kb, 1.0);
    }
    for j in 0..n {
        for i in j + 1..n {
            g[i * n + j] = g[j * n + i];
        }
    }
    g
}

/// In-place Cholesky factorisation `A = L L^T` of the lower triangle of the
/// column-major `n x n` matrix `a` (the upper triangle is neither read nor written).
/// Returns false when a pivot is not positive (A not positive definite, or NaN).
pub fn cholesky_lower(a: &mut [f64], n: usize) -> bool {
    assert_eq!(a.len(), n * n, "cholesky: A must hold n x n values");
    let mut pk = Vec::new();
    for k0 in (0..n).step_by(NB) {
        let k1 = (k0 + NB).min(n);
        // 1. The diagonal block, unblocked.
        for j in k0..k1 {
            let d = a[j * n + j];
            #[allow(clippy::neg_cmp_op_on_partial_ord)]
            if !(d > 0.0) {
                return false;
            }
            let l = d.sqrt();
            a[j * n + j] = l;
            for x in &mut a[j * n + j + 1..j * n + k1] {
                *x /= l;
            }
            for c in j + 1..k1 {
                let (lo, hi) = a.split_at_mut(c * n);
                let f = lo[j * n + c];
                for (x, y) in hi[c..k1].iter_mut().zip(&lo[j * n + c..j * n + k1]) {
                    *x -= y * f;
                }
            }
        }
        if k1 == n {
            break;
        }
        // 2. The panel below: L21 = A21 L11^{-T}, column by column.
        for c in k0..k1 {
            for p in k0..c {
                let (lo, hi) = a.split_at_mut(c * n);
                let f = lo[p * n + c];
                for (x, y) in hi[k1..n].iter_mut().zip(&lo[p * n + k1..p * n + n]) {
                    *x -= y * f;
                }
            }
            let inv = 1.0 / a[c * n + c];
            for x in &mut a[c * n + k1..c * n + n] {
                *x *= inv;
            }
        }
        // 3. The trailing matrix: A22 -= L21 L21^T.
        let m = n - k1;
        pack_rows(a, n, k1, k0, m, k1 - k0, &mut pk);
        update_lower(&mut a[k1 * n + k1..], n, &pk, m, k1 - k0, -1.0);
    }
    true
}

/// Solve `L z = v` in place for the lower-triangular factor left in `a` by
/// [`cholesky_lower`] (column-oriented forward substitution).
pub fn solve_lower_in_place(a: &[f64], n: usize, z: &mut [f64]) {
    for j in 0..n {
        let zj = z[j] / a[j * n + j];
        z[j] = zj;
        for (x, l) in z[j + 1..n].iter_mut().zip(&a[j * n + j + 1..j * n + n]) {
            *x -= l * zj;
        }
    }
}

/// One timed exact solve's parts at width `n`, dimension `d`, for `make bench`
/// (benches/dense_bench.mjs runs it in the browser): W (d x n, N(0, 1/d) entries from
/// `seed`), the Gram matrix `G = W^T W`, the Cholesky factor of `K = G + I`, by the
/// blocked kernels (`blocked`) or by nalgebra. Milliseconds from `now()` and GFLOP/s
/// by the usual counts (`n^2 d` for the Gram matrix, `n^3 / 3` for the factor), and
/// `v^T K^-1 v` for `v = 1` (both routes must agree).
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct SolveTiming {
    pub gram_ms: f64,
    pub gram_gflops: f64,
    pub chol_ms: f64,
    pub chol_gflops: f64,
    pub quad_form: f64,
}

pub fn time_solve(n: usize, d: usize, seed: u64, blocked: bool, now: &dyn Fn() -> f64) -> SolveTiming {
    use nalgebra::{DMatrix, DVector};
    let mut rng = crate::rng::stream(seed, crate::rng::Stream::Weights, n as u64, d as u64);
    let mut w = DMatrix::<f64>::zeros(d, n);
    crate::rng::fill_normal(&mut rng, w.as_mut_slice(), 1.0 / (d as f64).sqrt());
    let t0 = now();
    let g = if blocked { DMatrix::from_vec(n, n, gram(w.as_slice(), d, n)) } else { w.transpose() * &w };
    let t1 = now();
    let k = g + DMatrix::<f64>::identity(n, n);
    let v = DVector::<f64>::from_element(n, 1.0);
    let t2 = now();
    let quad_form = if blocked {
        let mut a = k.as_slice().to_vec();
        if cholesky_lower(&mut a, n) {
            let mut z = v.as_slice().to_vec();
            solve_lower_in_place(&a, n, &mut z);
            z.iter().map(|x| x * x).sum()
        } else {
            f64::NAN
        }
    } else {
        k.cholesky().and_then(|c| c.l_dirty().solve_lower_triangular(&v)).map_or(f64::NAN, |z| z.norm_squared())
    };
    let t3 = now();
    let (nf, df) = (n as f64, d as f64);
    let rate = |flops: f64, ms: f64| if ms > 0.0 { flops / ms / 1e6 } else { 0.0 };
    SolveTiming { gram_ms: t1 - t0, gram_gflops: rate(nf * nf * df, t1 - t0), chol_ms: t3 - t2, chol_gflops: rate(nf * nf * nf / 3.0, t3 - t2), quad_form }
}
