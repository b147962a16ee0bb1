//! The page's handle on the core (wasm only): a thin skin, no maths.
//!
//! [`Explorer`] is built from the page's controls (a plain JS object of strings or
//! numbers, see [`Explorer::new`]), checked once with the core's validators and
//! [`Limits::web`]. Building it computes the theory lines at once; the width sweep and
//! the two SGD runs (NT and NN, same N) then advance in slices the page asks for,
//! either by a time budget in milliseconds (measured with `performance.now`) or by a
//! unit count. Drawing goes through [`plot::draw_panel`], the same function the
//! command line uses for SVG, on a plotters-canvas backend, or on plotters' SVG
//! backend for export ([`Explorer::svg`]): the page's three panels are 0 (risk against
//! N/d), 1 (SGD risk against samples) and 2 (what NN learns: the overlap of span(W)
//! with the target's top-N eigenspace, [`nn::top_eigenspace_overlap`], recorded at
//! each SGD record, beside the random-W expectation [`nn::random_overlap`]).
//! The data shown leave as CSV (per panel), JSON (everything) and a table for the
//! page's "Show data"; hover read-outs come from [`Explorer::nearest`] (pixel geometry
//! over the last drawn panel, no maths).
//!
//! Every failure reaches JavaScript as an `Error` whose `message` is the core's
//! human-readable text and whose `field` names the control at fault (`"d"`, `"rho"`,
//! `"eta_nt"`, ...), so the page can show it next to that control. Numbers cross the
//! boundary as `u32`/`f64` (a `u64` would become a BigInt).

use crate::error::Error;
use crate::experiment::{log_grid, Stat, Sweep, Theory, BAYES_SAMPLES};
use crate::model::ModelKind;
use crate::params::{Curve, Limits, SgdRegime};
use serde_json::json;
use crate::nn;
use crate::plot::{self, Legend, Mark, Mapping, Panel, Series, SgdCurve, Style};
use crate::settings::PageConfig;
use crate::sgd::SgdRun;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// Points of the theory lines (log-spaced over the plotted range).
const THEORY_POINTS: usize = 160;
/// Theory lines extend this factor beyond the first and last rho of the sweep.
const THEORY_MARGIN: f64 = 1.12;
/// Font size range of the plots, in CSS pixels.
const FONT_MIN_PX: f64 = 11.0;
const FONT_MAX_PX: f64 = 14.0;
/// Hover: a dot within this many CSS pixels wins over a nearer line.
const DOT_PRIORITY_PX: f64 = 5.0;
/// Steps one SGD run takes before the other gets a turn inside a time slice.
const SGD_CHUNK: u64 = 10;

/// Install the panic hook (a panic is a bug; it then logs a readable message and
/// stack in the console instead of `unreachable`). Called by the constructor too.
#[wasm_bindgen(js_name = installPanicHook)]
pub fn install_panic_hook() {
    console_error_panic_hook::set_once();
}

/// Milliseconds from a monotonic clock (`performance.now`, else `Date.now`).
fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or_else(js_sys::Date::now)
}

/// A JS `Error` with the core's message and the field at fault (or none).
fn js_error(message: &str, field: Option<&str>) -> JsValue {
    let e = js_sys::Error::new(message);
    let f = field.map(JsValue::from_str).unwrap_or(JsValue::NULL);
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&e, &JsValue::from_str("field"), &f);
    e.into()
}

/// A core error as a JS error; `sgd_field` is the control behind a divergence.
fn to_js(e: &Error, sgd_field: Option<&str>) -> JsValue {
    let field = match e {
        // The core checks one step size; the page has one per SGD run.
        Error::Invalid { field: "eta", .. } if sgd_field.is_some() => sgd_field,
        Error::Invalid { field, .. } => Some(*field),
        Error::File { .. } => Some("spectrum"),
        Error::Diverged { .. } => sgd_field,
        Error::Numerical(_) => None,
    };
    js_error(&e.to_string(), field)
}

/// The page's settings (parsed by [`crate::settings`], the same code the native
/// fuzz tests exercise), read from a plain JS object.
fn read_config(obj: &JsValue, limits: &Limits) -> Result<PageConfig, Error> {
    if !obj.is_object() {
        return Err(Error::invalid("config", "the explorer needs an object of settings"));
    }
    let get = |key: &str| -> Option<String> {
        let v = js_sys::Reflect::get(obj, &JsValue::from_str(key)).ok()?;
        if v.is_undefined() || v.is_null() {
            return None;
        }
        if let Some(s) = v.as_string() {
            return Some(s);
        }
        if let Some(x) = v.as_f64() {
            return Some(format!("{x}"));
        }
        v.as_bool().map(|b| b.to_string())
    };
    PageConfig::parse(&get, limits)
}

