//! The SGD runs computed in a worker (src/explorer/training.rs): a Trainer built from
//! the page's settings, advanced in any slices, whose news the page's Explorer takes,
//! shows the records the Explorer computes itself, bit for bit; a divergence arrives
//! once, naming its step size; news that do not fit are refused and change nothing.
#![cfg(not(target_arch = "wasm32"))]

use lazy_training::explorer::training::Trainer;
use lazy_training::explorer::{Explorer, PageError};
use lazy_training::params::Limits;
use std::cell::Cell;

fn getter<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |k: &str| pairs.iter().rev().find(|(key, _)| *key == k).map(|(_, v)| v.to_string())
}

fn build(pairs: &[(&str, &str)]) -> Result<Explorer, PageError> {
    Explorer::from_settings(&getter(pairs), &Limits::web())
}

/// A fake clock that moves one tick each time it is read.
fn ticking() -> impl Fn() -> f64 {
    let t = Cell::new(0.0);
    move || {
        t.set(t.get() + 1.0);
        t.get()
    }
}

/// One run's records as bit patterns: (regime, samples, risks, overlaps).
type Records = (String, Vec<u64>, Vec<u64>, Vec<(u64, u64)>);

/// Every record of both runs.
fn records(ex: &Explorer) -> Vec<Records> {
    ex.runs()
        .iter()
        .map(|r| {
            let risks = r.run.record_risks().iter().map(|x| x.to_bits()).collect();
            let overlap = r.overlap.iter().map(|(s, o)| (*s, o.to_bits())).collect();
            (format!("{:?}", r.run.params().regime), r.run.record_samples(), risks, overlap)
        })
        .collect()
}

#[test]
fn a_workers_news_give_the_records_the_page_computes_itself() {
    for model in ["qf", "mg"] {
        let pairs = [("model", model), ("d", "16"), ("neurons", "6"), ("steps", "3000"), ("record_every", "70")];
        let mut own = build(&pairs).unwrap();
        while !own.sgd_done() {
            own.advance_sgd_steps(333).unwrap();
        }
        // The worker advances on a fake clock (a budget of k ticks is k turns of 10
        // steps), in slices of varying length; the page takes news now and then.
        let mut page = build(&pairs).unwrap();
        let mut worker = Trainer::from_settings(&getter(&pairs), &Limits::web()).unwrap();
        let now = ticking();
        let mut slices = 0;
        while !worker.done() {
            worker.advance_paced(1.0 + (slices % 7) as f64, 16.0, &now);
            slices += 1;
            if slices % 3 == 0 {
                if let Some(n) = worker.news() {
                    page.accept_training(&n).unwrap();
                }
            }
            assert!(slices < 10_000);
        }
        page.accept_training(&worker.news().expect("the last steps are news")).unwrap();
        assert!(worker.news().is_none(), "nothing new after the last news");
        assert!(page.sgd_done() && page.sgd_progress() == 1.0, "{model}");
        assert_eq!(records(&page), records(&own), "{model}: the worker's records are the page's own, bit for bit");
        assert_eq!(records(&page)[0].1.len(), 3000 / 70 + 2, "{model}: a record at 0, every 70 steps and at the end");
        assert_eq!(page.export_json().unwrap(), own.export_json().unwrap(), "{model}: the same export");
        // A run whose steps come from a worker takes none here.
        let e = page.advance_sgd_steps(10);
        assert!(e.is_ok(), "done runs take no steps and report nothing: {e:?}");
    }
}

#[test]
fn a_divergence_in_the_worker_is_reported_once_naming_its_step_size() {
    let pairs = [("d", "20"), ("eta_nn", "50"), ("steps", "2000"), ("record_every", "10")];
    let mut own = build(&pairs).unwrap();
    let local = (0..200).find_map(|_| own.advance_sgd_steps(10).err()).expect("eta = 50 should diverge");
    let mut page = build(&pairs).unwrap();
    let mut worker = Trainer::from_settings(&getter(&pairs), &Limits::web()).unwrap();
    let now = ticking();
    let mut reported = None;
    for _ in 0..400 {
        worker.advance_paced(2.0, 16.0, &now);
        if let Some(n) = worker.news() {
            if let Err(e) = page.accept_training(&n) {
                assert!(reported.is_none(), "reported twice: {e:?}");
                reported = Some(e);
            }
        }
    }
    let e = reported.expect("the worker's divergence reaches the page");
    assert_eq!(e, local, "the same message and field (eta_nn) as the page's own run");
    assert_eq!(e.field, Some("eta_nn"));
    // The export names it as the page's own run would (the other run goes on).
    let diverged = |ex: &Explorer| serde_json::from_str::<serde_json::Value>(&ex.export_json().unwrap()).unwrap()["sgd"]["nn"]["diverged"].clone();
    assert_eq!(diverged(&page), diverged(&own));
    assert!(diverged(&page).as_str().unwrap().contains("diverged"));
}

#[test]
fn the_pace_holds_in_the_worker_and_step_takes_a_fortieth() {
    let pairs = [("pace", "500"), ("steps", "4000")];
    let mut worker = Trainer::from_settings(&getter(&pairs), &Limits::web()).unwrap();
    assert_eq!(worker.pace_rate(), Some(500.0));
    let now = || 0.0; // time does not run out: the pace alone limits
    worker.advance_paced(10.0, 100.0, &now); // 100 ms at 500 steps/s: 50 steps
    let mut page = build(&pairs).unwrap();
    page.accept_training(&worker.news().unwrap()).unwrap();
    assert_eq!(page.sgd_progress(), 50.0 / 4000.0);
    worker.advance_stride();
    page.accept_training(&worker.news().unwrap()).unwrap();
    assert_eq!(page.sgd_progress(), (50.0 + 100.0) / 4000.0, "Step: 4000 / 40 = 100 steps");
    assert!(worker.set_pace("3").is_err(), "the pace row's values only");
    worker.set_pace("full").unwrap();
    assert_eq!(worker.pace_rate(), None);
}

#[test]
fn news_that_do_not_fit_are_refused_and_change_nothing() {
    let pairs = [("d", "12"), ("steps", "600"), ("record_every", "50")];
    let mut worker = Trainer::from_settings(&getter(&pairs), &Limits::web()).unwrap();
    // Four presses of Step (15 steps each) make a record at step 50.
    for _ in 0..4 {
        worker.advance_stride();
    }
    let first = worker.news().unwrap();
    for _ in 0..4 {
        worker.advance_stride();
    }
    let second = worker.news().unwrap();
    let mut page = build(&pairs).unwrap();
    let before = records(&page);
    // The second news alone leaves a gap (its records start after ones the page lacks).
    let e = page.accept_training(&second).unwrap_err();
    assert!(e.message.contains("do not fit"), "{}", e.message);
    assert_eq!(records(&page), before, "nothing changed");
    // Text that is not news at all.
    assert!(page.accept_training(&[3.0]).unwrap_err().message.contains("could not be read"));
    assert!(page.accept_training(&[1.0, 0.5]).unwrap_err().message.contains("could not be read"));
    let mut trailing = first.clone();
    trailing.push(0.0);
    assert!(page.accept_training(&trailing).unwrap_err().message.contains("could not be read"));
    page.accept_training(&first).unwrap();
    page.accept_training(&second).unwrap();
    // News of a run this view does not show.
    let mut nt_only = build(&[("d", "12"), ("steps", "600"), ("record_every", "50"), ("regimes", "nt")]).unwrap();
    assert!(nt_only.accept_training(&first).unwrap_err().message.contains("does not have"), "an NN run");
}
