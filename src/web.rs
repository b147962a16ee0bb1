//! The page's handle on the explorer core (wasm only): delegation, no logic.
//!
//! [`Explorer`] wraps [`explorer::Explorer`] (pure Rust, tested natively): settings
//! come from a plain JS object of strings or numbers, are parsed by the settings
//! table's rules ([`crate::settings::PageConfig`]) under [`Limits::web`], and every
//! failure reaches JavaScript as an `Error` whose `message` is the core's text and
//! whose `field` names the setting at fault (`"d"`, `"rho"`, `"eta_nt"`, ...). Time
//! budgets are milliseconds of `performance.now`; drawing goes through the core's
//! [`explorer::Explorer::draw`] on a plotters-canvas backend. [`settings_table`] gives
//! the page the settings table. Numbers cross as `u32`/`f64` (a `u64` would be a BigInt).

use crate::explorer::{self, PageError};
use crate::settings::table;
use crate::params::Limits;
use crate::plot::either::Either;
use plotters::prelude::{IntoDrawingArea, SVGBackend};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// Install the panic hook (a panic is a bug; it then logs a readable message and
/// stack in the console instead of `unreachable`). Called by the constructor too.
#[wasm_bindgen(js_name = installPanicHook)]
pub fn install_panic_hook() {
    console_error_panic_hook::set_once();
}

/// The settings table (keys, labels, defaults per model, ranges under the page's
/// limits, help, regimes, colours, presets) as JSON, for `www/state.js`.
#[wasm_bindgen(js_name = settingsTable)]
pub fn settings_table() -> String {
    table::table_json(&Limits::web())
}

/// In an embed: the reveal.js API message for a key that belongs to the deck (`""`
/// when it has none), or `undefined` for a key the embed keeps
/// ([`explorer::embed::deck_message`]).
#[wasm_bindgen(js_name = deckMessage)]
pub fn deck_message(key: &str, shift: bool, ctrl_alt_meta: bool, on_control: bool) -> Option<String> {
    explorer::embed::deck_message(key, shift, ctrl_alt_meta, on_control)
}

/// Device pixels per CSS pixel for a plot's canvas ([`explorer::embed::backing_scale`]).
#[wasm_bindgen(js_name = backingScale)]
pub fn backing_scale(device_pixel_ratio: f64, transform_scale: f64, foreign_host: bool) -> f64 {
    explorer::embed::backing_scale(device_pixel_ratio, transform_scale, foreign_host)
}

/// Milliseconds from a monotonic clock (`performance.now`, else `Date.now`).
fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or_else(js_sys::Date::now)
}

/// A JS `Error` with the core's `message`, the `field` at fault (or null) and where the
/// page shows it ([`PageError::route`]): `slot`, `control`, `resets`, and `short`, the
/// message without its field prefix.
fn js(e: PageError) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    let route = e.route();
    let props = [
        ("field", e.field.map(JsValue::from_str).unwrap_or(JsValue::NULL)),
        ("short", JsValue::from_str(e.short())),
        ("slot", JsValue::from_str(route.slot)),
        ("control", route.control.map(JsValue::from_str).unwrap_or(JsValue::NULL)),
        ("resets", route.resets.iter().map(|k| JsValue::from_str(k)).collect::<js_sys::Array>().into()),
    ];
    for (k, v) in props {
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&err, &JsValue::from_str(k), &v);
    }
    err.into()
}

/// JSON text as a JS value (`undefined` for none).
fn parsed<T: serde::Serialize>(v: Option<T>) -> JsValue {
    v.and_then(|v| serde_json::to_string(&v).ok()).and_then(|s| js_sys::JSON::parse(&s).ok()).unwrap_or(JsValue::UNDEFINED)
}

/// A setting of a JS object as text (numbers and booleans written out).
fn field_of(obj: &JsValue, key: &str) -> Option<String> {
    let v = js_sys::Reflect::get(obj, &JsValue::from_str(key)).ok()?;
    if v.is_undefined() || v.is_null() {
        return None;
    }
    v.as_string().or_else(|| v.as_f64().map(|x| format!("{x}"))).or_else(|| v.as_bool().map(|b| b.to_string()))
}

/// A Web Worker's copy of the width sweep ([`explorer::units::UnitWorker`]): built
/// from the page's settings, computes sweep units by index for `www/pool.js`.
#[wasm_bindgen]
pub struct SweepWorker(explorer::units::UnitWorker);

