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
    /// SGD left the stable region (non-finite or exploding risk).
    #[error("SGD diverged at step {step} ({}): the step size eta is too large; try eta = {suggested} or smaller", describe_risk(*.risk))]
    Diverged { step: u64, risk: f64, suggested: f64 },
    /// A linear solve or decomposition that did not succeed.
    #[error("numerical failure: {0}")]
    Numerical(String),
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
