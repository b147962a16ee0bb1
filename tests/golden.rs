//! Exported results for fixed seeds are the same before and after a change: the
//! command line's JSON and CSV and the page's exports are compared with copies saved
//! from the code as it was (tests/golden/, written by tests/golden/capture-cli.sh and
//! tests/golden/capture.mjs before the explorer core was split out of src/web.rs).
//!
//! Structure must be equal except for fields added since (`origin`: the provenance) and the theory
//! JSON's top-level `activation`, which mislabelled NT and NN and moved into
//! `origin.activation` per curve. Numbers are compared as f64: with `==` for the
//! command line (same native code), and to 1e-9 relative for the page's copies, which
//! were computed by the wasm build (native and wasm round differently: faer's Cholesky
//! and the SIMD product kernels; tests/e2e/golden.test.mjs compares the wasm build with
//! them exactly). CSV cells are compared as numbers where both parse as numbers, as
//! text (quotes removed) otherwise.
#![cfg(not(target_arch = "wasm32"))]

use lazy_training::explorer::Explorer;
use lazy_training::params::Limits;
use serde_json::Value;
use std::path::PathBuf;

fn golden(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The saved copies predate the zero clamp (README, "Numerical guarantees"): a
/// normalised risk below `finite::ZERO_TOL` in magnitude is now written as 0, so the
/// saved `-0.0` and round-off such as `1.1e-16` compare through the same clamp.
fn clamp(v: f64) -> f64 {
    if v.abs() < lazy_training::finite::ZERO_TOL { 0.0 } else { v }
}

fn num_eq(a: f64, b: f64, rel: f64) -> bool {
    let (a, b) = (clamp(a), clamp(b));
    a == b || (a - b).abs() <= rel * a.abs().max(b.abs())
}

/// Differences between `now` and `was` (paths), ignoring keys in `ignore`.
fn diff(now: &Value, was: &Value, path: &str, rel: f64, ignore: &[&str], out: &mut Vec<String>) {
    match (now, was) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                if ignore.contains(&k.as_str()) {
                    continue;
                }
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => diff(x, y, &format!("{path}.{k}"), rel, ignore, out),
                    (Some(_), None) => out.push(format!("{path}.{k}: new")),
                    (None, Some(_)) => out.push(format!("{path}.{k}: missing")),
                    _ => {}
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!("{path}: {} items, was {}", a.len(), b.len()));
                return;
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                diff(x, y, &format!("{path}[{i}]"), rel, ignore, out);
            }
        }
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            if !num_eq(x, y, rel) {
                out.push(format!("{path}: {x:e}, was {y:e}"));
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: {a}, was {b}")),
    }
}

fn assert_same(now: &Value, was: &Value, what: &str, rel: f64, ignore: &[&str]) {
    let mut out = Vec::new();
    diff(now, was, "", rel, ignore, &mut out);
    assert!(out.is_empty(), "{what}: {} differences, first: {:?}", out.len(), &out[..out.len().min(5)]);
}

/// CSV as rows of cells, quotes removed.
fn cells(csv: &str) -> Vec<Vec<String>> {
    csv.lines().map(|l| l.split(',').map(|c| c.trim_matches('"').to_string()).collect()).collect()
}

fn assert_same_csv(now: &str, was: &str, what: &str, rel: f64, skip_row: &dyn Fn(&[String]) -> bool) {
    let (a, b) = (cells(now), cells(was));
    let (a, b): (Vec<_>, Vec<_>) = (a.into_iter().filter(|r| !skip_row(r)).collect(), b.into_iter().filter(|r| !skip_row(r)).collect());
    assert_eq!(a.len(), b.len(), "{what}: rows");
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(x.len(), y.len(), "{what}: cells of row {i}");
        for (p, q) in x.iter().zip(y) {
            match (p.parse::<f64>(), q.parse::<f64>()) {
                (Ok(u), Ok(v)) => assert!(num_eq(u, v, rel), "{what} row {i}: {u:e}, was {v:e}"),
                _ => assert_eq!(p, q, "{what} row {i}"),
            }
        }
    }
}

fn cli(args: &[&str]) -> String {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = lazy_training::cli::main_with_args(std::iter::once("lazy-training").chain(args.iter().copied()), &mut out, &mut err);
    assert_eq!(code, 0, "{args:?}: {}", String::from_utf8_lossy(&err));
    String::from_utf8(out).unwrap()
}

