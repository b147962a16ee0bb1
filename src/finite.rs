//! The crate's numerical guarantees at the point results are produced and emitted
//! (README, "Numerical guarantees"):
//!
//! * a normalised risk whose magnitude is below [`ZERO_TOL`] is round-off of an exact
//!   zero (NN at N >= d, NT at N >= d, RF that fits B exactly) and is reported as 0,
//!   never as `-0.0` or `1e-15` ([`clean_risk`]);
//! * a non-finite number is never output: producers check their results
//!   ([`check`]), and whatever is serialised passes [`check_json`] first, which names
//!   the first field that holds a non-finite number (serde_json turns NaN and
//!   infinities into `null`, so a `null` where a number belongs is caught too).

use crate::error::{Error, Result};
use serde_json::Value;

/// Normalised risks (1 = the trivial predictor) below this magnitude print as 0: the
/// exact risks and theory lines are sums and differences of O(1) terms, so their
/// round-off is a few 1e-16; anything below 1e-12 is an exact zero in exact arithmetic.
pub const ZERO_TOL: f64 = 1e-12;

/// A normalised risk with round-off of an exact zero (and `-0.0`) replaced by 0.
/// NaN passes through unchanged, for [`check`] to report.
#[inline]
pub fn clean_risk(r: f64) -> f64 {
    if r.abs() < ZERO_TOL { 0.0 } else { r }
}

/// `max(x, 0)` that keeps NaN (for [`check`] to catch), where `f64::max` would
/// silently turn a NaN risk into 0.
#[inline]
pub fn nonneg(x: f64) -> f64 {
    if x < 0.0 { 0.0 } else { x }
}

/// `x` if finite, else an error naming `what` (the curve, N/d, quantity).
pub fn check(x: f64, what: impl FnOnce() -> String) -> Result<f64> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(non_finite(&what(), x))
    }
}

/// The error for a non-finite result.
pub fn non_finite(what: &str, x: f64) -> Error {
    Error::Numerical(format!("{what} is {} instead of a finite number; nothing was output for it (if the input is extreme, rescale it; otherwise please report this)", describe(x)))
}

fn describe(x: f64) -> &'static str {
    if x.is_nan() {
        "NaN"
    } else if x > 0.0 {
        "+infinity"
    } else {
        "-infinity"
    }
}

/// The last line of defence before output: an error naming the first field of `v`
/// (as a path such as `curves.nt[3]`) that is `null` or a non-finite number.
pub fn check_json(v: &Value) -> Result<()> {
    fn walk(v: &Value, path: &mut String) -> Result<()> {
        match v {
            Value::Null => Err(Error::Numerical(format!(
                "output field {} is null, where a number belongs (a result that is not a finite number); nothing was output",
                if path.is_empty() { "(top level)" } else { path.as_str() }
            ))),
            Value::Number(n) => match n.as_f64() {
                Some(x) if x.is_finite() => Ok(()),
                _ => Err(non_finite(&format!("output field {path}"), n.as_f64().unwrap_or(f64::NAN))),
            },
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    walk(x, path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            Value::Object(m) => {
                for (k, x) in m {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                    walk(x, path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            Value::Bool(_) | Value::String(_) => Ok(()),
        }
    }
    walk(v, &mut String::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn clean_risk_clamps_round_off_only() {
        assert_eq!(clean_risk(-0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(clean_risk(1.2e-15), 0.0);
        assert_eq!(clean_risk(-3e-13), 0.0);
        assert_eq!(clean_risk(2e-12), 2e-12);
        assert_eq!(clean_risk(0.25), 0.25);
        assert!(clean_risk(f64::NAN).is_nan());
    }

    #[test]
    fn check_json_names_the_field() {
        assert!(check_json(&json!({"a": [1.0, 2.0], "b": {"c": "x", "d": true}})).is_ok());
        let e = check_json(&json!({"curves": {"nt": [0.5, f64::NAN]}})).unwrap_err().to_string();
        assert!(e.contains("curves.nt[1]") && e.contains("null"), "{e}");
        let e = check_json(&json!({"tau": f64::INFINITY})).unwrap_err().to_string();
        assert!(e.contains("tau"), "{e}");
        let e = check(f64::NEG_INFINITY, || "the NT risk at N/d = 2".into()).unwrap_err().to_string();
        assert!(e.contains("the NT risk at N/d = 2 is -infinity"), "{e}");
    }
}