#[wasm_bindgen]
impl SweepWorker {
    /// Build from the same settings object as [`Explorer::new`]; throws an `Error`
    /// with `.field` on bad input.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &JsValue) -> Result<SweepWorker, JsValue> {
        install_panic_hook();
        explorer::units::UnitWorker::from_settings(&settings_of(config, "worker")?, &Limits::web()).map(SweepWorker).map_err(js)
    }
    /// The value of sweep unit `unit`; throws an `Error` with `.field` on failure.
    #[wasm_bindgen(js_name = unitValue)]
    pub fn unit_value(&self, unit: u32) -> Result<f64, JsValue> {
        self.0.sweep_unit(unit as usize).map_err(js)
    }
    #[wasm_bindgen(js_name = unitsTotal)]
    pub fn units_total(&self) -> u32 {
        self.0.units_total() as u32
    }
}

/// A Web Worker's copy of the SGD runs ([`explorer::training::Trainer`]): built from
/// the page's settings, advanced while the page plays, its news taken by
/// [`Explorer::accept_training`].
#[wasm_bindgen]
pub struct SgdWorker(explorer::training::Trainer);

#[wasm_bindgen]
impl SgdWorker {
    /// Build from the same settings object as [`Explorer::new`]; throws an `Error`
    /// with `.field` on bad input.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &JsValue) -> Result<SgdWorker, JsValue> {
        install_panic_hook();
        explorer::training::Trainer::from_settings(&settings_of(config, "worker")?, &Limits::web()).map(SgdWorker).map_err(js)
    }
    /// One slice of Play `dt_ms` after the last, for about `budget_ms`, at the pace;
    /// returns the slower run's progress (a divergence travels in the news).
    #[wasm_bindgen(js_name = advancePaced)]
    pub fn advance_paced(&mut self, budget_ms: f64, dt_ms: f64) -> f64 {
        self.0.advance_paced(budget_ms, dt_ms, &now_ms)
    }
    /// One press of Step.
    #[wasm_bindgen(js_name = advanceStride)]
    pub fn advance_stride(&mut self) -> f64 {
        self.0.advance_stride()
    }
    #[wasm_bindgen(js_name = setPace)]
    pub fn set_pace(&mut self, pace: &str) -> Result<(), JsValue> {
        self.0.set_pace(pace).map_err(js)
    }
    /// Whether Play is paced (not full speed).
    pub fn paced(&self) -> bool {
        self.0.pace_rate().is_some()
    }
    pub fn done(&self) -> bool {
        self.0.done()
    }
    /// The runs' progress since the last call (a `Float64Array` for
    /// `Explorer.acceptTraining`), or `undefined` when nothing changed.
    pub fn news(&mut self) -> Option<Vec<f64>> {
        self.0.news()
    }
}

/// `make bench`'s dense solve in the browser ([`crate::linalg::dense::time_solve`]):
/// JSON `{gram_ms, gram_gflops, chol_ms, chol_gflops, quad_form}`; `backend` is
/// `"blocked"` or `"nalgebra"`. Only in the bench's builds (feature `bench-hooks`).
#[cfg(feature = "bench-hooks")]
#[wasm_bindgen(js_name = timeDenseSolve)]
pub fn time_dense_solve(n: u32, d: u32, backend: &str) -> Result<String, JsValue> {
    if !(2..=6000).contains(&n) || !(1..=2000).contains(&d) {
        return Err(js(PageError::new("n: the timed solve takes 2 <= n <= 6000 and 1 <= d <= 2000", Some("n"))));
    }
    let t = crate::linalg::dense::time_solve(n as usize, d as usize, 1, backend == "blocked", &now_ms);
    serde_json::to_string(&t).map_err(|e| js(PageError::new(e.to_string(), None)))
}

