//! The explorer's three panels as plain data ([`Panel`]), each series with a name for
//! read-outs and exports: 0 risk against N/d (theory lines, exact dots), 1 SGD risk
//! against samples (dashed large-n limits), 2 what NN learns (overlap of span(W) with
//! the target's top-N eigenspace against samples, beside the random-W expectation).

use super::{Explorer, PageError};
use crate::model::ModelKind;
use crate::params::SgdRegime;
use crate::plot::{self, Legend, Mark, Panel, Series, SgdCurve};

/// The panels, by number, as the page and the command line name them.
pub const PANEL_NAMES: [&str; 3] = ["width", "sgd", "overlap"];

/// The panel number of a name (`width`, `sgd`, `overlap`) or a number `0`..`2`.
pub fn panel_number(name: &str) -> Result<u32, PageError> {
    let t = name.trim();
    PANEL_NAMES
        .iter()
        .position(|n| *n == t)
        .map(|i| i as u32)
        .or_else(|| t.parse::<u32>().ok().filter(|i| *i < 3))
        .ok_or_else(|| no_panel(t))
}

pub(crate) fn no_panel(p: impl std::fmt::Display) -> PageError {
    PageError::new(format!("there is no panel {p}: use 0, 1 or 2"), None)
}

/// The symbol of a model's target matrix.
pub fn target_name(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::Qf => "B",
        ModelKind::Mg => "Delta",
    }
}

impl Explorer {
    /// Panel 0, 1 or 2 from the current results, with a name per series.
    pub fn panel(&self, panel: u32) -> Result<(Panel, Vec<String>), PageError> {
        let kind = self.cfg.kind;
        let d = self.cfg.d;
        match panel {
            0 => {
                let dots = self.sweep.results();
                let p = plot::width_panel(kind, d, &self.theory, &self.cfg.rho, &dots);
                // width_panel lists the theory lines, then the dots, in these orders.
                let mut names: Vec<String> = self.theory.curves.iter().map(|(c, _)| format!("{} theory", c.label(kind))).collect();
                names.extend(dots.iter().map(|(c, _)| format!("{} exact (d = {d})", c.label(kind))));
                Ok((p, names))
            }
            1 => {
                let p = self.sgd_panel();
                let names = p.series.iter().map(|s| s.label.clone()).collect();
                Ok((p, names))
            }
            2 => {
                let p = self.overlap_panel();
                let names = p.series.iter().map(|s| s.label.clone()).collect();
                Ok((p, names))
            }
            _ => Err(no_panel(panel)),
        }
    }

    fn sgd_panel(&self) -> Panel {
        let curves: Vec<SgdCurve> = self
            .runs
            .iter()
            .map(|r| SgdCurve { regime: r.run.params().regime, samples: r.run.record_samples(), risk: r.run.record_risks().to_vec(), limit: r.run.limit() })
            .collect();
        let mut p = plot::sgd_panel(self.cfg.kind, self.cfg.sgd_d, self.cfg.neurons, &curves, self.max_samples());
        if let Some(e) = self.elsewhere() {
            // SGD at sgd_d; beside each run's own limit, dotted, the exact limit at the
            // width plot's d for the same N/d (what SGD there would reach).
            let (d, sd) = (self.cfg.d, self.cfg.sgd_d);
            // A narrow panel keeps the title's part before the colon: the two d's.
            p.title = format!("One-pass SGD at d = {sd} (width plot at d = {d}): N = {}", self.cfg.neurons);
            let (x_lo, x_hi) = p.x_range;
            for ser in p.series.iter_mut().filter(|s| s.mark == Mark::Dashed) {
                ser.label = format!("{}, d = {sd}", ser.label);
            }
            for (regime, v) in &e.limits {
                let c = regime.curve();
                p.series.push(Series {
                    label: format!("{} large-n limit, d = {d}, N = {}", c.label(self.cfg.kind), e.neurons),
                    color: c.color(),
                    mark: Mark::Dotted,
                    points: vec![(x_lo, *v), (x_hi, *v)],
                    err: Vec::new(),
                });
                p.y_range.1 = p.y_range.1.max(v * 1.05);
            }
        }
        p
    }

    fn overlap_panel(&self) -> Panel {
        // Same x axis as the SGD panel beside it.
        let x_range = self.sgd_panel().x_range;
        let mut series: Vec<Series> = self
            .runs
            .iter()
            .map(|r| {
                let label = match r.run.params().regime {
                    SgdRegime::Nn => "NN: W trained".to_string(),
                    SgdRegime::Nt => "NT: W frozen at random".to_string(),
                };
                let points = r.overlap.iter().filter(|p| p.0 > 0 && p.1.is_finite()).map(|p| (p.0 as f64, p.1)).collect();
                Series { label, color: r.curve().color(), mark: Mark::Line, points, err: Vec::new() }
            })
            .collect();
        let ro = self.random_overlap();
        series.push(Series { label: "random W (expected)".into(), color: (90, 90, 90), mark: Mark::Dashed, points: vec![(x_range.0, ro), (x_range.1, ro)], err: Vec::new() });
        Panel {
            title: if self.elsewhere().is_some() {
                format!("What NN learns at d = {} (width plot at d = {}): N = {}, span(W) vs top-N eigenspace", self.cfg.sgd_d, self.cfg.d, self.cfg.neurons)
            } else {
                format!("What NN learns, d = {}, N = {}: span(W) vs top-N eigenspace", self.cfg.d, self.cfg.neurons)
            },
            x_label: "samples".into(),
            y_label: format!("share of top-N energy of {}", target_name(self.cfg.kind)),
            x_range,
            y_range: (0.0, 1.05),
            series,
            // Keep the legend off the lines: NN climbs to 1 along the top, NT and the
            // random line sit near N/d.
            legend: if ro >= 0.4 { Legend::At(0.35, 0.68) } else { Legend::At(0.35, 0.3) },
        }
    }
}
