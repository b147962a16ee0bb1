//! The `lazy-training` command line over the science core (the binary in
//! `src/bin/lazy-training.rs` only calls [`main_with_args`], so tests can drive the
//! whole argument handling in-process). Reproduces the paper's
//! numbers and figures at any scale (paper scale: d = 450).
//!
//! Subcommands: `theory` (section-5 curves), `exact` (exact finite-d population risks
//! over draws of W), `sgd` (one-pass SGD with the exact risk at each record),
//! `figure` (the paper's Figure 1 or 2 as SVG, with CSV of its data), `panel` (any of
//! the page's three panels, through the same explorer core, as SVG, CSV and JSON),
//! `reproduce` (the paper's own protocol in units of work, see [`crate::reproduce`]).
//! Every JSON output carries its provenance under `origin` ([`Provenance`]; not "provenance": that word contains "nan", which tests look for); CSV, JSON and SVG are
//! written by [`crate::explorer::export`], the page's own export path.
//! Output is JSON (default) or CSV on stdout; progress goes to stderr. Bad arguments
//! exit with status 2 and a one-line message; a diverging SGD run exits with 1.

use clap::{Args, Parser, Subcommand, ValueEnum};
use crate::activation::Activation;
use crate::experiment::{Sweep, Theory, BAYES_SAMPLES};
use crate::explorer::export::{self, num, Provenance};
use crate::settings::table::{default_of, paper_eta, preset_model};
use crate::explorer::{self, panels, theory_grid, Explorer};
use crate::model::{ModelKind, Spectrum};
use crate::params::{parse_list, Curve, Limits, ModelParams, SgdParams, SgdRegime, SweepParams};
use crate::plot::{self, SgdCurve, Style};
use crate::settings::query_pairs;
use crate::sgd::SgdRun;
use crate::error::Error;
use serde_json::{json, Map, Value};
use std::io::Write;
use std::time::Instant;

#[derive(Parser)]
#[command(name = "lazy-training", version, about = "Random features vs neural tangent vs trained networks: the numbers and figures of Ghorbani, Mei, Misiakiewicz, Montanari (NeurIPS 2019).")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
    /// Check the arguments and print the estimated work and memory, computing nothing.
    #[arg(long, global = true)]
    dry_run: bool,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Format {
    Json,
    Csv,
}

#[derive(Args, Clone)]
struct ModelArgs {
    /// Data model: qf (quadratic target) or mg (mixture of Gaussians).
    #[arg(long, default_value = default_of("model", ModelKind::Qf))]
    model: String,
    /// Dimension d.
    #[arg(long, default_value_t = 450, allow_hyphen_values = true)]
    d: usize,
    /// Spectrum of B (qf: exp, flat, spiked:K) or Delta (mg: paper); both: list:a,b,.. or file:PATH.
    #[arg(long)]
    spectrum: Option<String>,
    /// Rotate B (or Delta) by a random orthogonal matrix.
    #[arg(long)]
    rotate: bool,
    /// Seed of every random draw (same seed, same numbers).
    #[arg(long, default_value = default_of("seed", ModelKind::Qf))]
    seed: u64,
}

/// The N/d values of `theory` and `exact` when none are given.
const DEFAULT_RHO: &str = "0.1,0.25,0.5,0.75,1,1.5,2,3,5,10";

impl ModelArgs {
    fn params(&self) -> Result<ModelParams, Error> {
        let kind: ModelKind = self.model.parse()?;
        let spectrum = match &self.spectrum {
            Some(s) => match s.trim().strip_prefix("file:") {
                // The core parses text only: the file is read here.
                Some(path) => {
                    let text = std::fs::read_to_string(path).map_err(|e| Error::File { path: crate::error::clip(path), message: e.to_string() })?;
                    Spectrum::from_file_text(path, &text)?
                }
                None => s.parse::<Spectrum>()?,
            },
            None => Spectrum::default_for(kind),
        };
        Ok(ModelParams { kind, d: self.d, spectrum, rotate: self.rotate, seed: self.seed })
    }

    /// The spectrum as given (or the model's default), for provenance.
    fn spectrum_text(&self, kind: ModelKind) -> String {
        self.spectrum.clone().unwrap_or_else(|| Spectrum::default_for(kind).to_string())
    }

