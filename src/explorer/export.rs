//! One export path for the page and the command line: CSV ([`csv`]), JSON with
//! [`Provenance`], SVG ([`svg`], plotters' SVG backend through the same
//! [`plot::draw_panel`] as the canvas), and the explorer's per-panel rows, table,
//! whole-view JSON and text alternative. No output carries NaN or infinity: a value
//! not yet computed is an empty CSV cell or a JSON null.

use super::panels::{no_panel, target_name};
use super::{font_px, hit, Explorer, PageError};
use crate::activation::Activation;
use crate::experiment::Stat;
use crate::finite;
use crate::model::ModelKind;
use crate::params::Curve;
use crate::plot::either::Either;
use crate::plot::{self, Style};
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend, IntoDrawingArea, SVGBackend};
use serde_json::{json, Map, Value};

/// A finite number, else none.
pub fn finite_or_null(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// A finite number as JSON, else null.
pub fn num(v: f64) -> Value {
    finite_or_null(v).map_or(Value::Null, |x| json!(x))
}

/// A table cell as text: whole numbers as they are, others to four significant
/// digits ([`hit::sig`]), "" for no value.
pub fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            _ if n.is_u64() || n.is_i64() => n.to_string(),
            Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{x:.0}"),
            Some(x) => hit::sig(x, 4),
            None => String::new(),
        },
        other => other.to_string(),
    }
}

/// A number as a CSV cell (empty when not finite).
pub fn cell(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { String::new() }
}

/// CSV of a header and rows of JSON values: text quoted (`"` doubled), numbers as
/// written by JSON, null as an empty cell. Header cells are written as given.
pub fn csv<S: AsRef<str>>(columns: &[S], rows: &[Vec<Value>]) -> String {
    let mut out = columns.iter().map(|c| c.as_ref()).collect::<Vec<_>>().join(",");
    out.push('\n');
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|v| match v {
                Value::String(s) => format!("\"{}\"", s.replace('"', "\"\"")),
                Value::Null => String::new(),
                other => other.to_string(),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// An SVG document of `w` x `h` pixels of what `draw` draws (plotters' SVG backend),
/// held in an [`Either`]`<L, SVGBackend>`: a caller that also draws on another backend
/// `L` (the page, on its canvas) names it, so plotters' drawing code is compiled once
/// for both; `L = SVGBackend` where there is no other.
pub fn svg_of<L: DrawingBackend>(w: u32, h: u32, draw: impl FnOnce(&DrawingArea<Either<L, SVGBackend>, Shift>) -> Result<(), String>) -> Result<String, String> {
    let mut out = String::new();
    {
        let area = Either::<L, SVGBackend>::Right(SVGBackend::with_string(&mut out, (w, h))).into_drawing_area();
        draw(&area).map_err(|e| format!("drawing failed: {e}"))?;
        area.present().map_err(|e| format!("drawing failed: {e}"))?;
    }
    Ok(out)
}

/// Where a result came from: enough to recompute it. `activation` is per curve: RF
/// uses the chosen activation, NT and NN are the quadratic-activation results, the
/// Bayes error has none ([`Curve::activation`]).
pub struct Provenance<'a> {
    pub kind: ModelKind,
    pub d: usize,
    /// The spectrum as given (`exp`, `spiked:5`, `list:..`, `file:PATH`).
    pub spectrum: &'a str,
    pub rotate: bool,
    pub activation: Activation,
    pub curves: &'a [Curve],
    pub seed: u64,
    /// Draws of W per N/d (for results that average over them).
    pub draws: Option<usize>,
}

impl Provenance<'_> {
    pub fn to_json(&self) -> Value {
        let act: Map<String, Value> = self.curves.iter().filter_map(|c| c.activation(self.activation).map(|a| (c.name(self.kind).to_string(), json!(a.to_string())))).collect();
        let mut o = json!({
            "model": self.kind.to_string(),
            "d": self.d,
            "spectrum": self.spectrum,
            "rotate": self.rotate,
            "activation": act,
            "seed": self.seed,
            "version": env!("CARGO_PKG_VERSION"),
        });
        if let Some(n) = self.draws {
            o["draws"] = json!(n);
        }
        o
    }
}

impl Explorer {
    /// The provenance of everything this view shows (the SGD runs are NT and NN).
    pub fn provenance(&self) -> Value {
        let c = &self.cfg;
        let mut curves = c.curves.clone();
        for r in &self.runs {
            if !curves.contains(&r.curve()) {
                curves.push(r.curve());
            }
        }
        let mut o = Provenance { kind: c.kind, d: c.d, spectrum: &c.spectrum_text, rotate: c.rotate, activation: c.activation, curves: &curves, seed: c.seed, draws: Some(c.draws) }.to_json();
        // The SGD runs' dimension, when it is not d (their target drawn there from the same seed).
        if c.sgd_elsewhere() {
            o["sgd_d"] = json!(c.sgd_d);
        }
        o
    }

