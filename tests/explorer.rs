//! The explorer core (src/explorer/), natively: what tests/web.rs checked only in the
//! browser (errors naming their setting, a sweep run to completion however it is
//! sliced, SGD that learns, one overlap per SGD record, theory equal to the core and
//! to the closed forms of docs/maths.md section 5, exports that agree with the
//! getters, hover read-outs) and the settings table the page reads.
#![cfg(not(target_arch = "wasm32"))]

use lazy_training::activation::Activation;
use lazy_training::experiment::Theory;
use lazy_training::settings::table::{self, default_of, paper_eta, table_json, SETTINGS};
use lazy_training::explorer::{hit, panels, Explorer, PageError};
use lazy_training::model::{ModelKind, Spectrum, Target};
use lazy_training::params::{Curve, Limits, SgdRegime};
use lazy_training::settings::PageConfig;
use lazy_training::theory;
use plotters::prelude::{IntoDrawingArea, SVGBackend};
use std::cell::Cell;

mod bad_settings;
use bad_settings::{ACCEPTED, BAD_SETTINGS};

fn build(pairs: &[(&str, &str)]) -> Result<Explorer, PageError> {
    let get = |k: &str| pairs.iter().rev().find(|(key, _)| *key == k).map(|(_, v)| v.to_string());
    Explorer::from_settings(&get, &Limits::web())
}

#[test]
fn bad_settings_are_errors_naming_their_setting() {
    for (pairs, field, text) in BAD_SETTINGS {
        let e = build(pairs).err().unwrap_or_else(|| panic!("{pairs:?} should be rejected"));
        assert_eq!(e.field, Some(*field), "field of the error for {pairs:?} ({})", e.message);
        assert!(e.message.contains(text), "message for {pairs:?} should mention {text:?}: {}", e.message);
    }
    for pairs in ACCEPTED {
        assert!(build(pairs).is_ok(), "{pairs:?} should be accepted");
    }
}

#[test]
fn sweep_advances_to_completion_however_it_is_sliced() {
    let pairs = [("d", "20"), ("rho_points", "6"), ("draws", "3")];
    let mut ex = build(&pairs).unwrap();
    assert_eq!(ex.sweep().progress(), 0.0);
    let total = ex.sweep().units_total();
    let (mut last, mut calls) = (0.0, 0);
    while !ex.sweep().done() {
        let p = ex.advance_sweep_units(3).unwrap();
        assert!(p >= last && p <= 1.0, "progress must grow within [0, 1]: {last} -> {p}");
        last = p;
        calls += 1;
        assert!(calls <= total, "the sweep did not finish in {total} units");
    }
    assert_eq!(ex.sweep().progress(), 1.0);
    for curve in ["rf_iso", "rf_opt", "nt", "nn"] {
        let m = ex.sweep_means(curve).unwrap();
        assert_eq!(m.len(), 6);
        assert!(m.iter().all(|v| v.is_finite() && *v > -1e-9 && *v < 1.5), "{curve}: {m:?}");
    }
    // A time budget on a fake clock that ticks once per reading: a budget of 4 ticks
    // is 4 units per call (one reading at the start, one after each unit).
    let mut ex2 = build(&pairs).unwrap();
    let clock = Cell::new(0.0);
    let now = || {
        clock.set(clock.get() + 1.0);
        clock.get()
    };
    ex2.advance_sweep_for(4.0, &now).unwrap();
    assert_eq!(ex2.sweep().units_done(), 4);
    while !ex2.sweep().done() {
        ex2.advance_sweep_for(4.0, &now).unwrap();
    }
    assert_eq!(ex2.sweep_means("nt").unwrap(), ex.sweep_means("nt").unwrap(), "the same seed gives the same dots however the work is sliced");
    // A zero budget still does one unit.
    let mut ex3 = build(&pairs).unwrap();
    ex3.advance_sweep_for(0.0, &|| 0.0).unwrap();
    assert_eq!(ex3.sweep().units_done(), 1);
}