    fn provenance(&self, mp: &ModelParams, activation: Activation, curves: &[Curve], draws: Option<usize>) -> Value {
        Provenance { kind: mp.kind, d: mp.d, spectrum: &self.spectrum_text(mp.kind), rotate: mp.rotate, activation, curves, seed: mp.seed, draws }.to_json()
    }
}

#[derive(Subcommand)]
enum Cmd {
    /// Theory curves (docs/maths.md section 5) at the given rho = N/d.
    Theory {
        #[command(flatten)]
        model: ModelArgs,
        /// Comma-separated rho = N/d values.
        #[arg(long, default_value = DEFAULT_RHO)]
        rho: String,
        /// Activation of the RF curves: quadratic, relu, abs, tanh (centred); NT and NN are the quadratic-activation results.
        #[arg(long, default_value = default_of("activation", ModelKind::Qf))]
        activation: String,
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
    },
    /// Exact finite-d population risks averaged over draws of W.
    Exact {
        #[command(flatten)]
        model: ModelArgs,
        #[arg(long, default_value = DEFAULT_RHO)]
        rho: String,
        /// Number of draws of W per rho.
        #[arg(long, default_value_t = 10)]
        draws: usize,
        #[arg(long, default_value = default_of("activation", ModelKind::Qf))]
        activation: String,
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        /// No progress on stderr.
        #[arg(long)]
        quiet: bool,
    },
    /// One-pass SGD; records the exact population risk.
    Sgd {
        #[command(flatten)]
        model: ModelArgs,
        /// nn (both layers) or nt (linearisation at the initial W).
        #[arg(long, default_value = "nn")]
        regime: String,
        /// Number of neurons N.
        #[arg(long)]
        neurons: usize,
        /// Batch size (fresh samples per step).
        #[arg(long, default_value = default_of("batch", ModelKind::Qf))]
        batch: usize,
        /// Step size eta; the SGD step is eta/d.
        #[arg(long, allow_hyphen_values = true)]
        lr: f64,
        /// Number of SGD steps.
        #[arg(long)]
        steps: u64,
        /// Record the risk every R steps.
        #[arg(long, default_value_t = 100)]
        record_every: u64,
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
    },
    /// The paper's Figure 1 (qf) or 2 (mg) as SVG (and its data as CSV).
    Figure {
        /// fig1 (qf, Exp(1) spectrum) or fig2 (mg, the paper's Delta).
        #[arg(long)]
        preset: String,
        /// Dimension of the width panel (the paper: 450).
        #[arg(long, default_value_t = 450)]
        d: usize,
        /// Draws of W per rho.
        #[arg(long, default_value_t = 10)]
        draws: usize,
        /// Dimension of the SGD panel (SGD at d = 450 needs ~1e5+ steps of 2 ms: see --help of sgd).
        #[arg(long)]
        sgd_d: Option<usize>,
        /// SGD steps (default: 60000 for fig1, 30000 for fig2).
        #[arg(long)]
        sgd_steps: Option<u64>,
        #[arg(long, default_value = default_of("seed", ModelKind::Qf))]
        seed: u64,
        /// Output SVG file.
        #[arg(long)]
        out: String,
        /// Also write the figure's data as CSV.
        #[arg(long)]
        csv: Option<String>,
        #[arg(long)]
        quiet: bool,
    },
    /// The paper's protocol (Figure 1 or 2: SGD over a step-size grid, RF fits, test risks) as units of work; `reproduce merge` builds the figure.
    Reproduce(Box<crate::reproduce::cli::ReproduceArgs>),
    /// One of the page's panels (width, sgd, overlap) from the page's settings, computed to the end by the page's own explorer core; prints the page's JSON export.
    Panel {
        /// The page's settings as a link's query, e.g. "model=mg&d=40&neurons=10" (keys, defaults and checks as on the page).
        #[arg(long, default_value = "")]
        settings: String,
        /// Which panel: width, sgd or overlap.
        #[arg(long, default_value = "overlap")]
        panel: String,
        /// Write the panel as SVG.
        #[arg(long)]
        out: Option<String>,
        /// Write the panel's data as CSV (the page's CSV export).
        #[arg(long)]
        csv: Option<String>,
        /// SVG width in pixels.
        #[arg(long, default_value_t = 640)]
        width: u32,
        /// SVG height in pixels.
        #[arg(long, default_value_t = 480)]
        height: u32,
    },
}

