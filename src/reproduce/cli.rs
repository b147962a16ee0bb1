//! The `reproduce` subcommand: `lazy-training reproduce [knobs] --results DIR
//! [--shard i/n] [--jobs J]` runs (a shard of) the protocol, `--dry-run` lists its units
//! with their estimated cost, and `lazy-training reproduce merge --results DIR` builds
//! the figure from whatever has finished. `src/cli.rs` only dispatches here.

use super::merge;
use super::runner::{self, Progress};
use super::store::{write_atomic, Store};
use super::{Failure, Protocol, Shard};
use clap::{Args, Subcommand};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `lazy-training reproduce`.
#[derive(Args, Clone, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReproduceArgs {
    #[command(subcommand)]
    action: Option<Action>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand, Clone, Debug)]
enum Action {
    /// Build the figure (SVG), its data (CSV) and JSON with provenance from the finished units.
    Merge(MergeArgs),
}

#[derive(Args, Clone, Debug)]
struct RunArgs {
    /// fig1 (qf, Exp(1) spectrum of B) or fig2 (mg, the paper's Delta).
    #[arg(long, default_value = "fig1")]
    preset: String,
    /// Dimension d (the paper: 450).
    #[arg(long, default_value_t = 450)]
    d: usize,
    /// Widths N, comma-separated, increasing (default: N/d in 0.1,0.2,0.3,0.5,0.7,1,1.5,2,3,5,10).
    #[arg(long)]
    neurons: Option<String>,
    /// SGD steps per run (default: 2e5 for fig1, 1.4e5 for fig2).
    #[arg(long, value_parser = parse_count)]
    steps: Option<usize>,
    /// SGD batch size (fresh samples per step).
    #[arg(long, default_value_t = 100)]
    batch: usize,
    /// Step-size grid eta, comma-separated, increasing (the SGD step is eta/d); the best per width is kept.
    #[arg(long, default_value = "0.001,0.002,0.005,0.01,0.02,0.03")]
    eta: String,
    /// RF: draws of W per width.
    #[arg(long, default_value_t = 10)]
    draws: usize,
    /// RF: observations of the least-squares fit.
    #[arg(long, default_value = "500000", value_parser = parse_count)]
    fit_samples: usize,
    /// RF: relative ridge of the fit (0: plain least squares).
    #[arg(long, default_value_t = 1e-8)]
    ridge: f64,
    /// RF activation: quadratic, relu, abs, tanh (NT and NN use u^2).
    #[arg(long, default_value = "quadratic")]
    activation: String,
    /// Fresh samples scoring every fitted model.
    #[arg(long, default_value = "10000", value_parser = parse_count)]
    test_samples: usize,
    /// Records of the exact risk per SGD run (its learning curve).
    #[arg(long, default_value_t = 40)]
    records: u64,
    /// Spectrum of B (qf) or Delta (mg), as for the other subcommands (default: the paper's).
    #[arg(long)]
    spectrum: Option<String>,
    /// Seed of every random draw (with a unit's id, it seeds that unit).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Results folder (one file per finished unit; a rerun skips them).
    #[arg(long)]
    results: Option<PathBuf>,
    /// Run only shard i of n (every n-th unit from the i-th), e.g. 3/8.
    #[arg(long, default_value = "0/1")]
    shard: String,
    /// Worker threads (default: every core).
    #[arg(long)]
    jobs: Option<usize>,
    /// No progress on stderr.
    #[arg(long)]
    quiet: bool,
}

#[derive(Args, Clone, Debug)]
struct MergeArgs {
    /// Results folder written by `lazy-training reproduce`.
    #[arg(long)]
    results: PathBuf,
    /// Write the figure as SVG here.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write the dots as CSV here.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Write the JSON (dots, theory lines, provenance) here (default: stdout).
    #[arg(long)]
    json: Option<PathBuf>,
    /// Exit with status 1 when units are missing.
    #[arg(long)]
    require_complete: bool,
    #[arg(long)]
    quiet: bool,
}

