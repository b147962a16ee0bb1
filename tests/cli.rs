//! The command line, run as a user runs it: output against docs/maths.md computed here
//! from the same spectrum file, exit status 2 with one line for bad arguments, and
//! a diverging SGD run that ends with a message and no NaN.

#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lazy-training"))
}

fn run_ok(args: &[&str]) -> serde_json::Value {
    let out = bin().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

/// A private Exp(1) / {2,1.5,1}/sqrt(d) sample (xorshift), written as a spectrum file.
fn spectrum_file(name: &str, values: &[f64]) -> String {
    let path = std::env::temp_dir().join(format!("lazy-training-test-{}-{name}.txt", std::process::id()));
    let text: Vec<String> = values.iter().map(|v| format!("{v:.17e}")).collect();
    std::fs::write(&path, text.join("\n")).unwrap();
    format!("file:{}", path.display())
}

fn uniforms(n: usize, mut s: u64) -> Vec<f64> {
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        })
        .collect()
}

const RHO: [f64; 10] = [0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0];

#[test]
fn theory_qf_reproduces_section5_from_a_spectrum_file() {
    let d = 450;
    let g: Vec<f64> = uniforms(d, 0x9e3779b97f4a7c15).iter().map(|u| -u.ln()).collect();
    let spec = spectrum_file("qf", &g);
    let rho: Vec<String> = RHO.iter().map(|r| r.to_string()).collect();
    let j = run_ok(&["theory", "--model", "qf", "--d", "450", "--spectrum", &spec, "--rho", &rho.join(",")]);
    let (tr, f2): (f64, f64) = (g.iter().sum(), g.iter().map(|x| x * x).sum());
    let tau = tr * tr / (d as f64 * f2);
    let mut sorted = g.clone();
    sorted.sort_by(|a, b| b.total_cmp(a));
    for (i, &r) in RHO.iter().enumerate() {
        let m = f64::max(1.0 - r, 0.0);
        let n = (r * d as f64 + 0.5).floor() as usize;
        let want = [
            ("rf_iso", 1.0 - r / (1.0 + r) * tau),
            // eq (12) with Gamma = B / tr B: 1 - rho d <B,G>^2 / (||B||^2 (1 + rho d ||G||^2))
            ("rf_opt", 1.0 - r * d as f64 * (f2 / tr).powi(2) / (f2 * (1.0 + r * d as f64 * f2 / (tr * tr)))),
            ("nt", m * m * (1.0 - tau) + m * tau),
            ("nn", 1.0 - sorted.iter().take(n.min(d)).map(|x| x * x).sum::<f64>() / f2),
        ];
        for (name, w) in want {
            let got = j["curves"][name][i].as_f64().unwrap();
            assert!((got - w).abs() < 1e-6, "{name} at rho {r}: {got} vs {w}");
        }
    }
}

#[test]
fn theory_mg_reproduces_section5_from_a_spectrum_file() {
    let d = 450;
    let delta: Vec<f64> = uniforms(d, 12345).iter().map(|u| [2.0, 1.5, 1.0][(u * 3.0) as usize] / (d as f64).sqrt()).collect();
    let spec = spectrum_file("mg", &delta);
    let j = run_ok(&["theory", "--model", "mg", "--d", "450", "--spectrum", &spec]);
    let (tr, f2): (f64, f64) = (delta.iter().sum(), delta.iter().map(|x| x * x).sum());
    let t = tr * tr / (d as f64 * f2);
    let mut sorted: Vec<f64> = delta.iter().map(|x| x.abs()).collect();
    sorted.sort_by(|a, b| b.total_cmp(a));
    for (i, &r) in RHO.iter().enumerate() {
        let m = f64::max(1.0 - r, 0.0);
        let kappa = 1.0 - m * m * (1.0 - t) - m * t;
        let n = (r * d as f64 + 0.5).floor() as usize;
        let want = [
            ("rf", 1.0 / (1.0 + r / (1.0 + r) * tr * tr / (2.0 * d as f64))), // Theorem 4, not eq (17)
            ("nt", 1.0 / (1.0 + kappa * f2 / 2.0)),
            ("nn", 1.0 / (1.0 + sorted.iter().take(n.min(d)).map(|x| x * x).sum::<f64>() / 2.0)),
        ];
        for (name, w) in want {
            let got = j["curves"][name][i].as_f64().unwrap();
            assert!((got - w).abs() < 1e-6, "{name} at rho {r}: {got} vs {w}");
        }
    }
    // Bayes error: an independent Monte Carlo (own generator, Box-Muller), 2e5 samples.
    let n = 200_000;
    let u = uniforms(2 * n * (d + 1) / 2 + n + 2, 777);
    let mut k = 0;
    let mut next = || {
        k += 1;
        u[k - 1]
    };
    let log_det: f64 = delta.iter().map(|x| ((1.0 - x) / (1.0 + x)).ln()).sum();
    let mut acc = 0.0;
    for _ in 0..n {
        let y = if next() < 0.5 { 1.0 } else { -1.0 };
        let mut q = 0.0;
        let mut i = 0;
        while i < d {
            let (a, b) = (next(), next());
            let rad = (-2.0 * a.ln()).sqrt();
            for (j, z) in [rad * (2.0 * std::f64::consts::PI * b).cos(), rad * (2.0 * std::f64::consts::PI * b).sin()].into_iter().enumerate() {
                if i + j < d {
                    let dl = delta[i + j];
                    let x2 = (1.0 - y * dl) * z * z;
                    q += x2 * (1.0 / (1.0 - dl) - 1.0 / (1.0 + dl));
                }
            }
            i += 2;
        }
        let l = -0.5 * q - 0.5 * log_det;
        acc += 1.0 - (l / 2.0).tanh().powi(2);
    }
    let mc = acc / n as f64;
    let got = j["curves"]["bayes"][0].as_f64().unwrap();
    assert!((got - mc).abs() < 0.004, "Bayes error {got} vs independent Monte Carlo {mc}");
}