#[test]
fn sgd_risk_decreases_and_divergence_names_its_step_size() {
    let mut ex = build(&[("d", "20"), ("neurons", "10"), ("steps", "4000"), ("record_every", "100")]).unwrap();
    assert_eq!(ex.sgd_progress(), 0.0);
    while !ex.sgd_done() {
        ex.advance_sgd_steps(500).unwrap();
    }
    assert_eq!(ex.sgd_progress(), 1.0);
    for regime in ["nt", "nn"] {
        let run = &ex.run(regime).unwrap().run;
        let (r, s) = (run.record_risks(), run.record_samples());
        assert_eq!(r.len(), 41, "{regime}: one record at 0 and every 100 steps");
        assert_eq!(s[1], 100 * 100, "samples = steps x batch");
        assert!(r[r.len() - 1] < 0.8 * r[1], "{regime}: risk should fall, {} -> {}", r[1], r[r.len() - 1]);
        assert!(r[r.len() - 1] >= run.limit() - 1e-9, "{regime}: SGD cannot beat its large-n limit");
    }
    // A time budget (fake clock) runs the same steps in turns of 10: same records.
    let mut timed = build(&[("d", "20"), ("neurons", "10"), ("steps", "4000"), ("record_every", "100")]).unwrap();
    let clock = Cell::new(0.0);
    while !timed.sgd_done() {
        timed
            .advance_sgd_for(50.0, &|| {
                clock.set(clock.get() + 1.0);
                clock.get()
            })
            .unwrap();
    }
    assert_eq!(timed.run("nn").unwrap().run.record_risks(), ex.run("nn").unwrap().run.record_risks());
    // A step size that blows up is reported once, with the field of its control.
    let mut bad = build(&[("d", "20"), ("eta_nn", "50"), ("steps", "2000"), ("record_every", "10")]).unwrap();
    let err = (0..200).find_map(|_| bad.advance_sgd_steps(10).err()).expect("eta = 50 should diverge");
    assert_eq!(err.field, Some("eta_nn"));
    assert!(err.message.contains("diverged"));
    assert!(bad.advance_sgd_steps(10).is_ok(), "the other run goes on, without repeating the error");
    assert!(ex.run("xx").is_err());
    assert!(build(&[("regimes", "nt")]).unwrap().run("nn").is_err(), "only the shown SGD regimes run");
    let rf_only = build(&[("regimes", "rf_iso")]).unwrap();
    assert_eq!(rf_only.runs().len(), 2, "both run when neither is shown");
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

#[test]
fn theory_equals_the_core_and_the_closed_forms() {
    // qf, quadratic activation: RF iso = 1 - rho/(1+rho) tau; NT = Theorem 2.
    let ex = build(&[("d", "30"), ("seed", "7")]).unwrap();
    let target = Target::new(ModelKind::Qf, 30, &Spectrum::Exp, false, 7).unwrap();
    let tau = target.tau();
    assert!(close(ex.tau(), tau, 1e-12));
    let rho = ex.theory().rho.clone();
    assert_eq!(rho.len(), lazy_training::explorer::THEORY_POINTS);
    assert!(close(rho[0], 0.1 / 1.12, 1e-12) && close(rho[rho.len() - 1], 3.0 * 1.12, 1e-12), "theory lines extend 1.12x past the dots");
    let reference = Theory::compute(&target, Activation::Quadratic, Curve::theory_set(ModelKind::Qf), &rho, 1000, 7);
    let (rf, nt) = (ex.theory_values("rf_iso").unwrap(), ex.theory_values("nt").unwrap());
    for (i, r) in rho.iter().enumerate() {
        assert!(close(rf[i], 1.0 - r / (1.0 + r) * tau, 1e-9), "RF iso at rho = {r}");
        let m = (1.0 - r).max(0.0);
        assert!(close(nt[i], m * m * (1.0 - tau) + m * tau, 1e-12), "NT at rho = {r}");
    }
    for (curve, values) in &reference.curves {
        let page = ex.theory_values(curve.name(ModelKind::Qf)).unwrap();
        assert!(page.iter().zip(values).all(|(a, b)| close(*a, *b, 1e-12)), "{curve:?}");
    }
    let nn = ex.theory_values("nn").unwrap();
    let i = rho.iter().position(|r| *r > 0.5).unwrap();
    let n = theory::neurons(rho[i], 30);
    let mut eig = target.diag.clone();
    eig.sort_by(|a, b| b.total_cmp(a));
    let top: f64 = eig.iter().take(n).map(|l| l * l).sum();
    assert!(close(nn[i], 1.0 - top / target.frob2(), 1e-12));
    // mg: Theorem 4's form, not eq. (17)'s misprint; the Bayes line flat and lowest.
    let ex = build(&[("model", "mg"), ("d", "40"), ("seed", "3")]).unwrap();
    let target = Target::new(ModelKind::Mg, 40, &Spectrum::Paper, false, 3).unwrap();
    let t2 = target.trace().powi(2) / 80.0;
    let rf = ex.theory_values("rf").unwrap();
    for (i, r) in ex.theory().rho.iter().enumerate() {
        assert!(close(rf[i], 1.0 / (1.0 + r / (1.0 + r) * t2), 1e-9), "mg RF at rho = {r}");
    }
    let bayes = ex.theory_values("bayes").unwrap();
    assert!(bayes.iter().all(|b| (b - bayes[0]).abs() < 1e-15));
    assert!(bayes[0] > 0.0 && bayes[0] < ex.theory_values("nn").unwrap().iter().cloned().fold(1.0, f64::min));
    assert!(ex.theory().bayes_se.unwrap() < 0.003);
    assert_eq!(lazy_training::explorer::bayes_samples(40), 100_000);
    assert_eq!(lazy_training::explorer::bayes_samples(10), 200_000);
    assert_eq!(lazy_training::explorer::bayes_samples(2000), 20_000);
}

/// The overlap panel, exports and read-outs: one overlap per SGD record (however the
/// steps are sliced), SVG of every panel, CSV rows that match the records, JSON with
/// provenance, and a hover that finds a dot drawn on plotters' SVG backend.
#[test]
fn overlap_panel_exports_and_nearest_point() {
    let pairs = [("d", "20"), ("neurons", "5"), ("spectrum", "spiked:5"), ("rho_points", "4"), ("draws", "2"), ("steps", "3000"), ("record_every", "100"), ("activation", "relu")];
    let mut ex = build(&pairs).unwrap();
    let mut sliced = build(&pairs).unwrap();
    while !ex.sweep().done() {
        ex.advance_sweep_units(50).unwrap();
    }
    while !ex.sgd_done() {
        ex.advance_sgd_steps(1000).unwrap();
    }
    while !sliced.sgd_done() {
        sliced.advance_sgd_steps(37).unwrap();
    }
    let overlaps = |e: &Explorer, r: &str| e.run(r).unwrap().overlap.iter().map(|p| p.1).collect::<Vec<f64>>();
    for regime in ["nt", "nn"] {
        let o = overlaps(&ex, regime);
        assert_eq!(o.len(), ex.run(regime).unwrap().run.record_risks().len(), "{regime}: one overlap per record");
        assert_eq!(o, overlaps(&sliced, regime), "{regime}: overlaps do not depend on how the steps are sliced");
        assert!(o.iter().all(|v| (0.0..=1.0).contains(v)));
    }
    let (nn, nt) = (overlaps(&ex, "nn"), overlaps(&ex, "nt"));
    assert!(nn[nn.len() - 1] > 0.9 && nn[nn.len() - 1] > nn[0] + 0.3, "NN turns towards the spikes");
    assert!(nt.iter().all(|v| *v == nt[0]), "NT's W does not move");
    // spiked:5 at d = 20: (5/20) ||B||^2 / (top-5 energy) = 0.25 (5*100 + 15) / (5*100)
    assert!((ex.random_overlap() - 0.25 * 515.0 / 500.0).abs() < 1e-12);
    for (panel, text) in [(0, "N/d"), (1, "One-pass SGD"), (2, "What NN learns")] {
        let svg = ex.svg(panel, 640, 480).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains(text) && svg.contains("</svg>"), "panel {panel} svg");
    }
    assert!(ex.svg(3, 640, 480).is_err());
    let csv = ex.csv(2).unwrap();
    let nn_rows: Vec<f64> = csv.lines().filter(|l| l.starts_with("\"NN span(W)\"")).map(|l| l.rsplit(',').next().unwrap().parse().unwrap()).collect();
    assert_eq!(nn_rows, nn);
    assert!(csv.starts_with("series,samples,overlap\n"));
    assert_eq!(ex.csv(0).unwrap().lines().count(), 1 + 4 * ex.theory().rho.len() + 4 * 4);
    let json: serde_json::Value = serde_json::from_str(&ex.export_json().unwrap()).unwrap();
    assert!(close(json["overlap_random"].as_f64().unwrap(), 0.2575, 1e-12));
    let prov = &json["origin"];
    assert_eq!((prov["spectrum"].as_str(), prov["seed"].as_u64(), prov["draws"].as_u64()), (Some("spiked:5"), Some(1), Some(2)));
    assert_eq!(prov["activation"], serde_json::json!({"rf_iso": "relu", "rf_opt": "relu", "nt": "quadratic", "nn": "quadratic"}));
    assert!(!ex.export_json().unwrap().contains("NaN") && !ex.export_json().unwrap().contains("inf"));
    // Hover: the pixel of the NN dot at the 3rd N/d reads out that dot.
    let mut svg = String::new();
    let map = {
        let area = SVGBackend::with_string(&mut svg, (480, 360)).into_drawing_area();
        ex.draw(0, &area, 1.0).unwrap()
    };
    assert_eq!(ex.mapping(0), Some(map));
    let (rho, y) = (ex.config().rho[2], ex.sweep_means("nn").unwrap()[2]);
    let (px, py) = hit::to_pixel(&map, (rho, y));
    let back = map.to_data(px, py).unwrap();
    assert!(close(back.0, rho, 1e-12) && close(back.1, y, 1e-12), "to_pixel inverts to_data");
    let h = ex.nearest(0, px + 2.0, py - 1.0).expect("a hit");
    assert_eq!((h.series.as_str(), h.x, h.y), ("NN exact (d = 20)", rho, y));
    assert_eq!(h.text, format!("NN exact (d = 20): N/d = {}, risk = {y:.3} ± {:.3}", hit::sig3(rho), h.err.unwrap()));
    assert!(ex.nearest(0, -10.0, -10.0).is_none());
    assert!(ex.nearest(1, 10.0, 10.0).is_none(), "panel 1 was never drawn");
    assert!(ex.summary(2).contains("a random W holds 0.258 on average"), "{}", ex.summary(2));
    // Too small to draw in: an error, nothing remembered.
    let mut tiny = String::new();
    assert!(ex.draw(1, &SVGBackend::with_string(&mut tiny, (40, 40)).into_drawing_area(), 1.0).is_err());
    assert_eq!(panels::panel_number("overlap").unwrap(), 2);
    assert!(panels::panel_number("3").is_err());
}

