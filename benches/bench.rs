//! Native side of `make bench` (driven by benches/run.py, which alternates it with the
//! numpy baseline and the wasm build). Times the core through its public API and
//! prints one JSON object per command on stdout.
//!
//!   bench sgd <d> <N> <batch> <steps> [regime=nn|nt]  qf one-pass SGD: steps/s of SgdRun::advance
//!   bench exact <d> [draws]                          exact qf RF (isotropic) + NT risks over the
//!                                                    paper's rho grid, through experiment::exact_point
//!   bench chol <N> <d>                               one thread: faer's Cholesky of W^T W + I
//!                                                    (W d x N) and linalg::dense's, GFLOP/s (N^3/3)
//!
//! `cargo bench` appends `--bench`; it is ignored.

use lazy_training::activation::Activation;
use lazy_training::experiment::exact_point;
use lazy_training::model::{ModelKind, Target};
use lazy_training::params::{Curve, Limits, ModelParams, SgdParams, SgdRegime};
use lazy_training::sgd::SgdRun;
use lazy_training::theory::neurons;
use std::time::Instant;

const RHO: [f64; 10] = [0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0];

fn arg<T: std::str::FromStr>(a: &[String], i: usize, default: T) -> T {
    a.get(i).and_then(|s| s.parse().ok()).unwrap_or(default)
}

fn sgd(a: &[String]) {
    let d: usize = arg(a, 1, 30);
    let n: usize = arg(a, 2, 15);
    let b: usize = arg(a, 3, 100);
    let steps: u64 = arg(a, 4, 20_000);
    let regime = match a.get(5).map(String::as_str) {
        Some("nt") => SgdRegime::Nt,
        _ => SgdRegime::Nn,
    };
    let p = SgdParams {
        model: ModelParams::new(ModelKind::Qf, d),
        regime,
        neurons: n,
        batch: b,
        eta: 0.02,
        steps: steps + steps / 10 + 1,
        // No record inside the timed window: only steps are timed.
        record_every: steps + steps / 10 + 1,
    };
    let mut run = SgdRun::new(&p, &Limits::native()).expect("valid parameters");
    run.advance(steps / 10).expect("warm-up"); // warm caches and branch predictors
    let t = Instant::now();
    run.advance(steps).expect("no divergence");
    let secs = t.elapsed().as_secs_f64();
    // Multiply-adds per step: xw = X W (b d N), W += X^T T (b d N), plus O(b N) and the
    // b d normals. Flops = 2 * 2 b d N.
    let flops = 4.0 * (b * d * n) as f64;
    println!(
        "{{\"what\":\"sgd\",\"d\":{d},\"n\":{n},\"batch\":{b},\"steps\":{steps},\"secs\":{secs},\"steps_per_s\":{},\"gflops\":{}}}",
        steps as f64 / secs,
        flops * steps as f64 / secs / 1e9
    );
}

fn exact(a: &[String]) {
    let d: usize = arg(a, 1, 450);
    let draws: usize = arg(a, 2, 1);
    let seed = 1u64;
    let model = ModelParams::new(ModelKind::Qf, d);
    let target = Target::new(model.kind, d, &model.spectrum, false, seed).expect("target");
    let tm = target.matrix();
    let (mut t_rf, mut t_nt) = (0.0, 0.0);
    let mut per_rho = Vec::new();
    let mut check = 0.0;
    for draw in 0..draws {
        for (ri, rho) in RHO.iter().enumerate() {
            let n = neurons(*rho, d);
            let t0 = Instant::now();
            let rf = exact_point(&target, &tm, Activation::Quadratic, Curve::RfIso, n, seed, ri, draw).expect("rf");
            let t1 = Instant::now();
            let nt = exact_point(&target, &tm, Activation::Quadratic, Curve::Nt, n, seed, ri, draw).expect("nt");
            let t2 = Instant::now();
            t_rf += (t1 - t0).as_secs_f64();
            t_nt += (t2 - t1).as_secs_f64();
            check += rf + nt;
            if draw == 0 {
                per_rho.push(format!("{{\"rho\":{rho},\"n\":{n},\"rf\":{rf},\"nt\":{nt},\"rf_secs\":{},\"nt_secs\":{}}}", (t1 - t0).as_secs_f64(), (t2 - t1).as_secs_f64()));
            }
        }
    }
    println!(
        "{{\"what\":\"exact\",\"d\":{d},\"draws\":{draws},\"secs\":{},\"rf_secs\":{t_rf},\"nt_secs\":{t_nt},\"checksum\":{check},\"points\":[{}]}}",
        t_rf + t_nt,
        per_rho.join(",")
    );
}

/// faer's Cholesky on one thread beside the blocked kernels of linalg::dense (natively
/// compiled, portable inner block) at N x N, best of 3.
fn chol(a: &[String]) {
    use faer::{Mat, Par, Side};
    // faer's factorisation on one thread (llt uses the global parallelism).
    let n: usize = arg(a, 1, 1350);
    let d: usize = arg(a, 2, 450);
    let mut w = vec![0.0; d * n];
    lazy_training::rng::fill_normal(&mut lazy_training::rng::stream(1, lazy_training::rng::Stream::Weights, n as u64, d as u64), &mut w, 1.0 / (d as f64).sqrt());
    let g = lazy_training::linalg::dense::gram(&w, d, n);
    let k = Mat::<f64>::from_fn(n, n, |i, j| g[j * n + i] + if i == j { 1.0 } else { 0.0 });
    let flops = (n as f64).powi(3) / 3.0;
    faer::set_global_parallelism(Par::Seq);
    let (mut faer_best, mut dense_best) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..3 {
        let t = Instant::now();
        let l = k.as_ref().llt(Side::Lower).expect("SPD");
        std::hint::black_box(&l);
        faer_best = faer_best.min(t.elapsed().as_secs_f64());
        let mut a2: Vec<f64> = (0..n * n).map(|i| k[(i % n, i / n)]).collect();
        let t = Instant::now();
        assert!(lazy_training::linalg::dense::cholesky_lower(&mut a2, n));
        dense_best = dense_best.min(t.elapsed().as_secs_f64());
    }
    println!("{}", serde_json::json!({ "n": n, "d": d, "faer_seq_gflops": flops / faer_best / 1e9, "faer_seq_secs": faer_best, "dense_native_gflops": flops / dense_best / 1e9 }));
}

fn main() {
    let a: Vec<String> = std::env::args().skip(1).filter(|s| s != "--bench").collect();
    match a.first().map(String::as_str) {
        Some("sgd") => sgd(&a),
        Some("exact") => exact(&a),
        Some("chol") => chol(&a),
        _ => {
            eprintln!("usage: bench sgd <d> <N> <batch> <steps> [nn|nt] | bench exact <d> [draws]");
            std::process::exit(2);
        }
    }
}
