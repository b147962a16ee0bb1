//! The lecture pace: how fast Play advances the SGD runs. The `pace` row of the
//! settings table lists its values, full speed first, then SGD steps per second of
//! each run on a log scale (each half the one before), down to 500, at which the
//! default run (30000 steps) lasts a minute: slow enough to talk over. Full speed, the
//! default, runs as much as each frame's time slice allows.
//!
//! A [`Pacer`] turns frame times into step budgets: each frame adds `rate x dt` steps
//! of credit, and the page runs that many (within its time slice). A gap longer than
//! [`MAX_GAP_MS`] (the explorer hidden, the tab in the background, a slow frame) adds
//! no more than that, so a run that was out of view resumes where it stopped instead
//! of catching up in a burst.

use crate::settings::table;
use crate::error::Error;

/// The value meaning "as fast as the machine goes".
pub const FULL: &str = "full";

/// The longest frame gap that earns steps, in milliseconds.
pub const MAX_GAP_MS: f64 = 250.0;

/// The pace's values as the settings table lists them.
pub fn choices() -> &'static [&'static str] {
    table::setting("pace").map_or(&[], |s| s.choices)
}

/// Steps per second of each run for a pace value (`None`: full speed). An empty or
/// missing value is the table's default.
pub fn rate(text: Option<&str>) -> Result<Option<f64>, Error> {
    let t = text.map(str::trim).filter(|t| !t.is_empty()).unwrap_or_else(|| table::default_of("pace", crate::model::ModelKind::Qf));
    if !choices().contains(&t) {
        let shown: String = t.chars().take(40).collect();
        return Err(Error::invalid("pace", format!("the pace must be one of {} (SGD steps per second), got {shown:?}", choices().join(", "))));
    }
    if t == FULL {
        return Ok(None);
    }
    // Every value of the row but "full" is a whole number (tests/lecture.rs).
    t.parse::<f64>().map(Some).map_err(|_| Error::invalid("pace", format!("the pace {t:?} is not a number")))
}

/// Step budgets from frame times at a pace.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Pacer {
    /// Steps per second of each run; `None` for full speed.
    pub rate: Option<f64>,
    credit: f64,
}

impl Pacer {
    pub fn new(rate: Option<f64>) -> Pacer {
        Pacer { rate, credit: 0.0 }
    }

    /// The steps each run may take in a frame that came `dt_ms` after the last one
    /// (`None`: no limit). Steps not taken stay as credit ([`Self::spent`]).
    pub fn allow(&mut self, dt_ms: f64) -> Option<u64> {
        let rate = self.rate?;
        let dt = if dt_ms.is_finite() { dt_ms.clamp(0.0, MAX_GAP_MS) } else { 0.0 };
        // Unspent credit never grows past one gap's worth either.
        self.credit = (self.credit + rate * dt / 1000.0).min(rate * MAX_GAP_MS / 1000.0 + 1.0);
        Some(self.credit.floor() as u64)
    }

    /// Record the steps a frame took out of what [`Self::allow`] gave.
    pub fn spent(&mut self, steps: u64) {
        self.credit = (self.credit - steps as f64).max(0.0);
    }
}
