//! The `sgd_d` setting: the right plot's SGD runs at another dimension than the width
//! plot (the paper-scale presets train at a d a page can afford and show the exact
//! large-n limits at d = 450 beside). Checked against independent routes:
//! - `same` (the default), or `sgd_d = d`, gives the page of before, every exported
//!   number equal (tests/golden.rs compares that page with copies saved earlier);
//! - `sgd_d = k` gives the SGD records, limits and overlaps of a page at `d = k`;
//! - the limit at the width plot's d equals the limit of an SGD run set up there with
//!   the same N/d, Theorem 3's closed form for NN (docs/maths.md section 5, another
//!   code path), and Theorems 2 and 5 for NT to the finite-d spread of one draw of W;
//! - the exports, text alternative and plots say at which d SGD ran.
#![cfg(not(target_arch = "wasm32"))]

use lazy_training::explorer::{Explorer, PageError};
use lazy_training::model::{ModelKind, Spectrum, Target};
use lazy_training::params::{Limits, ModelParams, SgdParams, SgdRegime};
use lazy_training::settings::table::{default_of, PRESETS};
use lazy_training::sgd::SgdRun;
use lazy_training::theory;

fn build(pairs: &[(&str, &str)]) -> Result<Explorer, PageError> {
    let get = |k: &str| pairs.iter().rev().find(|(key, _)| *key == k).map(|(_, v)| v.to_string());
    Explorer::from_settings(&get, &Limits::web())
}

fn run_to_end(ex: &mut Explorer) {
    while !ex.sweep().done() {
        ex.advance_sweep_units(usize::MAX).unwrap();
    }
    while !ex.sgd_done() {
        ex.advance_sgd_steps(u64::MAX).unwrap();
    }
}

const SMALL: [(&str, &str); 4] = [("steps", "3000"), ("record_every", "100"), ("rho_points", "3"), ("draws", "2")];

#[test]
fn same_is_the_page_of_before() {
    for model in ["qf", "mg"] {
        let base: Vec<(&str, &str)> = [("model", model), ("d", "24"), ("neurons", "12")].into_iter().chain(SMALL).collect();
        let mut docs = Vec::new();
        for extra in [None, Some("same"), Some(" Same "), Some("24")] {
            let mut pairs = base.clone();
            pairs.extend(extra.map(|v| ("sgd_d", v)));
            let mut ex = build(&pairs).unwrap();
            assert!(ex.elsewhere().is_none() && ex.config().sgd_d == 24, "{extra:?}");
            run_to_end(&mut ex);
            docs.push((ex.export_value().unwrap(), ex.csv(1).unwrap(), ex.summary(1), ex.panel(1).unwrap().0.title));
        }
        // Every number, series name and word is the same (f64 compared by ==).
        for d in &docs[1..] {
            assert_eq!(d, &docs[0], "{model}");
        }
        let (doc, _, summary, title) = &docs[0];
        assert!(doc.get("sgd_d").is_none() && doc["origin"].get("sgd_d").is_none());
        assert_eq!(title, "One-pass SGD, d = 24, N = 12");
        assert!(summary.starts_with("Test risk against samples for one-pass SGD, d = 24, N = 12: "), "{summary}");
    }
}