    /// Columns and rows of a panel's data (what [`Self::table`] and [`Self::csv`] give).
    pub fn rows(&self, panel: u32) -> Result<(Vec<&'static str>, Vec<Vec<Value>>), PageError> {
        let kind = self.cfg.kind;
        let mut rows = Vec::new();
        match panel {
            0 => {
                for (c, v) in &self.theory.curves {
                    for (r, y) in self.theory.rho.iter().zip(v) {
                        rows.push(vec![json!(format!("{} theory", c.label(kind))), json!(r), num(*y), json!(null), json!(null)]);
                    }
                }
                for (c, stats) in self.sweep.results() {
                    // A dot not yet computed is not data: no row.
                    for (r, s) in self.cfg.rho.iter().zip(&stats).filter(|(_, s)| s.count > 0) {
                        let Stat { mean, std, count } = *s;
                        rows.push(vec![json!(format!("{} exact (d = {})", c.label(kind), self.cfg.d)), json!(r), num(mean), num(std), json!(count)]);
                    }
                }
                Ok((vec!["series", "N/d", "risk", "std", "draws"], rows))
            }
            1 => {
                for r in &self.runs {
                    let name = r.curve().label(kind);
                    for (s, y) in r.run.record_samples().iter().zip(r.run.record_risks()) {
                        rows.push(vec![json!(format!("{name} SGD")), json!(s), num(*y)]);
                    }
                    match self.limit_at_d(r.run.params().regime) {
                        None => rows.push(vec![json!(format!("{name} large-n limit")), json!(null), num(r.run.limit())]),
                        Some(v) => {
                            let (d, sd, n) = (self.cfg.d, self.cfg.sgd_d, self.cfg.neurons_at_d());
                            rows.push(vec![json!(format!("{name} large-n limit, d = {sd}")), json!(null), num(r.run.limit())]);
                            rows.push(vec![json!(format!("{name} large-n limit, d = {d}, N = {n}")), json!(null), num(v)]);
                        }
                    }
                }
                Ok((vec!["series", "samples", "risk"], rows))
            }
            2 => {
                for r in &self.runs {
                    let name = r.curve().label(kind);
                    for (s, o) in &r.overlap {
                        rows.push(vec![json!(format!("{name} span(W)")), json!(s), num(*o)]);
                    }
                }
                rows.push(vec![json!("random W (expected)"), json!(null), num(self.random_overlap())]);
                Ok((vec!["series", "samples", "overlap"], rows))
            }
            _ => Err(no_panel(panel)),
        }
    }

