//! Activations, their Hermite coefficients and the bivariate Gaussian kernel.
//!
//! Hermite polynomials are the probabilists' (`He_0 = 1, He_1 = u, He_2 = u^2 - 1`)
//! and `lambda_k = E[sigma(G) He_k(G)]`, NOT divided by k! (docs/maths.md section 1).
//! Activations are *centred*: `sigma(u) = raw(u) - E raw(G)`, so `lambda_0 = 0` as
//! Theorems 1 and 4 assume; for the quadratic this gives the paper's `u^2 - 1`.
//!
//! Coefficients come from closed forms where they exist (quadratic, ReLU, |u|, whose
//! scaled versions are polynomial or positively homogeneous) and from Gauss-Hermite
//! quadrature (Golub-Welsch) otherwise (tanh). The kernel `E[sigma(u) sigma(v)]` for a
//! centred Gaussian pair uses the moment formula (quadratic), the arc-cosine kernels
//! (ReLU, |u|) and the Mehler series `sum_k r^k/k! lambda_k(a) lambda_k(b)` (tanh).

use crate::error::{Error, Result};
use nalgebra::{DMatrix, SymmetricEigen};
use std::f64::consts::PI;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

/// The activations the explorer offers (all centred).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// `u^2 - 1`, the paper's.
    Quadratic,
    /// `max(u, 0) - 1/sqrt(2 pi)`.
    Relu,
    /// `|u| - sqrt(2/pi)`.
    Abs,
    /// `tanh(u)` (odd, so already centred; `lambda_2 = 0`).
    Tanh,
}

impl FromStr for Activation {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "quadratic" | "quad" | "square" => Ok(Activation::Quadratic),
            "relu" => Ok(Activation::Relu),
            "abs" | "|u|" => Ok(Activation::Abs),
            "tanh" => Ok(Activation::Tanh),
            _ => Err(Error::invalid(
                "activation",
                format!("unknown activation {:?}; use quadratic, relu, abs or tanh", crate::error::clip(s)),
            )),
        }
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Activation::Quadratic => "quadratic",
            Activation::Relu => "relu",
            Activation::Abs => "abs",
            Activation::Tanh => "tanh",
        })
    }
}

const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// Probabilists' Hermite polynomials He_0..He_kmax at u.
pub fn hermite_polys(u: f64, kmax: usize, out: &mut [f64]) {
    out[0] = 1.0;
    if kmax >= 1 {
        out[1] = u;
    }
    for k in 2..=kmax {
        out[k] = u * out[k - 1] - (k - 1) as f64 * out[k - 2];
    }
}

/// Gauss-Hermite rule for the standard normal measure: nodes and weights (summing to
/// 1) of the n-point rule, by Golub-Welsch (eigenvalues of the Jacobi matrix).
pub fn gauss_hermite(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut j = DMatrix::<f64>::zeros(n, n);
    for k in 1..n {
        let b = (k as f64).sqrt();
        j[(k, k - 1)] = b;
        j[(k - 1, k)] = b;
    }
    let eig = SymmetricEigen::new(j);
    let mut pairs: Vec<(f64, f64)> = (0..n)
        .map(|i| (eig.eigenvalues[i], eig.eigenvectors[(0, i)].powi(2)))
        .collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    pairs.into_iter().unzip()
}

/// The cached 100-point rule used by [`gauss_hermite_expect`].
fn rule() -> &'static (Vec<f64>, Vec<f64>) {
    static RULE: OnceLock<(Vec<f64>, Vec<f64>)> = OnceLock::new();
    RULE.get_or_init(|| gauss_hermite(100))
}

/// `E[f(G)]`, G ~ N(0,1), by 100-point Gauss-Hermite quadrature (exact for
/// polynomials of degree < 200, fast for analytic f).
pub fn gauss_hermite_expect(mut f: impl FnMut(f64) -> f64) -> f64 {
    let (x, w) = rule();
    x.iter().zip(w).map(|(x, w)| w * f(*x)).sum()
}

/// Hermite coefficients `lambda_0..lambda_kmax` of `f` by quadrature.
pub fn hermite_coefficients(f: impl Fn(f64) -> f64, kmax: usize) -> Vec<f64> {
    let (x, w) = rule();
    let mut he = vec![0.0; kmax + 1];
    let mut out = vec![0.0; kmax + 1];
    for (x, w) in x.iter().zip(w) {
        let fx = f(*x);
        hermite_polys(*x, kmax, &mut he);
        for k in 0..=kmax {
            out[k] += w * fx * he[k];
        }
    }
    out
}

/// Number of Mehler-series terms used for the tanh kernel.
const MEHLER_TERMS: usize = 41;

impl Activation {
    pub const ALL: [Activation; 4] = [Activation::Quadratic, Activation::Relu, Activation::Abs, Activation::Tanh];

    /// The uncentred function.
    pub fn raw(self, u: f64) -> f64 {
        match self {
            Activation::Quadratic => u * u,
            Activation::Relu => u.max(0.0),
            Activation::Abs => u.abs(),
            Activation::Tanh => u.tanh(),
        }
    }

    /// `E raw(aG)` for G ~ N(0,1).
    pub fn raw_mean(self, a: f64) -> f64 {
        match self {
            Activation::Quadratic => a * a,
            Activation::Relu => a * INV_SQRT_2PI,
            Activation::Abs => 2.0 * a * INV_SQRT_2PI,
            Activation::Tanh => 0.0,
        }
    }

