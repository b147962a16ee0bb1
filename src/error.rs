//! The crate's one error type. Every message names the field at fault and what is
//! allowed, so a person reading it in the page or on the command line can act on it.

use thiserror::Error;

/// Everything that can go wrong, from a bad input to a numerical fault.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Error {
    /// A parameter outside its allowed range or of the wrong form.
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
    /// A spectrum or Delta file that could not be read or parsed.
    #[error("spectrum file {path}: {message}")]
    File { path: String, message: String },
    /// SGD left the stable region (non-finite or exploding risk). `scale` is the
    /// largest eigenvalue of B as given (1 for mg): unlike the normalised risks, SGD
    /// depends on it, and the message says so when it is far from 1.
    #[error("SGD diverged at step {step} ({}): {}", describe_risk(*.risk), diverged_advice(*.suggested, *.scale))]
    Diverged { step: u64, risk: f64, suggested: f64, scale: f64 },
    /// A linear solve or decomposition that did not succeed.
    #[error("numerical failure: {0}")]
    Numerical(String),
}

/// Largest |eigenvalue| of B beyond which (either way) a divergence is put down to
/// the scale of B rather than to the step size alone.
pub const SGD_SCALE_RANGE: (f64, f64) = (1e-3, 1e3);

fn diverged_advice(suggested: f64, scale: f64) -> String {
    if (SGD_SCALE_RANGE.0..=SGD_SCALE_RANGE.1).contains(&scale) {
        format!("the step size eta is too large; try eta = {suggested} or smaller")
    } else {
        format!(
            "SGD, unlike the normalised risks, depends on the scale of B: the step eta/d and the initial weights suit eigenvalues of order 1, \
             and the largest here is {scale:e}; rescale the spectrum to order 1 (theory and exact risks are the same at any scale), or try eta = {suggested} or smaller"
        )
    }
}

fn describe_risk(r: f64) -> String {
    if r.is_finite() { format!("the risk grew to {r:.3e}") } else { "the risk overflowed".to_string() }
}

/// Shorten user text quoted back in an error message (at most 40 characters, then "...").
pub(crate) fn clip(s: &str) -> String {
    let t: String = s.chars().take(40).collect();
    if t.len() < s.len() { format!("{t}...") } else { t }
}

impl Error {
    /// Shorthand for [`Error::Invalid`].
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid { field, message: message.into() }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