/// (golden file, arguments): the commands of tests/golden/capture-cli.sh.
const CLI_CASES: &[(&str, &str)] = &[
    ("cli-theory-qf.json", "theory --model qf --d 30 --seed 2"),
    ("cli-theory-qf-relu.json", "theory --model qf --d 30 --seed 2 --activation relu"),
    ("cli-theory-mg.json", "theory --model mg --d 30 --seed 2 --rho 0.5,1,2"),
    ("cli-theory-qf.csv", "theory --model qf --d 20 --rho 0.5,2 --format csv"),
    ("cli-exact-qf.json", "exact --model qf --d 16 --draws 2 --rho 0.25,1,2 --seed 4 --quiet"),
    ("cli-exact-mg.json", "exact --model mg --d 16 --draws 2 --rho 0.25,1,2 --seed 4 --quiet"),
    ("cli-exact-qf-tanh.csv", "exact --model qf --d 16 --draws 2 --rho 0.25,1,2 --seed 4 --quiet --activation tanh --format csv"),
    ("cli-sgd-qf-nn.json", "sgd --model qf --regime nn --d 16 --neurons 6 --lr 0.02 --steps 400 --record-every 100 --seed 4"),
    ("cli-sgd-mg-nt.json", "sgd --model mg --regime nt --d 16 --neurons 6 --lr 0.02 --steps 400 --record-every 100 --seed 4"),
    ("cli-sgd-qf-nt.csv", "sgd --model qf --regime nt --d 16 --neurons 6 --lr 0.02 --steps 400 --record-every 100 --seed 4 --format csv"),
];

#[test]
fn command_line_json_and_csv_equal_the_saved_copies() {
    for (file, args) in CLI_CASES {
        let args: Vec<&str> = args.split(' ').collect();
        let now = cli(&args);
        let was = golden(file);
        if file.ends_with(".json") {
            let (a, b): (Value, Value) = (serde_json::from_str(&now).unwrap(), serde_json::from_str(&was).unwrap());
            assert_same(&a, &b, file, 0.0, &["origin", "activation"]);
        } else {
            assert_same_csv(&now, &was, file, 0.0, &|_| false);
        }
    }
}

#[test]
fn figure_csv_equals_the_saved_copy_but_for_the_theory_grid() {
    // The figure's theory lines now use the page's grid (explorer::theory_grid), so
    // their rows differ in number and place; every dot and SGD record is compared.
    for fig in ["fig1", "fig2"] {
        let dir = std::env::temp_dir();
        let (svg, csv) = (dir.join(format!("lt-golden-{fig}-{}.svg", std::process::id())), dir.join(format!("lt-golden-{fig}-{}.csv", std::process::id())));
        let args = ["figure", "--preset", fig, "--d", "16", "--draws", "2", "--sgd-steps", "400", "--seed", "4", "--quiet", "--out", svg.to_str().unwrap(), "--csv", csv.to_str().unwrap()];
        cli(&args);
        let now = std::fs::read_to_string(&csv).unwrap();
        let was = golden(&format!("cli-figure-{fig}.csv"));
        // Theory rows: the width panel's labelled series (the dots have no label).
        let theory = |r: &[String]| r[0] == "width" && !r[1].is_empty();
        assert_same_csv(&now, &was, fig, 0.0, &theory);
        let labels = |t: &str| {
            let mut v: Vec<String> = cells(t).into_iter().filter(|r| theory(r)).map(|r| r[1].clone()).collect();
            v.dedup();
            v
        };
        assert_eq!(labels(&now), labels(&was), "{fig}: the same theory lines");
        let _ = (std::fs::remove_file(svg), std::fs::remove_file(csv));
    }
}

/// The page's exports for a case of tests/golden/capture.mjs, computed natively the
/// way the capture drove the wasm module (same slices).
fn page_exports(case: &Value) -> Value {
    let settings = case["settings"].as_object().unwrap();
    let get = |k: &str| settings.get(k).and_then(|v| v.as_str()).map(String::from);
    let mut ex = Explorer::from_settings(&get, &Limits::web()).unwrap();
    let (mut units, mut steps) = (case["sweepUnits"].as_f64().unwrap(), case["sgdSteps"].as_f64().unwrap());
    while !ex.sweep().done() && units > 0.0 {
        ex.advance_sweep_units(units.min(50.0) as usize).unwrap();
        units -= 50.0;
    }
    while !ex.sgd_done() && steps > 0.0 {
        ex.advance_sgd_steps(steps.min(100.0) as u64).unwrap();
        steps -= 100.0;
    }
    let mut out = serde_json::json!({ "settings": case["settings"], "export_json": serde_json::from_str::<Value>(&ex.export_json().unwrap()).unwrap() });
    for p in 0..3 {
        out["csv"][p.to_string()] = Value::String(ex.csv(p).unwrap());
        out["table"][p.to_string()] = serde_json::from_str(&ex.table(p).unwrap()).unwrap();
        out["summary"][p.to_string()] = Value::String(ex.summary(p));
    }
    out
}

/// The saved page export in today's format (issue 15: no placeholders): a sweep dot
/// not yet computed (count 0, mean null) is left out, each curve lists the N/d of its
/// dots, and a key whose value was null (`diverged` of a run that did not diverge,
/// `bayes_std_error` where there is no Bayes line) is absent. Numbers are untouched.
fn without_placeholders(export: &Value) -> Value {
    let mut e = export.clone();
    let rho = e["sweep"]["rho"].clone();
    for (_, c) in e["sweep"]["curves"].as_object_mut().unwrap() {
        let keep: Vec<usize> = c["count"].as_array().unwrap().iter().enumerate().filter(|(_, n)| n.as_u64() != Some(0)).map(|(i, _)| i).collect();
        let pick = |v: &Value| Value::Array(keep.iter().map(|&i| v[i].clone()).collect());
        *c = serde_json::json!({ "rho": pick(&rho), "mean": pick(&c["mean"]), "std": pick(&c["std"]), "count": pick(&c["count"]) });
    }
    fn drop_nulls(v: &mut Value) {
        if let Value::Object(m) = v {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(drop_nulls);
        }
    }
    drop_nulls(&mut e);
    e
}

