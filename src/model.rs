//! The two data models of the paper (docs/maths.md section 2).
//!
//! * **qf** (eq. 8): `x ~ N(0, I_d)`, `y = <x,Bx> - tr B`, `B = O diag(g) O^T` PSD.
//!   Spectra: `exp` (i.i.d. Exp(1), the paper's), `flat` (B = I, NT's worst case),
//!   `spiked:K` (K eigenvalues 10, the rest 1), `file:PATH` / `list:a,b,..` (as given).
//! * **mg** (sec. 3): `y = +-1` with probability 1/2, `x | y ~ N(0, I - y Delta)`,
//!   `Delta = O diag(delta) O^T`. Spectra: `paper` (entries uniform from
//!   {2, 1.5, 1}/sqrt(d)), `file:PATH` / `list:..` (as given; |delta_i| < 1 so both
//!   covariances are positive definite).
//!
//! Spectra are parsed from text only: the command line reads a `file:PATH` and hands
//! its text to [`Spectrum::from_file_text`]; the page cannot name files at all.
//!
//! `O` is the identity, or a Haar rotation when `rotate` is set. Every risk of the
//! crate is invariant under `O` (x is isotropic, W's law is rotation invariant), so
//! SGD may simulate in the eigenbasis ([`Target::sample_eigenbasis`]); sample-based
//! fits use the rotated frame ([`Target::sample`]).

pub(crate) use crate::error::clip;
use crate::error::{Error, Result};
use crate::limits::MAX_D;
use crate::linalg;
use crate::rng::{self, Rng, Stream};
use nalgebra::DMatrix;
use rand::RngExt;
use std::fmt;
use std::str::FromStr;

/// Which data model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// Quadratic target, eq. (8).
    Qf,
    /// Mixture of two centred Gaussians, sec. 3.
    Mg,
}

impl FromStr for ModelKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "qf" => Ok(ModelKind::Qf),
            "mg" => Ok(ModelKind::Mg),
            _ => Err(Error::invalid("model", format!("unknown model {:?}; use qf (quadratic function) or mg (mixture of Gaussians)", clip(s)))),
        }
    }
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ModelKind::Qf => "qf",
            ModelKind::Mg => "mg",
        })
    }
}

/// How the eigenvalues of B (qf) or Delta (mg) are chosen.
#[derive(Clone, Debug, PartialEq)]
pub enum Spectrum {
    /// qf: i.i.d. Exp(1) (the paper's Figure 1).
    Exp,
    /// qf: B = I.
    Flat,
    /// qf: K eigenvalues equal to 10, the other d - K equal to 1.
    Spiked(usize),
    /// mg: entries uniform from {2, 1.5, 1}/sqrt(d) (the paper's Figure 2).
    Paper,
    /// Eigenvalues used as given (from `file:PATH` or `list:a,b,..`).
    Values(Vec<f64>),
}

/// The width of a sweep point: `N = floor(rho d + 1/2)` (docs/maths.md section 1).
pub fn neurons(rho: f64, d: usize) -> usize {
    (rho * d as f64 + 0.5).floor() as usize
}

/// Parse eigenvalues written one per line, or separated by commas, spaces or semicolons.
pub fn parse_values(text: &str) -> std::result::Result<Vec<f64>, String> {
    let mut out = Vec::new();
    for tok in text.split(|c: char| c == ',' || c == ';' || c.is_whitespace()).filter(|t| !t.is_empty()) {
        let v: f64 = tok.parse().map_err(|_| format!("{:?} is not a number", clip(tok)))?;
        if !v.is_finite() {
            return Err(format!("{tok} is not a finite number"));
        }
        out.push(v);
        if out.len() > MAX_D {
            return Err(format!("more than {MAX_D} values (d is at most {MAX_D})"));
        }
    }
    if out.is_empty() {
        return Err("no values found".into());
    }
    Ok(out)
}

