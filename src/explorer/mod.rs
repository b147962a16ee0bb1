//! What the page shows, in pure Rust: the explorer core behind `src/web.rs` (a thin
//! wasm skin) and the command line's `panel` subcommand, tested natively.
//!
//! An [`Explorer`] is built from checked settings ([`PageConfig`], parsed with the
//! [`crate::settings::table`]). It computes the theory lines at once (on [`theory_grid`], the
//! Bayes line with [`bayes_samples`]), then advances the width sweep and the two SGD
//! runs ([`runs`]) in slices: by units or steps, or for a time budget measured by a
//! clock the caller passes in (the page's `performance.now`, a test's fake). It builds
//! the three panels ([`panels`]: 0 risk against N/d, 1 SGD risk against samples, 2
//! what NN learns), draws them on any plotters backend through [`crate::plot::draw_panel`]
//! and remembers what was drawn for hover read-outs ([`hit`]); the data leave as CSV,
//! JSON with provenance, SVG, a table and a text alternative ([`export`]).
//!
//! Errors are [`PageError`]s: the core's message and the setting at fault (a
//! divergence names the run's step size, `eta_nt` or `eta_nn`).

pub mod export;
pub mod embed;
pub mod hit;
pub mod pace;
pub mod page;
pub mod panels;
pub mod runs;
pub mod training;
pub mod units;

use crate::error::Error;
use crate::experiment::{log_grid, Sweep, Theory, BAYES_SAMPLES};
use crate::nn;
use crate::params::{Curve, Limits, SgdRegime};
use crate::plot::{self, Mapping, Style};
use crate::settings::PageConfig;
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};
use runs::{Run, Runs};

/// Points of the theory lines (log-spaced over the plotted range).
pub const THEORY_POINTS: usize = 160;
/// Theory lines extend this factor beyond the first and last N/d of the sweep (the
/// axes a little further: [`plot::AXIS_MARGIN`]).
pub const THEORY_MARGIN: f64 = 1.12;
/// Font size range of the plots, in CSS pixels.
const FONT_MIN_PX: f64 = 11.0;
const FONT_MAX_PX: f64 = 14.0;

/// The grid of the theory lines for a sweep over `rho` (log-spaced, a little wider).
pub fn theory_grid(rho: &[f64]) -> Vec<f64> {
    let (lo, hi) = (rho[0], rho[rho.len() - 1]);
    log_grid(lo / THEORY_MARGIN, hi * THEORY_MARGIN, THEORY_POINTS)
}

/// Monte Carlo samples of the Bayes line at dimension `d`: the full budget at small
/// d, fewer at large d so its cost stays bounded (never under 20 000).
pub fn bayes_samples(d: usize) -> usize {
    (4_000_000 / d.max(1)).clamp(20_000, BAYES_SAMPLES)
}

/// Font size in CSS pixels for a plot `css_width` wide: 14 px from 500 px wide down to
/// 11 px on narrow plots (phones, panels side by side), times the text scale.
pub fn font_px(css_width: f64, text_scale: f64) -> f64 {
    (css_width / 36.0).clamp(FONT_MIN_PX, FONT_MAX_PX) * text_scale
}

/// A failure as the page shows it: the message and the setting at fault, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct PageError {
    pub message: String,
    pub field: Option<&'static str>,
}

impl PageError {
    pub fn new(message: impl Into<String>, field: Option<&'static str>) -> PageError {
        PageError { message: message.into(), field }
    }

