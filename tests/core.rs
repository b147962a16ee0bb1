//! Native tests of the science core. Each asserts a number against an independent
//! route to it (a closed form of docs/maths.md, a sample-based fit, Simpson or Monte
//! Carlo integration, a known limit), at a stated tolerance.

#![cfg(not(target_arch = "wasm32"))]

use lazy_training::activation::{gauss_hermite, hermite_coefficients, hermite_polys, Activation};
use lazy_training::experiment::{Sweep, Theory};
use lazy_training::fit::{fit_and_score, Features};
use lazy_training::model::{ModelKind, Spectrum, Target};
use lazy_training::nn;
use lazy_training::nt;
use lazy_training::params::{Curve, Limits, ModelParams, SgdParams, SgdRegime, SweepParams};
use lazy_training::rf::{self, WeightLaw};
use lazy_training::rng::{self, Stream};
use lazy_training::sgd::SgdRun;
use lazy_training::theory;

mod kernels;

/// E[f(G)] by composite Simpson on [-14, 14] (an integration route independent of
/// Gauss-Hermite; kinks at 0 fall on a grid point, so it converges as h^4 on each side).
fn simpson_normal(f: impl Fn(f64) -> f64) -> f64 {
    let n = 200_000; // even
    let (a, b) = (-14.0, 14.0);
    let h = (b - a) / n as f64;
    let phi = |u: f64| (-0.5 * u * u).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let mut s = 0.0;
    for i in 0..=n {
        let u = a + i as f64 * h;
        let w = if i == 0 || i == n { 1.0 } else if i % 2 == 1 { 4.0 } else { 2.0 };
        s += w * f(u) * phi(u);
    }
    s * h / 3.0
}

#[test]
fn gauss_hermite_rule_integrates_moments() {
    // E[G^(2k)] = (2k-1)!!
    let (x, w) = gauss_hermite(20);
    for (k, expect) in [(0, 1.0), (1, 1.0), (2, 3.0), (3, 15.0), (4, 105.0), (5, 945.0)] {
        let m: f64 = x.iter().zip(&w).map(|(x, w)| w * x.powi(2 * k)).sum();
        assert!((m - expect).abs() < 1e-9 * expect, "E G^{} = {m}, expected {expect}", 2 * k);
    }
}

#[test]
fn hermite_coefficients_of_known_functions() {
    // u^3 = He_3 + 3 He_1: lambda_1 = 3, lambda_3 = 3! = 6 (coefficients not divided by k!).
    let c = hermite_coefficients(|u| u.powi(3), 5);
    let expect = [0.0, 3.0, 0.0, 6.0, 0.0, 0.0];
    for k in 0..=5 {
        assert!((c[k] - expect[k]).abs() < 1e-10, "lambda_{k}(u^3) = {}", c[k]);
    }
    // The quadratic activation u^2 - 1 = He_2: lambda_2 = 2, nothing else.
    for k in 0..6 {
        let e = if k == 2 { 2.0 } else { 0.0 };
        assert!((Activation::Quadratic.hermite(k) - e).abs() < 1e-14);
    }
}

#[test]
fn activation_coefficients_match_simpson_integration() {
    let mut he = vec![0.0; 8];
    for act in Activation::ALL {
        for k in 0..=6 {
            let reference = simpson_normal(|u| {
                let mut h = [0.0; 8];
                hermite_polys(u, k, &mut h);
                act.eval(u) * h[k]
            });
            let got = act.hermite(k);
            assert!((got - reference).abs() < 1e-8, "{act} lambda_{k}: {got} vs Simpson {reference}");
        }
        let m2 = simpson_normal(|u| act.eval(u).powi(2));
        assert!((act.second_moment() - m2).abs() < 1e-8, "{act} E sigma^2");
        // scaled coefficients, used when |w| != 1
        for a in [0.7, 1.3] {
            let reference = simpson_normal(|u| act.eval(a * u) * (u * u - 1.0));
            assert!((act.hermite_scaled(2, a) - reference).abs() < 1e-8, "{act} lambda_2 at scale {a}");
        }
    }
    let _ = &mut he;
}

