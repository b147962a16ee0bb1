//! Shared by tests/core.rs (native) and tests/web.rs (wasm in Chromium): every SGD
//! product kernel the build holds (`linalg::gemm::kernels`: AVX-512, AVX2, portable,
//! wasm SIMD) against the textbook triple loop, over shapes that reach each code path:
//! 16-, 8- and masked 4-column blocks, 1 to 6-row groups, plain and transposed strides
//! of A, store and accumulate; and, natively, the AVX-512 kernel against the AVX2 one
//! bit for bit. Both checks run the same cases ([`Case`]).

use lazy_training::linalg::gemm::{kernels, Gemm, Kernel, MatRef};

/// (rows of C, inner dimension, columns of C): shapes that reach every code path.
const SHAPES: [(usize, usize, usize); 10] = [(1, 1, 4), (7, 3, 4), (13, 30, 16), (100, 30, 16), (30, 100, 16), (100, 100, 52), (100, 100, 56), (11, 9, 28), (6, 5, 60), (5, 17, 12)];

/// A small LCG: the values only need to be varied and reproducible.
fn lcg(seed: u64) -> impl FnMut(usize) -> Vec<f64> {
    let mut state = seed;
    move |n: usize| {
        (0..n)
            .map(|_| {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
            })
            .collect::<Vec<f64>>()
    }
}

/// One product to check: A (m x kd, row-major or read transposed), B (kd x np) and the
/// C it starts from, with varied, reproducible values.
struct Case {
    m: usize,
    kd: usize,
    np: usize,
    transposed: bool,
    a: Vec<f64>,
    bm: Vec<f64>,
    c0: Vec<f64>,
}

impl Case {
    /// Every shape of `SHAPES`, plain and transposed, from the generator seeded with `seed`.
    fn all(seed: u64) -> Vec<Case> {
        let mut rnd = lcg(seed);
        let mut out = Vec::new();
        for &(m, kd, np) in &SHAPES {
            for transposed in [false, true] {
                let a = rnd(m * kd);
                let (bm, c0) = (rnd(kd * np), rnd(m * np));
                out.push(Case { m, kd, np, transposed, a, bm, c0 });
            }
        }
        out
    }

    /// A as the kernels read it: row-major, or the transpose of a row-major kd x m matrix.
    fn av(&self) -> MatRef<'_> {
        let (m, kd) = (self.m, self.kd);
        let av = if self.transposed { MatRef::row_major(&self.a, kd, m).t() } else { MatRef::row_major(&self.a, m, kd) };
        assert_eq!((av.rows, av.cols, av.row_stride, av.col_stride), (m, kd, if self.transposed { 1 } else { kd }, if self.transposed { m } else { 1 }));
        av
    }

    /// C after `kernel` computes `C = 0.75 A B` or `C += 0.75 A B` (`accumulate`).
    fn run(&self, kernel: Kernel, accumulate: bool) -> Vec<f64> {
        let mut c = self.c0.clone();
        let av = self.av();
        kernel(if accumulate { Gemm::add(&mut c, 0.75, av, &self.bm, self.np) } else { Gemm::set(&mut c, 0.75, av, &self.bm, self.np) });
        c
    }

    fn label(&self, accumulate: bool) -> String {
        format!("m {} kd {} np {} transposed {} accumulate {accumulate}", self.m, self.kd, self.np, self.transposed)
    }
}

/// Failures as "kernel: shape: got vs want"; empty when every kernel agrees to 1e-12
/// (relative to the number of terms summed).
pub fn small_gemm_failures() -> Vec<String> {
    let cases = Case::all(0x2545_f491_4f6c_dd1d);
    let mut failures = Vec::new();
    for (name, kernel) in kernels() {
        for case in &cases {
            let (kd, np) = (case.kd, case.np);
            let av = case.av();
            let (a_rs, a_cs) = (av.row_stride, av.col_stride);
            for accumulate in [false, true] {
                let c = case.run(kernel, accumulate);
                let worst = (0..case.m * np)
                    .map(|idx| {
                        let (p, i) = (idx / np, idx % np);
                        let dot: f64 = (0..kd).map(|q| case.a[p * a_rs + q * a_cs] * case.bm[q * np + i]).sum();
                        let want = if accumulate { case.c0[idx] + 0.75 * dot } else { 0.75 * dot };
                        let err = (c[idx] - want).abs();
                        (if err.is_nan() { f64::INFINITY } else { err }, c[idx], want)
                    })
                    .fold((0.0, 0.0, 0.0), |w, e| if e.0 > w.0 { e } else { w });
                if worst.0 > 1e-12 * (1.0 + kd as f64) {
                    failures.push(format!("{name}: {}: {} vs {}", case.label(accumulate), worst.1, worst.2));
                }
            }
        }
    }
    failures
}

/// The names of the kernels checked, to show that the wanted ones ran.
pub fn kernel_names() -> Vec<&'static str> {
    kernels().into_iter().map(|(n, _)| n).collect()
}

/// The fused-multiply-add kernels of x86-64 (AVX2 and AVX-512, those this CPU has) and
/// the dispatched one, against the AVX2 kernel bit for bit, so a command prints the same
/// numbers on either kind of CPU: cells that differ, as "kernel: shape: got vs want".
/// Returns the kernels compared with the failures. Native only (tests/core.rs).
#[cfg(not(target_arch = "wasm32"))]
pub fn fma_kernels_bitwise_differences() -> (Vec<&'static str>, Vec<String>) {
    let all = kernels();
    let Some(&(_, reference)) = all.iter().find(|(n, _)| *n == "avx2") else { return (Vec::new(), Vec::new()) };
    let others: Vec<_> = all.iter().filter(|(n, _)| matches!(*n, "avx512" | "dispatch")).collect();
    let mut failures = Vec::new();
    for case in Case::all(0x9e37_79b9_7f4a_7c15) {
        for accumulate in [false, true] {
            let want = case.run(reference, accumulate);
            for &&(name, kernel) in &others {
                let got = case.run(kernel, accumulate);
                if let Some(i) = (0..want.len()).find(|&i| got[i].to_bits() != want[i].to_bits()) {
                    failures.push(format!("{name}: {}: {:e} vs {:e}", case.label(accumulate), got[i], want[i]));
                }
            }
        }
    }
    (std::iter::once("avx2").chain(others.iter().map(|(n, _)| *n)).collect(), failures)
}
