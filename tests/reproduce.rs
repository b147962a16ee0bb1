//! The paper's protocol in units of work (`lazy_training::reproduce`), checked against
//! independent routes: a unit's test risk on fresh samples against its exact population
//! risk (the sample mean and its expectation); the merge's step-size choice against
//! the minimum picked by hand from hand-written units; every split of the work (one
//! thread, several threads, shards, a partial run resumed) against the one-thread run,
//! byte for byte; shards against a partition of the unit list.

#![cfg(not(target_arch = "wasm32"))]

use lazy_training::params::SgdRegime;
use lazy_training::reproduce::merge::merge;
use lazy_training::reproduce::runner;
use lazy_training::reproduce::store::Store;
use lazy_training::reproduce::units::{compute, Outcome, UnitResult};
use lazy_training::reproduce::{Protocol, Shard, Unit};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

fn tmp(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("lazy-training-reproduce-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    p
}

/// A small qf protocol: d = 8, widths 2 and 4, two step sizes (eta = 3 diverges), two draws.
fn small() -> Protocol {
    let mut p = Protocol::paper("fig1", 8).unwrap();
    p.neurons = vec![2, 4];
    p.steps = 600;
    p.batch = 10;
    p.eta = vec![0.02, 3.0];
    p.records = 3;
    p.draws = 2;
    p.fit_samples = 1500;
    p.test_samples = 300;
    p.seed = 11;
    p
}

#[test]
fn shards_partition_the_unit_list() {
    let p = small();
    let all: Vec<String> = p.units().iter().map(Unit::id).collect();
    assert_eq!(all.len(), 2 * 2 * 2 + 2 * 2);
    assert_eq!(all.iter().collect::<BTreeSet<_>>().len(), all.len(), "unit ids are distinct");
    let keys: BTreeSet<u64> = p.units().iter().map(Unit::key).collect();
    assert_eq!(keys.len(), all.len(), "unit seeds are distinct");
    for n in 1..=5 {
        let mut seen = Vec::new();
        let mut sizes = Vec::new();
        for i in 0..n {
            let s = Shard { index: i, count: n }.select(&p.units());
            sizes.push(s.len());
            seen.extend(s.iter().map(Unit::id));
        }
        seen.sort();
        let mut want = all.clone();
        want.sort();
        assert_eq!(seen, want, "shards of {n} cover every unit once");
        assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1, "{sizes:?}");
    }
    assert!("2/2".parse::<Shard>().is_err() && "a/3".parse::<Shard>().is_err() && "1/0".parse::<Shard>().is_err());
    assert_eq!("1/3".parse::<Shard>().unwrap(), Shard { index: 1, count: 3 });
}

#[test]
fn sgd_unit_test_risk_is_a_sample_of_its_exact_risk() {
    // The test risk is the mean of (y - f(x))^2 over fresh samples; its expectation is
    // the exact population risk of the same network. At 40000 samples the relative
    // standard error is below 2% even for a single dominant eigenvalue (E r^4 <= 15 (E r^2)^2).
    let mut p = small();
    p.d = 10;
    p.steps = 3000;
    p.test_samples = 40_000;
    let target = p.validate().unwrap();
    for regime in [SgdRegime::Nn, SgdRegime::Nt] {
        let unit = Unit::Sgd { regime, n: 5, eta: 0.02 };
        let r = compute(&p, &target, &unit).unwrap();
        let Outcome::Ok { test_risk, exact_risk, limit, curve_samples, curve_risk } = r.outcome else { panic!("{regime:?} diverged") };
        assert!((test_risk - exact_risk).abs() <= 0.08 * exact_risk, "{regime:?}: test {test_risk} vs exact {exact_risk}");
        assert!(exact_risk < 0.95, "{regime:?} learned nothing: {exact_risk}");
        assert!(exact_risk >= limit.unwrap() - 1e-9, "{regime:?}: below its own minimum");
        assert_eq!(curve_samples.last(), Some(&(3000 * 10)));
        assert_eq!(curve_risk.last(), Some(&exact_risk));
        // Same unit, same bits.
        assert_eq!(compute(&p, &target, &unit).unwrap().outcome, compute(&p, &target, &unit).unwrap().outcome);
    }
}

#[test]
fn rf_unit_fit_approaches_its_exact_risk() {
    // Least squares on n observations with p = 10 features: the test risk exceeds the
    // population optimum by about p/n of it (here 0.05%), plus the sampling noise of
    // the score (~2% at 20000 test samples).
    let mut p = small();
    p.neurons = vec![10];
    p.fit_samples = 20_000;
    p.test_samples = 20_000;
    let target = p.validate().unwrap();
    for draw in 0..2 {
        let r = compute(&p, &target, &Unit::Rf { n: 10, draw }).unwrap();
        let Outcome::Ok { test_risk, exact_risk, .. } = r.outcome else { panic!("RF failed") };
        assert!((test_risk - exact_risk).abs() <= 0.08 * exact_risk + 0.005, "draw {draw}: test {test_risk} vs exact {exact_risk}");
        assert!(exact_risk > 0.0 && exact_risk < 1.0);
    }
}

