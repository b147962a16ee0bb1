//! Running a shard of the protocol on every core of one machine: worker threads take
//! the shard's pending units (largest first) from a shared counter, compute each one
//! alone ([`super::units::compute`], single-threaded) and store it atomically; the
//! calling thread reports progress. Units already in the results folder are skipped,
//! so a killed run restarted with the same arguments continues where it stopped.

use super::store::Store;
use super::units::{self, Outcome};
use super::{Failure, Protocol, Shard, Unit};
use crate::model::Target;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Where a run stands (for progress lines).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    /// Units of this shard finished by this process.
    pub done: usize,
    /// Units of this shard to compute in this process.
    pub todo: usize,
    /// Units of this shard found already finished (skipped).
    pub skipped: usize,
    pub elapsed: f64,
    /// Estimated seconds left (from the estimated cost of what is left and the rate so far).
    pub left: Option<f64>,
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub ran: usize,
    pub skipped: usize,
    pub diverged: usize,
    /// Units that failed (no result stored): id and message.
    pub failed: Vec<(String, String)>,
}

/// The shard's units that have no result in `store` yet (in the protocol's order).
pub fn pending(p: &Protocol, store: &Store, shard: Shard) -> Result<(Vec<Unit>, usize), Failure> {
    let finished = store.finished()?;
    let mine = shard.select(&p.units());
    let total = mine.len();
    let todo: Vec<Unit> = mine.into_iter().filter(|u| !finished.contains_key(&u.id())).collect();
    let skipped = total - todo.len();
    Ok((todo, skipped))
}

/// Run the shard's pending units on `jobs` threads; `progress` is called after each
/// unit and at least every two seconds.
pub fn run(p: &Protocol, target: &Target, store: &Store, shard: Shard, jobs: usize, progress: &mut dyn FnMut(&Progress)) -> Result<Report, Failure> {
    let (todo, skipped) = pending(p, store, shard)?;
    // One unit per thread: faer's own threads would only compete with the workers,
    // and a unit computed in one thread gives the same bits however the work is split.
    faer::set_global_parallelism(faer::Par::Seq);
    let costs: Vec<f64> = todo.iter().map(|u| p.cost(u).flops).collect();
    let total_cost: f64 = costs.iter().sum();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let jobs = jobs.clamp(1, todo.len().max(1));
    let (tx, rx) = mpsc::channel::<(usize, Result<Outcome, Failure>)>();
    let t0 = Instant::now();
    let mut report = Report { skipped, ..Report::default() };
    std::thread::scope(|s| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let (todo, next, stop) = (&todo, &next, &stop);
            s.spawn(move || loop {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(unit) = todo.get(k) else { break };
                let r = units::compute(p, target, unit).map_err(Failure::from).and_then(|res| {
                    store.write(&res)?;
                    Ok(res.outcome)
                });
                if tx.send((k, r)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut done_cost = 0.0;
        let mut done = 0;
        let mut last = Instant::now();
        loop {
            match rx.recv_timeout(Duration::from_secs(2)) {
                Ok((k, r)) => {
                    done += 1;
                    done_cost += costs[k];
                    match r {
                        Ok(Outcome::Diverged { .. }) => report.diverged += 1,
                        Ok(_) => {}
                        Err(f) if !f.input => report.failed.push((todo[k].id(), f.message)),
                        Err(f) => {
                            // An I/O or setup problem every unit would hit: stop early.
                            report.failed.push((todo[k].id(), f.message));
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                    report.ran += 1;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
            if last.elapsed() >= Duration::from_secs(2) || done == todo.len() {
                let elapsed = t0.elapsed().as_secs_f64();
                let left = (done_cost > 0.0).then(|| elapsed * (total_cost - done_cost) / done_cost);
                progress(&Progress { done, todo: todo.len(), skipped, elapsed, left });
                last = Instant::now();
            }
        }
    });
    Ok(report)
}

/// Measured speed (floating-point operations per second, one thread) of the two kinds
/// of unit, on short versions of the protocol's: SGD steps at its widest N, and an RF
/// fit at N up to 500 on a few blocks of observations. Seconds on an idle core.
pub fn calibrate(p: &Protocol, target: &Target) -> Result<(f64, f64), Failure> {
    faer::set_global_parallelism(faer::Par::Seq);
    let n_max = *p.neurons.iter().max().unwrap_or(&1);
    // SGD: double the steps until the run takes 0.2 s.
    let mut steps = 4u64;
    let sgd_rate = loop {
        let mut q = p.clone();
        q.steps = steps;
        q.records = 1;
        q.test_samples = 1;
        let unit = Unit::Sgd { regime: crate::params::SgdRegime::Nn, n: n_max, eta: p.eta[0] };
        let params = q.sgd_params(&unit, target, 1);
        let t = Instant::now();
        let mut run = crate::sgd::SgdRun::new(&params, &super::limits())?;
        let _ = run.advance(u64::MAX);
        let secs = t.elapsed().as_secs_f64();
        if secs > 0.2 || steps > 1 << 20 {
            break q.cost(&unit).flops / secs.max(1e-9);
        }
        steps *= 2;
    };
    // RF: one fit at N up to 500 on a few blocks of 512 observations (at least 2N of
    // them, so the Gram matrix is not singular), scored on a few samples; its rate
    // (mostly GEMM) stands for the wider fits.
    let act = p.activation()?;
    let n_cal = n_max.min(500);
    let mut q = p.clone();
    q.fit_samples = (2 * n_cal).max(1024).div_ceil(512) * 512;
    q.test_samples = 16;
    let unit = Unit::Rf { n: n_cal, draw: 0 };
    let t = Instant::now();
    let w = crate::rf::sample_weights(target, n_cal, crate::rf::WeightLaw::Isotropic, &mut crate::rng::stream(p.seed, crate::rng::Stream::Weights, 0, 0));
    let _ = crate::rf::rf_risk(target, &target.matrix(), &w, act);
    let _ = crate::fit::fit_and_score(target, crate::fit::Features::Rf(&w, act), q.fit_samples, q.test_samples, q.ridge, &mut crate::rng::stream(p.seed, crate::rng::Stream::Fit, 0, 0));
    let secs = t.elapsed().as_secs_f64();
    Ok((sgd_rate, q.cost(&unit).flops / secs.max(1e-9)))
}