impl FromStr for Spectrum {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        if t.starts_with("file:") {
            // Files are read at the edges: the command line reads the file and passes
            // its text to `Spectrum::from_file_text`.
            return Err(Error::invalid("spectrum", "file:PATH is read by the command line only; give the values here as list:a,b,.."));
        }
        if let Some(list) = t.strip_prefix("list:") {
            let v = parse_values(list).map_err(|m| Error::invalid("spectrum", format!("list: {m}")))?;
            return Ok(Spectrum::Values(v));
        }
        if let Some(k) = lower.strip_prefix("spiked:") {
            let k: usize = k.parse().map_err(|_| Error::invalid("spectrum", format!("spiked:K needs a whole number K >= 1, got {:?}", clip(k))))?;
            return Ok(Spectrum::Spiked(k));
        }
        match lower.as_str() {
            "exp" => Ok(Spectrum::Exp),
            "flat" => Ok(Spectrum::Flat),
            "paper" => Ok(Spectrum::Paper),
            _ => Err(Error::invalid(
                "spectrum",
                format!("unknown spectrum {:?}; use exp, flat, spiked:K, paper (mg), list:a,b,.. or file:PATH", clip(t)),
            )),
        }
    }
}

impl Spectrum {
    /// The spectrum of a `file:PATH` argument from the file's text (read by the caller):
    /// values one per line or separated by commas, spaces or semicolons. Errors name
    /// the file.
    pub fn from_file_text(path: &str, text: &str) -> Result<Spectrum> {
        let v = parse_values(text).map_err(|m| Error::File { path: clip(path), message: m })?;
        Ok(Spectrum::Values(v))
    }
}

impl fmt::Display for Spectrum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Spectrum::Exp => f.write_str("exp"),
            Spectrum::Flat => f.write_str("flat"),
            Spectrum::Spiked(k) => write!(f, "spiked:{k}"),
            Spectrum::Paper => f.write_str("paper"),
            Spectrum::Values(v) => write!(f, "list of {} values", v.len()),
        }
    }
}

impl Spectrum {
    /// The default spectrum of a model: the paper's.
    pub fn default_for(kind: ModelKind) -> Spectrum {
        match kind {
            ModelKind::Qf => Spectrum::Exp,
            ModelKind::Mg => Spectrum::Paper,
        }
    }
}

/// Binary exponents of the largest |eigenvalue| within which a spectrum is used as
/// given by the scale-free computations (see [`Target::scale_exponent`]).
const AS_GIVEN_EXPONENT: i32 = 64;

/// `floor(log2 |x|)` for finite non-zero x (subnormals included); 0 for 0.
fn binary_exponent(x: f64) -> i32 {
    if x == 0.0 || !x.is_finite() {
        return 0;
    }
    let bits = x.abs().to_bits();
    let e = ((bits >> 52) & 0x7ff) as i32;
    if e == 0 {
        // subnormal: 2^-1074 times the mantissa
        -1074 + 63 - (bits.leading_zeros() as i32)
    } else {
        e - 1023
    }
}

/// `2^k` exactly, for -1074 <= k <= 1023.
fn pow2(k: i32) -> f64 {
    if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (k + 1074))
    }
}

/// A drawn target: B (qf) or Delta (mg) as `O diag(diag) O^T`.
#[derive(Clone, Debug)]
pub struct Target {
    pub kind: ModelKind,
    pub d: usize,
    /// Eigenvalues in the order they were drawn (the diagonal before rotation).
    pub diag: Vec<f64>,
    /// The rotation O, or None for a diagonal target.
    pub rotation: Option<DMatrix<f64>>,
}