#[test]
fn gaussian_kernel_matches_monte_carlo() {
    // E[sigma(u) sigma(v)] for sd a, b and correlation r, against 2e6 samples.
    let mut g = rng::stream(7, Stream::Fit, 0, 0);
    let n = 2_000_000;
    let (a, b, r) = (1.1, 0.8, 0.6);
    for act in Activation::ALL {
        let (ca, cb) = (act.kernel_coeffs(a), act.kernel_coeffs(b));
        let k = act.kernel(a, b, r * a * b, &ca, &cb);
        let (mut s, mut s2) = (0.0, 0.0);
        for _ in 0..n {
            let z1 = rng::normal(&mut g);
            let z2 = rng::normal(&mut g);
            let u = a * z1;
            let v = b * (r * z1 + (1.0 - r * r).sqrt() * z2);
            let p = act.eval(u) * act.eval(v);
            s += p;
            s2 += p * p;
        }
        let mean = s / n as f64;
        let se = ((s2 / n as f64 - mean * mean) / n as f64).sqrt();
        assert!((k - mean).abs() < 5.0 * se + 1e-9, "{act}: kernel {k} vs MC {mean} +- {se}");
    }
}

fn target(kind: ModelKind, d: usize, spectrum: Spectrum, rotate: bool, seed: u64) -> Target {
    Target::new(kind, d, &spectrum, rotate, seed).unwrap()
}

/// Exact RF / NT population risks against ridge fits on 1e5 samples scored on 2e5
/// fresh ones (relative sample error ~1%; tolerance 0.01 absolute; seen: within 0.0025).
#[test]
fn exact_risks_match_sample_fits() {
    let cases: Vec<(&str, Target)> = vec![
        ("qf exp rotated", target(ModelKind::Qf, 6, Spectrum::Exp, true, 3)),
        ("mg paper rotated", target(ModelKind::Mg, 6, Spectrum::Values(vec![0.6, -0.4, 0.5, 0.3, 0.7, 0.2]), true, 4)),
    ];
    for (name, t) in &cases {
        let m = t.matrix();
        let mut wr = rng::stream(11, Stream::Weights, 0, 0);
        for act in [Activation::Quadratic, Activation::Relu, Activation::Tanh] {
            let w = rf::sample_weights(t, 8, WeightLaw::Isotropic, &mut wr);
            let exact = rf::rf_risk(t, &m, &w, act).unwrap();
            let fit = fit_and_score(t, Features::Rf(&w, act), 100_000, 200_000, 1e-9, &mut rng::stream(5, Stream::Fit, 1, 0)).unwrap();
            eprintln!("{name} RF {act}: exact {exact:.4} fit {fit:.4}");
            assert!((exact - fit).abs() < 0.01, "{name} RF {act}: exact {exact} vs fit {fit}");
        }
        let w = rf::sample_weights(t, 3, WeightLaw::Isotropic, &mut wr);
        let exact = match t.kind {
            ModelKind::Qf => nt::nt_risk_qf(&m, &w),
            ModelKind::Mg => nt::nt_risk_mg(&m, &w).unwrap(),
        };
        let fit = fit_and_score(t, Features::Nt(&w), 100_000, 200_000, 1e-9, &mut rng::stream(5, Stream::Fit, 2, 0)).unwrap();
        eprintln!("{name} NT: exact {exact:.4} fit {fit:.4}");
        assert!((exact - fit).abs() < 0.01, "{name} NT: exact {exact} vs fit {fit}");
        assert!(exact < 0.999, "{name} NT risk {exact} should be below 1");
    }
}

/// For B = I (flat) NT's risk for any W with N < d is ||P||^2/||I||^2 = (d-N)/d exactly.
#[test]
fn nt_qf_flat_closed_form() {
    let t = target(ModelKind::Qf, 12, Spectrum::Flat, false, 1);
    let w = rf::sample_weights(&t, 5, WeightLaw::Isotropic, &mut rng::stream(1, Stream::Weights, 0, 0));
    assert!((nt::nt_risk_qf(&t.matrix(), &w) - 7.0 / 12.0).abs() < 1e-12);
}