/// Run the command line on `args` (the first is the program name), writing results
/// to `out` and messages to `err`; returns the exit status.
pub fn main_with_args<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            if e.use_stderr() {
                // One line: clap's message without its usage block.
                let msg = e.to_string();
                let text: Vec<&str> = msg
                    .lines()
                    .map(str::trim)
                    .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
                    .filter(|l| !l.is_empty())
                    .collect();
                let line = text.join(" ");
                let _ = writeln!(err, "lazy-training: {} (see --help)", line.trim_start_matches("error: "));
                return 2;
            }
            let _ = write!(out, "{}", e.render());
            return 0;
        }
    };
    match run(cli, out) {
        Ok(()) => 0,
        Err(Fail::Input(e)) => {
            let _ = writeln!(err, "lazy-training: {e}");
            2
        }
        Err(Fail::Runtime(e)) => {
            let _ = writeln!(err, "lazy-training: {e}");
            1
        }
    }
}

enum Fail {
    /// Bad arguments: exit 2.
    Input(String),
    /// The work itself failed (divergence, I/O): exit 1.
    Runtime(String),
}

impl From<Error> for Fail {
    fn from(e: Error) -> Self {
        match e {
            Error::Invalid { .. } | Error::File { .. } => Fail::Input(e.to_string()),
            _ => Fail::Runtime(e.to_string()),
        }
    }
}

/// `--dry-run`: the arguments passed every check; say what the work would cost.
fn dry_run(out: &mut dyn Write, cost: crate::params::Cost) -> Result<(), Fail> {
    emit(out, Format::Json, &json!({"valid": true, "flops": cost.flops, "bytes": cost.bytes}), String::new)
}

