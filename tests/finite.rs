//! No output is ever silently wrong (README, "Numerical guarantees"):
//! * scale invariance: normalised risks from a spectrum and from the same spectrum
//!   times a power of two are bit-identical (the core rescales by powers of two), and
//!   extreme spectra (1e200, 1e-300, 1e308) give the numbers of the same spectrum at
//!   unit scale and of the closed forms of docs/maths.md sections 4-6;
//! * spectra that doubles cannot hold are refused naming the field;
//! * risks that are zero in exact arithmetic print as 0 (no -0.0, no 1e-15);
//! * output paths are checked before any work;
//! * a property test over spectra spanning 1e-300..1e300 through every subcommand and
//!   the page's settings: finite output, or an error that names its cause.

#![cfg(not(target_arch = "wasm32"))]

use lazy_training::activation::Activation;
use lazy_training::cli::main_with_args;
use lazy_training::experiment::{Sweep, Theory};
use lazy_training::model::{ModelKind, Spectrum, Target};
use lazy_training::params::{Curve, Limits, ModelParams, SgdRegime, SweepParams};
use lazy_training::settings::PageConfig;
use lazy_training::sgd::SgdRun;
use lazy_training::{nn, Error};
use proptest::prelude::*;
use serde_json::Value;

/// Run the command line in-process: (exit status, stdout, stderr).
fn cli(args: &[&str]) -> (i32, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut all = vec!["lazy-training"];
    all.extend_from_slice(args);
    let code = main_with_args(all, &mut out, &mut err);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

fn json_ok(args: &[&str]) -> Value {
    let (code, out, err) = cli(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap_or_else(|| panic!("not a number: {x}"))).collect()
}

/// Every number of a JSON value, with a check that there is no null.
fn all_numbers(v: &Value, out: &mut Vec<f64>) {
    match v {
        Value::Null => panic!("null in output"),
        Value::Number(n) => out.push(n.as_f64().unwrap()),
        Value::Array(a) => a.iter().for_each(|x| all_numbers(x, out)),
        Value::Object(m) => m.values().for_each(|x| all_numbers(x, out)),
        _ => {}
    }
}

fn close(a: &[f64], b: &[f64], tol: f64) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tol)
}

fn model(kind: ModelKind, values: Vec<f64>, seed: u64) -> ModelParams {
    ModelParams { kind, d: values.len(), spectrum: Spectrum::Values(values), rotate: false, seed }
}

/// Theory and exact sweep values (all curves) of a qf spectrum.
fn qf_numbers(values: Vec<f64>, rotate: bool) -> (Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<f64>) {
    let rho = vec![0.2, 0.5, 1.0, 1.5, 3.0];
    let mp = ModelParams { rotate, ..model(ModelKind::Qf, values, 3) };
    let sp = SweepParams { model: mp, activation: Activation::Quadratic, curves: Curve::exact_set(ModelKind::Qf).to_vec(), rho: rho.clone(), draws: 2 };
    let mut sweep = Sweep::new(&sp, &Limits::native()).unwrap();
    sweep.advance(usize::MAX).unwrap();
    let exact = sweep.results().iter().flat_map(|(_, st)| st.iter().map(|s| vec![s.mean, s.std])).collect();
    let th = Theory::try_compute(sweep.target(), Activation::Relu, Curve::theory_set(ModelKind::Qf), &rho, 10, 1).unwrap();
    let theory = th.curves.iter().map(|(_, v)| v.clone()).collect();
    let t = sweep.target();
    let w = lazy_training::rf::sample_weights(t, 4, lazy_training::rf::WeightLaw::Isotropic, &mut lazy_training::rng::stream(5, lazy_training::rng::Stream::Weights, 0, 0));
    let misc = vec![t.tau(), nn::nn_min(t, 3), nn::random_overlap(t, 3), nn::top_eigenspace_overlap(t, &w)];
    (theory, exact, misc)
}

fn bits(v: &[Vec<f64>]) -> Vec<Vec<u64>> {
    v.iter().map(|x| x.iter().map(|y| y.to_bits()).collect()).collect()
}

