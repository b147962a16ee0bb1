//! The page's settings parser (`settings::PageConfig`), which every URL value and
//! control goes through: a table of hostile and malformed values, and a property
//! test that any query string gives a checked config or an error naming a known key
//! (`PROPTEST_CASES=100000 cargo test --release --test settings` for the long run).

#![cfg(not(target_arch = "wasm32"))]

use lazy_training::params::Limits;
use lazy_training::settings::{query_pairs, PageConfig};
use lazy_training::Error;
use proptest::prelude::*;

const KEYS: [&str; 17] = [
    "model", "d", "spectrum", "rotate", "activation", "regimes", "rho_min", "rho_max", "rho_points", "draws", "neurons", "batch", "eta_nt", "eta_nn", "steps", "record_every", "seed",
];

fn parse(q: &str) -> Result<PageConfig, Error> {
    let web = Limits::web();
    let c = PageConfig::from_query(q, &web)?;
    c.check(&web)?;
    Ok(c)
}

#[test]
fn defaults_are_the_papers_small_d_settings() {
    let c = parse("").unwrap();
    assert_eq!((c.d, c.draws, c.neurons, c.batch, c.seed), (30, 5, 15, 100, 1));
    assert_eq!(c.rho.len(), 11);
    assert!((c.rho[0] - 0.1).abs() < 1e-12 && (c.rho[10] - 3.0).abs() < 1e-12);
    let m = parse("?model=mg").unwrap();
    assert_eq!((m.eta_nt, m.eta_nn), (0.02, 0.3));
}

#[test]
fn query_decoding() {
    assert_eq!(query_pairs("#a=1&b=x%20y+z&c"), vec![("a".into(), "1".into()), ("b".into(), "x y z".into()), ("c".into(), "".into())]);
    assert_eq!(query_pairs("a=%zz%4"), vec![("a".into(), "%zz%4".into())]);
    let c = parse("d=40&spectrum=list%3A1%2C2%2C3%2C4%2C5%2C6%2C7%2C8%2C9%2C10%2C1%2C2%2C3%2C4%2C5%2C6%2C7%2C8%2C9%2C10%2C1%2C2%2C3%2C4%2C5%2C6%2C7%2C8%2C9%2C10%2C1%2C2%2C3%2C4%2C5%2C6%2C7%2C8%2C9%2C10").unwrap();
    assert_eq!(c.d, 40);
}

#[test]
fn hostile_and_malformed_values_name_their_key() {
    let cases = [
        ("d=<script>alert(1)</script>", "d"),
        ("d=1e999", "d"),
        ("d=-5", "d"),
        ("d=0x10", "d"),
        ("d=1000", "d"),
        ("model=javascript:alert(1)", "model"),
        ("spectrum=<img src=x onerror=alert(1)>", "spectrum"),
        ("spectrum=file:/etc/passwd", "spectrum"),
        ("spectrum=list:1,2", "spectrum"),
        ("activation=%3Csvg%20onload%3Dalert(1)%3E", "activation"),
        ("regimes=rf_opt&model=mg", "regimes"),
        ("regimes=nt,<b>", "regimes"),
        ("rho_min=0", "rho_min"),
        ("rho_min=NaN", "rho_min"),
        ("rho_max=Infinity", "rho_max"),
        ("rho_min=2&rho_max=1", "rho_max"),
        ("rho_points=0", "rho_points"),
        ("rho_points=100000", "rho_points"),
        ("rho_max=80&d=200", "rho"),
        ("draws=0", "draws"),
        ("draws=1e3", "draws"),
        ("neurons=0", "neurons"),
        ("batch=-1", "batch"),
        ("eta_nt=0", "eta_nt"),
        ("eta_nn=-1", "eta_nn"),
        ("eta_nn=1e308", "eta_nn"),
        ("steps=0", "steps"),
        ("steps=99999999999999999999999", "steps"),
        ("record_every=0", "record_every"),
        ("seed=-1", "seed"),
        ("seed=9007199254740993", "seed"),
        ("d=200&neurons=400&batch=2000&steps=10000000", "steps"),
    ];
    for (q, key) in cases {
        match parse(q) {
            Err(Error::Invalid { field, message }) => {
                assert_eq!(field, key, "{q}: {message}");
                assert!(message.len() < 300, "{q}: long message");
            }
            other => panic!("{q}: expected an error on {key}, got {other:?}"),
        }
    }
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,16}",
        "-?[0-9]{1,22}",
        "-?[0-9]*\\.?[0-9]*(e[-+]?[0-9]{1,3})?",
        Just("NaN".to_string()),
        Just("Infinity".to_string()),
        "(list|spiked|file):[-0-9.,]{0,24}",
        "(rf_iso|rf_opt|rf|nt|nn|bayes|x)(,(rf_iso|rf_opt|rf|nt|nn|bayes|x)){0,4}",
        "%[0-9a-fA-F]{0,2}.{0,4}",
    ]
}

fn query() -> impl Strategy<Value = String> {
    prop::collection::vec((prop_oneof![prop::sample::select(KEYS.to_vec()).prop_map(String::from), ".{0,6}"], value()), 0..10)
        .prop_map(|kv| kv.into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(500), failure_persistence: None, ..ProptestConfig::default() })]

    /// Any query: a config inside every cap, or an error naming one of the page's keys.
    #[test]
    fn any_query_is_checked_or_refused_by_key(q in query()) {
        match parse(&q) {
            Ok(c) => {
                let web = Limits::web();
                prop_assert!(c.sweep().cost().flops <= web.max_sweep_flops);
                prop_assert!(c.eta_nt > 0.0 && c.eta_nn > 0.0 && c.d >= 2 && c.d <= web.max_d);
            }
            Err(Error::Invalid { field, message }) => {
                prop_assert!(KEYS.contains(&field) || field == "rho", "{} -> {}: {}", q, field, message);
                prop_assert!(!message.is_empty() && message.len() < 400);
            }
            Err(e) => prop_assert!(false, "{} -> unexpected {}", q, e),
        }
    }
}
