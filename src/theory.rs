//! Asymptotic theory (d -> infinity), docs/maths.md section 5, evaluated with the
//! empirical spectrum of the drawn target at finite d.
//!
//! * RF, general sigma: Theorem 1, psi from eq. (9), risk eq. (10); isotropic
//!   (`Gamma = I/d`) and "optimal" (`Gamma = B / tr B`) features.
//! * NT: Theorem 2, `(1-rho)_+^2 (1 - tau) + (1-rho)_+ tau`.
//! * NN: Theorem 3, `1 - sum_{i <= min(N,d)} lambda_i(B)^2 / ||B||^2`.
//! * mg RF: Theorem 4 (eqs. 14-15) with Sigma = I, Gamma = I/d. NOT eq. (17), which
//!   misprints `rho/(1+2 rho)` for `rho/(1+rho)`.
//! * mg NT: Theorem 5 for isotropic W (the kappa form). mg NN: Theorem 6.
//! * Bayes error of mg by Monte Carlo of `1 - E[tanh^2(l(x)/2)]`.

use crate::activation::Activation;
use crate::model::Target;
use crate::rng::{self, Stream};
use rand::RngExt;

/// The width of a sweep point (defined with the model; kept here for `theory::neurons` callers).
pub use crate::model::neurons;

/// Root `psi > 0` of eqs. (9)/(14): `rho/psi - lambda_tilde - E_D[l1^2 t/(1 + l1^2 t psi)] = 0`,
/// found by bisection on the equivalent strictly decreasing
/// `rho - lambda_tilde psi - E_D[l1^2 t psi/(1 + l1^2 t psi)]`.
pub fn psi_root(rho: f64, lambda1: f64, lambda_tilde: f64, spectrum_d: &[f64]) -> f64 {
    let l1sq = lambda1 * lambda1;
    if l1sq == 0.0 {
        return rho / lambda_tilde;
    }
    let n = spectrum_d.len() as f64;
    let h = |psi: f64| {
        let e: f64 = spectrum_d.iter().map(|t| l1sq * t * psi / (1.0 + l1sq * t * psi)).sum::<f64>() / n;
        rho - lambda_tilde * psi - e
    };
    // h(0) = rho > 0 and h(rho/lambda_tilde) <= 0.
    let (mut lo, mut hi) = (0.0, rho / lambda_tilde);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if h(mid) > 0.0 { lo = mid } else { hi = mid }
    }
    0.5 * (lo + hi)
}

/// The Hermite data Theorems 1 and 4 need: `(lambda_1, lambda_2, lambda_tilde)`.
fn hermite_data(act: Activation) -> (f64, f64, f64) {
    let l1 = act.hermite(1);
    let l2 = act.hermite(2);
    (l1, l2, act.second_moment() - l1 * l1)
}

/// Theorem 1 with isotropic features (`Gamma = I/d`, D = point mass at 1):
/// `1 - psi l2^2 tau / (2 + psi l2^2)`.
pub fn qf_rf_iso(target: &Target, act: Activation, rho: f64) -> f64 {
    let (l1, l2, lt) = hermite_data(act);
    let pl = psi_root(rho, l1, lt, &[1.0]) * l2 * l2;
    1.0 - pl * target.tau() / (2.0 + pl)
}

/// Theorem 1 with the "optimal" features `Gamma = B / tr B` (D = spectrum of
/// `d B / tr B`): `1 - psi l2^2 / (2 tau + psi l2^2)`.
pub fn qf_rf_opt(target: &Target, act: Activation, rho: f64) -> f64 {
    let (l1, l2, lt) = hermite_data(act);
    // d B / tr B is scale-free: computed from the power-of-two rescaled spectrum.
    let unit = target.unit_diag();
    let tr: f64 = unit.iter().sum();
    let spec: Vec<f64> = unit.iter().map(|g| target.d as f64 * g / tr).collect();
    let pl = psi_root(rho, l1, lt, &spec) * l2 * l2;
    1.0 - pl / (2.0 * target.tau() + pl)
}