#[test]
fn normalised_risks_are_bit_identical_under_powers_of_two() {
    // A spread spectrum at d = 12 (as a person would type it), rotated and not.
    let base: Vec<f64> = (0..12).map(|i| 0.05 + (i as f64 * 0.37).sin().abs() * 3.0).collect();
    for rotate in [false, true] {
        let (t0, e0, m0) = qf_numbers(base.clone(), rotate);
        // 2^40: used as given; 2^300 and 2^-900: rescaled by the core.
        for k in [40, 300, -900] {
            let f = 2f64.powi(k);
            let (t1, e1, m1) = qf_numbers(base.iter().map(|x| x * f).collect(), rotate);
            assert_eq!(bits(&t0), bits(&t1), "theory, scale 2^{k}");
            assert_eq!(bits(&e0), bits(&e1), "exact risks, scale 2^{k}");
            assert_eq!(bits(std::slice::from_ref(&m0)), bits(&[m1]), "tau, NN minimum, overlaps, scale 2^{k}");
        }
    }
}

#[test]
fn theory_of_extreme_spectra_matches_unit_scale_and_closed_forms() {
    // B = diag(1e200, 1, 1) is B = diag(1, 1e-200, 1e-200) up to scale: tau = 1/3 to
    // 1e-200, so (quadratic activation, docs/maths.md section 5) at rho = 1:
    // RF iso 1 - tau/2 = 5/6, RF opt 1/(1 + 2 rho / (2 tau)) ... = 1/4, NT 0, NN 0.
    let args = |spec: &str| ["theory", "--model", "qf", "--d", "3", "--rho", "1", "--spectrum", spec].map(String::from);
    let big = json_ok(&args("list:1e200,1,1").iter().map(String::as_str).collect::<Vec<_>>());
    let unit = json_ok(&args("list:1,1e-200,1e-200").iter().map(String::as_str).collect::<Vec<_>>());
    let tau = big["tau"].as_f64().unwrap();
    assert!((tau - 1.0 / 3.0).abs() < 1e-15, "tau {tau}");
    for (name, want) in [("rf_iso", 5.0 / 6.0), ("rf_opt", 0.25), ("nt", 0.0), ("nn", 0.0)] {
        let (b, u) = (floats(&big["curves"][name]), floats(&unit["curves"][name]));
        assert!(close(&b, &[want], 1e-14), "{name}: {b:?} vs {want}");
        assert!(close(&b, &u, 1e-15), "{name}: {b:?} vs unit scale {u:?}");
    }
    // A file of 1e308 values is B = 1e308 I: exactly the flat spectrum's numbers.
    let path = std::env::temp_dir().join(format!("lazy-training-finite-{}.txt", std::process::id()));
    std::fs::write(&path, "1e308\n1e308\n1e308\n1e308\n").unwrap();
    let spec = format!("file:{}", path.display());
    let rho = "0.25,0.5,1,2";
    let huge = json_ok(&["theory", "--model", "qf", "--d", "4", "--rho", rho, "--spectrum", &spec]);
    let flat = json_ok(&["theory", "--model", "qf", "--d", "4", "--rho", rho, "--spectrum", "flat"]);
    assert_eq!(huge["curves"], flat["curves"]);
    assert_eq!(huge["tau"].as_f64(), Some(1.0));
    // Flat B, tau = 1: NT (1 - rho)_+, RF iso 1 - rho/(1 + rho).
    assert!(close(&floats(&huge["curves"]["nt"]), &[0.75, 0.5, 0.0, 0.0], 1e-15));
    assert!(close(&floats(&huge["curves"]["rf_iso"]), &[0.8, 2.0 / 3.0, 0.5, 1.0 / 3.0], 1e-15));
    let _ = std::fs::remove_file(&path);
}