/// One SGD run of the right panel, with the control its divergence points at.
struct Run {
    run: SgdRun,
    field: &'static str,
    /// Its error was already reported to the page.
    reported: bool,
    /// Steps taken so far (to stop each advance at the next record).
    steps_done: u64,
    /// (samples, overlap of span(W) with the top-N eigenspace) at each record.
    overlap: Vec<(u64, f64)>,
}

impl Run {
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
    fn advance(&mut self, steps: u64) -> Result<(), Error> {
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

    fn curve(&self) -> Curve {
        match self.run.params().regime {
            SgdRegime::Nn => Curve::Nn,
            SgdRegime::Nt => Curve::Nt,
        }
    }
}

/// A panel as last drawn: its data, a name per series (for read-outs and exports),
/// and its pixel mapping with the scale it was drawn at.
struct Drawn {
    panel: Panel,
    names: Vec<String>,
    map: Mapping,
    scale: f64,
}

/// Everything one view of the explorer shows: theory, the width sweep, two SGD runs.
#[wasm_bindgen]
pub struct Explorer {
    kind: ModelKind,
    d: usize,
    neurons: usize,
    max_samples: u64,
    rho: Vec<f64>,
    theory: Theory,
    sweep: Sweep,
    /// NT then NN (only those among the shown regimes; both when neither is).
    runs: Vec<Run>,
    drawn: [Option<Drawn>; 3],
    /// Text size factor (1 on the page; larger for a projector).
    text_scale: f64,
}

#[wasm_bindgen]
impl Explorer {
    /// Build from the page's settings. Keys (all optional, strings or numbers):
    /// `model` (qf|mg), `d`, `spectrum`, `rotate`, `activation`, `regimes` (comma list
    /// of rf_iso, rf_opt, nt, nn for qf; rf, nt, nn, bayes for mg), `rho_min`,
    /// `rho_max`, `rho_points`, `draws`, `neurons`, `batch`, `eta_nt`, `eta_nn`,
    /// `steps`, `record_every`, `seed`. Throws an `Error` with `.field` on bad input.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &JsValue) -> Result<Explorer, JsValue> {
        install_panic_hook();
        let limits = Limits::web();
        let cfg = read_config(config, &limits).map_err(|e| to_js(&e, None))?;
        let sweep_params = cfg.sweep();
        let sweep = Sweep::new(&sweep_params, &limits).map_err(|e| to_js(&e, None))?;
        let mut regimes: Vec<(SgdRegime, &'static str)> = Vec::new();
        if cfg.curves.contains(&Curve::Nt) {
            regimes.push((SgdRegime::Nt, "eta_nt"));
        }
        if cfg.curves.contains(&Curve::Nn) {
            regimes.push((SgdRegime::Nn, "eta_nn"));
        }
        if regimes.is_empty() {
            regimes = vec![(SgdRegime::Nt, "eta_nt"), (SgdRegime::Nn, "eta_nn")];
        }
        let mut runs = Vec::new();
        for (regime, field) in regimes {
            let run = SgdRun::new(&cfg.sgd(regime), &limits).map_err(|e| to_js(&crate::settings::rename_eta(e, field), Some(field)))?;
            let mut r = Run { run, field, reported: false, steps_done: 0, overlap: Vec::new() };
            r.note_overlap();
            runs.push(r);
        }
        let (lo, hi) = (cfg.rho[0], cfg.rho[cfg.rho.len() - 1]);
        let grid = log_grid(lo / THEORY_MARGIN, hi * THEORY_MARGIN, THEORY_POINTS);
        // The Bayes line is a Monte Carlo average: bound its cost at large d.
        let bayes_samples = (4_000_000 / cfg.d).clamp(20_000, BAYES_SAMPLES);
        let theory = Theory::compute(sweep.target(), cfg.activation, &cfg.curves, &grid, bayes_samples, cfg.seed);
        Ok(Explorer {
            kind: cfg.kind,
            d: cfg.d,
            neurons: cfg.neurons,
            max_samples: cfg.steps.saturating_mul(cfg.batch as u64),
            rho: cfg.rho,
            theory,
            sweep,
            runs,
            drawn: [None, None, None],
            text_scale: 1.0,
        })
    }

