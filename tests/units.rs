//! The sweep computed by workers (src/explorer/units.rs): units handed out by the
//! page's Explorer, computed by separate copies built from the same settings (as the
//! page's Web Workers do), returned in any order, give the numbers one thread gives,
//! bit for bit; bad returns are refused and name what is wrong.
#![cfg(not(target_arch = "wasm32"))]

use lazy_training::explorer::units::UnitWorker;
use lazy_training::explorer::{Explorer, PageError};
use lazy_training::params::Limits;

const PAIRS: [(&str, &str); 4] = [("d", "24"), ("rho_points", "5"), ("draws", "3"), ("activation", "relu")];

fn getter<'a>(pairs: &'a [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |k: &str| pairs.iter().rev().find(|(key, _)| *key == k).map(|(_, v)| v.to_string())
}

fn build(pairs: &[(&'static str, &'static str)]) -> Result<Explorer, PageError> {
    Explorer::from_settings(&getter(pairs), &Limits::web())
}

/// Per curve: (mean, std, count) at each N/d.
type Results = Vec<(String, Vec<(f64, f64, usize)>)>;

fn all_results(ex: &Explorer) -> Results {
    ex.sweep().results().into_iter().map(|(c, s)| (format!("{c:?}"), s.iter().map(|x| (x.mean, x.std, x.count)).collect())).collect()
}

#[test]
fn two_workers_returning_out_of_order_give_the_single_thread_numbers() {
    for model in ["qf", "mg"] {
        let pairs: Vec<(&str, &str)> = [("model", model)].into_iter().chain(PAIRS).collect();
        let mut one = build(&pairs).unwrap();
        while !one.sweep().done() {
            one.advance_sweep_units(4).unwrap();
        }
        let mut page = build(&pairs).unwrap();
        let workers = [UnitWorker::from_settings(&getter(&pairs), &Limits::web()).unwrap(), UnitWorker::from_settings(&getter(&pairs), &Limits::web()).unwrap()];
        assert_eq!(workers[0].units_total(), page.sweep().units_total());
        // Hand out 3 units at a time, alternate the workers, return each batch reversed
        // and the second worker's batch before the first's.
        let mut rounds = 0;
        while !page.sweep().done() {
            let a = page.take_sweep_units(3);
            let b = page.take_sweep_units(3);
            assert!(!a.is_empty(), "units left but none handed out");
            for i in b.iter().rev() {
                let v = workers[1].sweep_unit(*i).unwrap();
                page.put_sweep_unit(*i, v).unwrap();
            }
            for i in a.iter().rev() {
                let v = workers[0].sweep_unit(*i).unwrap();
                page.put_sweep_unit(*i, v).unwrap();
            }
            rounds += 1;
            assert!(rounds <= page.sweep().units_total());
        }
        assert_eq!(page.sweep().progress(), 1.0);
        assert_eq!(page.sweep().units_done(), one.sweep().units_done());
        assert_eq!(all_results(&page), all_results(&one), "{model}: the pool's statistics equal one thread's bit for bit");
        for curve in ["rf", "nt"] {
            let c = if model == "qf" && curve == "rf" { "rf_iso" } else { curve };
            assert!(page.sweep_means(c).unwrap().iter().all(|v| v.is_finite()), "{model} {c}");
        }
    }
}

#[test]
fn partial_returns_show_what_is_in_and_progress_counts_cost() {
    let mut page = build(&PAIRS).unwrap();
    let w = UnitWorker::from_settings(&getter(&PAIRS), &Limits::web()).unwrap();
    let units = page.take_sweep_units(page.sweep().units_total());
    // Return only the last unit handed out: progress is its share of the cost.
    let last = *units.last().unwrap();
    let p = page.put_sweep_unit(last, w.sweep_unit(last).unwrap()).unwrap();
    let total: f64 = units.iter().map(|i| page.sweep_unit_cost(*i)).sum();
    assert!((p - page.sweep_unit_cost(last) / total).abs() < 1e-12, "progress {p}");
    assert!(!page.sweep().done());
    assert!(page.take_sweep_units(5).is_empty(), "everything was handed out");
}

