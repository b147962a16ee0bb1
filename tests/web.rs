//! Browser tests of the wasm layer (src/web.rs), run in headless Chromium by
//! `scripts/test-browser.sh` (wasm-pack test --headless --chrome). They check what a
//! person would see: errors that name the control, a sweep that finishes, SGD that
//! learns, pixels on a canvas, and theory values equal to the native core's and to
//! the closed forms of docs/maths.md section 5.
#![cfg(target_arch = "wasm32")]

use lazy_training::activation::Activation;
use lazy_training::experiment::Theory;
use lazy_training::model::{ModelKind, Spectrum, Target};
use lazy_training::params::Curve;
use lazy_training::theory;
use lazy_training::web::Explorer;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

mod bad_settings;
mod kernels;
use bad_settings::{ACCEPTED, BAD_SETTINGS};
use lazy_training::explorer::page::route;

wasm_bindgen_test_configure!(run_in_browser);

/// A settings object like the page's: every value a string, as read from an input.
fn config(pairs: &[(&str, &str)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        js_sys::Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v)).unwrap();
    }
    o.into()
}

/// (field, message, slot, short message) of the error a bad configuration raises.
fn error_of(pairs: &[(&str, &str)]) -> (String, String, String, String) {
    let e = match Explorer::new(&config(pairs)) {
        Ok(_) => panic!("{pairs:?} should be rejected"),
        Err(e) => e,
    };
    let err: js_sys::Error = e.dyn_into().expect("a JS Error");
    let prop = |k: &str| js_sys::Reflect::get(&err, &JsValue::from_str(k)).unwrap().as_string().unwrap_or_default();
    (prop("field"), String::from(err.message()), prop("slot"), prop("short"))
}

#[wasm_bindgen_test]
fn bad_settings_are_errors_naming_their_control() {
    for (pairs, field, text) in BAD_SETTINGS {
        let (f, m, slot, short) = error_of(pairs);
        assert_eq!(&f, field, "field of the error for {pairs:?} ({m})");
        assert!(m.contains(text), "message for {pairs:?} should mention {text:?}: {m}");
        // Where the page shows it: the route of the field, and the message without its prefix.
        assert_eq!(slot, route(Some(field)).slot, "{pairs:?}");
        assert!(m.ends_with(&short) && !short.starts_with(&format!("{field}:")), "{m} / {short}");
    }
    for pairs in ACCEPTED {
        assert!(Explorer::new(&config(pairs)).is_ok(), "{pairs:?} should be accepted");
    }
    // Not an object at all.
    assert!(Explorer::new(&JsValue::from_f64(3.0)).is_err());
    // The module survives every error above: a valid handle still builds, computes and draws.
    let mut ex = Explorer::new(&config(&[("d", "12"), ("rho_points", "3"), ("draws", "1")])).unwrap();
    while !ex.sweep_done() {
        ex.advance_sweep_units(10).unwrap();
    }
    assert!(ex.sweep_means("nt").unwrap().iter().all(|v| v.is_finite()));
    ex.draw_width(&canvas(320, 240), 1.0).unwrap();
}

#[wasm_bindgen_test]
fn sweep_advances_to_completion() {
    let mut ex = Explorer::new(&config(&[("d", "20"), ("rho_points", "6"), ("draws", "3")])).unwrap();
    assert!(!ex.sweep_done());
    assert_eq!(ex.sweep_progress(), 0.0);
    let total = ex.sweep_units_total();
    let mut last = 0.0;
    let mut calls = 0;
    while !ex.sweep_done() {
        let p = ex.advance_sweep_units(3).unwrap();
        assert!(p >= last && p <= 1.0, "progress must grow within [0, 1]: {last} -> {p}");
        last = p;
        calls += 1;
        assert!(calls <= total, "the sweep did not finish in {total} units");
    }
    assert_eq!(ex.sweep_progress(), 1.0);
    for curve in ["rf_iso", "rf_opt", "nt", "nn"] {
        let m = ex.sweep_means(curve).unwrap();
        assert_eq!(m.len(), 6);
        assert!(m.iter().all(|v| v.is_finite() && *v > -1e-9 && *v < 1.5), "{curve}: {m:?}");
    }
    // The time-budget entry point finishes a sweep too.
    let mut ex2 = Explorer::new(&config(&[("d", "20"), ("rho_points", "6"), ("draws", "3")])).unwrap();
    while !ex2.sweep_done() {
        ex2.advance_sweep(5.0).unwrap();
    }
    assert_eq!(ex2.sweep_means("nt").unwrap(), ex.sweep_means("nt").unwrap(), "the same seed gives the same dots however the work is sliced");
}

