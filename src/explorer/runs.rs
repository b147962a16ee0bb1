//! The page's two SGD runs (NT and NN at the same N) and what NN learns: the overlap
//! of span(W) with the target's top-N eigenspace ([`nn::top_eigenspace_overlap`]),
//! recorded at each SGD record, so the overlap panel's points line up with the risk
//! panel's. A run advances to each record boundary and no further before its overlap
//! is taken, so the records do not depend on how the page slices the steps.
//!
//! [`Runs`] holds the runs of one view and advances them: by steps, for a time budget,
//! or at the lecture pace ([`pace`]). The runs may also be computed elsewhere, in a
//! Web Worker ([`super::training::Trainer`], the same [`Runs`] built from the same
//! settings): the worker sends [`News`] (the records since its last news, the step
//! count, a divergence), and the page's copy takes them ([`Runs::accept`]), so the page
//! shows the numbers it would have computed itself, bit for bit. News travel as one
//! flat list of f64 ([`News::to_values`], a `Float64Array` between the two threads):
//! every number arrives exactly, and the page's wasm needs no JSON reader.

use super::pace;
use super::PageError;
use crate::error::Error;
use crate::nn;
use crate::params::{Curve, Limits, SgdRegime};
use crate::settings::{rename_eta, PageConfig};
use crate::sgd::SgdRun;

/// Steps one SGD run takes before the other gets a turn inside a time slice.
const SGD_CHUNK: u64 = 10;

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
    /// What the last [`Runs::news`] sent: records, overlaps, the step count, the error.
    sent: (usize, usize, u64, bool),
}