impl Target {
    /// Draw the target for a (validated) model, dimension, spectrum and seed.
    pub fn new(kind: ModelKind, d: usize, spectrum: &Spectrum, rotate: bool, seed: u64) -> Result<Target> {
        let mut rng = rng::stream(seed, Stream::Model, 0, 0);
        let diag: Vec<f64> = match (kind, spectrum) {
            (ModelKind::Qf, Spectrum::Exp) => (0..d).map(|_| -(1.0 - rng.random::<f64>()).ln()).collect(),
            (ModelKind::Qf, Spectrum::Flat) => vec![1.0; d],
            (ModelKind::Qf, Spectrum::Spiked(k)) => {
                if *k == 0 || *k > d {
                    return Err(Error::invalid("spectrum", format!("spiked:K needs 1 <= K <= d = {d}, got K = {k}")));
                }
                (0..d).map(|i| if i < *k { 10.0 } else { 1.0 }).collect()
            }
            (ModelKind::Mg, Spectrum::Paper) => {
                let s = (d as f64).sqrt();
                (0..d).map(|_| [2.0, 1.5, 1.0][rng.random_range(0..3usize)] / s).collect()
            }
            (_, Spectrum::Values(v)) => {
                if v.len() != d {
                    return Err(Error::invalid("spectrum", format!("the spectrum has {} values but d = {d}; give exactly d values", v.len())));
                }
                v.clone()
            }
            (ModelKind::Qf, Spectrum::Paper) => {
                return Err(Error::invalid("spectrum", "paper is the mg spectrum; for qf use exp, flat, spiked:K, list: or file:"))
            }
            (ModelKind::Mg, _) => {
                return Err(Error::invalid("spectrum", "for mg use paper, list:a,b,.. or file:PATH (values with |delta| < 1)"))
            }
        };
        match kind {
            ModelKind::Qf => {
                if let Some(x) = diag.iter().find(|x| **x < 0.0) {
                    return Err(Error::invalid("spectrum", format!("B must be positive semi-definite (Theorem 3), but it has eigenvalue {x}")));
                }
            }
            ModelKind::Mg => {
                if let Some(x) = diag.iter().find(|x| x.abs() >= 1.0) {
                    return Err(Error::invalid("spectrum", format!("Delta needs |delta_i| < 1 so that I - Delta and I + Delta are covariances, but it has {x} (paper: d >= 5)")));
                }
            }
        }
        if diag.iter().all(|x| *x == 0.0) {
            return Err(Error::invalid("spectrum", "all eigenvalues are zero: the target is trivial"));
        }
        let largest = diag.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        if largest < f64::MIN_POSITIVE {
            let hint = match kind {
                ModelKind::Qf => "multiply them all by one constant: the normalised risks do not depend on the scale of B",
                ModelKind::Mg => "a Delta this small gives every method risk 1",
            };
            return Err(Error::invalid(
                "spectrum",
                format!("every value is below {:e} in absolute value (the largest is {largest:e}), where doubles lose precision; {hint}", f64::MIN_POSITIVE),
            ));
        }
        let rotation = if rotate { Some(linalg::haar_orthogonal(d, &mut rng)) } else { None };
        Ok(Target { kind, d, diag, rotation })
    }

    /// The dense matrix B (qf) or Delta (mg).
    pub fn matrix(&self) -> DMatrix<f64> {
        let dm = DMatrix::from_diagonal(&nalgebra::DVector::from_column_slice(&self.diag));
        match &self.rotation {
            None => dm,
            Some(o) => o * dm * o.transpose(),
        }
    }

    /// The dense matrix in its eigenbasis: `diag(diag)`.
    pub fn diag_matrix(&self) -> DMatrix<f64> {
        DMatrix::from_diagonal(&nalgebra::DVector::from_column_slice(&self.diag))
    }

    /// `||B||_F^2` (or `||Delta||_F^2`).
    pub fn frob2(&self) -> f64 {
        self.diag.iter().map(|x| x * x).sum()
    }

    /// `tr B` (or `tr Delta`).
    pub fn trace(&self) -> f64 {
        self.diag.iter().sum()
    }

    /// `tau = tr(B)^2 / (d ||B||_F^2)`, the one number RF and NT theory depend on.
    /// Scale-free, so computed from [`Target::unit_diag`]: finite for every accepted
    /// spectrum (1e300 or 1e-300 eigenvalues included).
    pub fn tau(&self) -> f64 {
        let u = self.unit_diag();
        let tr: f64 = u.iter().sum();
        let f2: f64 = u.iter().map(|x| x * x).sum();
        tr.powi(2) / (self.d as f64 * f2)
    }