    /// Text size factor for the plots (1 on the page, about 1.5 on a projector).
    #[wasm_bindgen(js_name = setTextScale)]
    pub fn set_text_scale(&mut self, k: f64) {
        self.text_scale = if k.is_finite() { k.clamp(0.5, 4.0) } else { 1.0 };
    }

    /// Advance the width sweep for about `budget_ms` milliseconds (at least one unit).
    /// Returns the sweep's progress in [0, 1].
    #[wasm_bindgen(js_name = advanceSweep)]
    pub fn advance_sweep(&mut self, budget_ms: f64) -> Result<f64, JsValue> {
        let start = now_ms();
        loop {
            let p = self.sweep.advance(1).map_err(|e| to_js(&e, None))?;
            if self.sweep.done() || now_ms() - start >= budget_ms {
                return Ok(p);
            }
        }
    }

    /// Advance the width sweep by `units` units of work (one (N/d, draw, curve) each).
    #[wasm_bindgen(js_name = advanceSweepUnits)]
    pub fn advance_sweep_units(&mut self, units: u32) -> Result<f64, JsValue> {
        self.sweep.advance(units as usize).map_err(|e| to_js(&e, None))
    }

    /// Advance both SGD runs, in turns, for about `budget_ms` milliseconds. Returns
    /// the progress of the slower run in [0, 1]. A diverged run stops and is reported
    /// once (an `Error` with `.field` = `eta_nt` or `eta_nn`); the other runs on.
    #[wasm_bindgen(js_name = advanceSgd)]
    pub fn advance_sgd(&mut self, budget_ms: f64) -> Result<f64, JsValue> {
        let start = now_ms();
        loop {
            self.advance_sgd_chunk(SGD_CHUNK)?;
            if self.sgd_done() || now_ms() - start >= budget_ms {
                return Ok(self.sgd_progress());
            }
        }
    }

    /// Advance each SGD run by `steps` steps.
    #[wasm_bindgen(js_name = advanceSgdSteps)]
    pub fn advance_sgd_steps(&mut self, steps: u32) -> Result<f64, JsValue> {
        self.advance_sgd_chunk(steps as u64)?;
        Ok(self.sgd_progress())
    }