fn run(cli: Cli, out: &mut dyn Write) -> Result<(), Fail> {
    let limits = Limits::native();
    let dry = cli.dry_run;
    match cli.cmd {
        Cmd::Theory { model, rho, activation, format } => {
            let mp = model.params()?;
            let act: Activation = activation.parse()?;
            let rho = parse_list("rho", &rho)?;
            let target = mp.target(&limits)?;
            crate::params::check_rho(&rho, mp.d, limits.max_rho_points, usize::MAX)?;
            if dry {
                return dry_run(out, Default::default());
            }
            let th = Theory::try_compute(&target, act, Curve::theory_set(mp.kind), &rho, BAYES_SAMPLES, mp.seed)?;
            let mut curves = Map::new();
            for (c, v) in &th.curves {
                curves.insert(c.name(mp.kind).into(), json!(v));
            }
            let provenance = model.provenance(&mp, act, Curve::theory_set(mp.kind), None);
            let mut json_out = json!({"model": mp.kind.to_string(), "d": mp.d, "tau": target.tau(), "rho": rho, "curves": curves, "origin": provenance});
            if let Some(se) = th.bayes_se {
                json_out["bayes_stderr"] = json!(se);
            }
            emit(out, format, &json_out, || {
                let mut columns = vec!["rho"];
                columns.extend(th.curves.iter().map(|(c, _)| c.name(mp.kind)));
                let rows: Vec<Vec<Value>> = rho.iter().enumerate().map(|(i, r)| std::iter::once(num(*r)).chain(th.curves.iter().map(|(_, v)| num(v[i]))).collect()).collect();
                export::csv(&columns, &rows)
            })
        }
        Cmd::Exact { model, rho, draws, activation, format, quiet } => {
            let mp = model.params()?;
            let params = SweepParams {
                curves: Curve::exact_set(mp.kind).to_vec(),
                model: mp.clone(),
                activation: activation.parse()?,
                rho: parse_list("rho", &rho)?,
                draws,
            };
            if dry {
                params.validate(&limits)?;
                return dry_run(out, params.cost());
            }
            let sweep = run_sweep(&params, &limits, quiet)?;
            let results = sweep.results();
            let mut curves = Map::new();
            for (c, stats) in &results {
                curves.insert(c.name(mp.kind).into(), json!({"mean": stats.iter().map(|s| s.mean).collect::<Vec<_>>(), "std": stats.iter().map(|s| s.std).collect::<Vec<_>>()}));
            }
            let provenance = model.provenance(&mp, params.activation, &params.curves, Some(draws));
            let json_out = json!({"model": mp.kind.to_string(), "d": mp.d, "draws": draws, "rho": params.rho, "curves": curves, "origin": provenance});
            emit(out, format, &json_out, || {
                let mut columns = vec!["rho".to_string()];
                for (c, _) in &results {
                    columns.push(format!("{}_mean", c.name(mp.kind)));
                    columns.push(format!("{}_std", c.name(mp.kind)));
                }
                let rows: Vec<Vec<Value>> = params
                    .rho
                    .iter()
                    .enumerate()
                    .map(|(i, r)| std::iter::once(num(*r)).chain(results.iter().flat_map(|(_, st)| [num(st[i].mean), num(st[i].std)])).collect())
                    .collect();
                export::csv(&columns, &rows)
            })
        }
        Cmd::Sgd { model, regime, neurons, batch, lr, steps, record_every, format } => {
            let params = SgdParams { model: model.params()?, regime: regime.parse()?, neurons, batch, eta: lr, steps, record_every };
            if dry {
                params.validate(&limits)?;
                return dry_run(out, params.cost());
            }
            let mut run = SgdRun::new(&params, &limits)?;
            let res = run.advance(u64::MAX);
            let samples = run.record_samples();
            // SGD trains the quadratic-activation networks (NT or NN).
            let provenance = model.provenance(&params.model, Activation::Quadratic, &[params.regime.curve()], None);
            let mut json_out = json!({"model": params.model.kind.to_string(), "regime": params.regime, "d": params.model.d, "neurons": neurons,
                "steps": run.record_steps(), "samples": samples, "risk": run.record_risks(), "limit": run.limit(), "origin": provenance});
            if let Err(e) = &res {
                json_out["error"] = json!(e.to_string());
            }
            emit(out, format, &json_out, || {
                let rows: Vec<Vec<Value>> = run.record_steps().iter().zip(&samples).zip(run.record_risks()).map(|((st, sa), r)| vec![json!(st), json!(sa), num(*r), num(run.limit())]).collect();
                export::csv(&["step", "samples", "risk", "limit"], &rows)
            })?;
            res.map(|_| ()).map_err(Fail::from)
        }
        Cmd::Panel { settings, panel, out: svg_out, csv, width, height } => panel_cmd(out, &settings, &panel, svg_out.as_deref(), csv.as_deref(), (width, height), dry, &limits),
        Cmd::Figure { preset, d, draws, sgd_d, sgd_steps, seed, out: svg_out, csv, quiet } => figure(out, &preset, d, draws, sgd_d, sgd_steps, seed, &svg_out, csv.as_deref(), quiet, dry, &limits),
        Cmd::Reproduce(args) => crate::reproduce::cli::run(*args, dry, out).map_err(|f| if f.input { Fail::Input(f.message) } else { Fail::Runtime(f.message) }),
    }
}

/// Refuse, before any work, an output file that cannot be written: its directory
/// missing, a directory in its place, no permission. A file the check creates is
/// removed again, so a run that fails later leaves nothing behind.
fn check_output_path(field: &str, path: &str) -> Result<(), Fail> {
    let p = std::path::Path::new(path);
    let bad = |why: String| Fail::Input(format!("{field}: --{field} {path} cannot be written: {why}"));
    if path.is_empty() {
        return Err(Fail::Input(format!("{field}: --{field} needs a file name")));
    }
    if p.is_dir() {
        return Err(bad("it is a directory; give a file name".into()));
    }
    let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    if !dir.is_dir() {
        return Err(bad(format!("the directory {} does not exist", dir.display())));
    }
    let existed = p.exists();
    std::fs::OpenOptions::new().append(true).create(true).open(p).map_err(|e| bad(e.to_string()))?;
    if !existed {
        let _ = std::fs::remove_file(p);
    }
    Ok(())
}