    /// The power of two `k` that [`Target::unit_diag`] divides by: 0 when the largest
    /// |eigenvalue| lies in `[2^-64, 2^65)` (every ordinary spectrum, used exactly as
    /// given), else its binary exponent, so that the rescaled largest lies in [1, 2).
    /// Sums of squares of d <= 2000 such values can neither overflow nor vanish.
    pub fn scale_exponent(&self) -> i32 {
        let largest = self.diag.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        let e = binary_exponent(largest);
        if (-AS_GIVEN_EXPONENT..=AS_GIVEN_EXPONENT).contains(&e) { 0 } else { e }
    }

    /// The eigenvalues times `2^-k`, k = [`Target::scale_exponent`]. Multiplying by a
    /// power of two is exact in floating point (values that would fall below 2^-1022
    /// round, and are negligible next to the largest, which is about 1), so every
    /// scale-free quantity computed from these equals the one from the eigenvalues as
    /// given, bit for bit whenever the latter is representable.
    pub fn unit_diag(&self) -> Vec<f64> {
        let k = self.scale_exponent();
        if k == 0 {
            return self.diag.clone();
        }
        let f = pow2(-k);
        self.diag.iter().map(|x| x * f).collect()
    }

    /// The target that normalised risks are computed from (docs/maths.md section 1:
    /// they are homogeneous of degree 0 in B): for qf, B times `2^-k` with the same
    /// rotation ([`Target::unit_diag`]); for mg, Delta as given (its scale is part of
    /// the model). SGD does not use it: its step sizes and its loss see B's scale.
    pub fn rescaled(&self) -> Target {
        match self.kind {
            ModelKind::Qf if self.scale_exponent() != 0 => Target { diag: self.unit_diag(), ..self.clone() },
            _ => self.clone(),
        }
    }

    /// The largest |eigenvalue| (of B or Delta) as given.
    pub fn largest_abs(&self) -> f64 {
        self.diag.iter().fold(0.0f64, |m, x| m.max(x.abs()))
    }

    /// Eigenvalues sorted by decreasing absolute value (for qf: decreasing, B is PSD).
    pub fn eig_desc_abs(&self) -> Vec<f64> {
        let mut v = self.diag.clone();
        v.sort_by(|a, b| b.abs().total_cmp(&a.abs()));
        v
    }

    /// [`Target::unit_diag`] sorted by decreasing absolute value: for ratios of sums of
    /// squares (NN risks, overlaps) that do not depend on the scale.
    pub fn unit_eig_desc_abs(&self) -> Vec<f64> {
        let mut v = self.unit_diag();
        v.sort_by(|a, b| b.abs().total_cmp(&a.abs()));
        v
    }

    /// One sample (x, y) in the eigenbasis of the target (O = I), written into `x`.
    /// Cost O(d). Exact in law for every rotation-invariant quantity of the crate.
    #[inline]
    pub fn sample_eigenbasis(&self, rng: &mut Rng, x: &mut [f64]) -> f64 {
        match self.kind {
            ModelKind::Qf => {
                let mut y = 0.0;
                for (xi, g) in x.iter_mut().zip(&self.diag) {
                    let z = rng::normal(rng);
                    *xi = z;
                    y += g * (z * z - 1.0);
                }
                y
            }
            ModelKind::Mg => {
                let y = if rng.random::<bool>() { 1.0 } else { -1.0 };
                for (xi, dl) in x.iter_mut().zip(&self.diag) {
                    *xi = (1.0 - y * dl).sqrt() * rng::normal(rng);
                }
                y
            }
        }
    }

    /// One sample (x, y) in the original frame (x = O z). Cost O(d^2) when rotated.
    pub fn sample(&self, rng: &mut Rng, x: &mut [f64]) -> f64 {
        let y = self.sample_eigenbasis(rng, x);
        if let Some(o) = &self.rotation {
            let z = nalgebra::DVector::from_column_slice(x);
            let r = o * z;
            x.copy_from_slice(r.as_slice());
        }
        y
    }
}
