//! The wasm kernel: 128-bit lanes (f64x2), so a block is 4 rows by 4 columns (two
//! v128) of C: eight accumulators, which fit the 16 vector registers engines map wasm
//! SIMD onto. Measured in Node (d = 30 steps) against blocks of 1, 2 and 3 rows x 8
//! columns and 5 and 6 rows x 4 columns: none faster, 1 x 8 and 6 x 4 slower. With the
//! relaxed-simd feature (the page's second build, for engines that have it) the
//! multiply-add is `f64x2.relaxed_madd`, a fused multiply-add where the CPU has one;
//! otherwise a multiply and an add.

use super::Gemm;
use core::arch::wasm32::*;

/// `C (+)= alpha A B` by blocks of 4 columns and 4 (then single) rows.
pub(super) fn simd128(mut g: Gemm<'_>) {
    let (m, np) = (g.a.rows, g.n);
    for i0 in (0..np).step_by(4) {
        let mut p = 0;
        while p + 4 <= m {
            kernel::<4>(&mut g, p, i0);
            p += 4;
        }
        while p < m {
            kernel::<1>(&mut g, p, i0);
            p += 1;
        }
    }
}

/// `x y + acc`: fused (`relaxed_madd`) in the relaxed build, a multiply and an add
/// otherwise. Also the dense solver's kernel ([`crate::linalg::dense`]).
#[inline(always)]
pub(crate) fn madd(x: v128, y: v128, acc: v128) -> v128 {
    #[cfg(target_feature = "relaxed-simd")]
    return f64x2_relaxed_madd(x, y, acc);
    #[cfg(not(target_feature = "relaxed-simd"))]
    return f64x2_add(f64x2_mul(x, y), acc);
}

/// `C[p..p+R, i0..i0+4] (+)= alpha A[p..p+R, :] B[:, i0..i0+4]`.
#[inline(always)]
#[allow(clippy::needless_range_loop)]
fn kernel<const R: usize>(g: &mut Gemm<'_>, p: usize, i0: usize) {
    let (kd, np, alpha, accumulate) = (g.a.cols, g.n, g.alpha, g.accumulate);
    let (a, a_rs, a_cs, bm) = (g.a.data, g.a.row_stride, g.a.col_stride, g.b);
    const V: usize = 2;
    let mut acc = [[f64x2_splat(0.0); V]; R];
    let (ap, bp0) = (a.as_ptr(), bm.as_ptr());
    for q in 0..kd {
        // SAFETY (every unchecked access): `Gemm`'s constructor checked the bounds for
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
            let cp = g.c.as_mut_ptr().add((p + r) * np + i0);
            for v in 0..V {
                let o = cp.add(2 * v) as *mut v128;
                let out = if accumulate { madd(al, acc[r][v], v128_load(o)) } else { f64x2_mul(al, acc[r][v]) };
                v128_store(o, out);
            }
        }
    }
}