#[test]
fn sgd_at_k_is_the_sgd_of_a_page_at_d_k() {
    for model in ["qf", "mg"] {
        let tail: Vec<(&str, &str)> = [("model", model), ("neurons", "10")].into_iter().chain(SMALL).collect();
        let mut moved = build(&[&[("d", "64"), ("sgd_d", "20")], &tail[..]].concat()).unwrap();
        let mut page = build(&[&[("d", "20")], &tail[..]].concat()).unwrap();
        run_to_end(&mut moved);
        run_to_end(&mut page);
        // The width plot stays at d = 64; the SGD runs are those of the page at d = 20.
        assert_eq!((moved.config().d, moved.sweep().target().d), (64, 64));
        assert_eq!(moved.runs().len(), page.runs().len());
        for (a, b) in moved.runs().iter().zip(page.runs()) {
            assert_eq!(a.run.target().d, 20);
            assert_eq!(a.run.record_samples(), b.run.record_samples(), "{model}");
            assert_eq!(a.run.record_risks(), b.run.record_risks(), "{model}");
            assert_eq!(a.run.limit(), b.run.limit(), "{model}");
            assert_eq!(a.overlap, b.overlap, "{model}");
            assert!(a.run.record_risks().len() == 31 && a.run.error().is_none());
        }
        assert_eq!(moved.random_overlap(), page.random_overlap(), "{model}: the random-W overlap is at d = 20");
        let (m, p) = (moved.export_value().unwrap(), page.export_value().unwrap());
        for r in ["nt", "nn"] {
            for k in ["samples", "risk", "limit", "overlap"] {
                assert_eq!(m["sgd"][r][k], p["sgd"][r][k], "{model} {r} {k}");
            }
        }
    }
}

#[test]
fn the_limits_at_the_width_plots_d_are_those_of_a_run_there_and_of_the_theorems() {
    // N/d = 1/2 at sgd_d = 30 (N = 15): N = 225 at d = 450, as in the paper-scale presets.
    for (model, nt_tol) in [(ModelKind::Qf, 0.01), (ModelKind::Mg, 0.02)] {
        let m = model.to_string();
        let ex = build(&[("model", &m), ("d", "450"), ("sgd_d", "30"), ("neurons", "15"), ("rho_points", "1"), ("draws", "1")]).unwrap();
        let e = ex.elsewhere().expect("SGD at another d");
        assert_eq!((e.neurons, ex.config().neurons_at_d()), (225, 225));
        let target = Target::new(model, 450, &Spectrum::default_for(model), false, 1).unwrap();
        for regime in [SgdRegime::Nt, SgdRegime::Nn] {
            let at_d = ex.limit_at_d(regime).unwrap();
            // A run set up at d = 450 with N = 225 (nothing of the page: the core's run).
            let params = SgdParams {
                model: ModelParams { kind: model, d: 450, spectrum: Spectrum::default_for(model), rotate: false, seed: 1 },
                regime,
                neurons: 225,
                batch: 100,
                eta: default_of(if regime == SgdRegime::Nt { "eta_nt" } else { "eta_nn" }, model).parse().unwrap(),
                steps: 1,
                record_every: 1,
            };
            let run = SgdRun::new(&params, &Limits::native()).unwrap();
            assert_eq!(at_d, run.limit(), "{m} {regime:?}: the limit of a run at d = 450");
            // The minima of docs/maths.md section 4 at N = 225, written out here (qf:
            // Theorem 3's closed form, theory::nn); NT to one draw's spread of Theorems
            // 2 and 5 at rho = 1/2. mg's Theorem 6 drops O(1/d): within 0.005.
            let eig = target.eig_desc_abs();
            let mg_nn = 1.0 / (1.0 + eig.iter().take(225).map(|l| l * l / (2.0 * (1.0 + l * l))).sum::<f64>());
            let (reference, tol) = match (regime, model) {
                (SgdRegime::Nn, ModelKind::Qf) => (theory::nn(&target, 225), 1e-12),
                (SgdRegime::Nn, ModelKind::Mg) => {
                    assert!((at_d - theory::nn(&target, 225)).abs() < 0.005, "{at_d}: Theorem 6");
                    (mg_nn, 1e-12)
                }
                (SgdRegime::Nt, ModelKind::Qf) => (theory::qf_nt(&target, 0.5), nt_tol),
                (SgdRegime::Nt, ModelKind::Mg) => (theory::mg_nt(&target, 0.5), nt_tol),
            };
            assert!((at_d - reference).abs() <= tol, "{m} {regime:?}: {at_d} vs the theorem's {reference}");
            // The run at sgd_d has its own limit, at d = 30.
            let own = ex.runs().iter().find(|r| r.run.params().regime == regime).unwrap().run.limit();
            assert_ne!(own, at_d);
        }
    }
    // qf at rho = 1/2 with tau near 1/2 (an Exp(1) draw): NT near 0.375 (docs/maths.md section 6).
    let ex = build(&[("d", "450"), ("sgd_d", "30"), ("neurons", "15"), ("rho_points", "1"), ("draws", "1")]).unwrap();
    assert!((ex.limit_at_d(SgdRegime::Nt).unwrap() - 0.375).abs() < 0.03);
}