#[test]
fn exact_risks_of_extreme_spectra_match_unit_scale() {
    let run = |spec: &str| json_ok(&["exact", "--model", "qf", "--d", "3", "--rho", "1,2", "--spectrum", spec, "--draws", "2", "--quiet"]);
    let big = run("list:1e200,1,1");
    let unit = run("list:1,1e-200,1e-200");
    let rank1 = run("list:1,0,0");
    for name in ["rf_iso", "rf_opt", "nt", "nn"] {
        for stat in ["mean", "std"] {
            let (b, u, r) = (floats(&big["curves"][name][stat]), floats(&unit["curves"][name][stat]), floats(&rank1["curves"][name][stat]));
            assert!(close(&b, &u, 1e-14) && close(&b, &r, 1e-14), "{name} {stat}: {b:?} vs {u:?} vs {r:?}");
        }
    }
    // N = d = 3 isotropic random features cannot fit <x,Bx> (RF fits span{<w_i,x>^2 - 1}:
    // 3 of the 6 dimensions of symmetric 3x3 matrices); NT and NN at N = d fit exactly.
    let rf = floats(&big["curves"]["rf_iso"]["mean"]);
    assert!(rf[0] > 0.05 && rf[0] < 1.0, "RF at N = 3: {rf:?}");
    assert_eq!(floats(&big["curves"]["nt"]["mean"]), vec![0.0, 0.0]);
    assert_eq!(floats(&big["curves"]["nn"]["mean"]), vec![0.0, 0.0]);

    // 1e-300 scale: NN and NT finite and equal to the unit-scale spectrum's; NN at
    // N = 1 is the closed form sum_{i > 1} lambda_i^2 / ||B||^2 = (1 + 4)/14.
    let run = |spec: &str| json_ok(&["exact", "--model", "qf", "--d", "3", "--rho", "0.34,1", "--spectrum", spec, "--draws", "3", "--quiet"]);
    let tiny = run("list:1e-300,2e-300,3e-300");
    let unit = run("list:1,2,3");
    for name in ["rf_iso", "rf_opt", "nt", "nn"] {
        let (t, u) = (floats(&tiny["curves"][name]["mean"]), floats(&unit["curves"][name]["mean"]));
        assert!(close(&t, &u, 1e-13), "{name}: {t:?} vs {u:?}");
    }
    assert!(close(&floats(&tiny["curves"]["nn"]["mean"]), &[5.0 / 14.0, 0.0], 1e-15));
}

#[test]
fn unrepresentable_spectra_are_refused_naming_the_field() {
    for (spec, model, needle) in [
        ("list:1e-320,1e-320,1e-320", "qf", "precision"),
        ("list:1e400,1,1", "qf", "finite"),
        ("list:0,0,0", "qf", "zero"),
        ("list:1e-310,-1e-315,0", "mg", "precision"),
    ] {
        let (code, out, err) = cli(&["theory", "--model", model, "--d", "3", "--rho", "1", "--spectrum", spec]);
        assert_eq!(code, 2, "{spec}: {err}");
        assert!(out.is_empty());
        assert!(err.starts_with("lazy-training: spectrum: ") && err.contains(needle), "{spec}: {err}");
    }
}

#[test]
fn exact_zeros_print_as_zero() {
    // NN and NT at N >= d are exact zeros (docs/maths.md section 4): the text has no
    // -0.0 (the empty sum's sign) and no 1e-15 (round-off) in JSON or CSV.
    for format in ["json", "csv"] {
        for cmd in ["exact", "theory"] {
            for spec in ["exp", "flat", "spiked:3"] {
                let mut args = vec![cmd, "--model", "qf", "--d", "12", "--rho", "0.5,1,2", "--spectrum", spec, "--format", format];
                if cmd == "exact" {
                    args.extend(["--draws", "2", "--quiet"]);
                }
                let (code, out, err) = cli(&args);
                assert_eq!(code, 0, "{err}");
                let nums: Vec<f64> = if format == "json" {
                    let mut v = Vec::new();
                    all_numbers(&serde_json::from_str(&out).unwrap(), &mut v);
                    v
                } else {
                    out.lines().skip(1).flat_map(|l| l.split(',')).map(|f| f.parse().unwrap()).collect()
                };
                let zeros = nums.iter().filter(|x| **x == 0.0).count();
                assert!(zeros >= 2, "{args:?}: NT and NN at N/d >= 1 are 0: {out}");
                for x in nums {
                    assert!(x.to_bits() != (-0.0f64).to_bits() && (x == 0.0 || x.abs() >= 1e-12), "{args:?}: {x:e} in {out}");
                }
            }
        }
    }
    let j = json_ok(&["theory", "--model", "qf", "--d", "12", "--rho", "1,2", "--spectrum", "exp"]);
    for x in floats(&j["curves"]["nn"]).into_iter().chain(floats(&j["curves"]["nt"])) {
        assert_eq!(x.to_bits(), 0.0f64.to_bits());
    }
}

