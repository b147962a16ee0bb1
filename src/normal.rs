//! Standard normals in bulk, for the SGD batches (docs/maths.md section 7 draws a fresh
//! batch each step: b x d normals, about two thirds of a native step's time at d = 30
//! and about 40% at d = 100, timed on the benchmark machine).
//!
//! Two xoshiro256++ generators (seeded from the run's stream) feed a 256-layer
//! ziggurat (Marsaglia & Tsang 2000, the layout of rand_distr's), inlined so the two
//! can be interleaved and their serial state updates overlap. Even slots of a row come
//! from generator 0, odd slots from generator 1, the last slot of an odd-length row
//! from generator 0. (A version stepping both generators in one wasm v128 was measured
//! in Node and was no faster than this scalar code, so it was not kept.)

use crate::rng::Rng;
use rand::{Rng as _, SeedableRng};

/// The two generators and the ziggurat's tables.
pub struct Normals {
    zig: Ziggurat,
    g: [Rng; 2],
}

impl Normals {
    /// Seeds the two generators from the next two draws of `rng`.
    pub fn new(rng: &mut Rng) -> Normals {
        let s0 = rng.next_u64();
        let s1 = rng.next_u64();
        Normals { zig: Ziggurat::new(), g: [Rng::seed_from_u64(s0), Rng::seed_from_u64(s1)] }
    }

    /// 64 random bits from generator 0 (the mg labels).
    #[inline]
    pub fn bits(&mut self) -> u64 {
        self.g[0].next_u64()
    }

    /// Fill `out` with standard normals.
    #[inline]
    pub fn fill(&mut self, out: &mut [f64]) {
        // Local copies keep the states in registers.
        let (mut g0, mut g1) = (self.g[0].clone(), self.g[1].clone());
        let zig = &self.zig;
        let mut pairs = out.chunks_exact_mut(2);
        for p in &mut pairs {
            let (b0, b1) = (g0.next_u64(), g1.next_u64());
            p[0] = zig.sample(b0, &mut g0);
            p[1] = zig.sample(b1, &mut g1);
        }
        for v in pairs.into_remainder() {
            let b = g0.next_u64();
            *v = zig.sample(b, &mut g0);
        }
        self.g = [g0, g1];
    }
}

/// The ziggurat's layer edges `x` and densities `f` (256 layers), computed once per
/// run.
struct Ziggurat {
    x: [f64; 257],
    f: [f64; 257],
}

const ZIG_R: f64 = 3.654_152_885_361_009;
const ZIG_V: f64 = 0.004_928_673_233_99;

impl Ziggurat {
    fn new() -> Ziggurat {
        let pdf = |x: f64| (-0.5 * x * x).exp();
        let mut x = [0.0; 257];
        x[0] = ZIG_V / pdf(ZIG_R);
        x[1] = ZIG_R;
        for i in 2..256 {
            x[i] = (-2.0 * (ZIG_V / x[i - 1] + pdf(x[i - 1])).ln()).sqrt();
        }
        x[256] = 0.0;
        let mut f = [0.0; 257];
        for i in 0..257 {
            f[i] = pdf(x[i]);
        }
        Ziggurat { x, f }
    }

    /// The layer `i`, `u` uniform in [-1, 1) and the candidate `x = u x_i` that 64
    /// random bits give.
    #[inline(always)]
    fn candidate(&self, bits: u64) -> (usize, f64, f64) {
        let i = (bits & 0xff) as usize;
        // u: 52 bits into the mantissa of [2, 4), minus 3.
        let u = f64::from_bits((bits >> 12) | 0x4000_0000_0000_0000) - 3.0;
        (i, u, u * self.x[i])
    }

    /// One draw from 64 random bits; the rare slow path draws more from `rng`.
    #[inline(always)]
    fn sample(&self, bits: u64, rng: &mut Rng) -> f64 {
        let (i, u, x) = self.candidate(bits);
        if x.abs() < self.x[i + 1] {
            return x;
        }
        self.slow(i, u, x, rng)
    }

    #[cold]
    #[inline(never)]
    fn slow(&self, mut i: usize, mut u: f64, mut x: f64, rng: &mut Rng) -> f64 {
        loop {
            if i == 0 {
                // The tail beyond R (Marsaglia's method).
                let (mut tx, mut ty) = (1.0f64, 0.0f64);
                while -2.0 * ty < tx * tx {
                    tx = open01(rng).ln() / ZIG_R;
                    ty = open01(rng).ln();
                }
                return if u < 0.0 { tx - ZIG_R } else { ZIG_R - tx };
            }
            if self.f[i + 1] + (self.f[i] - self.f[i + 1]) * open01(rng) < (-0.5 * x * x).exp() {
                return x;
            }
            (i, u, x) = self.candidate(rng.next_u64());
            if x.abs() < self.x[i + 1] {
                return x;
            }
        }
    }
}

/// Uniform in (0, 1).
#[inline]
fn open01(rng: &mut Rng) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ziggurat_gives_standard_normals() {
        let mut g = Normals::new(&mut Rng::seed_from_u64(3));
        let z = &g.zig;
        assert!((0..256).all(|i| z.x[i + 1] < z.x[i]) && z.x[255] > 0.0);
        let n = 2_000_000;
        let mut v = vec![0.0; n];
        g.fill(&mut v);
        let m = |k: i32| v.iter().map(|x| x.powi(k)).sum::<f64>() / n as f64;
        let se = 1.0 / (n as f64).sqrt();
        assert!(m(1).abs() < 5.0 * se, "mean {}", m(1));
        assert!((m(2) - 1.0).abs() < 5.0 * 2f64.sqrt() * se, "variance {}", m(2));
        assert!(m(3).abs() < 5.0 * 15f64.sqrt() * se, "skewness {}", m(3));
        assert!((m(4) - 3.0).abs() < 5.0 * 96f64.sqrt() * se, "kurtosis {}", m(4));
        // Tail beyond R = 3.654 (P = 2.58e-4) and beyond 1 (P = 0.3173).
        let p = |t: f64| v.iter().filter(|x| x.abs() > t).count() as f64 / n as f64;
        assert!((p(ZIG_R) - 2.58e-4).abs() < 5.0 * (2.58e-4 / n as f64).sqrt(), "tail {}", p(ZIG_R));
        assert!((p(1.0) - 0.317_310_5).abs() < 5.0 * (0.2166 / n as f64).sqrt(), "P(|x|>1) {}", p(1.0));
    }
}