#[test]
fn read_outs_write_numbers_as_the_page_did() {
    // JavaScript's toPrecision(3), and thousands separators from 1000 up.
    for (v, s) in [(0.1, "0.100"), (2.5, "2.50"), (0.000123456, "0.000123"), (123.4, "123"), (0.99996, "1.00"), (12345.0, "12,345"), (1000.0, "1,000"), (1e-7, "1.00e-7"), (0.0, "0.00")] {
        assert_eq!(hit::sig3(v), s, "{v}");
    }
}

#[test]
fn the_settings_table_gives_every_default_range_and_preset() {
    // Every default parses as its kind, and the defaults are what an empty link gives.
    for kind in [ModelKind::Qf, ModelKind::Mg] {
        let given = |k: &str| Some(if k == "model" { kind.to_string() } else { default_of(k, kind).to_string() });
        let a = PageConfig::parse(&given, &Limits::web()).unwrap();
        let b = PageConfig::parse(&|k| if k == "model" { Some(kind.to_string()) } else { None }, &Limits::web()).unwrap();
        assert_eq!(a.kind, kind);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }
    // The paper's step sizes: 0.02 everywhere but mg's NN, 0.3.
    assert_eq!((paper_eta(ModelKind::Qf, SgdRegime::Nt), paper_eta(ModelKind::Qf, SgdRegime::Nn)), (0.02, 0.02));
    assert_eq!((paper_eta(ModelKind::Mg, SgdRegime::Nt), paper_eta(ModelKind::Mg, SgdRegime::Nn)), (0.02, 0.3));
    // Every key PageConfig reads is a row, once.
    let keys: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
    for k in ["model", "d", "spectrum", "rotate", "activation", "regimes", "rho_min", "rho_max", "rho_points", "draws", "sgd_d", "neurons", "batch", "eta_nt", "eta_nn", "steps", "record_every", "seed"] {
        assert_eq!(keys.iter().filter(|x| **x == k).count(), 1, "{k}");
    }
    // The JSON the page reads: ranges under the page's limits, regimes, colours, presets.
    let t: serde_json::Value = serde_json::from_str(&table_json(&Limits::web())).unwrap();
    let row = |k: &str| t["settings"].as_array().unwrap().iter().find(|r| r["key"] == k).unwrap().clone();
    assert_eq!((row("d")["min"].as_f64(), row("d")["max"].as_f64()), (Some(2.0), Some(450.0)));
    assert_eq!(row("neurons")["max"].as_f64(), Some(Limits::web().max_sgd_neurons as f64));
    assert_eq!(row("eta_nn")["default"], serde_json::json!({"qf": "0.02", "mg": "0.3"}));
    assert_eq!(row("rotate")["control"], false);
    assert!(row("spectrum").get("min").is_none(), "no null in place of a bound");
    assert_eq!(t["regimes"]["mg"][0], serde_json::json!(["rf", "RF"]));
    assert_eq!(t["colors"]["nt"], "#d55e00");
    // Every preset's values build an explorer under the page's limits.
    for p in table::PRESETS {
        let model = p.values.iter().find(|(k, _)| *k == "model").map_or("qf", |(_, v)| v);
        let mut pairs: Vec<(&str, &str)> = SETTINGS.iter().map(|s| (s.key, default_of(s.key, model.parse().unwrap()))).collect();
        pairs.extend(p.values.iter().copied());
        assert!(build(&pairs).is_ok(), "preset {}", p.name);
        assert_eq!(t["presets"][p.name]["label"], p.label);
    }
}