#[test]
fn the_plots_exports_and_text_say_where_sgd_ran() {
    let mut ex = build(&[&[("d", "90"), ("sgd_d", "30"), ("neurons", "15")], &SMALL[..]].concat()).unwrap();
    run_to_end(&mut ex);
    let (p, names) = ex.panel(1).unwrap();
    assert_eq!(p.title, "One-pass SGD at d = 30 (width plot at d = 90): N = 15");
    for want in ["NT SGD", "NT large-n limit, d = 30", "NN large-n limit, d = 30", "NT large-n limit, d = 90, N = 45", "NN large-n limit, d = 90, N = 45"] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }
    // The dotted lines sit at the limits at d = 90, inside the y range.
    let nt90 = ex.limit_at_d(SgdRegime::Nt).unwrap();
    let s = p.series.iter().find(|s| s.label == "NT large-n limit, d = 90, N = 45").unwrap();
    assert!(s.points.iter().all(|q| q.1 == nt90) && nt90 < p.y_range.1);
    assert!(ex.panel(2).unwrap().0.title.starts_with("What NN learns at d = 30 (width plot at d = 90): N = 15"));
    let doc = ex.export_value().unwrap();
    assert_eq!((doc["sgd_d"].as_u64(), doc["neurons_at_d"].as_u64(), doc["origin"]["sgd_d"].as_u64(), doc["d"].as_u64()), (Some(30), Some(45), Some(30), Some(90)));
    assert_eq!(doc["sgd"]["nt"]["limit_at_d"].as_f64(), Some(nt90));
    let csv = ex.csv(1).unwrap();
    assert!(csv.contains(&format!("\"NT large-n limit, d = 90, N = 45\",,{nt90}\n")), "{csv}");
    let summary = ex.summary(1);
    assert!(summary.starts_with("Test risk against samples for one-pass SGD at d = 30 (the width plot's d is 90), N = 15: "), "{summary}");
    assert!(summary.contains(&format!("at d = 90 with N = 45: {nt90:.3}")), "{summary}");
    assert!(ex.summary(2).contains("(SGD at d = 30; the width plot's d is 90)"));
    let svg = ex.svg(1, 640, 480).unwrap();
    assert!(svg.contains("One-pass SGD at d = 30 (width plot at d = 90): N = 15") && svg.contains("d = 90, N = 45"), "the drawing says so");
    // A narrow panel drops the title's part after the colon, never the two d's.
    for panel in [1, 2] {
        let svg = ex.svg(panel, 330, 300).unwrap();
        let t = svg.split("<text").find(|t| t.contains("width plot")).unwrap_or("");
        assert!(t.contains("at d = 30 (width plot at d = 90)") && !t.contains("N = 15"), "panel {panel} at 330 px: {t}");
    }
}

#[test]
fn the_paper_scale_presets_train_at_a_smaller_d_with_the_page_default_n_over_d() {
    // The page's default N/d (15 at d = 30) at the presets' sgd_d.
    let ratio = 15.0 / 30.0;
    for name in ["fig1_paper", "fig2_paper"] {
        let p = PRESETS.iter().find(|p| p.name == name).unwrap();
        let v = |k: &str| p.values.iter().find(|(key, _)| *key == k).map(|(_, v)| v.parse::<f64>().unwrap()).unwrap();
        assert_eq!(v("d"), 450.0);
        assert!(v("sgd_d") < 450.0);
        assert_eq!(v("neurons"), (v("sgd_d") * ratio).round(), "{name}");
    }
}