#[wasm_bindgen_test]
fn sgd_risk_decreases() {
    let mut ex = Explorer::new(&config(&[("d", "20"), ("neurons", "10"), ("steps", "4000"), ("record_every", "100")])).unwrap();
    assert_eq!(ex.sgd_progress(), 0.0);
    while !ex.sgd_done() {
        ex.advance_sgd_steps(500).unwrap();
    }
    assert_eq!(ex.sgd_progress(), 1.0);
    for regime in ["nt", "nn"] {
        let r = ex.sgd_risks(regime).unwrap();
        let s = ex.sgd_record_samples(regime).unwrap();
        assert_eq!(r.len(), 41, "{regime}: one record at 0 and every 100 steps");
        assert_eq!(s[1], 100.0 * 100.0, "samples = steps x batch");
        let first = r[1];
        let end = r[r.len() - 1];
        assert!(end < 0.8 * first, "{regime}: risk should fall, {first} -> {end}");
        assert!(end >= ex.sgd_limit(regime).unwrap() - 1e-9, "{regime}: SGD cannot beat its large-n limit");
    }
    // A step size that blows up is reported once, with the field of its control.
    let mut bad = Explorer::new(&config(&[("d", "20"), ("eta_nn", "50"), ("steps", "2000"), ("record_every", "10")])).unwrap();
    let mut err = None;
    for _ in 0..200 {
        if let Err(e) = bad.advance_sgd_steps(10) {
            err = Some(e);
            break;
        }
    }
    let e: js_sys::Error = err.expect("eta = 50 should diverge").dyn_into().unwrap();
    assert_eq!(js_sys::Reflect::get(&e, &JsValue::from_str("field")).unwrap().as_string().as_deref(), Some("eta_nn"));
    assert!(String::from(e.message()).contains("diverged"));
    // The other run goes on, without repeating the error.
    assert!(bad.advance_sgd_steps(10).is_ok());
}

fn canvas(w: u32, h: u32) -> HtmlCanvasElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let c: HtmlCanvasElement = doc.create_element("canvas").unwrap().dyn_into().unwrap();
    c.set_width(w);
    c.set_height(h);
    doc.body().unwrap().append_child(&c).unwrap();
    c
}

/// Pixels that are not (nearly) white, and how many are the NT colour (213, 94, 0).
fn ink(c: &HtmlCanvasElement) -> (usize, usize) {
    let ctx: CanvasRenderingContext2d = c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let data = ctx.get_image_data(0.0, 0.0, c.width() as f64, c.height() as f64).unwrap().data();
    let mut inked = 0;
    let mut orange = 0;
    for px in data.chunks_exact(4) {
        if px[0] < 245 || px[1] < 245 || px[2] < 245 {
            inked += 1;
        }
        if (px[0] as i32 - 213).abs() < 30 && (px[1] as i32 - 94).abs() < 30 && (px[2] as i32) < 40 {
            orange += 1;
        }
    }
    (inked, orange)
}

