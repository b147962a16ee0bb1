//! Bad and extreme inputs at the core's door: each gets an `Error::Invalid` naming the
//! field, with a message that states what is allowed, and nothing panics. Property
//! tests then throw arbitrary text and numbers at every parser and validator
//! (`PROPTEST_CASES=100000 cargo test --release --test bad_input` for the long run).

#![cfg(not(target_arch = "wasm32"))]

use lazy_training::activation::Activation;
use lazy_training::model::{ModelKind, Spectrum};
use lazy_training::params::{parse_list, Curve, Limits, ModelParams, SgdParams, SgdRegime, SweepParams};
use lazy_training::Error;
use proptest::prelude::*;

fn sweep(kind: ModelKind, d: usize) -> SweepParams {
    SweepParams { model: ModelParams::new(kind, d), activation: Activation::Quadratic, curves: Curve::exact_set(kind).to_vec(), rho: vec![0.5, 1.0], draws: 2 }
}

fn sgd(kind: ModelKind, d: usize) -> SgdParams {
    SgdParams { model: ModelParams::new(kind, d), regime: SgdRegime::Nn, neurons: 5, batch: 10, eta: 0.02, steps: 100, record_every: 10 }
}

type Case = (&'static str, Box<dyn Fn() -> Result<(), Error>>);

fn field_of(e: &Error) -> Option<&'static str> {
    match e {
        Error::Invalid { field, .. } => Some(field),
        Error::File { .. } => Some("spectrum"),
        _ => None,
    }
}

fn with_spectrum(kind: ModelKind, d: usize, text: &'static str) -> Result<(), Error> {
    let mut p = sweep(kind, d);
    p.model.spectrum = text.parse()?;
    p.validate(&Limits::web()).map(|_| ())
}

