//! Portable randomness. Every random quantity in the crate is drawn from
//! `Xoshiro256PlusPlus` seeded through [`stream`], which mixes the user's seed with a
//! label and indices (splitmix64). The same seed therefore gives the same stream
//! natively and in wasm, and a sweep point's numbers do not depend on the order in
//! which points are computed (the page fills them in slices, the CLI all at once).

use rand::rngs::Xoshiro256PlusPlus;
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

pub type Rng = Xoshiro256PlusPlus;

/// splitmix64 finaliser: a bijective 64-bit mixer.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Labels for the independent streams derived from one seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// The target (B or Delta) and its rotation.
    Model = 1,
    /// First-layer weights of a sweep point: indices (rho index, draw).
    Weights = 2,
    /// Weights of the "optimal" RF features of a sweep point.
    WeightsOpt = 3,
    /// SGD: initialisation and samples; index is the regime.
    Sgd = 4,
    /// Monte Carlo estimate of the Bayes error.
    Bayes = 5,
    /// Samples of a finite-n fit.
    Fit = 6,
}

/// A generator for `(seed, stream, i, j)`.
pub fn stream(seed: u64, s: Stream, i: u64, j: u64) -> Rng {
    let k = mix(mix(mix(seed ^ mix(s as u64)) ^ i) ^ mix(j.wrapping_add(0x5851_F42D)));
    Rng::seed_from_u64(k)
}

/// One standard normal draw.
#[inline]
pub fn normal(rng: &mut Rng) -> f64 {
    StandardNormal.sample(rng)
}

/// Fill a slice with i.i.d. N(0, sd^2).
#[inline]
pub fn fill_normal(rng: &mut Rng, out: &mut [f64], sd: f64) {
    for v in out.iter_mut() {
        let g: f64 = StandardNormal.sample(rng);
        *v = sd * g;
    }
}