    fn advance_sgd_chunk(&mut self, steps: u64) -> Result<(), JsValue> {
        let mut first_error = None;
        for r in self.runs.iter_mut() {
            if r.run.error().is_some() && r.reported {
                continue;
            }
            if let Err(e) = r.advance(steps) {
                r.reported = true;
                first_error.get_or_insert(to_js(&e, Some(r.field)));
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    #[wasm_bindgen(js_name = sweepProgress)]
    pub fn sweep_progress(&self) -> f64 {
        self.sweep.progress()
    }
    #[wasm_bindgen(js_name = sweepDone)]
    pub fn sweep_done(&self) -> bool {
        self.sweep.done()
    }
    #[wasm_bindgen(js_name = sweepUnits)]
    pub fn sweep_units(&self) -> u32 {
        self.sweep.units_done() as u32
    }
    #[wasm_bindgen(js_name = sweepUnitsTotal)]
    pub fn sweep_units_total(&self) -> u32 {
        self.sweep.units_total() as u32
    }
    /// Progress of the slower SGD run in [0, 1] (a diverged run counts as finished).
    #[wasm_bindgen(js_name = sgdProgress)]
    pub fn sgd_progress(&self) -> f64 {
        self.runs.iter().map(|r| if r.run.error().is_some() { 1.0 } else { r.run.progress() }).fold(1.0, f64::min)
    }
    #[wasm_bindgen(js_name = sgdDone)]
    pub fn sgd_done(&self) -> bool {
        self.runs.iter().all(|r| r.run.done())
    }
    /// Samples seen so far by the SGD runs (steps x batch).
    #[wasm_bindgen(js_name = sgdSamples)]
    pub fn sgd_samples_seen(&self) -> f64 {
        self.runs.iter().map(|r| r.run.progress() * self.max_samples as f64).fold(0.0, f64::max)
    }

    /// The grid of the theory lines.
    #[wasm_bindgen(js_name = theoryRho)]
    pub fn theory_rho(&self) -> Vec<f64> {
        self.theory.rho.clone()
    }
    /// One theory line on [`Self::theory_rho`] (`curve` as in `regimes`).
    #[wasm_bindgen(js_name = theoryValues)]
    pub fn theory_values(&self, curve: &str) -> Result<Vec<f64>, JsValue> {
        let c = Curve::parse(curve, self.kind).map_err(|e| to_js(&e, None))?;
        self.theory
            .curves
            .iter()
            .find(|(k, _)| *k == c)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| js_error(&format!("regimes: {curve} is not shown"), Some("regimes")))
    }
    /// The sweep's N/d values.
    #[wasm_bindgen(js_name = sweepRho)]
    pub fn sweep_rho(&self) -> Vec<f64> {
        self.rho.clone()
    }
    /// Mean risk of one curve's dots so far, per N/d (NaN where none yet).
    #[wasm_bindgen(js_name = sweepMeans)]
    pub fn sweep_means(&self, curve: &str) -> Result<Vec<f64>, JsValue> {
        let c = Curve::parse(curve, self.kind).map_err(|e| to_js(&e, None))?;
        self.sweep
            .results()
            .into_iter()
            .find(|(k, _)| *k == c)
            .map(|(_, s)| s.iter().map(|x| x.mean).collect())
            .ok_or_else(|| js_error(&format!("regimes: {curve} has no simulated dots"), Some("regimes")))
    }
    /// Recorded exact population risks of the `nt` or `nn` SGD run.
    #[wasm_bindgen(js_name = sgdRisks)]
    pub fn sgd_risks(&self, regime: &str) -> Result<Vec<f64>, JsValue> {
        Ok(self.run(regime)?.run.record_risks().to_vec())
    }
    /// Samples seen at the records of the `nt` or `nn` SGD run.
    #[wasm_bindgen(js_name = sgdRecordSamples)]
    pub fn sgd_record_samples(&self, regime: &str) -> Result<Vec<f64>, JsValue> {
        Ok(self.run(regime)?.run.record_samples().iter().map(|s| *s as f64).collect())
    }
    /// The large-n limit of the `nt` or `nn` SGD run.
    #[wasm_bindgen(js_name = sgdLimit)]
    pub fn sgd_limit(&self, regime: &str) -> Result<f64, JsValue> {
        Ok(self.run(regime)?.run.limit())
    }
    /// Overlap of the `nt` or `nn` run's span(W) with the top-N eigenspace of B (or
    /// Delta) at each record ([`nn::top_eigenspace_overlap`]); one per record.
    #[wasm_bindgen(js_name = sgdOverlaps)]
    pub fn sgd_overlaps(&self, regime: &str) -> Result<Vec<f64>, JsValue> {
        Ok(self.run(regime)?.overlap.iter().map(|p| p.1).collect())
    }
    /// The overlap a random (isotropic) W has on average ([`nn::random_overlap`]).
    #[wasm_bindgen(js_name = randomOverlap)]
    pub fn random_overlap(&self) -> f64 {
        nn::random_overlap(self.sweep.target(), self.neurons)
    }

    fn run(&self, regime: &str) -> Result<&Run, JsValue> {
        let r: SgdRegime = regime.parse().map_err(|e: Error| to_js(&e, None))?;
        self.runs
            .iter()
            .find(|x| x.run.params().regime == r)
            .ok_or_else(|| js_error(&format!("regimes: the {regime} SGD run is not shown"), Some("regimes")))
    }

    /// Draw the left panel (risk against N/d) on `canvas`, whose backing size the page
    /// sets to CSS size x `scale` (the device pixel ratio).
    #[wasm_bindgen(js_name = drawWidth)]
    pub fn draw_width(&mut self, canvas: &HtmlCanvasElement, scale: f64) -> Result<(), JsValue> {
        self.draw_panel(0, canvas, scale)
    }

    /// Draw the right panel (SGD risk against samples) on `canvas`.
    #[wasm_bindgen(js_name = drawSgd)]
    pub fn draw_sgd(&mut self, canvas: &HtmlCanvasElement, scale: f64) -> Result<(), JsValue> {
        self.draw_panel(1, canvas, scale)
    }

    /// Draw the third panel (what NN learns: overlap against samples) on `canvas`.
    #[wasm_bindgen(js_name = drawOverlap)]
    pub fn draw_overlap(&mut self, canvas: &HtmlCanvasElement, scale: f64) -> Result<(), JsValue> {
        self.draw_panel(2, canvas, scale)
    }

    /// Draw panel 0, 1 or 2 on `canvas`.
    #[wasm_bindgen(js_name = drawPanel)]
    pub fn draw_panel(&mut self, panel: u32, canvas: &HtmlCanvasElement, scale: f64) -> Result<(), JsValue> {
        let (p, names) = self.build(panel)?;
        let scale = clean_scale(scale);
        let map = draw(canvas, &p, scale, self.text_scale)?;
        self.drawn[panel as usize] = Some(Drawn { panel: p, names, map, scale });
        Ok(())
    }

    /// The panel as an SVG document of `width` x `height` CSS pixels, drawn by the
    /// same [`plot::draw_panel`] as the canvas (plotters' SVG backend).
    pub fn svg(&self, panel: u32, width: u32, height: u32) -> Result<String, JsValue> {
        let (p, _) = self.build(panel)?;
        let (w, h) = (width.clamp(120, 4000), height.clamp(100, 4000));
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
            let style = Style { scale: 1.0, font_px: font_px(w as f64, self.text_scale) };
            plot::draw_panel(&area, &p, &style).map_err(|e| js_error(&format!("drawing failed: {e}"), None))?;
            area.present().map_err(|e| js_error(&format!("drawing failed: {e}"), None))?;
        }
        Ok(out)
    }

    /// Data coordinates `[x, risk]` under a canvas pixel (backing pixels, i.e. CSS
    /// pixels x scale) of panel 0 (width), 1 (SGD) or 2 (overlap), or `undefined`
    /// outside the plot.
    #[wasm_bindgen(js_name = toData)]
    pub fn to_data(&self, panel: u32, x: f64, y: f64) -> Option<Vec<f64>> {
        let m = &self.drawn.get(panel as usize)?.as_ref()?.map;
        m.to_data(x, y).map(|(a, b)| vec![a, b])
    }

    /// The point of the last drawn panel nearest to a canvas pixel (backing pixels),
    /// within 40 CSS pixels, as `{series, x, y, err, xLabel, yLabel}` (`err`: the
    /// standard deviation of a dot, else NaN), or `undefined`. Dashed and dotted
    /// horizontal lines (limits, the Bayes error, N/d) answer at the pointer's x.
    pub fn nearest(&self, panel: u32, x: f64, y: f64) -> JsValue {
        let Some(Some(dr)) = self.drawn.get(panel as usize) else { return JsValue::UNDEFINED };
        let Some((cx, _)) = dr.map.to_data(x, y) else { return JsValue::UNDEFINED };
        let mut best: Option<(f64, usize, (f64, f64), f64)> = None;
        for (i, s) in dr.panel.series.iter().enumerate() {
            let flat = matches!(s.mark, Mark::Dashed | Mark::Dotted) && s.points.len() == 2 && s.points[0].1 == s.points[1].1;
            let candidates: Vec<((f64, f64), f64)> = if flat {
                vec![((cx, s.points[0].1), f64::NAN)]
            } else {
                s.points.iter().enumerate().map(|(k, p)| (*p, s.err.get(k).copied().unwrap_or(f64::NAN))).collect()
            };
            for (p, err) in candidates {
                let (px, py) = to_pixel(&dr.map, p);
                // A pointer on a dot means that dot, even where a line passes closer.
                let dist = (px - x).hypot(py - y) - if s.mark == Mark::Dots { DOT_PRIORITY_PX * dr.scale } else { 0.0 };
                if best.is_none_or(|b| dist < b.0) {
                    best = Some((dist, i, p, err));
                }
            }
        }
        let Some((dist, i, p, err)) = best else { return JsValue::UNDEFINED };
        if dist > 40.0 * dr.scale {
            return JsValue::UNDEFINED;
        }
        let o = json!({ "series": dr.names[i], "x": p.0, "y": p.1, "err": finite_or_null(err), "xLabel": dr.panel.x_label, "yLabel": dr.panel.y_label });
        js_sys::JSON::parse(&o.to_string()).unwrap_or(JsValue::UNDEFINED)
    }

    /// The last drawn mapping of panel 0, 1 or 2 as `{left, top, right, bottom, xMin,
    /// xMax, yMin, yMax}` (backing pixels; x is log-scaled), or `undefined`.
    pub fn mapping(&self, panel: u32) -> JsValue {
        let Some(Some(dr)) = self.drawn.get(panel as usize) else { return JsValue::UNDEFINED };
        let m = &dr.map;
        let o = js_sys::Object::new();
        let entries = [
            ("left", m.px.0 as f64),
            ("top", m.px.1 as f64),
            ("right", m.px.2 as f64),
            ("bottom", m.px.3 as f64),
            ("xMin", m.x_range.0),
            ("xMax", m.x_range.1),
            ("yMin", m.y_range.0),
            ("yMax", m.y_range.1),
        ];
        for (k, v) in entries {
            let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_f64(v));
        }
        o.into()
    }