impl Run {
    /// A run at step 0, with its first overlap recorded.
    pub fn new(params: &crate::params::SgdParams, field: &'static str, limits: &Limits) -> Result<Run, Error> {
        let run = SgdRun::new(params, limits)?;
        let mut r = Run { run, field, reported: false, steps_done: 0, overlap: Vec::new(), sent: (0, 0, 0, false) };
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

    /// What changed since the last call (the worker's side of [`Runs::news`]).
    fn news(&mut self) -> RunNews {
        let (r0, o0) = (self.sent.0.min(self.run.record_steps().len()), self.sent.1.min(self.overlap.len()));
        let error = if self.sent.3 { None } else { self.run.error().map(ErrorNews::of) };
        let news = RunNews {
            regime: self.run.params().regime,
            step: self.run.steps_taken(),
            first: r0,
            steps: self.run.record_steps()[r0..].to_vec(),
            risks: self.run.record_risks()[r0..].to_vec(),
            first_overlap: o0,
            overlap_samples: self.overlap[o0..].iter().map(|p| p.0).collect(),
            overlap: self.overlap[o0..].iter().map(|p| p.1).collect(),
            error,
        };
        self.sent = (self.run.record_steps().len(), self.overlap.len(), news.step, self.sent.3 || news.error.is_some());
        news
    }

    /// Nothing happened since the last news.
    fn quiet(&self) -> bool {
        let (records, overlaps, step, error_sent) = self.sent;
        records == self.run.record_steps().len() && overlaps == self.overlap.len() && step == self.run.steps_taken() && (error_sent || self.run.error().is_none())
    }

    /// Take a worker's news of this run (the page's side). Returns its error if it
    /// brought one not reported yet.
    fn accept(&mut self, n: &RunNews) -> Result<Option<Error>, Error> {
        self.fits(n)?;
        let error = n.error.as_ref().map(ErrorNews::error);
        self.run.mirror(n.step, n.first, &n.steps, &n.risks, error.clone())?;
        self.overlap.truncate(n.first_overlap);
        self.overlap.extend(n.overlap_samples.iter().zip(&n.overlap).map(|(s, o)| (*s, *o)));
        self.steps_done = n.step;
        Ok(error.filter(|_| !std::mem::replace(&mut self.reported, true)))
    }
}

impl Run {
    /// Whether news can be taken as they are: no gap before their records or
    /// overlaps, lists of equal lengths, a step count that does not go back or past
    /// the run's steps.
    fn fits(&self, n: &RunNews) -> Result<(), Error> {
        let (have, overlaps, step) = (self.run.record_steps().len(), self.overlap.len(), self.run.steps_taken());
        let ok = n.first <= have
            && n.steps.len() == n.risks.len()
            && n.first_overlap <= overlaps
            && n.overlap.len() == n.overlap_samples.len()
            && n.step >= step
            && n.step <= self.run.params().steps
            && n.steps.iter().all(|s| *s <= n.step);
        if ok {
            return Ok(());
        }
        Err(Error::invalid(
            "sgd",
            format!(
                "a worker's news of the {} run do not fit it (records from {} and overlaps from {} at step {}; here {have} records, {overlaps} overlaps, step {step})",
                format!("{:?}", n.regime).to_ascii_uppercase(),
                n.first,
                n.first_overlap,
                n.step
            ),
        ))
    }
}

/// A run's error as news: a divergence exactly; any other (none is expected from SGD)
/// as a failure of the worker's run.
#[derive(Clone, Debug, PartialEq)]
pub enum ErrorNews {
    Diverged { step: u64, risk: f64, suggested: f64, scale: f64 },
    Other,
}

impl ErrorNews {
    fn of(e: &Error) -> ErrorNews {
        match e {
            Error::Diverged { step, risk, suggested, scale } => ErrorNews::Diverged { step: *step, risk: *risk, suggested: *suggested, scale: *scale },
            _ => ErrorNews::Other,
        }
    }
    fn error(&self) -> Error {
        match self {
            ErrorNews::Diverged { step, risk, suggested, scale } => Error::Diverged { step: *step, risk: *risk, suggested: *suggested, scale: *scale },
            ErrorNews::Other => Error::Numerical("the SGD run failed in its worker".into()),
        }
    }
}

/// One run's progress since the worker's last news.
#[derive(Clone, Debug, PartialEq)]
pub struct RunNews {
    pub regime: SgdRegime,
    /// Steps taken in all.
    pub step: u64,
    /// Index of the first record below (records before it are unchanged).
    pub first: usize,
    /// Step counts and risks of the records from `first` on.
    pub steps: Vec<u64>,
    pub risks: Vec<f64>,
    /// Index of the first overlap record below; samples and overlaps from there.
    pub first_overlap: usize,
    pub overlap_samples: Vec<u64>,
    pub overlap: Vec<f64>,
    /// The run's error, sent once.
    pub error: Option<ErrorNews>,
}

/// What a worker's runs did since its last news ([`Runs::news`], [`Runs::accept`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct News {
    pub runs: Vec<RunNews>,
}

/// Whole numbers in [`News::to_values`] stay below 2^53, so an f64 holds them exactly.
const EXACT: f64 = 9_007_199_254_740_992.0;

impl News {
    /// The news as one list of numbers: the number of runs, then per run its regime
    /// (0 NT, 1 NN), step, first record, record count, the records' steps and risks,
    /// first overlap, overlap count, their samples and values, and the error (0 none,
    /// 1 a divergence followed by its step, risk, suggested step size and scale, 2
    /// another failure).
    pub fn to_values(&self) -> Vec<f64> {
        let mut v = vec![self.runs.len() as f64];
        for r in &self.runs {
            v.push(match r.regime {
                SgdRegime::Nt => 0.0,
                SgdRegime::Nn => 1.0,
            });
            v.extend([r.step as f64, r.first as f64, r.steps.len() as f64]);
            v.extend(r.steps.iter().map(|s| *s as f64));
            v.extend(&r.risks);
            v.extend([r.first_overlap as f64, r.overlap.len() as f64]);
            v.extend(r.overlap_samples.iter().map(|s| *s as f64));
            v.extend(&r.overlap);
            match &r.error {
                None => v.push(0.0),
                Some(ErrorNews::Diverged { step, risk, suggested, scale }) => v.extend([1.0, *step as f64, *risk, *suggested, *scale]),
                Some(ErrorNews::Other) => v.push(2.0),
            }
        }
        v
    }