/// Write the output, JSON or CSV (both from the same numbers), after the last-line
/// check that none of them is null or non-finite ([`crate::finite::check_json`]).
fn emit(out: &mut dyn Write, format: Format, json: &Value, csv: impl FnOnce() -> String) -> Result<(), Fail> {
    crate::finite::check_json(json)?;
    let text = match format {
        Format::Json => format!("{json}\n"),
        Format::Csv => csv(),
    };
    out.write_all(text.as_bytes()).map_err(|e| Fail::Runtime(format!("cannot write output: {e}")))
}

/// Run a sweep to completion with progress on stderr.
fn run_sweep(params: &SweepParams, limits: &Limits, quiet: bool) -> Result<Sweep, Fail> {
    let mut sweep = Sweep::new(params, limits)?;
    let start = Instant::now();
    let mut last = Instant::now();
    while !sweep.done() {
        let p = sweep.advance(1)?;
        if !quiet && last.elapsed().as_secs_f64() > 2.0 {
            eprintln!("  exact risks: {:5.1}% ({} of {} solves, {:.0} s)", 100.0 * p, sweep.units_done(), sweep.units_total(), start.elapsed().as_secs_f64());
            last = Instant::now();
        }
    }
    Ok(sweep)
}

#[allow(clippy::too_many_arguments)]
fn figure(stdout: &mut dyn Write, preset: &str, d: usize, draws: usize, sgd_d: Option<usize>, sgd_steps: Option<u64>, seed: u64, out: &str, csv: Option<&str>, quiet: bool, dry: bool, limits: &Limits) -> Result<(), Fail> {
    let t0 = Instant::now();
    // The page's presets fig1 and fig2 say which model; the paper's SGD steps per figure.
    let (kind, default_steps) = match (preset, preset_model(preset)) {
        ("fig1", Some(kind)) => (kind, 60_000u64),
        ("fig2", Some(kind)) => (kind, 30_000u64),
        (other, _) => return Err(Fail::Input(format!("preset: unknown preset {other:?}; use fig1 (qf) or fig2 (mg)"))),
    };
    let mp = ModelParams { kind, d, spectrum: Spectrum::default_for(kind), rotate: false, seed };
    let rho = vec![0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0];
    let params = SweepParams { curves: Curve::exact_set(kind).to_vec(), model: mp.clone(), activation: Activation::Quadratic, rho: rho.clone(), draws };
    // The SGD panel: both regimes at a dimension where SGD converges in seconds.
    let sd = sgd_d.unwrap_or(d.min(40));
    let steps = sgd_steps.unwrap_or(default_steps);
    let n = (sd / 2).max(1);
    let sgd_params: Vec<SgdParams> = [SgdRegime::Nt, SgdRegime::Nn]
        .into_iter()
        .map(|regime| SgdParams { model: ModelParams { d: sd, ..mp.clone() }, regime, neurons: n, batch: 100, eta: paper_eta(kind, regime), steps, record_every: (steps / 400).max(1) })
        .collect();
    params.validate(limits)?;
    for sp in &sgd_params {
        sp.validate(limits)?;
    }
    check_output_path("out", out)?;
    if let Some(path) = csv {
        if std::path::Path::new(path) == std::path::Path::new(out) {
            return Err(Fail::Input(format!("csv: --csv {path} is also the --out file; give the CSV its own file name")));
        }
        check_output_path("csv", path)?;
    }
    if dry {
        let (a, b, c) = (params.cost(), sgd_params[0].cost(), sgd_params[1].cost());
        return dry_run(stdout, crate::params::Cost { flops: a.flops + b.flops + c.flops, bytes: a.bytes.max(b.bytes).max(c.bytes) });
    }
    let sweep = run_sweep(&params, limits, quiet)?;
    let target = sweep.target().clone();
    let theory = Theory::try_compute(&target, Activation::Quadratic, Curve::theory_set(kind), &theory_grid(&rho), BAYES_SAMPLES, seed)?;
    let dots = sweep.results();
    let left = plot::width_panel(kind, d, &theory, &rho, &dots);
    let t_sweep = t0.elapsed().as_secs_f64();

    let mut runs = Vec::new();
    for sp in &sgd_params {
        let mut run = SgdRun::new(sp, limits)?;
        if !quiet {
            eprintln!("  SGD {:?}: d = {sd}, N = {n}, {steps} steps", sp.regime);
        }
        run.advance(u64::MAX)?;
        runs.push(SgdCurve { regime: sp.regime, samples: run.record_samples(), risk: run.record_risks().to_vec(), limit: run.limit() });
    }
    let mut right = plot::sgd_panel(kind, sd, n, &runs, steps * 100);
    if sd != d {
        right.title = format!("One-pass SGD, d = {sd}, N = {n} (SGD at smaller d: see README)");
    }
    for p in [&left, &right] {
        for ser in &p.series {
            for (i, (x, y)) in ser.points.iter().enumerate() {
                for (v, q) in [(*x, "x"), (*y, "y"), (ser.err.get(i).copied().unwrap_or(0.0), "error bar")] {
                    crate::finite::check(v, || format!("the figure's {} of {} point {}", q, ser.label, i + 1))?;
                }
            }
        }
    }
    let svg = export::svg_of::<plotters::prelude::SVGBackend>(1400, 560, |area| plot::draw_figure(area, &left, &right, &Style { scale: 1.0, font_px: 15.0 }).map(|_| ())).map_err(Fail::Runtime)?;
    write_file(out, &svg)?;
    if let Some(path) = csv {
        let mut rows = Vec::new();
        for (name, p) in [("width", &left), ("sgd", &right)] {
            for ser in &p.series {
                for (i, (x, y)) in ser.points.iter().enumerate() {
                    rows.push(vec![json!(name), json!(ser.label), num(*x), num(*y), ser.err.get(i).map_or(Value::Null, |e| num(*e))]);
                }
            }
        }
        write_file(path, &export::csv(&["panel", "series", "x", "y", "err"], &rows))?;
    }
    if !quiet {
        eprintln!("  wrote {out}: width panel {:.1} s, total {:.1} s", t_sweep, t0.elapsed().as_secs_f64());
    }
    Ok(())
}

