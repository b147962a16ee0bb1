//! The width sweep computed elsewhere: a pool of workers (the page's Web Workers, each
//! with its own wasm instance) computes units while the [`Explorer`] on the page's
//! main thread hands them out and takes the values back.
//!
//! The page's side: [`Explorer::take_sweep_units`] gives the next units (indices in
//! execution order) and [`Explorer::put_sweep_unit`] records a value, in any order.
//! The worker's side: a [`UnitWorker`] is built from the same settings as the
//! Explorer (so the same target, drawn from the same seed) and computes any unit by
//! its index ([`UnitWorker::sweep_unit`]). Each unit seeds its own generators from
//! (seed, N/d index, draw) and the sweep reads its values in draw order, so a pool of
//! any size gives the numbers one thread gives, bit for bit.

use super::{Explorer, PageError};
use crate::experiment::Sweep;
use crate::params::Limits;
use crate::settings::PageConfig;

impl Explorer {
    /// Up to `k` sweep units not handed out yet (empty when all are, or the sweep failed).
    pub fn take_sweep_units(&mut self, k: usize) -> Vec<usize> {
        self.sweep.take(k)
    }

    /// The next sweep unit for a worker with `in_flight` units not back yet, if it
    /// should get one ([`crate::experiment::Sweep::take_for`]: a second unit only if
    /// it is cheap).
    pub fn take_sweep_unit_for(&mut self, in_flight: usize) -> Option<usize> {
        self.sweep.take_for(in_flight)
    }

    /// Record the value of sweep unit `i` computed by a worker. Returns the sweep's
    /// progress; an error (a unit not handed out, or a value that is not finite)
    /// stops the sweep and names the unit.
    pub fn put_sweep_unit(&mut self, i: usize, value: f64) -> Result<f64, PageError> {
        Ok(self.sweep.put(i, Ok(value))?)
    }

    /// The sweep's estimated work in flops (the sum of its units' costs): a pool starts
    /// all its workers at once only for a large one.
    pub fn sweep_cost(&self) -> f64 {
        self.sweep.total_cost()
    }

    /// The relative cost of sweep unit `i` (for a pool's load balance and time left).
    pub fn sweep_unit_cost(&self, i: usize) -> f64 {
        self.sweep.unit_cost(i)
    }
}

/// A worker's copy of the sweep: the settings parsed as the page parses them, the
/// target drawn from the same seed; computes units by index, changes nothing.
pub struct UnitWorker {
    sweep: Sweep,
}

impl UnitWorker {
    /// Parse settings given by key under `limits` (as [`Explorer::from_settings`]).
    pub fn from_settings(get: &dyn Fn(&str) -> Option<String>, limits: &Limits) -> Result<UnitWorker, PageError> {
        let cfg = PageConfig::parse(get, limits)?;
        Ok(UnitWorker { sweep: Sweep::new(&cfg.sweep(), limits)? })
    }

    /// The value of sweep unit `i` (its error names the N/d, draw and curve, or the unit).
    pub fn sweep_unit(&self, i: usize) -> Result<f64, PageError> {
        Ok(self.sweep.unit_value(i)?)
    }

    pub fn units_total(&self) -> usize {
        self.sweep.units_total()
    }
}