    /// The data of panel 0, 1 or 2 as a JSON table `{columns: [..], rows: [[..]]}`
    /// (numbers unrounded; null where there is none), for the page's "Show data".
    pub fn table(&self, panel: u32) -> Result<String, JsValue> {
        let (columns, rows) = self.rows(panel)?;
        Ok(json!({ "columns": columns, "rows": rows }).to_string())
    }

    /// The data of panel 0, 1 or 2 as CSV (header row, then one row per point).
    pub fn csv(&self, panel: u32) -> Result<String, JsValue> {
        let (columns, rows) = self.rows(panel)?;
        let mut out = columns.join(",");
        out.push('\n');
        for row in rows {
            let cells: Vec<String> = row
                .iter()
                .map(|v| match v {
                    serde_json::Value::String(s) => format!("\"{}\"", s.replace('"', "\"\"")),
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                })
                .collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        Ok(out)
    }

    /// Everything the three panels show, as one JSON document: theory lines, the
    /// sweep's dots (mean, std, count per N/d), each SGD run's records, limit and
    /// overlaps, and the random-W overlap N/d. NaN (a dot not yet computed) is null.
    #[wasm_bindgen(js_name = exportJson)]
    pub fn export_json(&self) -> String {
        let kind = self.kind;
        let theory: serde_json::Map<String, serde_json::Value> = self.theory.curves.iter().map(|(c, v)| (c.name(kind).to_string(), json!(nulls(v)))).collect();
        let sweep: serde_json::Map<String, serde_json::Value> = self
            .sweep
            .results()
            .iter()
            .map(|(c, stats)| {
                let mean: Vec<f64> = stats.iter().map(|s| s.mean).collect();
                let std: Vec<f64> = stats.iter().map(|s| s.std).collect();
                let count: Vec<usize> = stats.iter().map(|s| s.count).collect();
                (c.name(kind).to_string(), json!({ "mean": nulls(&mean), "std": nulls(&std), "count": count }))
            })
            .collect();
        let sgd: serde_json::Map<String, serde_json::Value> = self
            .runs
            .iter()
            .map(|r| {
                let name = r.curve().name(kind).to_string();
                let v = json!({
                    "samples": r.run.record_samples(),
                    "risk": nulls(r.run.record_risks()),
                    "limit": finite_or_null(r.run.limit()),
                    "overlap_samples": r.overlap.iter().map(|p| p.0).collect::<Vec<_>>(),
                    "overlap": nulls(&r.overlap.iter().map(|p| p.1).collect::<Vec<_>>()),
                    "diverged": r.run.error().map(|e| e.to_string()),
                });
                (name, v)
            })
            .collect();
        json!({
            "model": kind.to_string(),
            "d": self.d,
            "neurons": self.neurons,
            "tau": finite_or_null(self.sweep.target().tau()),
            "theory": { "rho": nulls(&self.theory.rho), "curves": theory, "bayes_std_error": self.theory.bayes_se.and_then(finite_or_null) },
            "sweep": { "rho": nulls(&self.rho), "curves": sweep, "done": self.sweep.done() },
            "sgd": sgd,
            "overlap_random": self.random_overlap(),
        })
        .to_string()
    }

    /// A sentence that states what panel 0, 1 or 2 shows now, with its numbers (the
    /// plot's text alternative).
    pub fn summary(&self, panel: u32) -> String {
        let kind = self.kind;
        let f = |v: f64| if v.is_finite() { format!("{v:.3}") } else { "not yet computed".into() };
        match panel {
            0 => {
                let results = self.sweep.results();
                let at = |i: usize| -> String {
                    results.iter().map(|(c, s)| format!("{} {}", plot::curve_label(*c, kind), f(s.get(i).map_or(f64::NAN, |x| x.mean)))).collect::<Vec<_>>().join(", ")
                };
                let last = self.rho.len() - 1;
                format!(
                    "Test risk against the width ratio N/d, {kind}, d = {}: theory lines and exact simulated dots ({}% computed). At N/d = {:.3}: {}. At N/d = {:.3}: {}.",
                    self.d,
                    (self.sweep.progress() * 100.0).round(),
                    self.rho[0],
                    at(0),
                    self.rho[last],
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
                        format!("{} risk {} after {s} samples (large-n limit {})", plot::curve_label(r.curve(), kind), f(risk), f(r.run.limit()))
                    })
                    .collect();
                format!("Test risk against samples for one-pass SGD, d = {}, N = {}: {}.", self.d, self.neurons, parts.join("; "))
            }
            _ => {
                let parts: Vec<String> = self
                    .runs
                    .iter()
                    .map(|r| {
                        let (s, o) = r.overlap.last().copied().unwrap_or((0, f64::NAN));
                        format!("{} weights {} after {s} samples", plot::curve_label(r.curve(), kind), f(o))
                    })
                    .collect();
                format!(
                    "Share of the top-{} energy of {} held by the span of the first-layer weights, against samples: {}; a random W holds {} on average.",
                    self.neurons,
                    target_name(kind),
                    parts.join("; "),
                    f(self.random_overlap())
                )
            }
        }
    }