/// The sweep's units for a pool of workers (see [`explorer::units`]).
#[wasm_bindgen]
impl Explorer {
    /// Up to `k` sweep units not handed out yet.
    #[wasm_bindgen(js_name = takeSweepUnits)]
    pub fn take_sweep_units(&mut self, k: u32) -> Vec<u32> {
        self.0.take_sweep_units(k as usize).into_iter().map(|i| i as u32).collect()
    }
    /// The next sweep unit for a worker with `in_flight` units out, or `undefined`.
    #[wasm_bindgen(js_name = takeSweepUnitFor)]
    pub fn take_sweep_unit_for(&mut self, in_flight: u32) -> Option<u32> {
        self.0.take_sweep_unit_for(in_flight as usize).map(|i| i as u32)
    }
    /// Record a worker's value of sweep unit `unit`; returns the sweep's progress.
    #[wasm_bindgen(js_name = putSweepUnit)]
    pub fn put_sweep_unit(&mut self, unit: u32, value: f64) -> Result<f64, JsValue> {
        self.0.put_sweep_unit(unit as usize, value).map_err(js)
    }
    /// The sweep's estimated work (flops, roughly).
    #[wasm_bindgen(js_name = sweepCost)]
    pub fn sweep_cost(&self) -> f64 {
        self.0.sweep_cost()
    }
    /// The relative cost of sweep unit `unit`.
    #[wasm_bindgen(js_name = sweepUnitCost)]
    pub fn sweep_unit_cost(&self, unit: u32) -> f64 {
        self.0.sweep_unit_cost(unit as usize)
    }
}

/// The settings of a JS object by key, or an error naming `config` if it is not one
/// (`what` builds from it: "explorer", "worker").
fn settings_of<'a>(config: &'a JsValue, what: &str) -> Result<impl Fn(&str) -> Option<String> + 'a, JsValue> {
    if !config.is_object() {
        return Err(js(PageError::new(format!("config: the {what} needs an object of settings"), Some("config"))));
    }
    Ok(move |k: &str| field_of(config, k))
}

/// Everything one view of the explorer shows (see [`explorer::Explorer`]).
#[wasm_bindgen]
pub struct Explorer(explorer::Explorer);

