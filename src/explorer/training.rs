//! The SGD runs computed elsewhere: a Web Worker holds a [`Trainer`] (the page's
//! [`Runs`], built from the same settings, so the same targets and weights drawn from
//! the same seed), advances it while the page plays, and sends its [`Trainer::news`]
//! to the page, whose [`super::Explorer::accept_training`] shows the records as its
//! own runs would have made them: the numbers do not depend on where or in what
//! slices the steps were taken. The page's main thread then only draws.

use super::runs::Runs;
use super::{pace, PageError};
use crate::params::Limits;
use crate::settings::PageConfig;

/// A worker's copy of the view's SGD runs.
pub struct Trainer {
    runs: Runs,
}

impl Trainer {
    /// Parse settings given by key under `limits` (as [`super::Explorer::from_settings`]).
    pub fn from_settings(get: &dyn Fn(&str) -> Option<String>, limits: &Limits) -> Result<Trainer, PageError> {
        let cfg = PageConfig::parse(get, limits)?;
        let mut runs = Runs::build(&cfg, limits)?;
        runs.pacer = pace::Pacer::new(pace::rate(get("pace").as_deref())?);
        Ok(Trainer { runs })
    }

    /// One slice of Play `dt_ms` after the last, for about `budget` of `now()`, at the
    /// pace. A divergence stops its run and travels in the news (not returned here).
    /// Returns the progress of the slower run.
    pub fn advance_paced(&mut self, budget: f64, dt_ms: f64, now: &dyn Fn() -> f64) -> f64 {
        let _ = self.runs.advance_paced(budget, dt_ms, now);
        self.runs.progress()
    }

    /// One press of Step ([`Runs::advance_stride`]); errors travel in the news.
    pub fn advance_stride(&mut self) -> f64 {
        let _ = self.runs.advance_stride();
        self.runs.progress()
    }

    /// Change the pace (a value of the `pace` row); the runs go on.
    pub fn set_pace(&mut self, text: &str) -> Result<(), PageError> {
        self.runs.pacer = pace::Pacer::new(pace::rate(Some(text))?);
        Ok(())
    }

    /// Steps per second of each run at the current pace (`None`: full speed).
    pub fn pace_rate(&self) -> Option<f64> {
        self.runs.pacer.rate
    }

    pub fn done(&self) -> bool {
        self.runs.done()
    }

    /// What the runs did since the last call, as numbers for
    /// [`super::Explorer::accept_training`], or `None` when nothing changed.
    pub fn news(&mut self) -> Option<Vec<f64>> {
        self.runs.news().map(|n| n.to_values())
    }
}
