//! The figure from any set of finished units: the paper's Figure 1 or 2 (left: risk
//! against N/d, theory lines and the protocol's dots; right: the learning curves of the
//! best NT and NN runs at one width), its data as CSV, and JSON with provenance.
//!
//! Dots: RF is the mean (and standard deviation) over the finished draws of W; NT and
//! NN are, per width, the finished run whose step size gave the lowest test risk, as
//! the paper chooses ("the hyper-parameter that achieves the best fit"); a diverged run
//! never wins, and a width whose every finished run diverged gets no dot and a note.
//! Each dot carries its test risk and its exact population risk.
//!
//! The outputs are a function of the protocol and the finished units alone (no time,
//! host or path), so every way of splitting the work merges to the same bytes.

use super::store::Store;
use super::units::{Outcome, UnitResult};
use super::{regime_name, Failure, Protocol, Unit};
use crate::experiment::{log_grid, Stat, Theory, BAYES_SAMPLES};
use crate::model::ModelKind;
use crate::params::{Curve, SgdRegime};
use crate::plot::{self, SgdCurve, Style};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// What a merge produces.
#[derive(Clone, Debug)]
pub struct Merged {
    pub json: Value,
    pub csv: String,
    pub svg: String,
    /// Ids of the protocol's units with no result yet.
    pub missing: Vec<String>,
    /// Widths without a dot and why (e.g. every step size diverged).
    pub notes: Vec<String>,
    pub total_units: usize,
}

/// A number for JSON, or nothing when it is not finite (no output holds NaN or null).
/// (`+ 0.0` turns -0 into 0.)
fn put(m: &mut Map<String, Value>, key: &str, x: f64) {
    if x.is_finite() {
        m.insert(key.into(), json!(x + 0.0));
    }
}

/// A number for CSV: shortest round-trip form, scientific when tiny or huge; empty
/// when absent or not finite.
fn csv_num(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => {
            let v = v + 0.0;
            if v != 0.0 && !(1e-4..1e7).contains(&v.abs()) { format!("{v:e}") } else { format!("{v}") }
        }
        _ => String::new(),
    }
}

/// The SGD dot of one (regime, N): the best finished run, and what the others did.
struct SgdDot<'a> {
    best: Option<&'a UnitResult>,
    finished_eta: Vec<f64>,
    diverged_eta: Vec<f64>,
}

fn ok_parts(r: &UnitResult) -> Option<(f64, f64, Option<f64>)> {
    match &r.outcome {
        Outcome::Ok { test_risk, exact_risk, limit, .. } => Some((*test_risk, *exact_risk, *limit)),
        Outcome::Diverged { .. } => None,
    }
}

