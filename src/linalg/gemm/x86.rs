//! The x86-64 kernels: AVX-512 (hand-written, 6 rows x 16 columns of C per block) and
//! AVX2/FMA (the portable loops compiled for those features). Each is `unsafe` only
//! because the caller must have checked that the CPU has the features.

use super::{portable, Gemm};
use std::arch::x86_64::*;

/// The portable loops with fused multiply-adds, compiled for AVX2.
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn avx2(g: Gemm<'_>) {
    portable::gemm::<true>(g)
}

/// Column blocks of 16 (two zmm), then 8 (one zmm), then 4 (one masked zmm); within a
/// block, rows of C in groups of 6: 12 accumulators, so each loaded row of B serves 6
/// FMAs and the FMA units, not the loads, set the pace.
#[target_feature(enable = "avx512f,avx2,fma")]
pub(super) unsafe fn avx512(mut g: Gemm<'_>) {
    let np = g.n;
    let mut i0 = 0;
    while i0 + 16 <= np {
        avx512_rows::<2>(&mut g, i0, 0xff);
        i0 += 16;
    }
    if i0 + 8 <= np {
        avx512_rows::<1>(&mut g, i0, 0xff);
        i0 += 8;
    }
    if i0 < np {
        avx512_rows::<1>(&mut g, i0, 0x0f);
    }
}

/// All rows of C for the columns `i0..i0 + 8 V` (the last zmm of each row masked by `mask`).
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn avx512_rows<const V: usize>(g: &mut Gemm<'_>, i0: usize, mask: u8) {
    let m = g.a.rows;
    let mut p = 0;
    while p + 6 <= m {
        avx512_kernel::<6, V>(g, p, i0, mask);
        p += 6;
    }
    match m - p {
        5 => avx512_kernel::<5, V>(g, p, i0, mask),
        4 => avx512_kernel::<4, V>(g, p, i0, mask),
        3 => avx512_kernel::<3, V>(g, p, i0, mask),
        2 => avx512_kernel::<2, V>(g, p, i0, mask),
        1 => avx512_kernel::<1, V>(g, p, i0, mask),
        _ => {}
    }
}

/// `C[p..p+R, i0..i0+8V] (+)= alpha A[p..p+R, :] B[:, i0..i0+8V]` in R x V zmm accumulators.
#[target_feature(enable = "avx512f,avx2,fma")]
#[inline]
#[allow(clippy::needless_range_loop)]
unsafe fn avx512_kernel<const R: usize, const V: usize>(g: &mut Gemm<'_>, p: usize, i0: usize, mask: u8) {
    let (kd, np, alpha, accumulate) = (g.a.cols, g.n, g.alpha, g.accumulate);
    let (a, a_rs, a_cs, bm) = (g.a.data, g.a.row_stride, g.a.col_stride, g.b);
    // SAFETY (every unchecked access): `Gemm`'s constructor checked the bounds for
    // p + R <= m, q < kd and i0 + 8V <= np rounded up to the mask (np is a multiple of
    // 4, and the masked lanes are neither read nor written).
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
    // The store rounds `alpha * acc` and then the sum, as the AVX2 and portable loops
    // do: a fused multiply-add here gave results one unit in the last place apart from
    // the AVX2 kernel's, so the same command printed different numbers on CPUs with and
    // without AVX-512 (tests/core.rs checks the two kernels agree bit for bit).
    let al = _mm512_set1_pd(alpha);
    for r in 0..R {
        let cp = g.c.as_mut_ptr().add((p + r) * np + i0);
        for v in 0..V {
            let out = if accumulate {
                _mm512_add_pd(_mm512_maskz_loadu_pd(masks[v], cp.add(8 * v)), _mm512_mul_pd(al, acc[r][v]))
            } else {
                _mm512_mul_pd(al, acc[r][v])
            };
            _mm512_mask_storeu_pd(cp.add(8 * v), masks[v], out);
        }
    }
}