    /// Read [`Self::to_values`]'s list back; anything else is an error.
    pub fn from_values(v: &[f64]) -> Result<News, Error> {
        let bad = || Error::invalid("sgd", format!("a worker's news could not be read ({} numbers)", v.len()));
        let mut it = v.iter().copied();
        let whole = |it: &mut dyn Iterator<Item = f64>| -> Result<u64, Error> {
            let x = it.next().ok_or_else(bad)?;
            if (0.0..EXACT).contains(&x) && x.fract() == 0.0 { Ok(x as u64) } else { Err(bad()) }
        };
        let count = whole(&mut it)?;
        let mut runs = Vec::new();
        for _ in 0..count {
            let regime = match whole(&mut it)? {
                0 => SgdRegime::Nt,
                1 => SgdRegime::Nn,
                _ => return Err(bad()),
            };
            let step = whole(&mut it)?;
            let first = whole(&mut it)? as usize;
            let n = whole(&mut it)? as usize;
            let steps = (0..n).map(|_| whole(&mut it)).collect::<Result<Vec<_>, _>>()?;
            let risks = (0..n).map(|_| it.next().ok_or_else(bad)).collect::<Result<Vec<_>, _>>()?;
            let first_overlap = whole(&mut it)? as usize;
            let m = whole(&mut it)? as usize;
            let overlap_samples = (0..m).map(|_| whole(&mut it)).collect::<Result<Vec<_>, _>>()?;
            let overlap = (0..m).map(|_| it.next().ok_or_else(bad)).collect::<Result<Vec<_>, _>>()?;
            let error = match whole(&mut it)? {
                0 => None,
                1 => {
                    let step = whole(&mut it)?;
                    let mut next = || it.next().ok_or_else(bad);
                    Some(ErrorNews::Diverged { step, risk: next()?, suggested: next()?, scale: next()? })
                }
                2 => Some(ErrorNews::Other),
                _ => return Err(bad()),
            };
            runs.push(RunNews { regime, step, first, steps, risks, first_overlap, overlap_samples, overlap, error });
        }
        if it.next().is_some() {
            return Err(bad());
        }
        Ok(News { runs })
    }
}

/// A run at another dimension (`sgd_d`) that its target refuses (a list spectrum of d
/// values) is refused by the setting that moved it.
pub fn at_sgd_d(cfg: &PageConfig, e: Error) -> Error {
    match e {
        Error::Invalid { field: "d" | "spectrum", message } if cfg.sgd_elsewhere() => Error::Invalid { field: "sgd_d", message: format!("at d = {}: {message}", cfg.sgd_d) },
        other => other,
    }
}

/// The SGD runs of one view (NT then NN, those among the shown regimes; both when
/// neither is) and the pace Play advances them at.
pub struct Runs {
    list: Vec<Run>,
    pub pacer: pace::Pacer,
}