/// Merge the finished units of `store` (a folder holding `p`).
pub fn merge(store: &Store, p: &Protocol) -> Result<Merged, Failure> {
    let target = p.target()?;
    let kind = target.kind;
    let act = p.activation()?;
    let d = p.d;
    let finished = store.finished()?;
    let all = p.units();
    let get = |u: &Unit| finished.get(&u.id());
    let mut missing: Vec<String> = all.iter().filter(|u| get(u).is_none()).map(|u| u.id()).collect();
    missing.sort();
    let rho: Vec<f64> = p.neurons.iter().map(|n| *n as f64 / d as f64).collect();
    let mut notes = Vec::new();

    // RF: mean over the finished draws.
    let mut rf_json = Vec::new();
    let mut rf_stats = Vec::new();
    let mut csv = String::from("curve,neurons,rho,eta,test_risk,test_std,exact_risk,exact_std,limit,runs\n");
    for (k, &n) in p.neurons.iter().enumerate() {
        let res: Vec<&UnitResult> = (0..p.draws).filter_map(|draw| get(&Unit::Rf { n, draw })).collect();
        let parts: Vec<(f64, f64, Option<f64>)> = res.iter().filter_map(|r| ok_parts(r)).collect();
        let test = Stat::of(&parts.iter().map(|x| x.0).collect::<Vec<_>>());
        let exact = Stat::of(&parts.iter().map(|x| x.1).collect::<Vec<_>>());
        rf_stats.push(test);
        if test.count == 0 {
            continue;
        }
        let mut m = Map::new();
        m.insert("neurons".into(), json!(n));
        put(&mut m, "rho", rho[k]);
        m.insert("draws".into(), json!(test.count));
        put(&mut m, "test_risk_mean", test.mean);
        put(&mut m, "test_risk_std", test.std);
        put(&mut m, "exact_risk_mean", exact.mean);
        put(&mut m, "exact_risk_std", exact.std);
        rf_json.push(Value::Object(m));
        csv += &format!("rf,{n},{},,{},{},{},{},,{}\n", csv_num(Some(rho[k])), csv_num(Some(test.mean)), csv_num(Some(test.std)), csv_num(Some(exact.mean)), csv_num(Some(exact.std)), test.count);
    }

    // NT and NN: the best step size per width.
    let mut sgd_json = Map::new();
    let mut sgd_stats: Vec<(SgdRegime, Vec<Stat>)> = Vec::new();
    let mut best_runs: BTreeMap<(usize, &'static str), &UnitResult> = BTreeMap::new();
    for regime in [SgdRegime::Nt, SgdRegime::Nn] {
        let name = regime_name(regime);
        let mut list = Vec::new();
        let mut stats = Vec::new();
        for (k, &n) in p.neurons.iter().enumerate() {
            let mut dot = SgdDot { best: None, finished_eta: Vec::new(), diverged_eta: Vec::new() };
            for &eta in &p.eta {
                let Some(r) = get(&Unit::Sgd { regime, n, eta }) else { continue };
                dot.finished_eta.push(eta);
                match ok_parts(r) {
                    None => dot.diverged_eta.push(eta),
                    Some((t, ..)) => {
                        // Strictly lower wins: ties keep the smaller step size.
                        if dot.best.and_then(ok_parts).is_none_or(|b| t < b.0) {
                            dot.best = Some(r);
                        }
                    }
                }
            }
            let upper = name.to_uppercase();
            if dot.best.is_none() && !dot.diverged_eta.is_empty() {
                let all_done = dot.finished_eta.len() == p.eta.len();
                notes.push(format!(
                    "{upper} at N = {n}: every {} step size diverged ({}); no dot (try smaller step sizes)",
                    if all_done { "" } else { "finished" },
                    dot.diverged_eta.iter().map(|e| format!("eta = {e}")).collect::<Vec<_>>().join(", ")
                ).replace("every  step", "every step"));
            }
            let Some(best) = dot.best else {
                stats.push(Stat { mean: f64::NAN, std: f64::NAN, count: 0 });
                continue;
            };
            let (t, e, lim) = ok_parts(best).expect("the best run finished");
            best_runs.insert((n, name), best);
            stats.push(Stat { mean: t, std: 0.0, count: 1 });
            let mut m = Map::new();
            m.insert("neurons".into(), json!(n));
            put(&mut m, "rho", rho[k]);
            put(&mut m, "eta", best.eta.unwrap_or(0.0));
            put(&mut m, "test_risk", t);
            put(&mut m, "exact_risk", e);
            if let Some(l) = lim {
                put(&mut m, "limit", l);
            }
            m.insert("finished_eta".into(), json!(dot.finished_eta));
            m.insert("diverged_eta".into(), json!(dot.diverged_eta));
            list.push(Value::Object(m));
            csv += &format!("{name},{n},{},{},{},0,{},,{},{}\n", csv_num(Some(rho[k])), csv_num(best.eta), csv_num(Some(t)), csv_num(Some(e)), csv_num(lim), dot.finished_eta.len());
        }
        sgd_json.insert(name.into(), Value::Array(list));
        sgd_stats.push((regime, stats));
    }

    // Theory lines on a fine grid over the widths.
    let theory_curves: &[Curve] = match kind {
        ModelKind::Qf => &[Curve::RfIso, Curve::Nt, Curve::Nn],
        ModelKind::Mg => &[Curve::RfIso, Curve::Nt, Curve::Nn, Curve::Bayes],
    };
    let (lo, hi) = (rho[0] / 1.1, rho[rho.len() - 1] * 1.1);
    let grid = log_grid(lo, hi, 200);
    let theory = Theory::compute(&target, act, theory_curves, &grid, BAYES_SAMPLES, p.seed);
    let mut theory_json = Map::new();
    for (c, v) in &theory.curves {
        let pts: Vec<Value> = grid.iter().zip(v).filter(|(r, y)| r.is_finite() && y.is_finite()).map(|(r, y)| json!([r, y])).collect();
        theory_json.insert(c.name(kind).into(), Value::Array(pts));
    }

    // The right panel: the width nearest d/2 (log scale) with a finished NT or NN run.
    let mut panel_n = None;
    for &n in &p.neurons {
        if best_runs.contains_key(&(n, "nt")) || best_runs.contains_key(&(n, "nn")) {
            let dist = |m: usize| (m as f64 / (d as f64 / 2.0)).ln().abs();
            if panel_n.is_none_or(|b| dist(n) < dist(b)) {
                panel_n = Some(n);
            }
        }
    }
    let mut runs = Vec::new();
    let mut runs_json = Vec::new();
    if let Some(n) = panel_n {
        for regime in [SgdRegime::Nt, SgdRegime::Nn] {
            let Some(r) = best_runs.get(&(n, regime_name(regime))) else { continue };
            if let Outcome::Ok { limit, curve_samples, curve_risk, .. } = &r.outcome {
                let lim = limit.unwrap_or(f64::NAN);
                runs.push(SgdCurve { regime, samples: curve_samples.clone(), risk: curve_risk.clone(), limit: lim });
                let mut m = Map::new();
                m.insert("regime".into(), json!(regime_name(regime)));
                put(&mut m, "eta", r.eta.unwrap_or(0.0));
                put(&mut m, "limit", lim);
                m.insert("samples".into(), json!(curve_samples));
                m.insert("risk".into(), json!(curve_risk));
                runs_json.push(Value::Object(m));
            }
        }
    }

    // Provenance: everything that determines the numbers, nothing that does not.
    let protocol = serde_json::to_value(p).map_err(|e| Failure::runtime(e.to_string()))?;
    let mut tau = Map::new();
    put(&mut tau, "tau", target.tau());
    let json = json!({
        "provenance": {
            "program": "lazy-training reproduce",
            "version": env!("CARGO_PKG_VERSION"),
            "written_by_version": p.version,
            "model": kind.to_string(),
            "d": d,
            "spectrum": p.spectrum,
            "seed": p.seed,
            "activation": {"rf": act.to_string(), "nt": "quadratic", "nn": "quadratic"},
            "selection": "NT and NN: per width, the finished step size with the lowest test risk (diverged runs never win); RF: mean and standard deviation over the finished draws of W",
            "risks": "normalised so the trivial predictor has risk 1; test_risk on fresh samples, exact_risk the population risk of the same fitted model",
            "protocol": protocol,
        },
        "target": Value::Object(tau),
        "dots": {"rf": rf_json, "nt": sgd_json["nt"], "nn": sgd_json["nn"]},
        "theory": theory_json,
        "sgd_panel": {"neurons": panel_n, "runs": runs_json},
        "units": {"total": all.len(), "finished": all.len() - missing.len(), "missing": missing},
        "notes": notes.clone(),
    });
    let mut json = json;
    if panel_n.is_none() {
        // No null in any output: drop the empty panel's width.
        json["sgd_panel"].as_object_mut().expect("object").remove("neurons");
    }

    // The figure.
    let mut dots: Vec<(Curve, Vec<Stat>)> = vec![(Curve::RfIso, rf_stats)];
    for (regime, stats) in sgd_stats {
        dots.push((if regime == SgdRegime::Nn { Curve::Nn } else { Curve::Nt }, stats));
    }
    let mut left = plot::width_panel(kind, d, &theory, &rho, &dots);
    left.title = format!("{}, d = {d}: lines theory, dots the protocol (test risk)", if kind == ModelKind::Qf { "qf" } else { "mg" });
    let (w, h) = (1400u32, 560u32);
    let mut svg = String::new();
    {
        use plotters::prelude::IntoDrawingArea;
        let area = plotters::prelude::SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        let style = Style { scale: 1.0, font_px: 15.0 };
        let drawn = match panel_n {
            Some(n) => {
                let mut right = plot::sgd_panel(kind, d, n, &runs, p.steps * p.batch as u64);
                let etas: Vec<String> = runs.iter().map(|r| format!("{} eta = {}", regime_name(r.regime).to_uppercase(), best_runs[&(n, regime_name(r.regime))].eta.unwrap_or(0.0))).collect();
                right.title = format!("One-pass SGD, d = {d}, N = {n}: {}", etas.join(", "));
                plot::draw_figure(&area, &left, &right, &style).map(|_| ())
            }
            None => plot::draw_panel(&area, &left, &style).map(|_| ()),
        };
        drawn.map_err(|e| Failure::runtime(format!("drawing failed: {e}")))?;
        area.present().map_err(|e| Failure::runtime(format!("drawing failed: {e}")))?;
    }
    let missing = json["units"]["missing"].as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default();
    Ok(Merged { json, csv, svg, missing, notes, total_units: all.len() })
}