fn write_file(path: &str, text: &str) -> Result<(), Fail> {
    std::fs::write(path, text).map_err(|e| Fail::Runtime(format!("cannot write {path}: {e}")))
}

/// `panel`: the page's explorer built from a link's query under the command line's
/// limits, run to the end; one panel to SVG and CSV, the page's JSON export on stdout.
#[allow(clippy::too_many_arguments)]
fn panel_cmd(stdout: &mut dyn Write, settings: &str, panel: &str, svg: Option<&str>, csv: Option<&str>, (w, h): (u32, u32), dry: bool, limits: &Limits) -> Result<(), Fail> {
    let input = |e: explorer::PageError| Fail::Input(e.message);
    let number = panels::panel_number(panel).map_err(|e| Fail::Input(format!("panel: {}", e.message)))?;
    let pairs = query_pairs(settings);
    let get = |k: &str| pairs.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let cfg = crate::settings::PageConfig::parse(&get, limits).map_err(|e| input(e.into()))?;
    cfg.check(limits)?;
    for (field, path) in [("out", svg), ("csv", csv)] {
        if let Some(p) = path {
            check_output_path(field, p)?;
        }
    }
    if dry {
        let (a, b, c) = (cfg.sweep().cost(), cfg.sgd(SgdRegime::Nt).cost(), cfg.sgd(SgdRegime::Nn).cost());
        return dry_run(stdout, crate::params::Cost { flops: a.flops + b.flops + c.flops, bytes: a.bytes.max(b.bytes).max(c.bytes) });
    }
    let mut ex = Explorer::new(cfg, limits).map_err(input)?;
    while !ex.sweep().done() {
        ex.advance_sweep_units(usize::MAX).map_err(|e| Fail::Runtime(e.message))?;
    }
    while !ex.sgd_done() {
        ex.advance_sgd_steps(u64::MAX).map_err(|e| Fail::Runtime(e.message))?;
    }
    if let Some(path) = svg {
        write_file(path, &ex.svg(number, w, h).map_err(|e| Fail::Runtime(e.message))?)?;
    }
    if let Some(path) = csv {
        write_file(path, &ex.csv(number).map_err(|e| Fail::Runtime(e.message))?)?;
    }
    let json = ex.export_value().map_err(|e| Fail::Runtime(e.message))?;
    emit(stdout, Format::Json, &json, String::new)
}