/// mg NT exact minimum sits above Theorem 5 (it keeps the 2 tr(M Delta M Delta) term)
/// and within its O(1/d) distance; at N >= d both equal the NN minimum's closed form.
#[test]
fn mg_nt_exact_vs_theorem5_and_full_width() {
    let t = target(ModelKind::Mg, 40, Spectrum::Paper, false, 2);
    let m = t.matrix();
    let w = rf::sample_weights(&t, 20, WeightLaw::Isotropic, &mut rng::stream(2, Stream::Weights, 0, 0));
    let exact = nt::nt_risk_mg(&m, &w).unwrap();
    let th5 = nt::nt_theorem5_mg(&m, &w);
    assert!(exact >= th5 - 1e-12 && exact - th5 < 0.03, "exact {exact}, Theorem 5 {th5}");
    let w_full = rf::sample_weights(&t, 40, WeightLaw::Isotropic, &mut rng::stream(2, Stream::Weights, 1, 0));
    let full = nt::nt_risk_mg(&m, &w_full).unwrap();
    assert!((full - nn::nn_min(&t, 40)).abs() < 1e-10, "full-width NT {full} vs NN minimum {}", nn::nn_min(&t, 40));
}

/// Theory (section 5) against exact finite-d averages over 10 draws at d = 100.
#[test]
fn theory_matches_exact_averages_at_d100() {
    for (kind, tol) in [(ModelKind::Qf, [0.02, 0.02]), (ModelKind::Mg, [0.01, 0.012])] {
        let rho = vec![0.25, 0.5, 1.0];
        let params = SweepParams { model: ModelParams::new(kind, 100), activation: Activation::Quadratic, curves: vec![Curve::RfIso, Curve::Nt], rho: rho.clone(), draws: 10 };
        let mut sweep = Sweep::new(&params, &Limits::native()).unwrap();
        while !sweep.done() {
            sweep.advance(5).unwrap();
        }
        let th = Theory::compute(sweep.target(), Activation::Quadratic, &[Curve::RfIso, Curve::Nt], &rho, 0, 1);
        for ((c, stats), (_, line)) in sweep.results().iter().zip(&th.curves) {
            let t = if *c == Curve::RfIso { tol[0] } else { tol[1] };
            for (i, s) in stats.iter().enumerate() {
                assert!((s.mean - line[i]).abs() < t, "{kind} {c:?} rho {}: exact {} vs theory {}", rho[i], s.mean, line[i]);
            }
        }
    }
}

/// Section 6: the d -> infinity values for an Exp(1) spectrum, from a target whose
/// eigenvalues are the Exp(1) quantiles (tau -> 1/2).
#[test]
fn exp_spectrum_closed_forms() {
    let d = 20_000;
    let q: Vec<f64> = (0..d).map(|i| -(1.0 - (i as f64 + 0.5) / d as f64).ln()).collect();
    let t = target(ModelKind::Qf, d, Spectrum::Values(q), false, 1);
    assert!((t.tau() - 0.5).abs() < 2e-3, "tau {}", t.tau());
    for rho in [0.1, 0.3, 0.5, 0.8, 1.0, 2.0, 5.0] {
        let m = f64::max(1.0 - rho, 0.0);
        let cases = [
            ("RF iso", theory::qf_rf_iso(&t, Activation::Quadratic, rho), 1.0 - rho / (2.0 * (1.0 + rho))),
            ("RF opt", theory::qf_rf_opt(&t, Activation::Quadratic, rho), 1.0 / (1.0 + 2.0 * rho)),
            ("NT", theory::qf_nt(&t, rho), m * m + rho * m / 2.0),
            ("NN", theory::nn(&t, theory::neurons(rho, d)), if rho < 1.0 { 1.0 - rho * (rho.ln().powi(2) - 2.0 * rho.ln() + 2.0) / 2.0 } else { 0.0 }),
        ];
        for (name, got, want) in cases {
            assert!((got - want).abs() < 3e-3, "{name} at rho {rho}: {got} vs {want}");
        }
    }
}