    /// A panel's data as a JSON table `{columns: [..], rows: [[..]]}` of cell texts
    /// ([`cell_text`]: four significant digits, "" where a column does not apply), for
    /// the page's "Show data".
    pub fn table(&self, panel: u32) -> Result<String, PageError> {
        let (columns, rows) = self.rows(panel)?;
        let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(cell_text).collect()).collect();
        Ok(json!({ "columns": columns, "rows": rows }).to_string())
    }

    /// A panel's data as CSV (header row, then one row per point).
    pub fn csv(&self, panel: u32) -> Result<String, PageError> {
        let (columns, rows) = self.rows(panel)?;
        Ok(csv(&columns, &rows))
    }

    /// A panel as an SVG document of `width` x `height` CSS pixels.
    pub fn svg(&self, panel: u32, width: u32, height: u32) -> Result<String, PageError> {
        self.svg_beside::<SVGBackend>(panel, width, height)
    }

    /// [`Self::svg`] drawn through [`Either`]`<L, SVGBackend>` ([`svg_of`]): the page
    /// passes its canvas backend, on which it draws the same panels.
    pub fn svg_beside<L: DrawingBackend>(&self, panel: u32, width: u32, height: u32) -> Result<String, PageError> {
        let (p, _) = self.panel(panel)?;
        let (w, h) = (width.clamp(120, 4000), height.clamp(100, 4000));
        let style = Style { scale: 1.0, font_px: font_px(w as f64, self.text_scale) };
        svg_of::<L>(w, h, |area| plot::draw_panel(area, &p, &style).map(|_| ())).map_err(|e| PageError::new(e, None))
    }

    /// Everything the three panels show, as one JSON document: theory lines, the
    /// sweep's dots computed so far (per curve: N/d, mean, std, count; a dot not yet
    /// computed is left out, never written as a placeholder), each SGD run's records,
    /// limit and overlaps (`diverged` only for a run that diverged), the random-W
    /// overlap, and the provenance (`origin`). Every number is finite: anything else is
    /// an error naming the field ([`finite::check_json`]).
    pub fn export_json(&self) -> Result<String, PageError> {
        Ok(self.export_value()?.to_string())
    }

    /// [`Self::export_json`] as a JSON value (no text round trip, which would not give
    /// back every f64 exactly).
    pub fn export_value(&self) -> Result<Value, PageError> {
        let kind = self.cfg.kind;
        let theory: Map<String, Value> = self.theory.curves.iter().map(|(c, v)| (c.name(kind).to_string(), json!(v))).collect();
        let sweep: Map<String, Value> = self
            .sweep
            .results()
            .iter()
            .map(|(c, stats)| {
                let done: Vec<(f64, &Stat)> = self.cfg.rho.iter().copied().zip(stats).filter(|(_, s)| s.count > 0).collect();
                let v = json!({
                    "rho": done.iter().map(|p| p.0).collect::<Vec<_>>(),
                    "mean": done.iter().map(|p| p.1.mean).collect::<Vec<_>>(),
                    "std": done.iter().map(|p| p.1.std).collect::<Vec<_>>(),
                    "count": done.iter().map(|p| p.1.count).collect::<Vec<_>>(),
                });
                (c.name(kind).to_string(), v)
            })
            .collect();
        let sgd: Map<String, Value> = self
            .runs
            .iter()
            .map(|r| {
                let mut v = json!({
                    "samples": r.run.record_samples(),
                    "risk": r.run.record_risks(),
                    "limit": r.run.limit(),
                    "overlap_samples": r.overlap.iter().map(|p| p.0).collect::<Vec<_>>(),
                    "overlap": r.overlap.iter().map(|p| p.1).collect::<Vec<_>>(),
                });
                if let Some(e) = r.run.error() {
                    v["diverged"] = json!(e.to_string());
                }
                if let Some(l) = self.limit_at_d(r.run.params().regime) {
                    v["limit_at_d"] = json!(l);
                }
                (r.curve().name(kind).to_string(), v)
            })
            .collect();
        let mut theory_doc = json!({ "rho": self.theory.rho, "curves": theory });
        if let Some(se) = self.theory.bayes_se {
            theory_doc["bayes_std_error"] = json!(se);
        }
        let mut doc = json!({
            "model": kind.to_string(),
            "d": self.cfg.d,
            "neurons": self.cfg.neurons,
            "tau": self.tau(),
            "theory": theory_doc,
            "sweep": { "rho": self.cfg.rho, "curves": sweep, "done": self.sweep.done() },
            "sgd": sgd,
            "overlap_random": self.random_overlap(),
            "origin": self.provenance(),
        });
        // SGD at another dimension: which, and the width at d with the same N/d of
        // each run's `limit_at_d`.
        if self.cfg.sgd_elsewhere() {
            doc["sgd_d"] = json!(self.cfg.sgd_d);
            doc["neurons_at_d"] = json!(self.cfg.neurons_at_d());
        }
        finite::check_json(&doc).map_err(|e| PageError::new(format!("export: {e}"), None))?;
        Ok(doc)
    }

    /// A sentence that states what a panel shows now, with its numbers (the plot's
    /// text alternative).
    pub fn summary(&self, panel: u32) -> String {
        let kind = self.cfg.kind;
        let (d, rho) = (self.cfg.d, &self.cfg.rho);
        let f = |v: f64| if v.is_finite() { format!("{v:.3}") } else { "not yet computed".into() };
        match panel {
            0 => {
                let results = self.sweep.results();
                let at = |i: usize| -> String { results.iter().map(|(c, s)| format!("{} {}", c.label(kind), f(s.get(i).map_or(f64::NAN, |x| x.mean)))).collect::<Vec<_>>().join(", ") };
                let last = rho.len() - 1;
                format!(
                    "Test risk against the width ratio N/d, {kind}, d = {d}: theory lines and exact simulated dots ({}% computed). At N/d = {:.3}: {}. At N/d = {:.3}: {}.",
                    (self.sweep.progress() * 100.0).round(),
                    rho[0],
                    at(0),
                    rho[last],
                    at(last)
                )
            }
            1 => {
                let parts: Vec<String> = self
                    .runs
                    .iter()
                    .map(|r| {
                        let s = r.run.record_samples().last().copied().unwrap_or(0);
                        let risk = r.run.record_risks().last().copied().unwrap_or(f64::NAN);
                        let at_d = self.limit_at_d(r.run.params().regime).map_or(String::new(), |v| format!("; at d = {d} with N = {}: {}", self.cfg.neurons_at_d(), f(v)));
                        format!("{} risk {} after {s} samples (large-n limit {}{at_d})", r.curve().label(kind), f(risk), f(r.run.limit()))
                    })
                    .collect();
                if self.cfg.sgd_elsewhere() {
                    format!("Test risk against samples for one-pass SGD at d = {} (the width plot's d is {d}), N = {}: {}.", self.cfg.sgd_d, self.cfg.neurons, parts.join("; "))
                } else {
                    format!("Test risk against samples for one-pass SGD, d = {d}, N = {}: {}.", self.cfg.neurons, parts.join("; "))
                }
            }
            _ => {
                let parts: Vec<String> = self
                    .runs
                    .iter()
                    .map(|r| {
                        let (s, o) = r.overlap.last().copied().unwrap_or((0, f64::NAN));
                        format!("{} weights {} after {s} samples", r.curve().label(kind), f(o))
                    })
                    .collect();
                let at = if self.cfg.sgd_elsewhere() { format!(" (SGD at d = {}; the width plot's d is {d})", self.cfg.sgd_d) } else { String::new() };
                format!(
                    "Share of the top-{} energy of {} held by the span of the first-layer weights{at}, against samples: {}; a random W holds {} on average.",
                    self.cfg.neurons,
                    target_name(kind),
                    parts.join("; "),
                    f(self.random_overlap())
                )
            }
        }
    }
}