#[test]
fn bad_inputs_are_refused_with_the_field_named() {
    let web = Limits::web();
    let cases: Vec<(&str, Case)> = vec![
        ("d", ("d = 0", Box::new(move || sweep(ModelKind::Qf, 0).validate(&web).map(|_| ())))),
        ("d", ("d = 1", Box::new(move || sweep(ModelKind::Qf, 1).validate(&web).map(|_| ())))),
        ("d", ("d huge (web)", Box::new(move || sweep(ModelKind::Qf, 100_000).validate(&web).map(|_| ())))),
        ("d", ("d huge (native)", Box::new(|| sweep(ModelKind::Qf, usize::MAX).validate(&Limits::native()).map(|_| ())))),
        ("neurons", ("N = 0", Box::new(move || SgdParams { neurons: 0, ..sgd(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("neurons", ("N huge", Box::new(move || SgdParams { neurons: 1 << 40, ..sgd(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("eta", ("eta NaN", Box::new(move || SgdParams { eta: f64::NAN, ..sgd(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("eta", ("eta +inf", Box::new(move || SgdParams { eta: f64::INFINITY, ..sgd(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("eta", ("eta -inf", Box::new(move || SgdParams { eta: f64::NEG_INFINITY, ..sgd(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("eta", ("eta negative", Box::new(move || SgdParams { eta: -0.1, ..sgd(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("eta", ("eta zero", Box::new(move || SgdParams { eta: 0.0, ..sgd(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("eta", ("eta absurd", Box::new(move || SgdParams { eta: 1e300, ..sgd(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("batch", ("batch 0", Box::new(move || SgdParams { batch: 0, ..sgd(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("batch", ("batch huge", Box::new(move || SgdParams { batch: 1 << 30, ..sgd(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("steps", ("steps 0", Box::new(move || SgdParams { steps: 0, ..sgd(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("steps", ("steps huge", Box::new(move || SgdParams { steps: u64::MAX, ..sgd(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("record_every", ("record 0", Box::new(move || SgdParams { record_every: 0, ..sgd(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("record_every", ("record > steps", Box::new(move || SgdParams { record_every: 101, ..sgd(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("steps", ("SGD work beyond the cap", Box::new(move || SgdParams { neurons: 400, batch: 2000, steps: 10_000_000, ..sgd(ModelKind::Qf, 200) }.validate(&web).map(|_| ())))),
        ("draws", ("draws 0", Box::new(move || SweepParams { draws: 0, ..sweep(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("draws", ("draws huge", Box::new(move || SweepParams { draws: usize::MAX, ..sweep(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("rho", ("rho empty", Box::new(move || SweepParams { rho: vec![], ..sweep(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("rho", ("rho unsorted", Box::new(move || SweepParams { rho: vec![1.0, 0.5], ..sweep(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("rho", ("rho repeated", Box::new(move || SweepParams { rho: vec![1.0, 1.0], ..sweep(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("rho", ("rho NaN", Box::new(move || SweepParams { rho: vec![f64::NAN], ..sweep(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("rho", ("rho negative", Box::new(move || SweepParams { rho: vec![-1.0], ..sweep(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("rho", ("rho infinite", Box::new(move || SweepParams { rho: vec![f64::INFINITY], ..sweep(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("rho", ("rho gives N = 0", Box::new(move || SweepParams { rho: vec![0.01], ..sweep(ModelKind::Qf, 10) }.validate(&web).map(|_| ())))),
        ("rho", ("rho gives N too large", Box::new(move || SweepParams { rho: vec![50.0], ..sweep(ModelKind::Qf, 100) }.validate(&web).map(|_| ())))),
        ("rho", ("rho grid huge", Box::new(move || SweepParams { rho: (1..100_000).map(|i| i as f64 * 1e-3).collect(), ..sweep(ModelKind::Qf, 100) }.validate(&web).map(|_| ())))),
        ("rho", ("sweep work beyond the cap", Box::new(move || SweepParams { rho: vec![10.0], draws: 50, ..sweep(ModelKind::Qf, 450) }.validate(&web).map(|_| ())))),
        ("spectrum", ("spectrum empty list", Box::new(|| with_spectrum(ModelKind::Qf, 3, "list:")))),
        ("spectrum", ("spectrum non-numeric", Box::new(|| with_spectrum(ModelKind::Qf, 3, "list:1,two,3")))),
        ("spectrum", ("spectrum negative (B not PSD)", Box::new(|| with_spectrum(ModelKind::Qf, 3, "list:1,-2,3")))),
        ("spectrum", ("spectrum NaN", Box::new(|| with_spectrum(ModelKind::Qf, 3, "list:1,NaN,3")))),
        ("spectrum", ("spectrum infinite", Box::new(|| with_spectrum(ModelKind::Qf, 3, "list:1,inf,3")))),
        ("spectrum", ("spectrum enormous count", Box::new(|| with_spectrum(ModelKind::Qf, 3, Box::leak(format!("list:{}", vec!["1"; 5000].join(",")).into_boxed_str()))))),
        ("spectrum", ("spectrum wrong length", Box::new(|| with_spectrum(ModelKind::Qf, 4, "list:1,2,3")))),
        ("spectrum", ("spectrum all zero", Box::new(|| with_spectrum(ModelKind::Qf, 3, "list:0,0,0")))),
        ("spectrum", ("mg delta >= 1", Box::new(|| with_spectrum(ModelKind::Mg, 3, "list:0.5,1,0.2")))),
        ("spectrum", ("mg paper at d = 4 (delta = 1)", Box::new(|| sweep(ModelKind::Mg, 4).validate(&Limits::web()).map(|_| ())))),
        ("spectrum", ("qf with the mg spectrum", Box::new(|| with_spectrum(ModelKind::Qf, 3, "paper")))),
        ("spectrum", ("mg with a qf spectrum", Box::new(|| with_spectrum(ModelKind::Mg, 10, "exp")))),
        ("spectrum", ("spiked:0", Box::new(|| with_spectrum(ModelKind::Qf, 10, "spiked:0")))),
        ("spectrum", ("spiked beyond d", Box::new(|| with_spectrum(ModelKind::Qf, 10, "spiked:11")))),
        ("spectrum", ("spiked:x", Box::new(|| with_spectrum(ModelKind::Qf, 10, "spiked:x")))),
        ("spectrum", ("unknown spectrum", Box::new(|| with_spectrum(ModelKind::Qf, 10, "gaussian")))),
        ("spectrum", ("markup in spectrum", Box::new(|| with_spectrum(ModelKind::Qf, 10, "<img src=x onerror=alert(1)>")))),
        ("spectrum", ("file: in the core (only the CLI reads files)", Box::new(|| with_spectrum(ModelKind::Qf, 10, "file:/nonexistent/spectrum.txt")))),
        ("model", ("unknown model", Box::new(|| "mlp".parse::<ModelKind>().map(|_| ())))),
        ("model", ("script as model", Box::new(|| "<script>alert(1)</script>".parse::<ModelKind>().map(|_| ())))),
        ("activation", ("unknown activation", Box::new(|| "sigmoid".parse::<Activation>().map(|_| ())))),
        ("activation", ("empty activation", Box::new(|| "".parse::<Activation>().map(|_| ())))),
        ("regimes", ("unknown regime", Box::new(|| Curve::parse("lazy", ModelKind::Qf).map(|_| ())))),
        ("regimes", ("qf curve on mg", Box::new(|| Curve::parse("rf_opt", ModelKind::Mg).map(|_| ())))),
        ("regimes", ("mg curve on qf", Box::new(|| Curve::parse("bayes", ModelKind::Qf).map(|_| ())))),
        ("regime", ("unknown SGD regime", Box::new(|| "rf".parse::<SgdRegime>().map(|_| ())))),
        ("rho", ("rho list with text", Box::new(|| parse_list("rho", "0.5,javascript:alert(1)").map(|_| ())))),
    ];
    assert!(cases.len() >= 40, "the table has {} cases", cases.len());
    for (want_field, (name, f)) in &cases {
        let err = f().expect_err(name);
        assert_eq!(field_of(&err), Some(*want_field), "{name}: {err}");
        let msg = err.to_string();
        assert!(msg.len() > 20 && msg.len() < 400, "{name}: message {msg:?}");
        // user text quoted back is clipped
        assert!(!msg.contains(&"1,".repeat(100)), "{name}: message not clipped");
    }
}

#[test]
fn extreme_but_valid_inputs_work() {
    // smallest d, N = d, one draw; the largest web sweep finishes inside its caps
    let mut p = sweep(ModelKind::Qf, 2);
    p.rho = vec![0.5, 1.0];
    p.validate(&Limits::web()).unwrap();
    let mg = sweep(ModelKind::Mg, 5);
    mg.validate(&Limits::web()).unwrap();
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".*",
        "(list|file|spiked|exp|flat|paper|qf|mg|relu|tanh|abs|quadratic):[-0-9.,eE naif]{0,30}",
        "[-0-9.eE, ]{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(500), failure_persistence: None, ..ProptestConfig::default() })]

    /// Any text into any parser: a value or an error, never a panic.
    #[test]
    fn parsers_never_panic(s in text()) {
        let _ = s.parse::<ModelKind>();
        let _ = s.parse::<Activation>();
        let _ = s.parse::<SgdRegime>();
        let _ = Curve::parse(&s, ModelKind::Qf);
        let _ = Curve::parse(&s, ModelKind::Mg);
        // The core reads no files, so `file:` text is safe to parse too.
        let _ = s.parse::<Spectrum>();
        let _ = Spectrum::from_file_text("fuzz.txt", &s);
        let _ = parse_list("rho", &s);
    }

    /// Any numbers into validation: Ok within the caps, or an error naming a field
    /// with a readable message; never a panic.
    #[test]
    fn validation_is_total(
        mg in any::<bool>(), d in prop_oneof![0usize..300, any::<usize>()],
        rho in prop::collection::vec(prop_oneof![any::<f64>(), 0.0f64..20.0], 0..6),
        draws in prop_oneof![0usize..60, any::<usize>()],
        neurons in prop_oneof![0usize..500, any::<usize>()], batch in prop_oneof![0usize..3000, any::<usize>()],
        eta in prop_oneof![any::<f64>(), 0.0f64..2.0], steps in prop_oneof![0u64..100_000, any::<u64>()],
        record_every in prop_oneof![0u64..1000, any::<u64>()], seed in any::<u64>(),
    ) {
        let kind = if mg { ModelKind::Mg } else { ModelKind::Qf };
        let model = ModelParams { kind, d, spectrum: Spectrum::default_for(kind), rotate: false, seed };
        // d is checked before anything is drawn, so huge d costs nothing here.
        let sw = SweepParams { model: model.clone(), activation: Activation::Quadratic, curves: Curve::exact_set(kind).to_vec(), rho, draws };
        match sw.validate(&Limits::web()) {
            Ok(_) => prop_assert!(sw.cost().flops <= Limits::web().max_sweep_flops),
            Err(e) => prop_assert!(field_of(&e).is_some() && e.to_string().len() > 10, "{}", e),
        }
        let sg = SgdParams { model, regime: SgdRegime::Nt, neurons, batch, eta, steps, record_every };
        match sg.validate(&Limits::web()) {
            Ok(_) => prop_assert!(eta.is_finite() && eta > 0.0 && sg.cost().bytes <= Limits::web().max_bytes),
            Err(e) => prop_assert!(field_of(&e).is_some(), "{}", e),
        }
    }
}