#[test]
fn bad_returns_are_refused_and_name_the_unit() {
    let mut page = build(&PAIRS).unwrap();
    let w = UnitWorker::from_settings(&getter(&PAIRS), &Limits::web()).unwrap();
    // A unit not handed out yet.
    let e = page.put_sweep_unit(0, 0.5).unwrap_err();
    assert_eq!(e.field, Some("unit"));
    assert!(e.message.contains("unit 0"), "{}", e.message);
    // Out of range, on both sides.
    let n = page.sweep().units_total();
    assert_eq!(w.sweep_unit(n).unwrap_err().field, Some("unit"));
    let got = page.take_sweep_units(2);
    assert_eq!(got, vec![0, 1]);
    page.put_sweep_unit(0, w.sweep_unit(0).unwrap()).unwrap();
    // The same unit twice.
    assert_eq!(page.put_sweep_unit(0, 0.5).unwrap_err().field, Some("unit"));
    // A value that is not finite stops the sweep; later calls give the same error.
    let e = page.put_sweep_unit(1, f64::NAN).unwrap_err();
    assert!(e.message.contains("unit 1"), "{}", e.message);
    assert!(page.take_sweep_units(1).is_empty(), "a failed sweep hands out nothing");
    assert_eq!(page.advance_sweep_units(1).unwrap_err().message, e.message);
    // A worker built from bad settings names the setting.
    let bad = [("d", "1")];
    assert_eq!(UnitWorker::from_settings(&getter(&bad), &Limits::web()).err().unwrap().field, Some("d"));
}

#[test]
fn a_pool_takes_cheap_units_first_then_the_costliest_and_queues_only_cheap_or_small_ones() {
    use lazy_training::experiment::{CHEAP_SHARE, QUEUE_DEPTH, SMALL_COST};
    // The paper's N/d range at a small d: unit costs spread over orders of magnitude.
    let pairs = [("d", "40"), ("rho_min", "0.1"), ("rho_max", "10"), ("rho_points", "11"), ("draws", "3")];
    let mut page = build(&pairs).unwrap();
    let n = page.sweep().units_total();
    let cost: Vec<f64> = (0..n).map(|i| page.sweep_unit_cost(i)).collect();
    let total: f64 = cost.iter().sum();
    assert!((page.sweep_cost() - total).abs() <= 1e-9 * total, "the sweep's work is its units' costs");
    let order = page.take_sweep_units(n);
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..n).collect::<Vec<_>>(), "every unit exactly once");
    let cheap = order.iter().take_while(|&&i| cost[i] <= CHEAP_SHARE * total).count();
    assert!(cheap > 0 && cheap < n, "some units are cheap and some are not ({cheap} of {n})");
    assert!(order[..cheap].windows(2).all(|w| w[0] < w[1]), "cheap units in execution order");
    assert!(order[cheap..].iter().all(|&i| cost[i] > CHEAP_SHARE * total), "no cheap unit after the costly ones");
    assert!(order[cheap..].windows(2).all(|w| cost[w[0]] >= cost[w[1]]), "costly units from the costliest down");

    // More units in flight, up to QUEUE_DEPTH, only while the next is cheap or small
    // (at most SMALL_COST flops); a large one only for an idle worker.
    let small = |i: usize| cost[i] <= CHEAP_SHARE * total || cost[i] <= SMALL_COST;
    let queued = order.iter().take_while(|&&i| small(i)).count();
    assert!(queued >= cheap && queued < n, "some units are large ({} of {n})", n - queued);
    let mut page = build(&pairs).unwrap();
    assert!(page.take_sweep_unit_for(QUEUE_DEPTH).is_none(), "never more than QUEUE_DEPTH in flight");
    for (k, &unit) in order.iter().take(queued).enumerate() {
        assert_eq!(page.take_sweep_unit_for(1 + k % (QUEUE_DEPTH - 1)), Some(unit), "a cheap or small unit may wait in a queue");
    }
    assert!(page.take_sweep_unit_for(1).is_none(), "a large unit never waits behind another");
    let first_large = page.take_sweep_unit_for(0).unwrap();
    assert_eq!(first_large, order[queued]);
    assert!(cost[first_large] > SMALL_COST && cost[first_large] > CHEAP_SHARE * total);

    // The one-thread order is unchanged (draw-major), and mixing the two hands out
    // every unit once.
    let mut page = build(&pairs).unwrap();
    let pooled = page.take_sweep_units(cheap + 2);
    while !page.sweep().done() {
        page.advance_sweep_units(7).unwrap();
        assert!(page.sweep().units_done() + pooled.len() <= n);
        if page.sweep().units_done() + pooled.len() == n {
            break;
        }
    }
    let w = UnitWorker::from_settings(&getter(&pairs), &Limits::web()).unwrap();
    for i in pooled {
        page.put_sweep_unit(i, w.sweep_unit(i).unwrap()).unwrap();
    }
    assert!(page.sweep().done());
}