    /// The Monte Carlo standard error of the Bayes line (mg), or NaN.
    #[wasm_bindgen(js_name = bayesStdError)]
    pub fn bayes_std_error(&self) -> f64 {
        self.theory.bayes_se.unwrap_or(f64::NAN)
    }

    /// `tau(B) = tr(B)^2 / (d ||B||_F^2)` of the drawn target (qf's one number).
    pub fn tau(&self) -> f64 {
        self.sweep.target().tau()
    }
}

impl Explorer {
    /// Panel 0, 1 or 2 from the current results, with a name per series.
    fn build(&self, panel: u32) -> Result<(Panel, Vec<String>), JsValue> {
        let kind = self.kind;
        match panel {
            0 => {
                let dots = self.sweep.results();
                let p = plot::width_panel(kind, self.d, &self.theory, &self.rho, &dots);
                // width_panel lists the theory lines, then the dots, in these orders.
                let mut names: Vec<String> = self.theory.curves.iter().map(|(c, _)| format!("{} theory", plot::curve_label(*c, kind))).collect();
                names.extend(dots.iter().map(|(c, _)| format!("{} exact (d = {})", plot::curve_label(*c, kind), self.d)));
                Ok((p, names))
            }
            1 => {
                let p = self.sgd_panel();
                let names = p.series.iter().map(|s| s.label.clone()).collect();
                Ok((p, names))
            }
            2 => {
                // Same x axis as the SGD panel beside it.
                let x_range = self.sgd_panel().x_range;
                let mut series: Vec<Series> = self
                    .runs
                    .iter()
                    .map(|r| {
                        let c = r.curve();
                        let label = match r.run.params().regime {
                            SgdRegime::Nn => "NN: W trained".to_string(),
                            SgdRegime::Nt => "NT: W frozen at random".to_string(),
                        };
                        let points = r.overlap.iter().filter(|p| p.0 > 0 && p.1.is_finite()).map(|p| (p.0 as f64, p.1)).collect();
                        Series { label, color: plot::curve_color(c), mark: Mark::Line, points, err: Vec::new() }
                    })
                    .collect();
                let ro = self.random_overlap();
                series.push(Series { label: "random W (expected)".into(), color: (90, 90, 90), mark: Mark::Dashed, points: vec![(x_range.0, ro), (x_range.1, ro)], err: Vec::new() });
                let names = series.iter().map(|s| s.label.clone()).collect();
                let p = Panel {
                    title: format!("What NN learns, d = {}, N = {}: span(W) vs top-N eigenspace", self.d, self.neurons),
                    x_label: "samples".into(),
                    y_label: format!("share of top-N energy of {}", target_name(kind)),
                    x_range,
                    y_range: (0.0, 1.05),
                    series,
                    // Keep the legend off the lines: NN climbs to 1 along the top, NT and
                    // the random line sit near N/d.
                    legend: if ro >= 0.4 { Legend::At(0.35, 0.68) } else { Legend::At(0.35, 0.3) },
                };
                Ok((p, names))
            }
            _ => Err(js_error(&format!("there is no panel {panel}: use 0, 1 or 2"), None)),
        }
    }