#[test]
fn a_diverged_run_is_recorded_without_a_number() {
    let p = small();
    let target = p.validate().unwrap();
    let r = compute(&p, &target, &Unit::Sgd { regime: SgdRegime::Nn, n: 4, eta: 3.0 }).unwrap();
    assert!(matches!(r.outcome, Outcome::Diverged { step } if step <= p.steps), "{:?}", r.outcome);
    let text = serde_json::to_string(&r).unwrap();
    assert!(!text.contains("NaN") && !text.contains("null") && !text.contains("inf"), "{text}");
    assert!(text.contains("\"status\":\"diverged\"") && text.contains("\"eta\":3.0"), "{text}");
}

fn ok(unit: Unit, test: f64, exact: f64) -> UnitResult {
    let (kind, regime, n, eta, draw) = match unit {
        Unit::Sgd { regime, n, eta } => ("sgd", Some(lazy_training::reproduce::regime_name(regime).to_string()), n, Some(eta), None),
        Unit::Rf { n, draw } => ("rf", None, n, None, Some(draw)),
    };
    let sgd = kind == "sgd";
    UnitResult {
        unit: unit.id(),
        kind: kind.into(),
        regime,
        neurons: n,
        eta,
        draw,
        outcome: Outcome::Ok {
            test_risk: test,
            exact_risk: exact,
            limit: sgd.then_some(0.1),
            curve_samples: if sgd { vec![0, 3000, 6000] } else { vec![] },
            curve_risk: if sgd { vec![1.0, 0.5, exact] } else { vec![] },
        },
        seconds: 1.0,
    }
}