/// Theorem 2 (NT, qf): `(1-rho)_+^2 (1 - tau) + (1-rho)_+ tau`.
pub fn qf_nt(target: &Target, rho: f64) -> f64 {
    let m = (1.0 - rho).max(0.0);
    let tau = target.tau();
    m * m * (1.0 - tau) + m * tau
}

/// Theorem 3 (NN, qf) and Theorem 6 (NN, mg) at width N. qf's ratio is scale-free
/// (computed from the rescaled spectrum); its round-off at N >= d is clamped to 0.
pub fn nn(target: &Target, n: usize) -> f64 {
    match target.kind {
        crate::model::ModelKind::Qf => {
            let eig = target.unit_eig_desc_abs();
            let top: f64 = eig.iter().take(n).map(|l| l * l).sum();
            // ||B||^2 summed in the drawn order, as Target::frob2 does.
            let f2: f64 = target.unit_diag().iter().map(|l| l * l).sum();
            crate::finite::clean_risk((1.0 - top / f2).max(0.0))
        }
        crate::model::ModelKind::Mg => {
            let eig = target.eig_desc_abs();
            let top: f64 = eig.iter().take(n).map(|l| l * l).sum();
            1.0 / (1.0 + top / 2.0)
        }
    }
}

/// Theorem 4 (mg RF) with Sigma = I, Gamma = I/d: `zeta_1 = 1/2`,
/// `zeta_2 = tr(Delta)^2 / (4d)`, `R = (1 + zeta_1 l2^2 psi) / (1 + (zeta_1 + zeta_2) l2^2 psi)`.
/// For `sigma = u^2 - 1` this is `1 / (1 + rho/(1+rho) tr(Delta)^2/(2d))`.
pub fn mg_rf(target: &Target, act: Activation, rho: f64) -> f64 {
    let (l1, l2, lt) = hermite_data(act);
    let pl = psi_root(rho, l1, lt, &[1.0]) * l2 * l2;
    let z1 = 0.5;
    let z2 = target.trace().powi(2) / (4.0 * target.d as f64);
    (1.0 + z1 * pl) / (1.0 + (z1 + z2) * pl)
}

/// Theorem 5 for isotropic W: `1 / (1 + kappa ||Delta||^2 / 2)`.
pub fn mg_nt(target: &Target, rho: f64) -> f64 {
    let m = (1.0 - rho).max(0.0);
    let f2 = target.frob2();
    // tr(Delta)^2 / (d ||Delta||^2) = tau, scale-free (finite for a tiny Delta).
    let t = target.tau();
    let kappa = 1.0 - m * m * (1.0 - t) - m * t;
    1.0 / (1.0 + kappa * f2 / 2.0)
}

/// Bayes error (MMSE) of mg: `1 - E[tanh^2(l(x)/2)]` by Monte Carlo with `samples`
/// draws, in the eigenbasis of Delta. Returns (estimate, standard error).
pub fn mg_bayes(target: &Target, samples: usize, seed: u64) -> (f64, f64) {
    let mut rng = rng::stream(seed, Stream::Bayes, 0, 0);
    // l(x) = -1/2 sum_i x_i^2 (1/(1-d_i) - 1/(1+d_i)) - 1/2 sum_i log((1-d_i)/(1+d_i))
    let coef: Vec<f64> = target.diag.iter().map(|d| 1.0 / (1.0 - d) - 1.0 / (1.0 + d)).collect();
    let log_det: f64 = target.diag.iter().map(|d| ((1.0 - d) / (1.0 + d)).ln()).sum();
    let (mut s, mut s2) = (0.0, 0.0);
    for _ in 0..samples {
        let y = if rng.random::<bool>() { 1.0 } else { -1.0 };
        let mut q = 0.0;
        for (d, c) in target.diag.iter().zip(&coef) {
            let z = rng::normal(&mut rng);
            q += c * (1.0 - y * d) * z * z;
        }
        let l = -0.5 * q - 0.5 * log_det;
        let t = (l / 2.0).tanh();
        let v = 1.0 - t * t;
        s += v;
        s2 += v * v;
    }
    let n = samples as f64;
    let mean = s / n;
    let se = ((s2 / n - mean * mean).max(0.0) / n).sqrt();
    (mean, se)
}
