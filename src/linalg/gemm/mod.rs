//! The small matrix products of an SGD step, `C = alpha A B` or `C += alpha A B`,
//! allocation-free, behind one typed call: build a [`Gemm`] and [`run`](Gemm::run) it.
//!
//! `A` is m x k and read through strides ([`MatRef`]), so the SGD step's `X^T` is the
//! batch `X` read column-wise, not a copy. `B` (k x n) and `C` (m x n) are row-major
//! with `n` a multiple of 4: the SGD weights live transposed and zero-padded to such a
//! width (see `sgd`). The constructors check every bound once; the kernels then index
//! without checks.
//!
//! Kernels, one file per instruction set, chosen at run time natively (CPU feature
//! detection, cached by std) and at compile time in wasm:
//! * [`x86`]: AVX-512 (6 rows x 16 columns of C in twelve zmm accumulators, masked for
//!   the last 8 or 4 columns), or the portable loops compiled for AVX2/FMA;
//! * [`wasm`]: 4 rows x 4 columns of `f64x2` with simd128 (`relaxed_madd` in the
//!   relaxed-SIMD build);
//! * [`portable`]: register-blocked loops for every other target.
//!
//! [`kernels`] lists every kernel this build holds that the CPU can run, for the tests
//! (tests/kernels/mod.rs checks each against the triple loop, natively and in wasm).

mod portable;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) mod wasm;
#[cfg(target_arch = "x86_64")]
mod x86;

/// An m x k matrix read through strides: element (p, q) at `data[p * row_stride + q * col_stride]`.
#[derive(Clone, Copy, Debug)]
pub struct MatRef<'a> {
    pub data: &'a [f64],
    pub rows: usize,
    pub cols: usize,
    pub row_stride: usize,
    pub col_stride: usize,
}

impl<'a> MatRef<'a> {
    /// A row-major `rows x cols` matrix.
    pub fn row_major(data: &'a [f64], rows: usize, cols: usize) -> Self {
        MatRef { data, rows, cols, row_stride: cols, col_stride: 1 }
    }
    /// The transpose: the same data read with the strides swapped.
    pub fn t(self) -> Self {
        MatRef { rows: self.cols, cols: self.rows, row_stride: self.col_stride, col_stride: self.row_stride, ..self }
    }
}

/// `C = alpha A B` (`accumulate == false`) or `C += alpha A B`, with its bounds checked.
pub struct Gemm<'a> {
    a: MatRef<'a>,
    b: &'a [f64],
    c: &'a mut [f64],
    n: usize,
    alpha: f64,
    accumulate: bool,
}

impl<'a> Gemm<'a> {
    /// `C = alpha A B`: `b` is k x n and `c` m x n, both row-major, where A is m x k.
    /// Panics when a bound does not hold (`n` a multiple of 4, every slice long enough):
    /// the callers size their buffers once, so this is a programming error.
    pub fn set(c: &'a mut [f64], alpha: f64, a: MatRef<'a>, b: &'a [f64], n: usize) -> Self {
        Self::new(c, alpha, a, b, n, false)
    }
    /// `C += alpha A B`, with the bounds of [`Gemm::set`].
    pub fn add(c: &'a mut [f64], alpha: f64, a: MatRef<'a>, b: &'a [f64], n: usize) -> Self {
        Self::new(c, alpha, a, b, n, true)
    }

    fn new(c: &'a mut [f64], alpha: f64, a: MatRef<'a>, b: &'a [f64], n: usize, accumulate: bool) -> Self {
        let (m, k) = (a.rows, a.cols);
        assert!(n.is_multiple_of(4) && b.len() >= k * n && c.len() >= m * n);
        assert!(m == 0 || k == 0 || a.data.len() > (m - 1) * a.row_stride + (k - 1) * a.col_stride);
        Gemm { a, b, c, n, alpha, accumulate }
    }

    /// Run the product on the fastest kernel this machine has.
    pub fn run(self) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU supports the features the function is compiled for.
                return unsafe { x86::avx512(self) };
            }
            if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
                // SAFETY: as above.
                return unsafe { x86::avx2(self) };
            }
        }
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        return wasm::simd128(self);
        #[allow(unreachable_code)]
        portable::gemm::<false>(self)
    }
}

/// A kernel: [`Gemm::run`] or one of the kernels it picks from.
#[doc(hidden)]
pub type Kernel = fn(Gemm<'_>);

/// Every kernel this build holds that this CPU can run, by name, for the tests.
#[doc(hidden)]
pub fn kernels() -> Vec<(&'static str, Kernel)> {
    let mut k: Vec<(&'static str, Kernel)> = vec![("dispatch", |g| g.run()), ("portable", portable::gemm::<false>)];
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has the features.
            k.push(("avx2", |g| unsafe { x86::avx2(g) }));
        }
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: as above.
            k.push(("avx512", |g| unsafe { x86::avx512(g) }));
        }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    k.push((if cfg!(target_feature = "relaxed-simd") { "wasm-relaxed" } else { "wasm-simd128" }, wasm::simd128));
    k
}