#[test]
fn errors_go_beside_their_control_and_a_bad_link_still_builds() {
    use lazy_training::explorer::export::cell_text;
    use lazy_training::explorer::page::{route, Route};
    // The three N/d settings share one slot; a setting without a control, or no
    // setting at all, goes to the page's general slot.
    assert_eq!(route(Some("rho")), Route { slot: "rho", control: Some("rho_min"), resets: vec!["rho_min", "rho_max", "rho_points"] });
    assert_eq!(route(Some("rho_max")), Route { slot: "rho", control: Some("rho_max"), resets: vec!["rho_min", "rho_max"] });
    assert_eq!(route(Some("eta_nn")), Route { slot: "eta_nn", control: Some("eta_nn"), resets: vec!["eta_nn"] });
    assert_eq!(route(Some("rotate")), Route { slot: "general", control: None, resets: vec!["rotate"] });
    assert_eq!(route(Some("config")), Route { slot: "general", control: None, resets: vec![] });
    assert_eq!(route(None).slot, "general");
    // Every slot and control a setting routes to exists in the page.
    let html = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/index.html")).unwrap();
    for s in SETTINGS.iter().map(|s| s.key).chain(["rho", "config"]) {
        let r = route(Some(s));
        assert!(html.contains(&format!("id=\"err-{}\"", r.slot)), "{s}: no slot err-{}", r.slot);
        if let Some(c) = r.control {
            assert!(html.contains(&format!("id=\"{c}\"")), "{s}: no control {c}");
        }
    }
    // Beside its control the message loses its field prefix, nothing else.
    let e = build(&[("d", "1000")]).err().unwrap();
    assert!(e.message.starts_with("d: ") && e.message.ends_with(e.short()) && !e.short().starts_with("d:"), "{} / {}", e.message, e.short());

    // A link with two refused values builds with their defaults, and says so.
    let pairs = [("d", "1000"), ("eta_nn", "-1"), ("neurons", "8"), ("steps", "400")];
    let get = |k: &str| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| v.to_string());
    let ex = Explorer::from_link(&get, &Limits::web()).unwrap();
    let notes = ex.link_notes();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].starts_with("d: ") && notes[0].ends_with("Using the default d = 30 instead."), "{notes:?}");
    assert!(notes[1].ends_with("Using the default eta_nn = 0.02 instead."), "{notes:?}");
    let settings: std::collections::BTreeMap<_, _> = ex.settings().into_iter().collect();
    assert_eq!((settings["d"].as_str(), settings["eta_nn"].as_str(), settings["neurons"].as_str()), ("30", "0.02", "8"));
    assert_eq!(settings.len(), SETTINGS.iter().filter(|s| s.control).count());
    assert_eq!(ex.config().d, 30);
    // A refused N/d grid falls back as a whole.
    let wide = |k: &str| (k == "rho_max").then(|| "1000".to_string());
    let ex = Explorer::from_link(&wide, &Limits::web()).unwrap();
    assert!(ex.link_notes()[0].ends_with("Using the default rho_min = 0.1, rho_max = 3, rho_points = 11 instead."), "{:?}", ex.link_notes());
    assert_eq!(ex.config().rho.len(), 11);
    // A good link has no notes.
    assert!(Explorer::from_link(&|_| None, &Limits::web()).unwrap().link_notes().is_empty());

    // The status line, and one press of Step: a fortieth of the run.
    let mut ex = Explorer::from_link(&get, &Limits::web()).unwrap();
    assert_eq!(ex.describe(), format!("qf, d = 30, exp spectrum, quadratic activation, τ(B) = {:.3}", ex.tau()));
    let p = ex.advance_sgd_stride().unwrap();
    assert!((p - 10.0 / 400.0).abs() < 1e-12, "{p}");

    // Downloads: file names, and the JSON document around the export.
    assert_eq!((ex.file_stem(None), ex.file_stem(Some(2))), ("lazy-training-qf-d30-seed1".to_string(), "lazy-training-qf-d30-seed1-overlap".to_string()));
    let doc: serde_json::Value = serde_json::from_str(&ex.export_document("https://example.org/#v=1").unwrap()).unwrap();
    assert_eq!((doc["format"].as_str(), doc["link"].as_str()), (Some(lazy_training::explorer::page::EXPORT_FORMAT), Some("https://example.org/#v=1")));
    assert_eq!((doc["settings"]["d"].as_str(), doc["settings"]["neurons"].as_str()), (Some("30"), Some("8")));
    assert_eq!(doc["data"], ex.export_value().unwrap());
    assert_eq!(serde_json::from_str::<serde_json::Value>(&ex.export_json().unwrap()).unwrap(), ex.export_value().unwrap(), "the text gives back every number");

    // Table cells: four significant digits, whole numbers whole, nothing for none.
    for (v, s) in [(serde_json::json!(0.123456), "0.1235"), (serde_json::json!(2.0), "2"), (serde_json::json!(30000), "30000"), (serde_json::json!(1.5e-8), "1.500e-8"), (serde_json::json!(null), ""), (serde_json::json!("NT"), "NT")] {
        assert_eq!(cell_text(&v), s, "{v}");
    }
}