#[test]
fn sgd_divergence_from_the_scale_of_b_says_so() {
    let (code, out, err) = cli(&["sgd", "--model", "qf", "--d", "3", "--spectrum", "list:1e200,1,1", "--neurons", "2", "--lr", "0.02", "--steps", "50", "--record-every", "10"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("scale of B") && err.contains("1e200"), "{err}");
    // The initial network's risk already overflows: nothing is printed.
    assert!(out.is_empty(), "{out}");
    // At eta small enough for a unit-scale B, the same run at scale 1e4 diverges
    // later: what was printed before the failure is finite.
    let (code, out, err) = cli(&["sgd", "--model", "qf", "--d", "3", "--spectrum", "list:1e4,1,1", "--neurons", "2", "--lr", "0.02", "--steps", "400", "--record-every", "10"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("scale of B") && err.contains("1e4"), "{err}");
    if !out.is_empty() {
        let j: Value = serde_json::from_str(&out).unwrap();
        let mut nums = Vec::new();
        all_numbers(&j, &mut nums);
        assert!(nums.iter().all(|x| x.is_finite()));
    }
}

#[test]
fn output_paths_are_checked_before_any_work() {
    // At d = 450 the figure computes for seconds before writing; a bad path must fail
    // first, as a bad argument (exit 2, where a failed write after the work is 1).
    for (args, field) in [
        (vec!["--out", "/nonexistent/dir/x.svg"], "--out"),
        (vec!["--out", "/tmp", "--csv", "x.csv"], "--out"),
        (vec!["--out", "/tmp/lazy-training-ok.svg", "--csv", "/nonexistent/dir/x.csv"], "--csv"),
        (vec!["--out", "/tmp/lazy-training-ok.svg", "--csv", "/tmp/lazy-training-ok.svg"], "--out"),
    ] {
        let mut all = vec!["figure", "--preset", "fig1", "--d", "450", "--quiet"];
        all.extend(args);
        let (code, out, err) = cli(&all);
        assert_eq!(code, 2, "{all:?}: {err}");
        assert!(out.is_empty() && err.contains(field), "{all:?}: {err}");
        assert!(!std::path::Path::new("/tmp/lazy-training-ok.svg").exists(), "the check leaves no file behind");
    }
}

/// A spectrum of `d` values with magnitudes 10^e, e uniform in [-300, 300] (some
/// exact zeros), positive for qf, |delta| < 1 in the mg draws that stay in range.
fn spectrum() -> impl Strategy<Value = (bool, Vec<f64>)> {
    (any::<bool>(), 2usize..6).prop_flat_map(|(mg, d)| {
        (Just(mg), prop::collection::vec((1.0f64..10.0, -300i32..=300, any::<bool>(), 0u8..10), d)).prop_map(|(mg, v)| {
            let vals = v
                .into_iter()
                .map(|(m, e, neg, z)| {
                    if z == 0 {
                        0.0
                    } else if mg {
                        // mg: |delta| < 1 mostly (exponents <= -1), some out of range.
                        let e = if z == 1 { e.abs() } else { -(e.abs().max(1)) };
                        (if neg { -1.0 } else { 1.0 }) * (m / 10.0) * 10f64.powi(e)
                    } else {
                        m * 10f64.powi(e)
                    }
                })
                .collect();
            (mg, vals)
        })
    })
}

fn list(v: &[f64]) -> String {
    format!("list:{}", v.iter().map(|x| format!("{x:e}")).collect::<Vec<_>>().join(","))
}

/// The named error the CLI prints: `lazy-training: <field or cause>: <message>`.
fn named_error(err: &str) -> bool {
    let line = err.trim_end();
    !line.contains('\n') && line.starts_with("lazy-training: ") && line["lazy-training: ".len()..].contains(": ")
}

fn check_cli(args: &[&str]) -> Result<(), TestCaseError> {
    for format in ["json", "csv"] {
        let mut a = args.to_vec();
        a.extend(["--format", format]);
        let (code, out, err) = cli(&a);
        if code != 0 {
            prop_assert!(named_error(&err), "{a:?}: {err}");
            if out.is_empty() {
                continue;
            }
        }
        if format == "json" {
            let j: Value = serde_json::from_str(&out).map_err(|e| TestCaseError::fail(format!("{a:?}: {e}: {out}")))?;
            let mut nums = Vec::new();
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| all_numbers(&j, &mut nums)));
            prop_assert!(r.is_ok(), "{a:?}: null in {out}");
            prop_assert!(nums.iter().all(|x| x.is_finite()), "{a:?}: {out}");
        } else {
            for field in out.lines().skip(1).flat_map(|l| l.split(',')) {
                let ok = field.parse::<f64>().map(|x| x.is_finite()).unwrap_or(false);
                prop_assert!(ok, "{a:?}: CSV field {field:?} in {out}");
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_subcommand_prints_finite_numbers_or_a_named_error((mg, vals) in spectrum(), seed in 0u64..1000) {
        let model = if mg { "mg" } else { "qf" };
        let d = vals.len().to_string();
        let spec = list(&vals);
        let seed = seed.to_string();
        let common = ["--model", model, "--d", &d, "--spectrum", &spec, "--seed", &seed];
        let with = |pre: &[&'static str], post: &[&'static str]| -> Vec<String> {
            pre.iter().map(|s| s.to_string()).chain(common.iter().map(|s| s.to_string())).chain(post.iter().map(|s| s.to_string())).collect()
        };
        for args in [
            with(&["theory"], &["--rho", "0.5,1,2"]),
            with(&["theory"], &["--rho", "0.5,1,2", "--activation", "relu"]),
            with(&["exact"], &["--rho", "0.5,1,2", "--draws", "2", "--quiet"]),
            with(&["exact"], &["--rho", "1", "--draws", "1", "--activation", "tanh", "--quiet"]),
            with(&["sgd"], &["--neurons", "2", "--lr", "0.02", "--steps", "40", "--record-every", "10", "--batch", "5"]),
            with(&["sgd", "--regime", "nt"], &["--neurons", "2", "--lr", "0.02", "--steps", "40", "--record-every", "10", "--batch", "5"]),
        ] {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            check_cli(&a)?;
        }
    }

    #[test]
    fn the_page_settings_give_finite_numbers_or_a_named_error((mg, vals) in spectrum(), seed in 0u64..1000) {
        let web = Limits::web();
        let q = format!("model={}&d={}&spectrum={}&seed={seed}&rho_points=4&rho_min=0.3&rho_max=2&draws=2&neurons=2&batch=5&steps=40&record_every=10", if mg { "mg" } else { "qf" }, vals.len(), list(&vals));
        let cfg = match PageConfig::from_query(&q, &web).and_then(|c| c.check(&web).map(|_| c)) {
            Ok(c) => c,
            Err(Error::Invalid { field, .. }) => { prop_assert_eq!(field, "spectrum"); return Ok(()); }
            Err(e) => return Err(TestCaseError::fail(format!("{q}: {e}"))),
        };
        let mut sweep = Sweep::new(&cfg.sweep(), &web).unwrap();
        match sweep.advance(usize::MAX) {
            Ok(_) => {
                for (c, st) in sweep.results() {
                    for s in st {
                        prop_assert!(s.mean.is_finite() && s.std.is_finite(), "{q}: {c:?} {s:?}");
                    }
                }
            }
            Err(e) => prop_assert!(matches!(e, Error::Numerical(ref m) if m.contains("risk at N/d")), "{q}: {e}"),
        }
        let target: &Target = sweep.target();
        let grid = lazy_training::experiment::log_grid(0.25, 2.5, 30);
        let th = Theory::compute(target, cfg.activation, &cfg.curves, &grid, 200, cfg.seed);
        prop_assert!(th.check(cfg.kind).is_ok(), "{q}: {:?}", th.check(cfg.kind));
        prop_assert!(target.tau().is_finite() && nn::random_overlap(target, cfg.neurons).is_finite());
        for regime in [SgdRegime::Nt, SgdRegime::Nn] {
            match SgdRun::new(&cfg.sgd(regime), &web) {
                Ok(mut run) => {
                    let r = run.advance(u64::MAX);
                    prop_assert!(run.record_risks().iter().all(|x| x.is_finite()) && run.limit().is_finite());
                    prop_assert!(nn::top_eigenspace_overlap(run.target(), run.weights()).is_finite() || r.is_err());
                    if let Err(e) = r {
                        prop_assert!(matches!(e, Error::Diverged { .. }), "{q}: {e}");
                    }
                }
                Err(e) => prop_assert!(matches!(e, Error::Diverged { .. } | Error::Numerical(_)), "{q}: {e}"),
            }
        }
    }
}

#[test]
fn the_guard_and_the_producers_name_what_is_not_finite() {
    // An mg run whose records overflow is a Diverged error (not a NaN record); a
    // theory grid whose value is NaN is reported by curve and N/d.
    let t = Target::new(ModelKind::Qf, 3, &Spectrum::Values(vec![1.0, 2.0, 3.0]), false, 1).unwrap();
    let mut th = Theory::compute(&t, Activation::Quadratic, &[Curve::Nt], &[0.5, 2.0], 10, 1);
    th.curves[0].1[1] = f64::NAN;
    let e = th.check(ModelKind::Qf).unwrap_err().to_string();
    assert!(e.contains("theory nt risk at N/d = 2") && e.contains("NaN"), "{e}");
}