    /// The centring constant `mu_0 = E raw(G)`.
    pub fn mu0(self) -> f64 {
        self.raw_mean(1.0)
    }

    /// The centred activation `sigma(u) = raw(u) - mu_0`.
    pub fn eval(self, u: f64) -> f64 {
        self.raw(u) - self.mu0()
    }

    /// Derivative of sigma (a subgradient at the kinks).
    pub fn deriv(self, u: f64) -> f64 {
        match self {
            Activation::Quadratic => 2.0 * u,
            Activation::Relu => (u > 0.0) as u8 as f64,
            Activation::Abs => u.signum(),
            Activation::Tanh => 1.0 - u.tanh().powi(2),
        }
    }

    /// Hermite coefficient `lambda_k = E[sigma(G) He_k(G)]` of the centred activation.
    pub fn hermite(self, k: usize) -> f64 {
        self.hermite_scaled(k, 1.0)
    }

    /// `E[sigma(aG) He_k(G)]`: the coefficients of the centred activation applied to a
    /// pre-activation of standard deviation `a` (needed when |w_i| != 1).
    pub fn hermite_scaled(self, k: usize, a: f64) -> f64 {
        match self {
            Activation::Quadratic => match k {
                0 => a * a - 1.0,
                2 => 2.0 * a * a,
                _ => 0.0,
            },
            // ReLU: lambda_k(relu) = phi(0) He_k(0) + k phi(0) He_{k-2}(0) for k >= 2,
            // via u He_k = He_{k+1} + k He_{k-1} and int_0^inf He_m phi = He_{m-1}(0) phi(0).
            Activation::Relu | Activation::Abs => {
                let relu = match k {
                    0 => INV_SQRT_2PI,
                    1 => 0.5,
                    k if k % 2 == 1 => 0.0,
                    k => {
                        // (-1)^(k/2+1) (k-3)!! phi(0)
                        let mut df = 1.0;
                        let mut m = k as i64 - 3;
                        while m > 1 {
                            df *= m as f64;
                            m -= 2;
                        }
                        let sign = if (k / 2) % 2 == 0 { -1.0 } else { 1.0 };
                        sign * df * INV_SQRT_2PI
                    }
                };
                let raw = if self == Activation::Relu {
                    relu
                } else if k.is_multiple_of(2) {
                    2.0 * relu
                } else {
                    0.0
                };
                let scaled = a * raw;
                if k == 0 { scaled - self.mu0() } else { scaled }
            }
            Activation::Tanh => {
                if k.is_multiple_of(2) {
                    0.0
                } else {
                    let mut he = vec![0.0; k + 1];
                    gauss_hermite_expect(|g| {
                        hermite_polys(g, k, &mut he);
                        (a * g).tanh() * he[k]
                    })
                }
            }
        }
    }

    /// `E[sigma(G)^2]` of the centred activation.
    pub fn second_moment(self) -> f64 {
        match self {
            Activation::Quadratic => 2.0,
            Activation::Relu => 0.5 - INV_SQRT_2PI * INV_SQRT_2PI,
            Activation::Abs => 1.0 - 2.0 / PI,
            Activation::Tanh => gauss_hermite_expect(|g| g.tanh().powi(2)),
        }
    }

    /// Per-neuron data for [`Activation::kernel`]: the Mehler coefficients of tanh at
    /// scale `a` (empty for activations with a closed-form kernel).
    pub fn kernel_coeffs(self, a: f64) -> Vec<f64> {
        match self {
            Activation::Tanh => {
                let mut c = hermite_coefficients(|g| (a * g).tanh(), MEHLER_TERMS);
                // Mehler: E[s(u)s(v)] = sum_k r^k/k! lambda_k(a) lambda_k(b); fold 1/sqrt(k!) into each.
                let mut fact = 1.0;
                for (k, ck) in c.iter_mut().enumerate() {
                    if k > 0 {
                        fact *= k as f64;
                    }
                    *ck /= fact.sqrt();
                }
                c
            }
            _ => Vec::new(),
        }
    }

    /// `E[sigma(u) sigma(v)]` for a centred Gaussian pair with standard deviations `a`,
    /// `b` and covariance `c` (`ca`, `cb` from [`Activation::kernel_coeffs`]).
    pub fn kernel(self, a: f64, b: f64, c: f64, ca: &[f64], cb: &[f64]) -> f64 {
        let mu = self.mu0();
        let centre = |e_uv: f64| e_uv - mu * (self.raw_mean(a) + self.raw_mean(b)) + mu * mu;
        match self {
            Activation::Quadratic => centre(a * a * b * b + 2.0 * c * c),
            Activation::Relu | Activation::Abs => {
                let ab = a * b;
                if ab == 0.0 {
                    return centre(0.0);
                }
                let cos = (c / ab).clamp(-1.0, 1.0);
                let th = cos.acos();
                let sin = (1.0 - cos * cos).max(0.0).sqrt();
                let e = if self == Activation::Relu {
                    ab / (2.0 * PI) * (sin + (PI - th) * cos)
                } else {
                    ab / PI * (2.0 * sin + (PI - 2.0 * th) * cos)
                };
                centre(e)
            }
            Activation::Tanh => {
                let ab = a * b;
                if ab == 0.0 {
                    return 0.0;
                }
                let r = (c / ab).clamp(-1.0, 1.0);
                let mut rk = 1.0;
                let mut s = 0.0;
                for (x, y) in ca.iter().zip(cb) {
                    s += rk * x * y;
                    rk *= r;
                }
                s
            }
        }
    }
}