#[test]
fn exact_and_sgd_output_shapes() {
    let j = run_ok(&["exact", "--model", "mg", "--d", "20", "--rho", "0.5,1", "--draws", "2", "--quiet"]);
    for c in ["rf", "nt", "nn"] {
        assert_eq!(floats(&j["curves"][c]["mean"]).len(), 2);
        assert_eq!(floats(&j["curves"][c]["std"]).len(), 2);
    }
    let j = run_ok(&["sgd", "--model", "qf", "--regime", "nt", "--d", "10", "--neurons", "4", "--lr", "0.02", "--steps", "200", "--record-every", "50"]);
    assert_eq!(floats(&j["steps"]), vec![0.0, 50.0, 100.0, 150.0, 200.0]);
    assert_eq!(floats(&j["samples"]), vec![0.0, 5000.0, 10000.0, 15000.0, 20000.0]);
    let lim = j["limit"].as_f64().unwrap();
    assert!(floats(&j["risk"]).iter().all(|r| *r >= lim - 1e-12));
    // CSV
    let out = bin().args(["theory", "--model", "qf", "--d", "20", "--rho", "0.5,2", "--format", "csv"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().next().unwrap(), "rho,rf_iso,rf_opt,nt,nn");
    assert_eq!(text.lines().count(), 3);
}

#[test]
fn diverging_sgd_ends_with_a_message_and_no_nan() {
    let out = bin().args(["sgd", "--model", "qf", "--d", "30", "--neurons", "15", "--lr", "3", "--steps", "2000"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains("NaN") && !stdout.contains("nan") && !stdout.contains("inf"), "{stdout}");
    let j: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(j["error"].as_str().unwrap().contains("diverged"));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("step size") && err.lines().count() == 1, "{err}");
}

/// Bad arguments: exit status 2 and exactly one line naming the problem.
#[test]
fn bad_arguments_exit_2_with_one_line() {
    let cases: &[(&[&str], &str)] = &[
        (&["theory", "--model", "xx"], "model"),
        (&["theory", "--d", "0"], "d"),
        (&["theory", "--d", "-3"], "-3"),
        (&["theory", "--d", "100000"], "d"),
        (&["theory", "--rho", ""], "rho"),
        (&["theory", "--rho", "2,1"], "increasing"),
        (&["theory", "--rho", "abc"], "rho"),
        (&["theory", "--rho", "0.001", "--d", "10"], "N = 0"),
        (&["theory", "--rho", "NaN"], "rho"),
        (&["theory", "--spectrum", "nope"], "spectrum"),
        (&["theory", "--spectrum", "file:/nonexistent/x.txt"], "spectrum file"),
        (&["theory", "--spectrum", "list:1,2", "--d", "3"], "d = 3"),
        (&["theory", "--spectrum", "list:1,-2,3", "--d", "3"], "semi-definite"),
        (&["theory", "--model", "mg", "--spectrum", "list:0.5,1.5", "--d", "2"], "delta"),
        (&["theory", "--model", "mg", "--d", "4"], "delta"),
        (&["theory", "--activation", "sigmoid"], "activation"),
        (&["exact", "--draws", "0", "--d", "10"], "draws"),
        (&["exact", "--rho", "1000", "--d", "10"], "rho"),
        (&["sgd", "--neurons", "0", "--lr", "0.1", "--steps", "10", "--d", "10"], "neurons"),
        (&["sgd", "--neurons", "3", "--lr", "NaN", "--steps", "10", "--d", "10"], "eta"),
        (&["sgd", "--neurons", "3", "--lr", "-1", "--steps", "10", "--d", "10"], "eta"),
        (&["sgd", "--neurons", "3", "--lr", "inf", "--steps", "10", "--d", "10"], "eta"),
        (&["sgd", "--neurons", "3", "--lr", "0.1", "--steps", "0", "--d", "10"], "steps"),
        (&["sgd", "--neurons", "3", "--lr", "0.1", "--steps", "10", "--batch", "0", "--d", "10"], "batch"),
        (&["sgd", "--neurons", "3", "--lr", "0.1", "--steps", "10", "--record-every", "11", "--d", "10"], "record"),
        (&["sgd", "--neurons", "3", "--lr", "0.1", "--steps", "10", "--regime", "rf", "--d", "10"], "regime"),
        (&["sgd", "--neurons", "3"], "required"),
        (&["figure", "--preset", "fig9", "--out", "/tmp/x.svg"], "preset"),
        (&["nonsense"], "nonsense"),
    ];
    for (args, needle) in cases {
        let out = bin().args(*args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.to_lowercase().contains(&needle.to_lowercase()), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn every_subcommand_has_help() {
    for sub in ["theory", "exact", "sgd", "figure"] {
        let out = bin().args([sub, "--help"]).output().unwrap();
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"), "{sub}");
    }
}

#[test]
fn figure_writes_svg_and_csv() {
    let dir = std::env::temp_dir();
    let svg = dir.join(format!("lt-fig-{}.svg", std::process::id()));
    let csv = dir.join(format!("lt-fig-{}.csv", std::process::id()));
    let out = bin()
        .args(["figure", "--preset", "fig2", "--d", "20", "--draws", "2", "--sgd-steps", "300", "--quiet", "--out"])
        .arg(&svg)
        .arg("--csv")
        .arg(&csv)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = std::fs::read_to_string(&svg).unwrap();
    assert!(s.starts_with("<svg") && s.contains("Bayes error") && s.contains("NN large-n limit"));
    let c = std::fs::read_to_string(&csv).unwrap();
    assert!(c.starts_with("panel,series,x,y,err") && c.lines().count() > 100);
}

// ---- Argument handling fuzzed in-process (`--dry-run`: checks, computes nothing) ----

use proptest::prelude::*;

fn arg_value() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,12}",
        "-?[0-9]{1,25}",
        "-?[0-9]*\\.[0-9]*(e-?[0-9]{1,3})?",
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("qf".to_string()),
        Just("mg".to_string()),
        Just("list:0.1,0.2".to_string()),
        Just("<script>alert(1)</script>".to_string()),
    ]
}

fn argv() -> impl Strategy<Value = Vec<String>> {
    let sub = prop_oneof![Just("theory"), Just("exact"), Just("sgd"), Just("figure"), Just("bogus")];
    let flag = prop_oneof![
        Just("--model"), Just("--d"), Just("--spectrum"), Just("--seed"), Just("--rho"), Just("--activation"),
        Just("--draws"), Just("--regime"), Just("--neurons"), Just("--batch"), Just("--lr"), Just("--steps"),
        Just("--record-every"), Just("--format"), Just("--preset"), Just("--out"), Just("--sgd-d"), Just("--rotate"), Just("--x"),
    ];
    (sub, prop::collection::vec((flag, arg_value()), 0..8)).prop_map(|(s, pairs)| {
        let mut v = vec!["lazy-training".to_string(), s.to_string()];
        for (f, x) in pairs {
            v.push(f.to_string());
            v.push(x);
        }
        v.push("--dry-run".into());
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300), failure_persistence: None, ..ProptestConfig::default() })]

    /// Any argument list: exit 0 with output, or exit 2 with exactly one line; never a panic.
    #[test]
    fn any_arguments_exit_0_or_2_with_one_line(args in argv()) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = lazy_training::cli::main_with_args(args.clone(), &mut out, &mut err);
        let err = String::from_utf8_lossy(&err);
        prop_assert!(code == 0 || code == 2, "{:?} -> {} {}", args, code, err);
        if code == 2 {
            prop_assert_eq!(err.trim_end().lines().count(), 1, "{:?}: {}", args, err);
            prop_assert!(out.is_empty());
        } else {
            prop_assert!(!out.is_empty() && err.is_empty(), "{:?}", args);
        }
    }
}