impl<'a> IntoIterator for &'a Runs {
    type Item = &'a Run;
    type IntoIter = std::slice::Iter<'a, Run>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

impl Runs {
    /// The runs of checked settings, at step 0.
    pub fn build(cfg: &PageConfig, limits: &Limits) -> Result<Runs, PageError> {
        let mut regimes: Vec<(SgdRegime, &'static str)> = Vec::new();
        if cfg.curves.contains(&SgdRegime::Nt.curve()) {
            regimes.push((SgdRegime::Nt, "eta_nt"));
        }
        if cfg.curves.contains(&SgdRegime::Nn.curve()) {
            regimes.push((SgdRegime::Nn, "eta_nn"));
        }
        if regimes.is_empty() {
            regimes = vec![(SgdRegime::Nt, "eta_nt"), (SgdRegime::Nn, "eta_nn")];
        }
        let mut list = Vec::new();
        for (regime, field) in regimes {
            let run = Run::new(&cfg.sgd(regime), field, limits).map_err(|e| PageError::of(&rename_eta(at_sgd_d(cfg, e), field), Some(field)))?;
            list.push(run);
        }
        Ok(Runs { list, pacer: pace::Pacer::default() })
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Run> {
        self.list.iter()
    }
    pub fn len(&self) -> usize {
        self.list.len()
    }
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Advance each run by `steps` steps. A diverged run stops and is reported once
    /// (its field is `eta_nt` or `eta_nn`); the other runs on. Returns the progress of
    /// the slower run.
    pub fn advance_steps(&mut self, steps: u64) -> Result<f64, PageError> {
        let mut first_error = None;
        for r in self.list.iter_mut() {
            if r.run.error().is_some() && r.reported {
                continue;
            }
            if let Err(e) = r.advance(steps) {
                r.reported = true;
                first_error.get_or_insert(PageError::of(&e, Some(r.field)));
            }
        }
        first_error.map_or(Ok(self.progress()), Err)
    }

    /// Advance both runs, in turns of a few steps, until `now()` has moved `budget`
    /// past its first reading, or both are done.
    pub fn advance_for(&mut self, budget: f64, now: &dyn Fn() -> f64) -> Result<f64, PageError> {
        let start = now();
        loop {
            self.advance_steps(SGD_CHUNK)?;
            if self.done() || now() - start >= budget {
                return Ok(self.progress());
            }
        }
    }

    /// Advance both runs for one frame of Play that came `dt_ms` after the last: at
    /// full speed for about `budget` milliseconds ([`Self::advance_for`]), at a slower
    /// pace by the steps the pace allows for `dt_ms` ([`pace::Pacer`]), within the same
    /// time budget.
    pub fn advance_paced(&mut self, budget: f64, dt_ms: f64, now: &dyn Fn() -> f64) -> Result<f64, PageError> {
        let Some(allowed) = self.pacer.allow(dt_ms) else {
            return self.advance_for(budget, now);
        };
        let start = now();
        let mut done = 0;
        let mut result = Ok(self.progress());
        while done < allowed && !self.done() {
            let n = SGD_CHUNK.min(allowed - done);
            result = self.advance_steps(n);
            done += n;
            if result.is_err() || now() - start >= budget {
                break;
            }
        }
        self.pacer.spent(done);
        result
    }

    /// One press of Step: each run advances by a fortieth of its steps (at least one).
    pub fn advance_stride(&mut self) -> Result<f64, PageError> {
        let steps = self.list.first().map_or(1, |r| r.run.params().steps);
        self.advance_steps((steps as f64 / 40.0).round().max(1.0) as u64)
    }

    /// Progress of the slower run in [0, 1] (a diverged run counts as finished).
    pub fn progress(&self) -> f64 {
        self.list.iter().map(Run::progress).fold(1.0, f64::min)
    }
    pub fn done(&self) -> bool {
        self.list.iter().all(|r| r.run.done())
    }

    /// The runs' progress since the last call, or `None` if nothing changed (the
    /// worker's side).
    pub fn news(&mut self) -> Option<News> {
        if self.list.iter().all(Run::quiet) {
            return None;
        }
        Some(News { runs: self.list.iter_mut().map(Run::news).collect() })
    }

    /// Take a worker's news (the page's side): these runs then show the worker's
    /// records and take no steps of their own. A divergence the news brings is
    /// returned once, as the runs' own would be (its field `eta_nt` or `eta_nn`).
    /// Returns the progress of the slower run.
    pub fn accept(&mut self, news: &News) -> Result<f64, PageError> {
        // All or nothing: every run's news must fit before any is taken.
        let mut at = Vec::new();
        for n in &news.runs {
            let i = self
                .list
                .iter()
                .position(|r| r.run.params().regime == n.regime)
                .ok_or_else(|| PageError::new(format!("sgd: a worker sent news of an {} run, which this view does not have", format!("{:?}", n.regime).to_ascii_uppercase()), None))?;
            self.list[i].fits(n)?;
            at.push(i);
        }
        let mut first_error = None;
        for (n, i) in news.runs.iter().zip(at) {
            let r = &mut self.list[i];
            if let Some(e) = r.accept(n)? {
                first_error.get_or_insert(PageError::of(&e, Some(r.field)));
            }
        }
        first_error.map_or(Ok(self.progress()), Err)
    }
}