/// Theorem 1 for the quadratic activation reduces to eq. (12); an odd activation
/// (lambda_2 = 0) has risk 1; mg Theorem 4 reduces to 1/(1 + rho/(1+rho) tr(Delta)^2/(2d)).
#[test]
fn theorem1_and_4_special_cases() {
    let t = target(ModelKind::Qf, 50, Spectrum::Exp, false, 9);
    let mg = target(ModelKind::Mg, 50, Spectrum::Paper, false, 9);
    for rho in [0.2, 1.0, 4.0] {
        assert!((theory::qf_rf_iso(&t, Activation::Quadratic, rho) - (1.0 - rho / (1.0 + rho) * t.tau())).abs() < 1e-12);
        assert!((theory::qf_rf_iso(&t, Activation::Tanh, rho) - 1.0).abs() < 1e-9);
        let want = 1.0 / (1.0 + rho / (1.0 + rho) * mg.trace().powi(2) / (2.0 * 50.0));
        assert!((theory::mg_rf(&mg, Activation::Quadratic, rho) - want).abs() < 1e-12);
        // ReLU (lambda_1 != 0) psi solves eq. (9)
        let (l1, lt) = (0.5, Activation::Relu.second_moment() - 0.25);
        let psi = theory::psi_root(rho, l1, lt, &[1.0]);
        let resid = rho / psi - lt - l1 * l1 / (1.0 + l1 * l1 * psi);
        assert!(resid.abs() < 1e-9, "eq (9) residual {resid}");
    }
}

/// Exact NN minimum against population gradient flow from a random start.
#[test]
fn gradient_flow_reaches_nn_minimum() {
    let t = target(ModelKind::Qf, 10, Spectrum::Exp, false, 4);
    let mut w = nalgebra::DMatrix::<f64>::zeros(10, 4);
    rng::fill_normal(&mut rng::stream(4, Stream::Sgd, 9, 0), w.as_mut_slice(), 0.3);
    let mut c = 0.0;
    let risks = nn::gradient_flow_qf(&t, &mut w, &mut c, 0.002, 20_000);
    let last = *risks.last().unwrap();
    let min = nn::nn_min(&t, 4);
    assert!((last - min).abs() < 1e-4, "flow ends at {last}, minimum {min}");
}

fn sgd(kind: ModelKind, regime: SgdRegime, d: usize, n: usize, eta: f64, steps: u64) -> SgdRun {
    let p = SgdParams { model: ModelParams::new(kind, d), regime, neurons: n, batch: 100, eta, steps, record_every: 500 };
    let mut run = SgdRun::new(&p, &Limits::native()).unwrap();
    run.advance(u64::MAX).unwrap();
    run
}

#[test]
fn sgd_reaches_the_exact_minimum() {
    for (kind, regime, eta, steps) in [
        (ModelKind::Qf, SgdRegime::Nn, 0.02, 30_000),
        (ModelKind::Qf, SgdRegime::Nt, 0.02, 30_000),
        (ModelKind::Mg, SgdRegime::Nn, 0.3, 10_000),
    ] {
        let run = sgd(kind, regime, 20, 8, eta, steps);
        let r = run.record_risks();
        let (first, last) = (r[0], *r.last().unwrap());
        assert!(last < first, "{kind} {regime:?}: risk did not decrease");
        assert!(last >= run.limit() - 1e-9, "{kind} {regime:?}: ended at {last} below the exact minimum {}", run.limit());
        assert!(last <= run.limit() * 1.05 + 1e-3, "{kind} {regime:?}: ended at {last}, exact minimum {}", run.limit());
    }
}

#[test]
fn sgd_divergence_is_reported_not_plotted() {
    let p = SgdParams { model: ModelParams::new(ModelKind::Qf, 30), regime: SgdRegime::Nn, neurons: 15, batch: 100, eta: 5.0, steps: 1000, record_every: 10 };
    let mut run = SgdRun::new(&p, &Limits::native()).unwrap();
    let err = run.advance(u64::MAX).unwrap_err().to_string();
    assert!(err.contains("diverged") && err.contains("eta = 0.5"), "{err}");
    assert!(run.record_risks().iter().all(|r| r.is_finite()));
    assert!(run.advance(10).is_err(), "a failed run stays failed");
}

