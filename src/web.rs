//! The page's handle on the core (wasm only): a thin skin, no maths.
//!
//! [`Explorer`] is built from the page's controls (a plain JS object of strings or
//! numbers, see [`Explorer::new`]), checked once with the core's validators and
//! [`Limits::web`]. Building it computes the theory lines at once; the width sweep and
//! the two SGD runs (NT and NN, same N) then advance in slices the page asks for,
//! either by a time budget in milliseconds (measured with `performance.now`) or by a
//! unit count. Drawing goes through [`plot::draw_panel`], the same function the
//! command line uses for SVG, on a plotters-canvas backend.
//!
//! Every failure reaches JavaScript as an `Error` whose `message` is the core's
//! human-readable text and whose `field` names the control at fault (`"d"`, `"rho"`,
//! `"eta_nt"`, ...), so the page can show it next to that control. Numbers cross the
//! boundary as `u32`/`f64` (a `u64` would become a BigInt).

use crate::error::Error;
use crate::experiment::{log_grid, Sweep, Theory, BAYES_SAMPLES};
use crate::model::ModelKind;
use crate::params::{Curve, Limits, SgdRegime, SweepParams};
use crate::plot::{self, Mapping, SgdCurve, Style};
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
    maps: [Option<Mapping>; 2],
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
        let sweep_params = SweepParams { model: cfg.model(), activation: cfg.activation, curves: cfg.curves.clone(), rho: cfg.rho.clone(), draws: cfg.draws };
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
            runs.push(Run { run, field, reported: false });
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
            maps: [None, None],
        })
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
            if let Err(e) = r.run.advance(steps) {
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
        Ok(self.run(regime)?.record_risks().to_vec())
    }
    /// Samples seen at the records of the `nt` or `nn` SGD run.
    #[wasm_bindgen(js_name = sgdRecordSamples)]
    pub fn sgd_record_samples(&self, regime: &str) -> Result<Vec<f64>, JsValue> {
        Ok(self.run(regime)?.record_samples().iter().map(|s| *s as f64).collect())
    }
    /// The large-n limit of the `nt` or `nn` SGD run.
    #[wasm_bindgen(js_name = sgdLimit)]
    pub fn sgd_limit(&self, regime: &str) -> Result<f64, JsValue> {
        Ok(self.run(regime)?.limit())
    }

    fn run(&self, regime: &str) -> Result<&SgdRun, JsValue> {
        let r: SgdRegime = regime.parse().map_err(|e: Error| to_js(&e, None))?;
        self.runs
            .iter()
            .map(|r| &r.run)
            .find(|x| x.params().regime == r)
            .ok_or_else(|| js_error(&format!("regimes: the {regime} SGD run is not shown"), Some("regimes")))
    }

    /// Draw the left panel (risk against N/d) on `canvas`, whose backing size the page
    /// sets to CSS size x `scale` (the device pixel ratio).
    #[wasm_bindgen(js_name = drawWidth)]
    pub fn draw_width(&mut self, canvas: &HtmlCanvasElement, scale: f64) -> Result<(), JsValue> {
        let dots = self.sweep.results();
        let panel = plot::width_panel(self.kind, self.d, &self.theory, &self.rho, &dots);
        self.maps[0] = Some(draw(canvas, &panel, scale)?);
        Ok(())
    }

    /// Draw the right panel (SGD risk against samples) on `canvas`.
    #[wasm_bindgen(js_name = drawSgd)]
    pub fn draw_sgd(&mut self, canvas: &HtmlCanvasElement, scale: f64) -> Result<(), JsValue> {
        let curves: Vec<SgdCurve> = self
            .runs
            .iter()
            .map(|r| SgdCurve { regime: r.run.params().regime, samples: r.run.record_samples(), risk: r.run.record_risks().to_vec(), limit: r.run.limit() })
            .collect();
        let panel = plot::sgd_panel(self.kind, self.d, self.neurons, &curves, self.max_samples);
        self.maps[1] = Some(draw(canvas, &panel, scale)?);
        Ok(())
    }

    /// Data coordinates `[x, risk]` under a canvas pixel (backing pixels, i.e. CSS
    /// pixels x scale) of panel 0 (width) or 1 (SGD), or `undefined` outside the plot.
    #[wasm_bindgen(js_name = toData)]
    pub fn to_data(&self, panel: u32, x: f64, y: f64) -> Option<Vec<f64>> {
        let m = self.maps.get(panel as usize)?.as_ref()?;
        m.to_data(x, y).map(|(a, b)| vec![a, b])
    }

    /// The last drawn mapping of panel 0 or 1 as `{left, top, right, bottom, xMin,
    /// xMax, yMin, yMax}` (backing pixels; x is log-scaled), or `undefined`.
    pub fn mapping(&self, panel: u32) -> JsValue {
        let Some(Some(m)) = self.maps.get(panel as usize) else { return JsValue::UNDEFINED };
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

fn draw(canvas: &HtmlCanvasElement, panel: &plot::Panel, scale: f64) -> Result<Mapping, JsValue> {
    if canvas.width() < 50 || canvas.height() < 50 {
        return Err(js_error("the plot area is too small to draw in", None));
    }
    let scale = if scale.is_finite() && scale > 0.0 { scale.clamp(0.25, 8.0) } else { 1.0 };
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or_else(|| js_error("this browser gives no 2D drawing context for the canvas", None))?;
    let area = backend.into_drawing_area();
    // Text a little smaller on narrow plots (phones, side-by-side panels), so titles
    // and legends keep their room: 14 px from 500 CSS px wide, down to 11 px.
    let css_width = canvas.width() as f64 / scale;
    let font_px = (css_width / 36.0).clamp(FONT_MIN_PX, FONT_MAX_PX);
    let mapping = plot::draw_panel(&area, panel, &Style { scale, font_px }).map_err(|e| js_error(&format!("drawing failed: {e}"), None))?;
    area.present().map_err(|e| js_error(&format!("drawing failed: {e}"), None))?;
    Ok(mapping)
}