#[wasm_bindgen_test]
fn panels_draw_pixels_on_a_canvas() {
    let mut ex = Explorer::new(&config(&[("d", "20"), ("rho_points", "6"), ("draws", "2"), ("steps", "2000"), ("record_every", "100")])).unwrap();
    while !ex.sweep_done() {
        ex.advance_sweep_units(50).unwrap();
    }
    ex.advance_sgd_steps(1000).unwrap();
    for (scale, w, h) in [(1.0, 480u32, 360u32), (2.0, 960, 720)] {
        let left = canvas(w, h);
        let right = canvas(w, h);
        ex.draw_width(&left, scale).unwrap();
        ex.draw_sgd(&right, scale).unwrap();
        let (l, lo) = ink(&left);
        let (r, ro) = ink(&right);
        let area = (w * h) as usize;
        assert!(l > area / 30 && l < area / 2, "left panel at scale {scale}: {l} inked of {area}");
        assert!(r > area / 60 && r < area / 2, "right panel at scale {scale}: {r} inked of {area}");
        assert!(lo > 50 && ro > 50, "the NT curves should be drawn in their colour ({lo}, {ro})");
        // The hover mapping turns the plot's centre into data inside the ranges.
        let m = ex.mapping(0);
        let get = |k: &str| js_sys::Reflect::get(&m, &JsValue::from_str(k)).unwrap().as_f64().unwrap();
        let (cx, cy) = ((get("left") + get("right")) / 2.0, (get("top") + get("bottom")) / 2.0);
        let p = ex.to_data(0, cx, cy).expect("the centre is inside the plot");
        assert!(p[0] > get("xMin") && p[0] < get("xMax") && p[1] > get("yMin") && p[1] < get("yMax"));
        assert!(ex.to_data(0, -5.0, -5.0).is_none());
    }
    // A canvas too small to hold a plot is an error, not a panic.
    assert!(ex.draw_width(&canvas(10, 10), 1.0).is_err());
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

#[wasm_bindgen_test]
fn theory_equals_the_core_and_the_closed_forms() {
    // qf, quadratic activation: the page's lines against the core's theory functions
    // (computed here) and docs/maths.md section 5: RF iso = 1 - rho/(1+rho) tau, NT = Theorem 2.
    let ex = Explorer::new(&config(&[("d", "30"), ("seed", "7")])).unwrap();
    let target = Target::new(ModelKind::Qf, 30, &Spectrum::Exp, false, 7).unwrap();
    let tau = target.tau();
    assert!(close(ex.tau(), tau, 1e-12));
    let rho = ex.theory_rho();
    assert!(rho.len() > 50 && rho[0] < 0.1 && *rho.last().unwrap() > 3.0);
    let reference = Theory::compute(&target, Activation::Quadratic, Curve::theory_set(ModelKind::Qf), &rho, 1000, 7);
    let rf = ex.theory_values("rf_iso").unwrap();
    let nt = ex.theory_values("nt").unwrap();
    for (i, r) in rho.iter().enumerate() {
        assert!(close(rf[i], 1.0 - r / (1.0 + r) * tau, 1e-9), "RF iso at rho = {r}: {} vs closed form", rf[i]);
        assert!(close(rf[i], theory::qf_rf_iso(&target, Activation::Quadratic, *r), 1e-12));
        let m = (1.0 - r).max(0.0);
        assert!(close(nt[i], m * m * (1.0 - tau) + m * tau, 1e-12), "NT at rho = {r}");
    }
    for (curve, values) in &reference.curves {
        let page = ex.theory_values(curve.name(ModelKind::Qf)).unwrap();
        for (a, b) in page.iter().zip(values) {
            assert!(close(*a, *b, 1e-12), "{curve:?}: page {a} vs core {b}");
        }
    }
    // NN (Theorem 3) at a width N < d: 1 - sum of the N largest lambda_i^2 / ||B||^2.
    let nn = ex.theory_values("nn").unwrap();
    let i = rho.iter().position(|r| *r > 0.5).unwrap();
    let n = theory::neurons(rho[i], 30);
    let mut eig = target.diag.clone();
    eig.sort_by(|a, b| b.total_cmp(a));
    let top: f64 = eig.iter().take(n).map(|l| l * l).sum();
    assert!(close(nn[i], 1.0 - top / target.frob2(), 1e-12));

    // mg: Theorem 4's form (not eq. 17's misprint): 1 / (1 + rho/(1+rho) tr(Delta)^2/(2d)).
    let ex = Explorer::new(&config(&[("model", "mg"), ("d", "40"), ("seed", "3")])).unwrap();
    let target = Target::new(ModelKind::Mg, 40, &Spectrum::Paper, false, 3).unwrap();
    let t2 = target.trace().powi(2) / (2.0 * 40.0);
    let rho = ex.theory_rho();
    let rf = ex.theory_values("rf").unwrap();
    for (i, r) in rho.iter().enumerate() {
        let thm4 = 1.0 / (1.0 + r / (1.0 + r) * t2);
        assert!(close(rf[i], thm4, 1e-9), "mg RF at rho = {r}: {} vs Theorem 4 {thm4}", rf[i]);
        let eq17 = 1.0 / (1.0 + r / (1.0 + 2.0 * r) * t2);
        assert!(*r < 0.2 || (rf[i] - eq17).abs() > 1e-3, "the page must not show eq. (17)'s misprint");
    }
    // The Bayes line is flat, below every other line, with a small Monte Carlo error.
    let bayes = ex.theory_values("bayes").unwrap();
    assert!(bayes.iter().all(|b| (b - bayes[0]).abs() < 1e-15));
    assert!(bayes[0] > 0.0 && bayes[0] < ex.theory_values("nn").unwrap().iter().cloned().fold(1.0, f64::min));
    assert!(ex.bayes_std_error() < 0.003);
}

/// The third panel, exports and read-outs of the wasm layer: one overlap per SGD
/// record (the core's `top_eigenspace_overlap` of the run's weights at that record,
/// however the steps are sliced), an SVG through the same drawing code, CSV rows that
/// match the getters, and a hover that finds a dot.
#[wasm_bindgen_test]
fn overlap_panel_exports_and_nearest_point() {
    let pairs = [("d", "20"), ("neurons", "5"), ("spectrum", "spiked:5"), ("rho_points", "4"), ("draws", "2"), ("steps", "3000"), ("record_every", "100")];
    let mut ex = Explorer::new(&config(&pairs)).unwrap();
    let mut sliced = Explorer::new(&config(&pairs)).unwrap();
    while !ex.sweep_done() {
        ex.advance_sweep_units(50).unwrap();
    }
    while !ex.sgd_done() {
        ex.advance_sgd_steps(1000).unwrap();
    }
    while !sliced.sgd_done() {
        sliced.advance_sgd_steps(37).unwrap();
    }
    for regime in ["nt", "nn"] {
        let o = ex.sgd_overlaps(regime).unwrap();
        assert_eq!(o.len(), ex.sgd_risks(regime).unwrap().len(), "{regime}: one overlap per record");
        assert_eq!(o, sliced.sgd_overlaps(regime).unwrap(), "{regime}: overlaps do not depend on how the steps are sliced");
        assert!(o.iter().all(|v| (0.0..=1.0).contains(v)));
    }
    let nn = ex.sgd_overlaps("nn").unwrap();
    let nt = ex.sgd_overlaps("nt").unwrap();
    assert!(nn[nn.len() - 1] > 0.9 && nn[nn.len() - 1] > nn[0] + 0.3, "NN turns towards the spikes: {} -> {}", nn[0], nn[nn.len() - 1]);
    assert!(nt.iter().all(|v| *v == nt[0]), "NT's W does not move");
    // spiked:5 at d = 20: (5/20) ||B||^2 / (top-5 energy) = 0.25 (5*100 + 15) / (5*100)
    assert!((ex.random_overlap() - 0.25 * 515.0 / 500.0).abs() < 1e-12);
    // Drawn on a canvas, with the NT colour.
    let c = canvas(480, 360);
    ex.draw_overlap(&c, 1.0).unwrap();
    let (inked, orange) = ink(&c);
    assert!(inked > 480 * 360 / 60 && orange > 50, "overlap panel: {inked} inked, {orange} NT-coloured");
    // SVG of every panel through plotters' SVG backend.
    for (panel, text) in [(0, "N/d"), (1, "One-pass SGD"), (2, "What NN learns")] {
        let svg = ex.svg(panel, 640, 480).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains(text) && svg.contains("</svg>"), "panel {panel} svg");
    }
    assert!(ex.svg(3, 640, 480).is_err());
    // CSV rows agree with the getters.
    let csv = ex.csv(2).unwrap();
    let nn_rows: Vec<f64> = csv.lines().filter(|l| l.starts_with("\"NN span(W)\"")).map(|l| l.rsplit(',').next().unwrap().parse().unwrap()).collect();
    assert_eq!(nn_rows, nn);
    assert!(csv.starts_with("series,samples,overlap\n"));
    let csv0 = ex.csv(0).unwrap();
    assert_eq!(csv0.lines().count(), 1 + 4 * ex.theory_rho().len() + 4 * 4);
    let json = ex.export_json().unwrap();
    assert!(json.contains("\"overlap_random\":0.25") && json.contains("\"overlap\""));
    // Hover: the pixel of the NN dot at the 3rd N/d reads out that dot.
    let w = canvas(480, 360);
    ex.draw_width(&w, 1.0).unwrap();
    let m = ex.mapping(0);
    let get = |k: &str| js_sys::Reflect::get(&m, &JsValue::from_str(k)).unwrap().as_f64().unwrap();
    let (rho, y) = (ex.sweep_rho()[2], ex.sweep_means("nn").unwrap()[2]);
    let px = get("left") + (rho / get("xMin")).ln() / (get("xMax") / get("xMin")).ln() * (get("right") - get("left"));
    let py = get("bottom") - (y - get("yMin")) / (get("yMax") - get("yMin")) * (get("bottom") - get("top"));
    let hit = ex.nearest(0, px + 2.0, py - 1.0);
    let field = |k: &str| js_sys::Reflect::get(&hit, &JsValue::from_str(k)).unwrap();
    assert_eq!(field("series").as_string().unwrap(), "NN exact (d = 20)");
    assert_eq!(field("x").as_f64().unwrap(), rho);
    assert_eq!(field("y").as_f64().unwrap(), y);
    assert!(ex.nearest(0, -10.0, -10.0).is_undefined());
    // The text alternative states numbers.
    assert!(ex.summary(2).contains("a random W holds 0.258 on average"), "{}", ex.summary(2));
}

/// The wasm SIMD kernel of the SGD step (the page's plain simd128 build; the relaxed
/// build is compared with it through the page in tests/e2e/explorer.test.mjs) equals
/// the triple loop (tests/kernels/mod.rs).
#[wasm_bindgen_test]
fn sgd_product_kernels_match_the_triple_loop() {
    let names = kernels::kernel_names();
    assert!(names.contains(&"wasm-simd128"), "the simd128 kernel is missing: {names:?}");
    let failures = kernels::small_gemm_failures();
    assert!(failures.is_empty(), "{} failures, first: {:?}", failures.len(), &failures[..failures.len().min(3)]);
}

/// The settings table reaches the page as JSON, with the page's caps as ranges.
#[wasm_bindgen_test]
fn settings_table_reaches_javascript() {
    let t: serde_json::Value = serde_json::from_str(&lazy_training::web::settings_table()).unwrap();
    let d = t["settings"].as_array().unwrap().iter().find(|r| r["key"] == "d").unwrap();
    assert_eq!((d["min"].as_f64(), d["max"].as_f64()), (Some(2.0), Some(450.0)));
    assert_eq!(t["presets"]["fig2"]["values"]["model"], "mg");
}
