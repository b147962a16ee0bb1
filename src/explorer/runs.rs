//! The page's two SGD runs (NT and NN at the same N) and what NN learns: the overlap
//! of span(W) with the target's top-N eigenspace ([`nn::top_eigenspace_overlap`]),
//! recorded at each SGD record, so the overlap panel's points line up with the risk
//! panel's. A run advances to each record boundary and no further before its overlap
//! is taken, so the records do not depend on how the page slices the steps.

use crate::error::Error;
use crate::nn;
use crate::params::{Curve, Limits, SgdParams};
use crate::sgd::SgdRun;

/// One SGD run of the right panel, with the setting its divergence points at.
pub struct Run {
    pub run: SgdRun,
    /// The page setting behind this run's step size (`eta_nt` or `eta_nn`).
    pub field: &'static str,
    /// Its error was already reported.
    pub reported: bool,
    /// Steps taken so far (to stop each advance at the next record).
    steps_done: u64,
    /// (samples, overlap of span(W) with the top-N eigenspace) at each record.
    pub overlap: Vec<(u64, f64)>,
}

impl Run {
    /// A run at step 0, with its first overlap recorded.
    pub fn new(params: &SgdParams, field: &'static str, limits: &Limits) -> Result<Run, Error> {
        let run = SgdRun::new(params, limits)?;
        let mut r = Run { run, field, reported: false, steps_done: 0, overlap: Vec::new() };
        r.note_overlap();
        Ok(r)
    }

    /// Record the overlap of the current weights if the run made a new record.
    fn note_overlap(&mut self) {
        let n = self.run.record_steps().len();
        if n > self.overlap.len() {
            let samples = self.run.record_samples().last().copied().unwrap_or(0);
            let o = nn::top_eigenspace_overlap(self.run.target(), self.run.weights());
            self.overlap.push((samples, o));
        }
    }

    /// Advance by `steps`, stopping at each record so its overlap is that record's.
    pub fn advance(&mut self, steps: u64) -> Result<(), Error> {
        let total = self.run.params().steps;
        let every = self.run.params().record_every.max(1);
        let mut left = steps;
        while left > 0 && self.steps_done < total {
            let k = left.min(every - self.steps_done % every).min(total - self.steps_done);
            let r = self.run.advance(k);
            self.steps_done += k;
            left -= k;
            if r.is_ok() {
                self.note_overlap();
            }
            r?;
        }
        Ok(())
    }

    /// The width-plot curve of this run (its name, label and colour).
    pub fn curve(&self) -> Curve {
        self.run.params().regime.curve()
    }

    /// Progress in [0, 1] (a diverged run counts as finished).
    pub fn progress(&self) -> f64 {
        if self.run.error().is_some() { 1.0 } else { self.run.progress() }
    }
}