    fn sgd_panel(&self) -> Panel {
        let curves: Vec<SgdCurve> = self
            .runs
            .iter()
            .map(|r| SgdCurve { regime: r.run.params().regime, samples: r.run.record_samples(), risk: r.run.record_risks().to_vec(), limit: r.run.limit() })
            .collect();
        plot::sgd_panel(self.kind, self.d, self.neurons, &curves, self.max_samples)
    }

    /// Columns and rows of a panel's data (what [`Self::table`] and [`Self::csv`] give).
    fn rows(&self, panel: u32) -> Result<(Vec<&'static str>, Vec<Vec<serde_json::Value>>), JsValue> {
        let kind = self.kind;
        let mut rows = Vec::new();
        match panel {
            0 => {
                for (c, v) in &self.theory.curves {
                    for (r, y) in self.theory.rho.iter().zip(v) {
                        rows.push(vec![json!(format!("{} theory", plot::curve_label(*c, kind))), json!(r), num(*y), json!(null), json!(null)]);
                    }
                }
                for (c, stats) in self.sweep.results() {
                    for (r, s) in self.rho.iter().zip(&stats) {
                        let Stat { mean, std, count } = *s;
                        rows.push(vec![json!(format!("{} exact (d = {})", plot::curve_label(c, kind), self.d)), json!(r), num(mean), num(std), json!(count)]);
                    }
                }
                Ok((vec!["series", "N/d", "risk", "std", "draws"], rows))
            }
            1 => {
                for r in &self.runs {
                    let name = plot::curve_label(r.curve(), kind);
                    for (s, y) in r.run.record_samples().iter().zip(r.run.record_risks()) {
                        rows.push(vec![json!(format!("{name} SGD")), json!(s), num(*y)]);
                    }
                    rows.push(vec![json!(format!("{name} large-n limit")), json!(null), num(r.run.limit())]);
                }
                Ok((vec!["series", "samples", "risk"], rows))
            }
            2 => {
                for r in &self.runs {
                    let name = plot::curve_label(r.curve(), kind);
                    for (s, o) in &r.overlap {
                        rows.push(vec![json!(format!("{name} span(W)")), json!(s), num(*o)]);
                    }
                }
                rows.push(vec![json!("random W (expected)"), json!(null), num(self.random_overlap())]);
                Ok((vec!["series", "samples", "overlap"], rows))
            }
            _ => Err(js_error(&format!("there is no panel {panel}: use 0, 1 or 2"), None)),
        }
    }
}

fn target_name(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::Qf => "B",
        ModelKind::Mg => "Delta",
    }
}