#[test]
fn seeds_are_deterministic_and_order_free() {
    let params = SweepParams { model: ModelParams::new(ModelKind::Qf, 20), activation: Activation::Quadratic, curves: vec![Curve::RfIso, Curve::RfOpt, Curve::Nt], rho: vec![0.5, 1.0, 2.0], draws: 3 };
    let mut a = Sweep::new(&params, &Limits::native()).unwrap();
    a.advance(usize::MAX).unwrap();
    let mut b = Sweep::new(&params, &Limits::native()).unwrap();
    while !b.done() {
        b.advance(1).unwrap();
    }
    assert_eq!(a.results(), b.results());
    let mut other = params.clone();
    other.model.seed = 2;
    let mut c = Sweep::new(&other, &Limits::native()).unwrap();
    c.advance(usize::MAX).unwrap();
    assert_ne!(a.results()[0].1[0].mean, c.results()[0].1[0].mean);
    // SGD: same seed, same trajectory
    let r1 = sgd(ModelKind::Mg, SgdRegime::Nn, 10, 4, 0.3, 1000);
    let r2 = sgd(ModelKind::Mg, SgdRegime::Nn, 10, 4, 0.3, 1000);
    assert_eq!(r1.record_risks(), r2.record_risks());
    // The portable generator's first draws are fixed forever (same in wasm).
    let mut g = rng::stream(42, Stream::Model, 0, 0);
    let first: Vec<u64> = (0..2).map(|_| rand::Rng::next_u64(&mut g)).collect();
    let mut g2 = rng::stream(42, Stream::Model, 0, 0);
    assert_eq!(first, (0..2).map(|_| rand::Rng::next_u64(&mut g2)).collect::<Vec<_>>());
}

#[test]
fn rotation_changes_no_exact_risk_in_law() {
    // Rotating B leaves every spectrum-based number unchanged and the exact risks'
    // averages equal within sampling.
    let a = target(ModelKind::Qf, 30, Spectrum::Exp, false, 5);
    let b = target(ModelKind::Qf, 30, Spectrum::Exp, true, 5);
    assert_eq!(a.diag, b.diag);
    assert!((a.matrix().norm_squared() - b.matrix().norm_squared()).abs() < 1e-9);
    let w = rf::sample_weights(&a, 10, WeightLaw::Isotropic, &mut rng::stream(1, Stream::Weights, 0, 0));
    let o = b.rotation.clone().unwrap();
    let wr = &o * &w; // the same W, rotated with B
    let ra = rf::rf_risk(&a, &a.matrix(), &w, Activation::Relu).unwrap();
    let rb = rf::rf_risk(&b, &b.matrix(), &wr, Activation::Relu).unwrap();
    assert!((ra - rb).abs() < 1e-9, "{ra} vs {rb}");
}