#[test]
fn merge_keeps_the_best_step_size_and_names_what_is_missing() {
    let p = small();
    let dir = tmp("merge");
    let store = Store::create(&dir, &p).unwrap();
    let nt = |eta| Unit::Sgd { regime: SgdRegime::Nt, n: 2, eta };
    let nn = |eta| Unit::Sgd { regime: SgdRegime::Nn, n: 2, eta };
    // NT at N = 2: eta = 3 has the lower test risk and wins.
    store.write(&ok(nt(0.02), 0.5, 0.52)).unwrap();
    store.write(&ok(nt(3.0), 0.3, 0.31)).unwrap();
    // NN at N = 2: every step size diverged.
    for eta in [0.02, 3.0] {
        let mut r = ok(nn(eta), 0.0, 0.0);
        r.outcome = Outcome::Diverged { step: 7 };
        store.write(&r).unwrap();
    }
    // RF at N = 4: two draws.
    store.write(&ok(Unit::Rf { n: 4, draw: 0 }, 0.4, 0.38)).unwrap();
    store.write(&ok(Unit::Rf { n: 4, draw: 1 }, 0.6, 0.58)).unwrap();
    let m = merge(&store, &p).unwrap();
    let j = &m.json;
    let nt_dots = j["dots"]["nt"].as_array().unwrap();
    assert_eq!(nt_dots.len(), 1);
    assert_eq!(nt_dots[0]["eta"], 3.0);
    assert_eq!(nt_dots[0]["test_risk"], 0.3);
    assert_eq!(nt_dots[0]["exact_risk"], 0.31);
    assert_eq!(j["dots"]["nn"].as_array().unwrap().len(), 0);
    assert!(m.notes.iter().any(|n| n.contains("NN at N = 2") && n.contains("every step size diverged")), "{:?}", m.notes);
    let rf = &j["dots"]["rf"][0];
    assert_eq!(rf["neurons"], 4);
    assert!((rf["test_risk_mean"].as_f64().unwrap() - 0.5).abs() < 1e-15);
    assert!((rf["test_risk_std"].as_f64().unwrap() - 0.02f64.sqrt()).abs() < 1e-12);
    assert_eq!(m.total_units, 12);
    assert_eq!(m.missing.len(), 12 - 6);
    assert!(m.missing.contains(&"rf_N2_draw0".to_string()) && m.missing.contains(&"sgd_nt_N4_eta0.02".to_string()));
    let text = serde_json::to_string(j).unwrap();
    assert!(!text.contains("null") && !text.contains("NaN"), "{text}");
    assert!(m.svg.starts_with("<svg") && m.svg.contains("NT"));
    assert!(m.csv.starts_with("curve,neurons,rho,eta,test_risk"));
    assert!(m.csv.lines().any(|l| l.starts_with("nt,2,0.25,3,0.3,0,0.31,")), "{}", m.csv);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_folder_keeps_its_protocol() {
    let p = small();
    let dir = tmp("protocol");
    Store::create(&dir, &p).unwrap();
    Store::create(&dir, &p).expect("the same protocol resumes");
    let mut q = p.clone();
    q.steps = 700;
    let e = Store::create(&dir, &q).unwrap_err();
    assert!(e.input && e.message.contains("steps: 600 there, 700 here"), "{}", e.message);
    let _ = std::fs::remove_dir_all(&dir);
}

fn run_into(p: &Protocol, dir: &std::path::Path, shards: &[Shard], jobs: usize) -> (String, String, String) {
    let target = p.validate().unwrap();
    let store = Store::create(dir, p).unwrap();
    for s in shards {
        let rep = runner::run(p, &target, &store, *s, jobs, &mut |_| {}).unwrap();
        assert!(rep.failed.is_empty(), "{:?}", rep.failed);
    }
    let m = merge(&store, p).unwrap();
    assert!(m.missing.is_empty(), "{:?}", m.missing);
    (serde_json::to_string_pretty(&m.json).unwrap(), m.csv, m.svg)
}

#[test]
fn every_split_of_the_work_merges_to_the_same_bytes() {
    let p = small();
    let (a, b, c) = (tmp("one"), tmp("shards"), tmp("resumed"));
    let one = run_into(&p, &a, &[Shard::ALL], 1);
    let shards = run_into(&p, &b, &[Shard { index: 2, count: 3 }, Shard { index: 0, count: 3 }, Shard { index: 1, count: 3 }], 2);
    assert!(one == shards, "three shards on two threads differ from one thread");
    // A partial run (one shard of two), then the whole protocol: only the rest is computed.
    let target = p.validate().unwrap();
    let store = Store::create(&c, &p).unwrap();
    let first = runner::run(&p, &target, &store, Shard { index: 1, count: 2 }, 2, &mut |_| {}).unwrap();
    let rest = runner::run(&p, &target, &store, Shard::ALL, 2, &mut |_| {}).unwrap();
    assert_eq!((first.ran, rest.ran, rest.skipped), (6, 6, 6));
    assert!(run_into(&p, &c, &[Shard::ALL], 1) == one, "the resumed run differs");
    // The diverging step size is recorded and never selected.
    let j: serde_json::Value = serde_json::from_str(&one.0).unwrap();
    for dot in j["dots"]["nn"].as_array().unwrap().iter().chain(j["dots"]["nt"].as_array().unwrap()) {
        assert_eq!(dot["eta"], 0.02, "{dot}");
        assert_eq!(dot["diverged_eta"], serde_json::json!([3.0]), "{dot}");
    }
    for d in [a, b, c] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn command_line_checks_and_dry_run() {
    let bin = env!("CARGO_BIN_EXE_lazy-training");
    let base = ["reproduce", "--d", "8", "--neurons", "2,4", "--steps", "600", "--batch", "10", "--eta", "0.02,3", "--draws", "2", "--fit-samples", "1500", "--test-samples", "300", "--records", "3"];
    let out = Command::new(bin).args(base).args(["--dry-run", "--quiet"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["units"], 12);
    let list = j["unit_list"].as_array().unwrap();
    assert_eq!(list.len(), 12);
    // Cost of one SGD unit at N = 4: 600 steps of 4 b d N + 20 b d, 4 records of 2 d^2 N + 10 d^2,
    // 300 test samples of 2 d^2 + 20 d.
    let sgd = list.iter().find(|u| u["id"] == "sgd_nn_N4_eta0.02").unwrap();
    let want = 600.0 * (4.0 * 10.0 * 8.0 * 4.0 + 20.0 * 10.0 * 8.0) + 4.0 * (2.0 * 64.0 * 4.0 + 640.0) + 300.0 * (128.0 + 160.0);
    assert_eq!(sgd["flops"].as_f64().unwrap(), want);
    assert!(j["rate_flops_per_s"]["sgd"].as_f64().unwrap() > 1e6);
    let total: f64 = list.iter().map(|u| u["flops"].as_f64().unwrap()).sum();
    assert!((j["flops"].as_f64().unwrap() - total).abs() <= 1e-9 * total);
    // Errors name the field and exit 2.
    for (extra, field) in [(vec!["--shard", "3/3"], "shard"), (vec!["--eta", "0.02,-1"], "eta"), (vec!["--neurons", "4,2"], "neurons"), (vec![], "results")] {
        let out = Command::new(bin).args(base).args(&extra).args(["--quiet"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(field), "{extra:?}: {err}");
    }
    let out = Command::new(bin).args(["reproduce", "merge", "--results", "/nonexistent-lazy-training"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("protocol.json"));
}