fn finite_or_null(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn nulls(v: &[f64]) -> Vec<Option<f64>> {
    v.iter().map(|x| finite_or_null(*x)).collect()
}

fn num(v: f64) -> serde_json::Value {
    finite_or_null(v).map_or(serde_json::Value::Null, |x| json!(x))
}

fn clean_scale(scale: f64) -> f64 {
    if scale.is_finite() && scale > 0.0 { scale.clamp(0.25, 8.0) } else { 1.0 }
}

/// Font size in CSS pixels for a plot `css_width` wide: 14 px from 500 px wide down to
/// 11 px on narrow plots (phones, panels side by side), times the text scale.
fn font_px(css_width: f64, text_scale: f64) -> f64 {
    (css_width / 36.0).clamp(FONT_MIN_PX, FONT_MAX_PX) * text_scale
}

/// Backend pixel of a data point under a mapping (log-x, linear y): the inverse of
/// [`Mapping::to_data`], for the hover's distance in pixels.
fn to_pixel(m: &Mapping, p: (f64, f64)) -> (f64, f64) {
    let (l, t, r, b) = (m.px.0 as f64, m.px.1 as f64, m.px.2 as f64, m.px.3 as f64);
    let (x0, x1) = (m.x_range.0.ln(), m.x_range.1.ln());
    let fx = if x1 > x0 && p.0 > 0.0 { (p.0.ln() - x0) / (x1 - x0) } else { 0.0 };
    let fy = if m.y_range.1 > m.y_range.0 { (p.1 - m.y_range.0) / (m.y_range.1 - m.y_range.0) } else { 0.0 };
    (l + fx * (r - l), b - fy * (b - t))
}

fn draw(canvas: &HtmlCanvasElement, panel: &plot::Panel, scale: f64, text_scale: f64) -> Result<Mapping, JsValue> {
    if canvas.width() < 50 || canvas.height() < 50 {
        return Err(js_error("the plot area is too small to draw in", None));
    }
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or_else(|| js_error("this browser gives no 2D drawing context for the canvas", None))?;
    let area = backend.into_drawing_area();
    let style = Style { scale, font_px: font_px(canvas.width() as f64 / scale, text_scale) };
    let mapping = plot::draw_panel(&area, panel, &style).map_err(|e| js_error(&format!("drawing failed: {e}"), None))?;
    area.present().map_err(|e| js_error(&format!("drawing failed: {e}"), None))?;
    Ok(mapping)
}