/// The overlap of span(W) with B's top-N eigenspace: its random-W closed form against
/// an average over 200 draws, 1 for W spanning the top axes (also with tied
/// eigenvalues), and SGD's NN raises it towards 1 while NT's fixed W keeps its value.
#[test]
fn top_eigenspace_overlap_random_and_learned() {
    let t = target(ModelKind::Qf, 20, Spectrum::Spiked(4), false, 1);
    let mut acc = 0.0;
    for k in 0..200 {
        let w = rf::sample_weights(&t, 4, WeightLaw::Isotropic, &mut rng::stream(3, Stream::Weights, k, 0));
        acc += nn::top_eigenspace_overlap(&t, &w);
    }
    let mean = acc / 200.0;
    // spiked:4 at d = 20: (4/20) (4*100 + 16) / (4*100) = 0.208
    assert!((nn::random_overlap(&t, 4) - 0.208).abs() < 1e-12);
    assert!((mean - 0.208).abs() < 0.02, "random W overlap {mean}, expected 0.208");
    // Tied eigenvalues (flat B): any N-dimensional W holds all of the top-N energy.
    let flat = target(ModelKind::Qf, 12, Spectrum::Flat, false, 1);
    let wf = rf::sample_weights(&flat, 5, WeightLaw::Isotropic, &mut rng::stream(3, Stream::Weights, 0, 1));
    assert!((nn::top_eigenspace_overlap(&flat, &wf) - 1.0).abs() < 1e-9);
    let mut w = nalgebra::DMatrix::<f64>::zeros(20, 4);
    for i in 0..4 {
        w[(i, i)] = 1.0 + i as f64; // spans the 4 spiked axes (indices 0..4)
        w[(5 + i, i)] = 1e-9;
    }
    assert!((nn::top_eigenspace_overlap(&t, &w) - 1.0).abs() < 1e-9);
    let nn_run = sgd(ModelKind::Qf, SgdRegime::Nn, 20, 4, 0.02, 20_000);
    let nt_run = sgd(ModelKind::Qf, SgdRegime::Nt, 20, 4, 0.02, 2_000);
    let learned = nn::top_eigenspace_overlap(nn_run.target(), nn_run.weights());
    let fixed = nn::top_eigenspace_overlap(nt_run.target(), nt_run.weights());
    assert!(learned > 0.95, "NN after SGD spans {learned} of the top eigenspace");
    assert!(fixed < 0.6, "NT's random W spans {fixed}");
}

/// Ill-conditioned solves: duplicated neurons make the RF kernel exactly singular;
/// the pseudo-inverse fallback must give the risk of the distinct neurons alone
/// (same span of features), finite, not NaN. Also N > d(d+1)/2 (more quadratic
/// features than the space they live in) stays finite and reaches the NN minimum 0.
#[test]
fn singular_kernels_fall_back_to_the_pseudo_inverse() {
    let t = target(ModelKind::Qf, 8, Spectrum::Exp, false, 6);
    let m = t.matrix();
    let w = rf::sample_weights(&t, 5, WeightLaw::Isotropic, &mut rng::stream(6, Stream::Weights, 0, 0));
    let mut dup = nalgebra::DMatrix::<f64>::zeros(8, 10);
    for j in 0..10 {
        dup.set_column(j, &w.column(j % 5));
    }
    for act in [Activation::Quadratic, Activation::Relu] {
        let r1 = rf::rf_risk(&t, &m, &w, act).unwrap();
        let r2 = rf::rf_risk(&t, &m, &dup, act).unwrap();
        assert!((r1 - r2).abs() < 1e-6, "{act}: distinct {r1} vs duplicated {r2}");
    }
    // 8*9/2 = 36 < 60 quadratic features: f* lies in their span, risk 0.
    let wide = rf::sample_weights(&t, 60, WeightLaw::Isotropic, &mut rng::stream(6, Stream::Weights, 1, 0));
    let r = rf::rf_risk(&t, &m, &wide, Activation::Quadratic).unwrap();
    assert!(r.is_finite() && r < 1e-6, "over-complete RF risk {r}");
}

/// The SGD step's matrix products: every native kernel (AVX-512 and AVX2 where the CPU
/// has them, the portable one always) equals the triple loop (tests/kernels/mod.rs).
#[test]
fn sgd_product_kernels_match_the_triple_loop() {
    let names = kernels::kernel_names();
    assert!(names.contains(&"portable") && names.contains(&"dispatch"), "{names:?}");
    let failures = kernels::small_gemm_failures();
    assert!(failures.is_empty(), "{} failures, first: {:?}", failures.len(), &failures[..failures.len().min(3)]);
}

/// The same command prints the same numbers on x86-64 CPUs with and without AVX-512:
/// the AVX-512 kernel equals the AVX2 one bit for bit (both accumulate with fused
/// multiply-adds in the same order and round the store the same way). Checked where
/// the CPU has both; where it has AVX2 alone there is one kernel and nothing to compare.
#[test]
fn avx512_and_avx2_kernels_agree_bit_for_bit() {
    let (compared, failures) = kernels::fma_kernels_bitwise_differences();
    eprintln!("compared bit for bit: {compared:?}");
    assert!(failures.is_empty(), "{} differences, first: {:?}", failures.len(), &failures[..failures.len().min(3)]);
}
