//! The portable kernel (and, compiled with `FMA`, the AVX2/FMA one of [`super::x86`]):
//! one row of C by 16, then 8, then 4 columns, accumulated over the inner dimension in
//! a fixed-size array that LLVM keeps in vector registers.

use super::Gemm;

/// `C (+)= alpha A B` by blocks of columns.
#[inline(always)]
pub(super) fn gemm<const FMA: bool>(mut g: Gemm<'_>) {
    let n = g.n;
    let mut i0 = 0;
    while i0 + 16 <= n {
        block::<16, FMA>(&mut g, i0);
        i0 += 16;
    }
    while i0 + 8 <= n {
        block::<8, FMA>(&mut g, i0);
        i0 += 8;
    }
    if i0 < n {
        block::<4, FMA>(&mut g, i0);
    }
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

/// All rows of C for the columns `i0..i0 + W`.
#[inline(always)]
fn block<const W: usize, const FMA: bool>(g: &mut Gemm<'_>, i0: usize) {
    let (m, kd, np, alpha, accumulate) = (g.a.rows, g.a.cols, g.n, g.alpha, g.accumulate);
    let (a, a_rs, a_cs, bm) = (g.a.data, g.a.row_stride, g.a.col_stride, g.b);
    let c = &mut *g.c;
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
            // SAFETY: `Gemm`'s constructor checked every index: p < m, q < kd, i0 + W <= np.
            let (x0, brow) = unsafe { (*a.get_unchecked(r0 + q * a_cs), &*(bm.as_ptr().add(q * np + i0) as *const [f64; W])) };
            fma_row::<W, FMA>(&mut acc, x0, brow);
        }
        store(p, &acc);
    }
}