#[test]
fn the_either_backend_draws_what_the_backend_it_holds_draws() {
    use lazy_training::plot::either::Either;
    let mut ex = build(&[("d", "16"), ("rho_points", "5"), ("draws", "2"), ("steps", "600"), ("record_every", "50")]).unwrap();
    ex.advance_sweep_units(1000).unwrap();
    ex.advance_sgd_steps(300).unwrap();
    for panel in 0..3 {
        let mut direct = String::new();
        let mut left = String::new();
        let mut right = String::new();
        ex.draw(panel, &SVGBackend::with_string(&mut direct, (640, 420)).into_drawing_area(), 1.0).unwrap();
        ex.draw(panel, &Either::<SVGBackend, SVGBackend>::Left(SVGBackend::with_string(&mut left, (640, 420))).into_drawing_area(), 1.0).unwrap();
        ex.draw(panel, &Either::<SVGBackend, SVGBackend>::Right(SVGBackend::with_string(&mut right, (640, 420))).into_drawing_area(), 1.0).unwrap();
        assert!(direct.starts_with("<svg") && direct.len() > 2000, "panel {panel}: a drawing");
        assert_eq!(left, right, "panel {panel}: the same drawing through Either::Left and Either::Right");
        // The same elements and texts in the same order as the backend's own drawing;
        // only positions may move, as Either sizes text by plot::text (the backend
        // alone by plotters' font code).
        let shape = |svg: &str| -> Vec<String> {
            svg.split('<').skip(1).map(|el| {
                let tag: String = el.chars().take_while(|c| c.is_ascii_alphabetic() || *c == '/').collect();
                let text = el.split_once('>').map(|(_, t)| t.trim().to_string()).unwrap_or_default();
                format!("{tag} {text}")
            }).collect()
        };
        assert_eq!(shape(&left), shape(&direct), "panel {panel}: the elements and texts of the backend's own drawing");
    }
}