/// Rows of saved data whose value column (the third) was empty are dots not yet
/// computed: today's exports leave them out.
fn computed(row: &[String]) -> bool {
    row.get(2).is_some_and(|c| !c.is_empty())
}

/// The "Show data" table: cells are texts to four significant digits now, numbers in
/// the saved copy; each cell must be the saved number to 5e-4 relative (the rounding
/// of four digits), text for text, empty for null.
fn assert_table_matches(now: &Value, was: &Value, what: &str) {
    assert_eq!(now["columns"], was["columns"], "{what}: columns");
    let was_rows: Vec<&Value> = was["rows"].as_array().unwrap().iter().filter(|r| !r[2].is_null()).collect();
    let now_rows = now["rows"].as_array().unwrap();
    assert_eq!(now_rows.len(), was_rows.len(), "{what}: rows");
    for (i, (a, b)) in now_rows.iter().zip(was_rows).enumerate() {
        for (c, (x, y)) in a.as_array().unwrap().iter().zip(b.as_array().unwrap()).enumerate() {
            let x = x.as_str().unwrap();
            match y {
                Value::Null => assert_eq!(x, "", "{what} row {i} cell {c}"),
                Value::String(t) => assert_eq!(x, t, "{what} row {i} cell {c}"),
                Value::Number(n) => {
                    let (u, v) = (x.parse::<f64>().unwrap_or(f64::NAN), clamp(n.as_f64().unwrap()));
                    assert!((u - v).abs() <= 5e-4 * v.abs() + 1e-300, "{what} row {i} cell {c}: {x}, was {v:e}");
                }
                _ => panic!("{what} row {i} cell {c}: unexpected {y}"),
            }
        }
    }
}

#[test]
fn page_exports_equal_the_saved_copies() {
    let cases: Value = serde_json::from_str(&golden("page-cases.json")).unwrap();
    for (name, case) in cases.as_object().unwrap() {
        let was: Value = serde_json::from_str(&golden(&format!("{name}.json"))).unwrap();
        let now = page_exports(case);
        assert_same(&now["export_json"], &without_placeholders(&was["export_json"]), name, 1e-9, &["origin"]);
        for p in 0..3 {
            let what = format!("{name} panel {p}");
            let was_csv: Vec<&str> = was["csv"][p].as_str().unwrap().lines().filter(|l| l.starts_with("series") || computed(&cells(l)[0])).collect();
            assert_same_csv(now["csv"][p.to_string()].as_str().unwrap(), &(was_csv.join("\n") + "\n"), &what, 1e-9, &|_| false);
            assert_table_matches(&now["table"][p.to_string()], &was["table"][p], &what);
            // The saved text alternatives printed a clamped zero as "-0.000" (see `clamp`).
            let was_text = was["summary"][p].as_str().unwrap().replace("-0.000", "0.000");
            assert_eq!(now["summary"][p.to_string()].as_str().unwrap(), was_text, "{what}: text alternative");
        }
        // Provenance: what the page's settings say.
        let prov = &now["export_json"]["origin"];
        assert_eq!(prov["model"], case["settings"]["model"]);
        assert_eq!(prov["d"].as_u64().unwrap().to_string(), case["settings"]["d"].as_str().unwrap());
        assert_eq!(prov["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(prov["activation"]["nt"], "quadratic", "NT is the quadratic-activation result whatever the activation");
    }
    // The partial case really had dots not yet computed (the format change is exercised).
    let partial: Value = serde_json::from_str(&golden("page-qf-partial.json")).unwrap();
    assert!(partial["export_json"]["sweep"]["curves"]["nt"]["mean"].as_array().unwrap().iter().any(Value::is_null));
}

#[test]
fn the_comparison_sees_a_change() {
    // The comparison above is not vacuous: one number moved by 1e-6 in a saved copy is
    // found, an added key is found, and -0.0 equals 0.0.
    let was: Value = serde_json::from_str(&golden("page-qf.json")).unwrap();
    let mut now = was.clone();
    let x = now["export_json"]["sgd"]["nn"]["risk"][2].as_f64().unwrap();
    now["export_json"]["sgd"]["nn"]["risk"][2] = serde_json::json!(x * (1.0 + 1e-6));
    let mut out = Vec::new();
    diff(&now, &was, "", 1e-9, &[], &mut out);
    assert_eq!(out.len(), 1, "{out:?}");
    now["export_json"]["extra"] = serde_json::json!(1);
    let mut out = Vec::new();
    diff(&now, &was, "", 1e-9, &["origin"], &mut out);
    assert_eq!(out.len(), 2, "{out:?}");
    let mut out = Vec::new();
    diff(&serde_json::json!([-0.0]), &serde_json::json!([0.0]), "", 0.0, &[], &mut out);
    assert!(out.is_empty());
}
