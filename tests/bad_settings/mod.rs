//! Page settings the core refuses, with the setting each error must name and a phrase
//! its message must hold: one table for the native explorer core (tests/explorer.rs)
//! and the same cases through the wasm boundary (tests/web.rs).

/// Settings over the defaults, as (key, value) pairs.
pub type Pairs = &'static [(&'static str, &'static str)];

/// (settings, field at fault, phrase of the message).
pub const BAD_SETTINGS: &[(Pairs, &str, &str)] = &[
    (&[("d", "1000")], "d", "the dimension d must be between 2 and 450"),
    (&[("d", "thirty")], "d", "whole number"),
    (&[("model", "cnn")], "model", "unknown model"),
    (&[("spectrum", "file:/etc/passwd")], "spectrum", "cannot read files"),
    (&[("spectrum", "paper")], "spectrum", "mg spectrum"),
    (&[("activation", "sine")], "activation", "unknown activation"),
    (&[("regimes", "bayes")], "regimes", "not a curve of the qf model"),
    (&[("rho_min", "-1")], "rho_min", "positive"),
    (&[("rho_min", "2"), ("rho_max", "1")], "rho_max", "must exceed"),
    (&[("d", "50"), ("rho_max", "100")], "rho", "neurons"),
    (&[("rho_points", "0")], "rho_points", "between 1 and"),
    (&[("draws", "0")], "draws", "draws"),
    (&[("neurons", "100000")], "neurons", "number of neurons N"),
    (&[("batch", "0")], "batch", "batch size"),
    (&[("eta_nn", "-0.1")], "eta_nn", "step size"),
    (&[("eta_nt", "1000")], "eta_nt", "step size"),
    (&[("eta_nt", "abc")], "eta_nt", "must be a number"),
    (&[("steps", "100"), ("record_every", "1000")], "record_every", "record-every"),
    (&[("seed", "-3")], "seed", "whole number"),
    (&[("seed", "9007199254740993")], "seed", "between 0 and 9007199254740991, got 9007199254740993"),
    (&[("model", "mg"), ("d", "3")], "spectrum", "|delta_i| < 1"),
    (&[("d", "450"), ("rho_max", "10"), ("draws", "50")], "rho", "beyond the cap"),
    (&[("d", "200"), ("neurons", "400"), ("batch", "2000"), ("steps", "10000000")], "steps", "beyond the cap"),
    (&[("sgd_d", "1000")], "sgd_d", "the dimension of the SGD runs must be between 2 and 450"),
    (&[("sgd_d", "1")], "sgd_d", "between 2 and"),
    (&[("sgd_d", "half")], "sgd_d", "a whole number or same"),
    (&[("sgd_d", "-5")], "sgd_d", "a whole number or same"),
    (&[("model", "mg"), ("sgd_d", "3")], "sgd_d", "|delta_i| < 1"),
    (&[("d", "4"), ("rho_min", "0.5"), ("spectrum", "list:1,2,3,4"), ("sgd_d", "6")], "sgd_d", "at d = 6: the spectrum has 4 values"),
    (&[("sgd_d", "200"), ("neurons", "150")], "steps", "beyond the cap"),
    (&[("d", "450"), ("sgd_d", "2"), ("neurons", "30"), ("rho_points", "1")], "sgd_d", "is N = 6750 at the width plot's d = 450"),
];

/// Settings that look empty or odd but are accepted (empty regimes: the default set).
pub const ACCEPTED: &[Pairs] = &[&[("regimes", " ")], &[("sgd_d", "SAME")], &[("sgd_d", "30")]];