#[wasm_bindgen]
impl Explorer {
    /// Build from the page's settings: the keys of the settings table, all optional,
    /// strings or numbers. Throws an `Error` with `.field` on bad input.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &JsValue) -> Result<Explorer, JsValue> {
        install_panic_hook();
        explorer::Explorer::from_settings(&settings_of(config, "explorer")?, &Limits::web()).map(Explorer).map_err(js)
    }

    /// Build from a link's settings: refused values take their defaults, with notes
    /// ([`Self::link_notes`]); throws only if the defaults fail.
    #[wasm_bindgen(js_name = fromLink)]
    pub fn from_link(config: &JsValue) -> Result<Explorer, JsValue> {
        install_panic_hook();
        explorer::Explorer::from_link(&|k| field_of(config, k), &Limits::web()).map(Explorer).map_err(js)
    }
    /// What the link asked for that could not be used (sentences).
    #[wasm_bindgen(js_name = linkNotes)]
    pub fn link_notes(&self) -> Vec<String> {
        self.0.link_notes().to_vec()
    }
    /// The settings this view was built from, `{key: text}` for every control.
    pub fn settings(&self) -> JsValue {
        parsed(Some(self.0.settings().into_iter().collect::<std::collections::BTreeMap<_, _>>()))
    }
    /// A download's file name without extension (`panel` undefined: the whole view).
    #[wasm_bindgen(js_name = fileStem)]
    pub fn file_stem(&self, panel: Option<u32>) -> String {
        self.0.file_stem(panel)
    }
    /// "Download data (JSON)": format, link, settings and data.
    #[wasm_bindgen(js_name = exportDocument)]
    pub fn export_document(&self, link: &str) -> Result<String, JsValue> {
        self.0.export_document(link).map_err(js)
    }
    /// The status line.
    pub fn describe(&self) -> String {
        self.0.describe()
    }
    /// Take the news of the SGD runs computed in a worker ([`SgdWorker::news`]); a
    /// divergence they bring throws once, naming its step size. Returns progress.
    #[wasm_bindgen(js_name = acceptTraining)]
    pub fn accept_training(&mut self, news: &[f64]) -> Result<f64, JsValue> {
        self.0.accept_training(news).map_err(js)
    }
    /// One press of Step.
    #[wasm_bindgen(js_name = advanceSgdStride)]
    pub fn advance_sgd_stride(&mut self) -> Result<f64, JsValue> {
        self.0.advance_sgd_stride().map_err(js)
    }

    #[wasm_bindgen(js_name = setTextScale)]
    pub fn set_text_scale(&mut self, k: f64) {
        self.0.set_text_scale(k)
    }
    /// Advance the width sweep for about `budget_ms` milliseconds (at least one unit).
    #[wasm_bindgen(js_name = advanceSweep)]
    pub fn advance_sweep(&mut self, budget_ms: f64) -> Result<f64, JsValue> {
        self.0.advance_sweep_for(budget_ms, &now_ms).map_err(js)
    }
    #[wasm_bindgen(js_name = advanceSweepUnits)]
    pub fn advance_sweep_units(&mut self, units: u32) -> Result<f64, JsValue> {
        self.0.advance_sweep_units(units as usize).map_err(js)
    }
    /// Advance both SGD runs, in turns, for about `budget_ms` milliseconds.
    #[wasm_bindgen(js_name = advanceSgd)]
    pub fn advance_sgd(&mut self, budget_ms: f64) -> Result<f64, JsValue> {
        self.0.advance_sgd_for(budget_ms, &now_ms).map_err(js)
    }
    /// One frame of Play `dt_ms` after the last, at the explorer's pace (the `pace`
    /// setting), within about `budget_ms` milliseconds.
    #[wasm_bindgen(js_name = advanceSgdPaced)]
    pub fn advance_sgd_paced(&mut self, budget_ms: f64, dt_ms: f64) -> Result<f64, JsValue> {
        self.0.advance_sgd_paced(budget_ms, dt_ms, &now_ms).map_err(js)
    }
    /// Change the pace (a value of the settings table's `pace` row); the runs go on.
    #[wasm_bindgen(js_name = setPace)]
    pub fn set_pace(&mut self, pace: &str) -> Result<(), JsValue> {
        self.0.set_pace(pace).map_err(js)
    }
    #[wasm_bindgen(js_name = advanceSgdSteps)]
    pub fn advance_sgd_steps(&mut self, steps: u32) -> Result<f64, JsValue> {
        self.0.advance_sgd_steps(steps as u64).map_err(js)
    }
    #[wasm_bindgen(js_name = sweepProgress)]
    pub fn sweep_progress(&self) -> f64 {
        self.0.sweep().progress()
    }
    #[wasm_bindgen(js_name = sweepDone)]
    pub fn sweep_done(&self) -> bool {
        self.0.sweep().done()
    }
    #[wasm_bindgen(js_name = sweepUnits)]
    pub fn sweep_units(&self) -> u32 {
        self.0.sweep().units_done() as u32
    }
    #[wasm_bindgen(js_name = sweepUnitsTotal)]
    pub fn sweep_units_total(&self) -> u32 {
        self.0.sweep().units_total() as u32
    }
    #[wasm_bindgen(js_name = sgdProgress)]
    pub fn sgd_progress(&self) -> f64 {
        self.0.sgd_progress()
    }
    #[wasm_bindgen(js_name = sgdDone)]
    pub fn sgd_done(&self) -> bool {
        self.0.sgd_done()
    }
    #[wasm_bindgen(js_name = sgdSamples)]
    pub fn sgd_samples_seen(&self) -> f64 {
        self.0.sgd_samples_seen()
    }
    #[wasm_bindgen(js_name = theoryRho)]
    pub fn theory_rho(&self) -> Vec<f64> {
        self.0.theory().rho.clone()
    }
    /// One theory line on [`Self::theory_rho`] (`curve` as in `regimes`).
    #[wasm_bindgen(js_name = theoryValues)]
    pub fn theory_values(&self, curve: &str) -> Result<Vec<f64>, JsValue> {
        self.0.theory_values(curve).map_err(js)
    }
    #[wasm_bindgen(js_name = sweepRho)]
    pub fn sweep_rho(&self) -> Vec<f64> {
        self.0.config().rho.clone()
    }
    /// Mean risk of one curve's dots so far, per N/d (NaN where none yet).
    #[wasm_bindgen(js_name = sweepMeans)]
    pub fn sweep_means(&self, curve: &str) -> Result<Vec<f64>, JsValue> {
        self.0.sweep_means(curve).map_err(js)
    }
    #[wasm_bindgen(js_name = sgdRisks)]
    pub fn sgd_risks(&self, regime: &str) -> Result<Vec<f64>, JsValue> {
        Ok(self.0.run(regime).map_err(js)?.run.record_risks().to_vec())
    }
    #[wasm_bindgen(js_name = sgdRecordSamples)]
    pub fn sgd_record_samples(&self, regime: &str) -> Result<Vec<f64>, JsValue> {
        Ok(self.0.run(regime).map_err(js)?.run.record_samples().iter().map(|s| *s as f64).collect())
    }
    #[wasm_bindgen(js_name = sgdLimit)]
    pub fn sgd_limit(&self, regime: &str) -> Result<f64, JsValue> {
        Ok(self.0.run(regime).map_err(js)?.run.limit())
    }
    /// Overlap of the run's span(W) with the top-N eigenspace at each record.
    #[wasm_bindgen(js_name = sgdOverlaps)]
    pub fn sgd_overlaps(&self, regime: &str) -> Result<Vec<f64>, JsValue> {
        Ok(self.0.run(regime).map_err(js)?.overlap.iter().map(|p| p.1).collect())
    }
    #[wasm_bindgen(js_name = randomOverlap)]
    pub fn random_overlap(&self) -> f64 {
        self.0.random_overlap()
    }
    #[wasm_bindgen(js_name = drawWidth)]
    pub fn draw_width(&mut self, canvas: &HtmlCanvasElement, scale: f64) -> Result<(), JsValue> {
        self.draw_panel(0, canvas, scale)
    }
    #[wasm_bindgen(js_name = drawSgd)]
    pub fn draw_sgd(&mut self, canvas: &HtmlCanvasElement, scale: f64) -> Result<(), JsValue> {
        self.draw_panel(1, canvas, scale)
    }
    #[wasm_bindgen(js_name = drawOverlap)]
    pub fn draw_overlap(&mut self, canvas: &HtmlCanvasElement, scale: f64) -> Result<(), JsValue> {
        self.draw_panel(2, canvas, scale)
    }
    /// Draw panel 0, 1 or 2 on `canvas`, whose backing size the page sets to CSS size
    /// x `scale` (the device pixel ratio).
    #[wasm_bindgen(js_name = drawPanel)]
    pub fn draw_panel(&mut self, panel: u32, canvas: &HtmlCanvasElement, scale: f64) -> Result<(), JsValue> {
        if canvas.width() < 50 || canvas.height() < 50 {
            return Err(js(PageError::new("the plot area is too small to draw in", None)));
        }
        let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or_else(|| js(PageError::new("this browser gives no 2D drawing context for the canvas", None)))?;
        // One backend type for the canvas and the SVG export (plotters' code once).
        self.0.draw(panel, &Either::<CanvasBackend, SVGBackend>::Left(backend).into_drawing_area(), scale).map(|_| ()).map_err(js)
    }
    /// The panel as an SVG document of `width` x `height` CSS pixels.
    pub fn svg(&self, panel: u32, width: u32, height: u32) -> Result<String, JsValue> {
        self.0.svg_beside::<CanvasBackend>(panel, width, height).map_err(js)
    }
    /// Data coordinates `[x, y]` under a canvas pixel (backing pixels) of a drawn
    /// panel, or `undefined` outside the plot.
    #[wasm_bindgen(js_name = toData)]
    pub fn to_data(&self, panel: u32, x: f64, y: f64) -> Option<Vec<f64>> {
        self.0.to_data(panel, x, y).map(|(a, b)| vec![a, b])
    }
    /// The nearest point `{series, x, y, err, xLabel, yLabel}` or `undefined`.
    pub fn nearest(&self, panel: u32, x: f64, y: f64) -> JsValue {
        parsed(self.0.nearest(panel, x, y))
    }
    /// The last drawn mapping `{left, top, right, bottom, xMin, xMax, yMin, yMax}`.
    pub fn mapping(&self, panel: u32) -> JsValue {
        parsed(self.0.mapping(panel).map(explorer::hit::MappingJs::from))
    }
    pub fn table(&self, panel: u32) -> Result<String, JsValue> {
        self.0.table(panel).map_err(js)
    }
    pub fn csv(&self, panel: u32) -> Result<String, JsValue> {
        self.0.csv(panel).map_err(js)
    }
    #[wasm_bindgen(js_name = exportJson)]
    pub fn export_json(&self) -> Result<String, JsValue> {
        self.0.export_json().map_err(js)
    }
    pub fn summary(&self, panel: u32) -> String {
        self.0.summary(panel)
    }
    #[wasm_bindgen(js_name = bayesStdError)]
    pub fn bayes_std_error(&self) -> f64 {
        self.0.theory().bayes_se.unwrap_or(f64::NAN)
    }
    pub fn tau(&self) -> f64 {
        self.0.tau()
    }
}