    /// A core error; `sgd_field` is the setting behind a divergence (or a bad `eta`).
    pub fn of(e: &Error, sgd_field: Option<&'static str>) -> PageError {
        let field = match e {
            // The core checks one step size; the page has one per SGD run.
            Error::Invalid { field: "eta", .. } if sgd_field.is_some() => sgd_field,
            Error::Invalid { field, .. } => Some(*field),
            Error::File { .. } => Some("spectrum"),
            Error::Diverged { .. } => sgd_field,
            Error::Numerical(_) => None,
        };
        PageError { message: e.to_string(), field }
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<Error> for PageError {
    fn from(e: Error) -> Self {
        PageError::of(&e, None)
    }
}

/// The SGD runs at another dimension than the width sweep (see [`Explorer::elsewhere`]).
pub struct Elsewhere {
    /// The SGD runs' target, drawn at `sgd_d` from the same seed.
    pub target: crate::model::Target,
    /// The width at the sweep's d with the runs' N/d.
    pub neurons: usize,
    /// (regime, its exact large-n limit at the sweep's d with `neurons` neurons:
    /// [`crate::sgd::large_n_limit`], the limit a run at that d would have).
    pub limits: Vec<(SgdRegime, f64)>,
}

/// Everything one view of the explorer shows: theory, the width sweep, two SGD runs.
pub struct Explorer {
    cfg: PageConfig,
    theory: Theory,
    sweep: Sweep,
    /// NT then NN (only those among the shown regimes; both when neither is), and
    /// the pace Play advances them at (the `pace` setting).
    runs: Runs,
    /// When the SGD runs are at another dimension (`sgd_d`): their target, and the
    /// exact large-n limit of each run's regime at the width plot's d with the same
    /// N/d ([`PageConfig::neurons_at_d`]), in the order of `runs`.
    elsewhere: Option<Elsewhere>,
    drawn: [Option<hit::Drawn>; 3],
    /// Text size factor (1 on the page; larger for a projector).
    text_scale: f64,
    /// The settings as given, by key ([`Self::settings`]; empty when built from a
    /// [`PageConfig`] directly).
    given: Vec<(&'static str, String)>,
    /// What [`Self::from_link`] set aside.
    notes: Vec<String>,
}

impl Explorer {
    /// Parse settings given by key (strings as typed) under `limits`, and build.
    pub fn from_settings(get: &dyn Fn(&str) -> Option<String>, limits: &Limits) -> Result<Explorer, PageError> {
        let cfg = PageConfig::parse(get, limits)?;
        let rate = pace::rate(get("pace").as_deref())?;
        let mut ex = Explorer::new(cfg, limits)?;
        ex.runs.pacer = pace::Pacer::new(rate);
        ex.given = crate::settings::table::SETTINGS.iter().filter_map(|s| get(s.key).map(|v| (s.key, v))).collect();
        Ok(ex)
    }

    /// Build from checked settings: the sweep and the SGD runs at step 0, the theory
    /// lines computed.
    pub fn new(cfg: PageConfig, limits: &Limits) -> Result<Explorer, PageError> {
        let sweep = Sweep::new(&cfg.sweep(), limits)?;
        let runs = Runs::build(&cfg, limits)?;
        let elsewhere = if cfg.sgd_elsewhere() {
            let target = cfg.sgd(SgdRegime::Nn).model.target(limits).map_err(|e| PageError::of(&runs::at_sgd_d(&cfg, e), None))?;
            let neurons = cfg.neurons_at_d();
            let mut lims = Vec::new();
            for regime in runs.iter().map(|r| r.run.params().regime) {
                let v = crate::sgd::large_n_limit(sweep.target(), regime, neurons, cfg.seed).map_err(|e| PageError::of(&e, None))?;
                lims.push((regime, v));
            }
            Some(Elsewhere { target, neurons, limits: lims })
        } else {
            None
        };
        let theory = Theory::try_compute(sweep.target(), cfg.activation, &cfg.curves, &theory_grid(&cfg.rho), bayes_samples(cfg.d), cfg.seed).map_err(|e| PageError::of(&e, None))?;
        Ok(Explorer { cfg, theory, sweep, runs, elsewhere, drawn: [None, None, None], text_scale: 1.0, given: Vec::new(), notes: Vec::new() })
    }

    /// The settings this view was built from.
    pub fn config(&self) -> &PageConfig {
        &self.cfg
    }
    pub fn theory(&self) -> &Theory {
        &self.theory
    }
    pub fn sweep(&self) -> &Sweep {
        &self.sweep
    }
    /// The SGD runs shown (NT then NN).
    pub fn runs(&self) -> &Runs {
        &self.runs
    }
    /// The run of a regime (`nt` or `nn`), if shown.
    pub fn run(&self, regime: &str) -> Result<&Run, PageError> {
        let r: SgdRegime = regime.parse()?;
        self.runs
            .iter()
            .find(|x| x.run.params().regime == r)
            .ok_or_else(|| PageError::new(format!("regimes: the {regime} SGD run is not shown"), Some("regimes")))
    }

    /// One theory line on the theory grid (`curve` as in `regimes`).
    pub fn theory_values(&self, curve: &str) -> Result<Vec<f64>, PageError> {
        let c = Curve::parse(curve, self.cfg.kind)?;
        self.theory.curves.iter().find(|(k, _)| *k == c).map(|(_, v)| v.clone()).ok_or_else(|| PageError::new(format!("regimes: {curve} is not shown"), Some("regimes")))
    }

    /// Mean risk of one curve's dots so far, per N/d (NaN where none yet).
    pub fn sweep_means(&self, curve: &str) -> Result<Vec<f64>, PageError> {
        let c = Curve::parse(curve, self.cfg.kind)?;
        self.sweep
            .results()
            .into_iter()
            .find(|(k, _)| *k == c)
            .map(|(_, s)| s.iter().map(|x| x.mean).collect())
            .ok_or_else(|| PageError::new(format!("regimes: {curve} has no simulated dots"), Some("regimes")))
    }

    /// Text size factor for the plots (1 on the page, about 1.5 on a projector).
    pub fn set_text_scale(&mut self, k: f64) {
        self.text_scale = if k.is_finite() { k.clamp(0.5, 4.0) } else { 1.0 };
    }
    pub fn text_scale(&self) -> f64 {
        self.text_scale
    }

    /// Advance the width sweep by `units` units of work (one (N/d, draw, curve) each).
    /// Returns the sweep's progress in [0, 1].
    pub fn advance_sweep_units(&mut self, units: usize) -> Result<f64, PageError> {
        Ok(self.sweep.advance(units)?)
    }

    /// Advance the width sweep until `now()` has moved `budget` past its first reading
    /// (at least one unit), or the sweep is done.
    pub fn advance_sweep_for(&mut self, budget: f64, now: &dyn Fn() -> f64) -> Result<f64, PageError> {
        let start = now();
        loop {
            let p = self.sweep.advance(1)?;
            if self.sweep.done() || now() - start >= budget {
                return Ok(p);
            }
        }
    }

    /// Advance each SGD run by `steps` steps ([`Runs::advance_steps`]: a diverged run
    /// is reported once, naming `eta_nt` or `eta_nn`). Returns the slower run's progress.
    pub fn advance_sgd_steps(&mut self, steps: u64) -> Result<f64, PageError> {
        self.runs.advance_steps(steps)
    }

    /// Advance both SGD runs, in turns of a few steps, for about `budget` of `now()`.
    pub fn advance_sgd_for(&mut self, budget: f64, now: &dyn Fn() -> f64) -> Result<f64, PageError> {
        self.runs.advance_for(budget, now)
    }

    /// Change the pace (a value of the `pace` row) without touching the runs.
    pub fn set_pace(&mut self, text: &str) -> Result<(), PageError> {
        self.runs.pacer = pace::Pacer::new(pace::rate(Some(text))?);
        self.given.retain(|(k, _)| *k != "pace");
        self.given.push(("pace", text.trim().to_string()));
        Ok(())
    }
    /// Steps per second of each run at the current pace (`None`: full speed).
    pub fn pace_rate(&self) -> Option<f64> {
        self.runs.pacer.rate
    }

    /// One frame of Play `dt_ms` after the last, at the pace ([`Runs::advance_paced`]).
    pub fn advance_sgd_paced(&mut self, budget: f64, dt_ms: f64, now: &dyn Fn() -> f64) -> Result<f64, PageError> {
        self.runs.advance_paced(budget, dt_ms, now)
    }

    /// Take the news of the SGD runs computed in a worker ([`Runs::accept`]; the
    /// numbers are [`training::Trainer::news`]'s).
    pub fn accept_training(&mut self, news: &[f64]) -> Result<f64, PageError> {
        self.runs.accept(&runs::News::from_values(news)?)
    }

    /// Progress of the slower SGD run in [0, 1] (a diverged run counts as finished).
    pub fn sgd_progress(&self) -> f64 {
        self.runs.progress()
    }
    pub fn sgd_done(&self) -> bool {
        self.runs.done()
    }
    /// Samples the SGD runs can see in all (steps x batch).
    pub fn max_samples(&self) -> u64 {
        self.cfg.steps.saturating_mul(self.cfg.batch as u64)
    }
    /// Samples seen so far by the further SGD run.
    pub fn sgd_samples_seen(&self) -> f64 {
        self.runs.iter().map(|r| r.run.progress() * self.max_samples() as f64).fold(0.0, f64::max)
    }
    /// The overlap a random (isotropic) W has on average ([`nn::random_overlap`]), at
    /// the SGD runs' dimension.
    pub fn random_overlap(&self) -> f64 {
        let target = self.elsewhere.as_ref().map_or(self.sweep.target(), |e| &e.target);
        nn::random_overlap(target, self.cfg.neurons)
    }
    /// What the SGD runs at another dimension add (`None` when `sgd_d` is `d`).
    pub fn elsewhere(&self) -> Option<&Elsewhere> {
        self.elsewhere.as_ref()
    }
    /// The large-n limit at the width plot's d of a regime's run, when the runs are
    /// at another dimension.
    pub fn limit_at_d(&self, regime: SgdRegime) -> Option<f64> {
        self.elsewhere.as_ref()?.limits.iter().find(|(r, _)| *r == regime).map(|(_, v)| *v)
    }
    /// `tau(B) = tr(B)^2 / (d ||B||_F^2)` of the drawn target (qf's one number).
    pub fn tau(&self) -> f64 {
        self.sweep.target().tau()
    }

    /// Draw panel 0, 1 or 2 on `area` at `scale` (device pixels per CSS pixel) and
    /// remember it for [`Self::nearest`]. Returns the data-to-pixel mapping.
    pub fn draw<DB: DrawingBackend>(&mut self, panel: u32, area: &DrawingArea<DB, Shift>, scale: f64) -> Result<Mapping, PageError> {
        let (p, names) = self.panel(panel)?;
        let scale = hit::clean_scale(scale);
        let (w, h) = area.dim_in_pixel();
        if w < 50 || h < 50 {
            return Err(PageError::new("the plot area is too small to draw in", None));
        }
        let style = Style { scale, font_px: font_px(w as f64 / scale, self.text_scale) };
        let map = plot::draw_panel(area, &p, &style).map_err(|e| PageError::new(format!("drawing failed: {e}"), None))?;
        area.present().map_err(|e| PageError::new(format!("drawing failed: {e}"), None))?;
        self.drawn[panel as usize] = Some(hit::Drawn { panel: p, names, map, scale });
        Ok(map)
    }

    /// The last drawn mapping of a panel.
    pub fn mapping(&self, panel: u32) -> Option<Mapping> {
        self.drawn.get(panel as usize)?.as_ref().map(|d| d.map)
    }

    /// Data coordinates under a pixel of the last drawing of a panel.
    pub fn to_data(&self, panel: u32, x: f64, y: f64) -> Option<(f64, f64)> {
        self.mapping(panel)?.to_data(x, y)
    }

    /// The point of the last drawing of a panel nearest to a pixel ([`hit::nearest`]).
    pub fn nearest(&self, panel: u32, x: f64, y: f64) -> Option<hit::Hit> {
        hit::nearest(self.drawn.get(panel as usize)?.as_ref()?, x, y)
    }
}