/// A count written as an integer or in scientific notation (5e5).
fn parse_count(s: &str) -> Result<usize, String> {
    if let Ok(v) = s.trim().parse::<usize>() {
        return Ok(v);
    }
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 1e15 => Ok(v as usize),
        _ => Err(format!("expected a whole number such as 100000 or 1e5, got {s:?}")),
    }
}

fn parse_list<T: std::str::FromStr>(field: &'static str, s: &str) -> Result<Vec<T>, Failure> {
    s.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<T>().map_err(|_| Failure::input(format!("{field}: {:?} is not a valid value; give a comma-separated list", crate::model::clip(t)))))
        .collect()
}

impl RunArgs {
    fn protocol(&self) -> Result<Protocol, Failure> {
        let mut p = Protocol::paper(&self.preset, self.d)?;
        if let Some(n) = &self.neurons {
            p.neurons = parse_list("neurons", n)?;
        }
        if let Some(s) = self.steps {
            p.steps = s as u64;
        }
        if let Some(s) = &self.spectrum {
            p.spectrum = s.clone();
        }
        p.batch = self.batch;
        p.eta = parse_list("eta", &self.eta)?;
        if let Some(e) = p.eta.iter().find(|e| !(e.is_finite() && **e > 0.0)) {
            return Err(Failure::input(format!("eta: every step size must be a positive number, got {e}")));
        }
        p.draws = self.draws;
        p.fit_samples = self.fit_samples;
        p.ridge = self.ridge;
        p.activation = self.activation.trim().to_ascii_lowercase();
        p.test_samples = self.test_samples;
        p.records = self.records;
        p.seed = self.seed;
        Ok(p)
    }
}

