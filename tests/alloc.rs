//! "No allocation inside an SGD step": a counting global allocator around 100 calls of
//! `SgdRun::step()` for qf NN, qf NT and mg NN. Its own test binary (the allocator is
//! process-wide). Only allocations made by the thread that runs the steps count: the
//! test harness's own threads may allocate at any time (seen: 4 stray allocations in
//! one CI run out of several). Native only (threads, the system allocator).

#![cfg(not(target_arch = "wasm32"))]

use lazy_training::model::ModelKind;
use lazy_training::params::{Limits, ModelParams, SgdParams, SgdRegime};
use lazy_training::sgd::SgdRun;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Set on the measuring thread only (const-initialised: no allocation to reach it).
    static MEASURING: Cell<bool> = const { Cell::new(false) };
}

fn note() {
    if MEASURING.try_with(|m| m.get()).unwrap_or(false) {
        ALLOCS.fetch_add(1, Ordering::SeqCst);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        note();
        System.alloc(l)
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        note();
        System.alloc_zeroed(l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        note();
        System.realloc(p, l, n)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn sgd_steps_do_not_allocate() {
    MEASURING.with(|m| m.set(true));
    // The counter works: a Vec on this thread is seen.
    let before = ALLOCS.load(Ordering::SeqCst);
    let v: Vec<u8> = Vec::with_capacity(std::hint::black_box(16));
    assert_eq!(ALLOCS.load(Ordering::SeqCst) - before, 1);
    drop(v);
    for (kind, regime, d, n, eta) in [
        (ModelKind::Qf, SgdRegime::Nn, 30, 15, 0.02),
        (ModelKind::Qf, SgdRegime::Nt, 30, 15, 0.02),
        (ModelKind::Mg, SgdRegime::Nn, 30, 15, 0.3),
        (ModelKind::Qf, SgdRegime::Nn, 100, 50, 0.02),
    ] {
        let p = SgdParams { model: ModelParams::new(kind, d), regime, neurons: n, batch: 100, eta, steps: 1000, record_every: 1000 };
        let mut run = SgdRun::new(&p, &Limits::native()).unwrap();
        run.step(); // first call: any lazy one-time set-up (CPU feature detection) happens here
        let before = ALLOCS.load(Ordering::SeqCst);
        for _ in 0..100 {
            run.step();
        }
        let during = ALLOCS.load(Ordering::SeqCst) - before;
        assert_eq!(during, 0, "{kind} {regime:?} d={d} N={n}: {during} allocations in 100 steps");
        // advance() between records allocates nothing either.
        let before = ALLOCS.load(Ordering::SeqCst);
        run.advance(100).unwrap();
        assert_eq!(ALLOCS.load(Ordering::SeqCst) - before, 0, "{kind} {regime:?}: advance between records allocated");
        assert!(run.weights().iter().all(|w| w.is_finite()));
    }
}