fn human_secs(s: f64) -> String {
    if s < 90.0 {
        format!("{s:.0} s")
    } else if s < 5400.0 {
        format!("{:.1} min", s / 60.0)
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}

/// Run `lazy-training reproduce ...`; `dry` is the global `--dry-run`.
pub fn run(args: ReproduceArgs, dry: bool, out: &mut dyn Write) -> Result<(), Failure> {
    match args.action {
        Some(Action::Merge(m)) => run_merge(&m, out),
        None => run_units(&args.run, dry, out),
    }
}

fn write_out(out: &mut dyn Write, text: &str) -> Result<(), Failure> {
    out.write_all(text.as_bytes()).map_err(|e| Failure::runtime(format!("cannot write output: {e}")))
}

fn run_units(a: &RunArgs, dry: bool, out: &mut dyn Write) -> Result<(), Failure> {
    let p = a.protocol()?;
    let shard: Shard = a.shard.parse()?;
    let jobs = a.jobs.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    if jobs == 0 || jobs > 4096 {
        return Err(Failure::input(format!("jobs: the worker threads must be between 1 and 4096, got {jobs}")));
    }
    let target = p.validate()?;
    if dry {
        let (sgd_rate, rf_rate) = runner::calibrate(&p, &target)?;
        let finished = match &a.results {
            Some(dir) if dir.join("protocol.json").exists() => Store::open(dir)?.0.finished()?,
            _ => Default::default(),
        };
        let mine = shard.select(&p.units());
        let (mut flops, mut secs, mut bytes) = (0.0, 0.0, 0.0f64);
        let list: Vec<serde_json::Value> = mine
            .iter()
            .map(|u| {
                let c = p.cost(u);
                let rate = if matches!(u, super::Unit::Sgd { .. }) { sgd_rate } else { rf_rate };
                let s = c.flops / rate;
                let done = finished.contains_key(&u.id());
                if !done {
                    flops += c.flops;
                    secs += s;
                }
                bytes = bytes.max(c.bytes);
                json!({"id": u.id(), "flops": c.flops, "seconds": (s * 100.0).round() / 100.0, "bytes": c.bytes, "finished": done})
            })
            .collect();
        let summary = json!({
            "valid": true, "preset": p.preset, "d": p.d, "shard": format!("{}/{}", shard.index, shard.count),
            "units": list.len(), "flops": flops, "bytes": bytes,
            "core_seconds": secs.round(), "core_hours": (secs / 36.0).round() / 100.0,
            "wall_hours": (secs / 36.0 / jobs as f64).round() / 100.0, "jobs": jobs,
            "rate_flops_per_s": {"sgd": sgd_rate.round(), "rf": rf_rate.round()},
            "unit_list": list,
        });
        if !a.quiet {
            eprintln!(
                "dry run: {} units, {:.2e} flops, {} of one core ({} on {jobs} threads) at the measured {:.1} GFLOP/s (SGD) and {:.1} GFLOP/s (RF); largest unit {:.0} MB",
                summary["units"], flops, human_secs(secs), human_secs(secs / jobs as f64), sgd_rate / 1e9, rf_rate / 1e9, bytes / 1e6
            );
        }
        return write_out(out, &format!("{summary}\n"));
    }
    let Some(dir) = &a.results else {
        return Err(Failure::input("results: give the results folder with --results DIR (finished units are stored there, and skipped when the run restarts)"));
    };
    let store = Store::create(dir, &p)?;
    let quiet = a.quiet;
    let mut first = true;
    let mut progress = |pr: &Progress| {
        if quiet {
            return;
        }
        if first && pr.skipped > 0 {
            eprintln!("reproduce: shard {}/{}: {} units already finished, skipped", shard.index, shard.count, pr.skipped);
        }
        first = false;
        let left = pr.left.map(|l| format!(", about {} left", human_secs(l))).unwrap_or_default();
        eprintln!("reproduce: {}/{} units done, {}{left}", pr.done, pr.todo, human_secs(pr.elapsed));
    };
    let t0 = std::time::Instant::now();
    let report = runner::run(&p, &target, &store, shard, jobs, &mut progress)?;
    if !quiet {
        eprintln!(
            "reproduce: shard {}/{}: {} units run ({} diverged), {} already there, in {}; build the figure with `lazy-training reproduce merge --results {}`",
            shard.index,
            shard.count,
            report.ran - report.failed.len(),
            report.diverged,
            report.skipped,
            human_secs(t0.elapsed().as_secs_f64()),
            dir.display()
        );
    }
    let failed: Vec<serde_json::Value> = report.failed.iter().map(|(id, m)| json!({"unit": id, "error": m})).collect();
    write_out(out, &format!("{}\n", json!({"shard": format!("{}/{}", shard.index, shard.count), "ran": report.ran - report.failed.len(), "diverged": report.diverged, "skipped": report.skipped, "failed": failed})))?;
    if let Some((id, m)) = report.failed.first() {
        return Err(Failure::runtime(format!("{} unit(s) failed (no result stored; a rerun retries them); first: {id}: {m}", report.failed.len())));
    }
    Ok(())
}

fn run_merge(m: &MergeArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let (store, p) = Store::open(&m.results)?;
    let merged = merge::merge(&store, &p)?;
    let json_text = serde_json::to_string_pretty(&merged.json).map_err(|e| Failure::runtime(e.to_string()))? + "\n";
    if let Some(path) = &m.out {
        write_atomic(path, merged.svg.as_bytes())?;
    }
    if let Some(path) = &m.csv {
        write_atomic(path, merged.csv.as_bytes())?;
    }
    match &m.json {
        Some(path) => write_atomic(path, json_text.as_bytes())?,
        None => write_out(out, &json_text)?,
    }
    if !m.quiet {
        let n_missing = merged.missing.len();
        eprintln!("merge: {} of {} units finished", merged.total_units - n_missing, merged.total_units);
        if n_missing > 0 {
            let shown: Vec<&str> = merged.missing.iter().take(12).map(String::as_str).collect();
            eprintln!("merge: missing {n_missing}: {}{}", shown.join(", "), if n_missing > shown.len() { ", ..." } else { "" });
        }
        for n in &merged.notes {
            eprintln!("merge: {n}");
        }
    }
    if m.require_complete && !merged.missing.is_empty() {
        return Err(Failure::runtime(format!("{} units missing (see above); run the protocol to the end, then merge again", merged.missing.len())));
    }
    Ok(())
}
