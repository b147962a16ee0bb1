"""`make bench`: side-by-side timings in one run (alternating, several repetitions,
median), a readable table, then ONE line of JSON with every figure.

Pairs: Rust native vs numpy (qf NN one-pass SGD at d=30/N=15 and d=100/N=50, batch
100; exact RF + NT risks at d=450 over rho in {0.1..10}); wasm in headless Chromium vs
native (same SGD step, the page's own release build: in Chromium the relaxed-SIMD one that
www/wasm.js picks there, and the plain simd128 one beside it). Singles: Figure 1 at
d=450 (wall), the page's default sweep and its longest main-thread task while playing,
the gzipped size of the page's .wasm. Timing never goes into pass/fail tests.

Then the page in each engine, side by side (benches/engines_bench.mjs: Chromium, Firefox
ESR, WebKitGTK; default sweep and SGD run seconds, the same work outside the page loop,
steps/s). Env: BENCH_SKIP_ENGINES=1, BENCH_ENGINE_REPS (3), ENGINES=chromium,webkit.

Paper scale in the browser (benches/dense_bench.mjs, benches/paper_bench.mjs; Chromium):
the wasm exact solve's parts at N = 1350, d = 450 (blocked kernels and nalgebra, both
builds, in a worker) beside native one-thread faer (`bench chol`) and the wasm SIMD peak;
the page's "Figure 1 (paper scale)" (10 draws) wall time on its worker pool, the longest
main-thread task meanwhile (from a Chromium trace of the main thread), the renderer's peak
memory, and the pool's speed-up (the same 10 draws, one worker vs two). Env: BENCH_SKIP_PAPER=1.

Env: BENCH_REPS (default 5), BENCH_EXACT_REPS (3), BENCH_SKIP_FIG1=1, BENCH_SKIP_PAGE=1,
BENCH_SKIP_WEB_BUILD=1 (use www/pkg and www/pkg-relaxed as they are).
"""
import gzip
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPS = int(os.environ.get("BENCH_REPS", "5"))
EXACT_REPS = int(os.environ.get("BENCH_EXACT_REPS", "3"))
PY = sys.executable
# One core's peak, double precision: 2.3 GHz (nominal, /proc/cpuinfo) x 2 FMA units x
# 8 lanes (AVX-512) x 2 flops. Rough: the VM's turbo clock is unknown.
def core_peak_gflops():
    mhz = 0.0
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("cpu MHz"):
                mhz = float(line.split(":")[1]); break
        flags = open("/proc/cpuinfo").read()
        lanes = 8 if "avx512f" in flags else 4 if "avx2" in flags else 2
    except OSError:
        lanes = 4
    return mhz / 1000.0 * 2 * lanes * 2 if mhz else None


# The wasm SIMD peak of one core: 2 f64 lanes x 2 FMA units x 2 flops at the nominal
# clock (relaxed_madd fuses; the plain simd128 build's mul + add reach half of it).
def wasm_peak_gflops():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("cpu MHz"):
                return float(line.split(":")[1]) / 1000.0 * 2 * 2 * 2
    except OSError:
        pass
    return None


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_json(cmd, **kw):
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True, **kw).stdout
    return json.loads(out.strip().splitlines()[-1])


def bench_exe():
    out = subprocess.run(["cargo", "bench", "--bench", "bench", "--no-run", "--message-format=json"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        m = json.loads(line)
        if m.get("reason") == "compiler-artifact" and m.get("target", {}).get("name") == "bench" and m.get("executable"):
            return m["executable"]
    raise SystemExit("bench executable not found")


class Wasm:
    """The long-lived node process of benches/wasm_bench.mjs."""

    def __init__(self):
        self.p = subprocess.Popen(["node", os.path.join(ROOT, "benches/wasm_bench.mjs")], cwd=ROOT, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)

    def ask(self, **cmd):
        self.p.stdin.write(json.dumps(cmd) + "\n")
        self.p.stdin.flush()
        r = json.loads(self.p.stdout.readline())
        if not r.get("ok"):
            raise RuntimeError(r.get("error"))
        return r

    def close(self):
        try:
            self.p.stdin.write('{"cmd":"quit"}\n'); self.p.stdin.flush(); self.p.wait(timeout=30)
        except Exception:
            self.p.kill()


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def main():
    log("[bench] building the native bench binary and the CLI (release)")
    exe = bench_exe()
    subprocess.run(["cargo", "build", "--release", "--bin", "lazy-training"], cwd=ROOT, check=True)
    page_reason = None
    if os.environ.get("BENCH_SKIP_WEB_BUILD") != "1":
        log("[bench] building the page's wasm (scripts/build-web.sh, the release build the page serves)")
        r = subprocess.run(["bash", "scripts/build-web.sh"], cwd=ROOT)
        if r.returncode != 0:
            page_reason = "scripts/build-web.sh failed"
    wasm_file = os.path.join(ROOT, "www/pkg/lazy_training_bg.wasm")
    relaxed_file = os.path.join(ROOT, "www/pkg-relaxed/lazy_training_bg.wasm")
    have_wasm = os.path.exists(wasm_file) and os.path.exists(relaxed_file)
    wasm = Wasm() if have_wasm else None

    res = {}
    samples = {}
    page_build = None

    def add(key, v):
        samples.setdefault(key, []).append(v)

    # --- SGD: native, numpy, wasm (Chromium, Node), alternating -------------------------
    configs = [("d30", 30, 15, 20000), ("d100", 100, 50, 5000)]
    for rep in range(REPS):
        for tag, d, n, steps in configs:
            order = ["native", "numpy", "chromium", "node"] + (["chromium_simd128"] if tag == "d30" else [])
            if rep % 2:
                order.reverse()
            for who in order:
                if who == "native":
                    r = run_json([exe, "sgd", str(d), str(n), "100", str(steps)])
                    add(f"sgd_{tag}_native", r["steps_per_s"]); add(f"sgd_{tag}_gflops", r["gflops"])
                elif who == "numpy":
                    r = run_json([PY, os.path.join(ROOT, "benches/numpy_baseline.py"), "sgd", str(d), str(n), "100", str(steps)])
                    add(f"sgd_{tag}_numpy", r["steps_per_s"])
                elif who == "chromium_simd128" and wasm:
                    r = wasm.ask(cmd="sgd", where="chromium", wasm="simd128", d=d, n=n, batch=100, steps=steps)
                    add(f"sgd_{tag}_{who}", r["steps_per_s"])
                elif wasm:
                    r = wasm.ask(cmd="sgd", where=who, d=d, n=n, batch=100, steps=steps)
                    add(f"sgd_{tag}_{who}", r["steps_per_s"])
                    if who == "chromium":
                        page_build = r.get("build")
        log(f"[bench] SGD repetition {rep + 1}/{REPS} done")

    # --- exact RF + NT at d = 450, alternating ------------------------------------------
    for rep in range(EXACT_REPS):
        order = ["native", "numpy"] if rep % 2 == 0 else ["numpy", "native"]
        for who in order:
            if who == "native":
                r = run_json([exe, "exact", "450", "1"])
            else:
                r = run_json([PY, os.path.join(ROOT, "benches/numpy_baseline.py"), "exact", "450", "1"])
            add(f"exact_{who}", r["secs"])
            add(f"exact_{who}_rf", r["rf_secs"]); add(f"exact_{who}_nt", r["nt_secs"])
        log(f"[bench] exact repetition {rep + 1}/{EXACT_REPS} done")

    # --- Figure 1 at d = 450 -------------------------------------------------------------
    fig1 = None
    if os.environ.get("BENCH_SKIP_FIG1") != "1":
        t = time.perf_counter()
        subprocess.run([os.path.join(ROOT, "target/release/lazy-training"), "figure", "--preset", "fig1", "--d", "450", "--draws", "10",
                        "--out", "/tmp/lazy-training-bench-fig1.svg", "--quiet"], cwd=ROOT, check=True, capture_output=True)
        fig1 = time.perf_counter() - t
        log(f"[bench] figure 1 at d=450: {fig1:.1f} s")

    # --- the page --------------------------------------------------------------------------
    sweep_ms, longtask = None, None
    if wasm and os.environ.get("BENCH_SKIP_PAGE") != "1" and not page_reason:
        try:
            for _ in range(3):
                add("page_sweep_ms", wasm.ask(cmd="page_sweep")["ms"])
            sweep_ms = med(samples["page_sweep_ms"])
            # Three 10 s plays; the median of their longest tasks (a busy machine can
            # stretch one slice now and then; every run's value is in the JSON).
            plays = [wasm.ask(cmd="page_longtask", secs=10) for _ in range(3)]
            longest = sorted(p["longest_ms"] for p in plays)
            longtask = {"longest_ms": longest[1], "count": sorted(p["count"] for p in plays)[1], "runs": longest}
        except Exception as e:  # the page is another engineer's work in progress
            page_reason = f"page not measurable: {e}"
    elif not wasm:
        page_reason = "www/pkg or www/pkg-relaxed missing (make build)"
    if wasm:
        wasm.close()

    # --- paper scale in the browser: dense solve, Figure 1 on the worker pool --------------
    dense, paper, chol = None, None, None
    if have_wasm and os.environ.get("BENCH_SKIP_PAPER") != "1":
        if os.environ.get("BENCH_SKIP_WEB_BUILD") != "1":
            log("[bench] building the bench's wasm packages (scripts/build-web.sh --bench: the page's builds + timeDenseSolve)")
            subprocess.run(["bash", "scripts/build-web.sh", "--bench"], cwd=ROOT, check=True)
        chol = run_json([exe, "chol", "1350", "450"])
        log(f"[bench] native one-thread faer Cholesky N=1350: {chol['faer_seq_gflops']:.1f} GFLOP/s")
        for name, script in (("dense", "benches/dense_bench.mjs"), ("paper", "benches/paper_bench.mjs")):
            log(f"[bench] {script}")
            r = subprocess.run(["node", os.path.join(ROOT, script)], cwd=ROOT, capture_output=True, text=True)
            sys.stderr.write(r.stderr)
            if r.returncode == 0:
                v = json.loads(r.stdout.strip().splitlines()[-1])
                if name == "dense":
                    dense = v
                else:
                    paper = v
            else:
                log(f"[bench] {script} failed")
    # The page ships two builds and loads one: the larger of the two is the figure.
    gzs = {f: len(gzip.compress(open(f, "rb").read(), compresslevel=9)) for f in (wasm_file, relaxed_file) if os.path.exists(f)}
    gz = max(gzs.values()) if have_wasm else None

    # --- the page in each engine (Chromium, Firefox ESR, WebKitGTK), side by side ------
    engines, engines_table = None, ""
    if have_wasm and os.environ.get("BENCH_SKIP_ENGINES") != "1":
        log("[bench] the page in Chromium, Firefox ESR and WebKitGTK (benches/engines_bench.mjs)")
        r = subprocess.run(["node", os.path.join(ROOT, "benches/engines_bench.mjs")], cwd=ROOT, capture_output=True, text=True)
        if r.returncode == 0:
            lines = r.stdout.strip().splitlines()
            engines, engines_table = json.loads(lines[-1])["engines"], "\n".join(lines[:-1])
        else:
            log(f"[bench] per-engine page figures failed: {r.stderr.strip()[-400:]}")

    m = {k: med(v) for k, v in samples.items()}
    ratio = lambda a, b: (a / b) if a and b else None
    peak = core_peak_gflops()
    res = {
        "sgd_native_vs_numpy": ratio(m.get("sgd_d30_native"), m.get("sgd_d30_numpy")),
        "sgd_native_vs_numpy_d100": ratio(m.get("sgd_d100_native"), m.get("sgd_d100_numpy")),
        "sgd_wasm_vs_native": ratio(m.get("sgd_d30_chromium"), m.get("sgd_d30_native")),
        "exact_native_vs_numpy_d450": ratio(m.get("exact_numpy"), m.get("exact_native")),
        "fig1_d450_seconds": fig1,
        "page_default_sweep_seconds": sweep_ms / 1000 if sweep_ms is not None else None,
        "page_longest_task_ms": longtask["longest_ms"] if longtask else None,
        "page_longest_task_ms_runs": longtask["runs"] if longtask else None,
        "wasm_gzip_bytes": gz,
        "sgd_gflops_native": m.get("sgd_d100_gflops"),
        "sgd_gflops_native_d30": m.get("sgd_d30_gflops"),
        "core_peak_gflops_est": peak,
        "sgd_peak_fraction_est": (m["sgd_d100_gflops"] / peak) if peak and m.get("sgd_d100_gflops") else None,
        "sgd_steps_per_s": {k[4:]: v for k, v in m.items() if k.startswith("sgd_") and "gflops" not in k},
        "exact_seconds": {k[6:]: v for k, v in m.items() if k.startswith("exact_")},
        "sgd_wasm_node_vs_native": ratio(m.get("sgd_d30_node"), m.get("sgd_d30_native")),
        "sgd_wasm_build": page_build,
        "sgd_wasm_simd128_vs_native": ratio(m.get("sgd_d30_chromium_simd128"), m.get("sgd_d30_native")),
        "wasm_gzip_bytes_each": {os.path.relpath(f, ROOT): v for f, v in gzs.items()},
        "reps": REPS,
        "exact_reps": EXACT_REPS,
    }
    wasm_peak = wasm_peak_gflops()
    best = lambda key, backend: max((x[key] for x in (dense or {}).get("runs", []) if x["backend"] == backend), default=None)
    res["paper"] = {
        "dense_n1350_d450": dense,
        "native_faer_one_thread": chol,
        "wasm_simd_peak_gflops_est": wasm_peak,
        "wasm_chol_gflops": best("chol_gflops", "blocked"),
        "wasm_chol_gflops_nalgebra": best("chol_gflops", "nalgebra"),
        "wasm_gram_gflops": best("gram_gflops", "blocked"),
        "wasm_gram_gflops_nalgebra": best("gram_gflops", "nalgebra"),
        "page": paper,
    }
    res["paper_fig1_page_seconds"] = paper["full"]["wall_s"] if paper else None
    res["paper_pool_speedup"] = paper["speedup"]["ratio"] if paper and paper.get("speedup") else None
    # Every task's length from a trace of the main thread (the PerformanceObserver's
    # longest_task_ms sees only tasks of 50 ms and more).
    res["paper_longest_task_ms"] = paper["full"].get("traced_longest_task_ms") if paper else None
    res["paper_renderer_peak_mb"] = paper["full"]["renderer_peak_mb"] if paper else None
    if page_reason:
        res["page_null_reason"] = page_reason
    res["engines"] = engines

    targets = [
        ("sgd_native_vs_numpy", ">=", 3, "SGD steps/s d=30 N=15 b=100, Rust / numpy",
         f"{m.get('sgd_d30_native', 0):.0f} vs {m.get('sgd_d30_numpy', 0):.0f} steps/s"),
        ("sgd_native_vs_numpy_d100", ">=", 1.5, "SGD steps/s d=100 N=50 b=100, Rust / numpy",
         f"{m.get('sgd_d100_native', 0):.0f} vs {m.get('sgd_d100_numpy', 0):.0f} steps/s"),
        ("sgd_wasm_vs_native", ">=", 0.5, f"SGD steps/s d=30, wasm (Chromium, {page_build} build) / native",
         f"{m.get('sgd_d30_chromium') or 0:.0f} vs {m.get('sgd_d30_native', 0):.0f} steps/s (Node, simd128: {m.get('sgd_d30_node') or 0:.0f})"),
        ("sgd_wasm_simd128_vs_native", ">=", 0.5, "same, the plain simd128 build (browsers without relaxed SIMD)",
         f"{m.get('sgd_d30_chromium_simd128') or 0:.0f} steps/s"),
        ("exact_native_vs_numpy_d450", ">=", 1, "exact RF+NT d=450, 10 rho, numpy time / Rust time",
         f"{m.get('exact_numpy', 0):.2f} s vs {m.get('exact_native', 0):.2f} s"),
        ("fig1_d450_seconds", "<=", 120, "lazy-training figure --preset fig1 --d 450 --draws 10", "wall seconds"),
        ("page_default_sweep_seconds", "<=", 3, "page load to every dot of the default sweep", "Chromium, median of 3"),
        ("page_longest_task_ms", "<=", 50, "longest main-thread task, 10 s of Play, median of 3 plays",
         f"runs {longtask['runs']} ms" if longtask else (page_reason or "")),
        ("wasm_gzip_bytes", "<=", 250000, "page .wasm, gzip -9, the larger of the two builds",
         ", ".join(f"{os.path.relpath(f, ROOT)} {v}" for f, v in gzs.items())),
        ("paper_fig1_page_seconds", "<=", 120, "the page's Figure 1 (paper scale), 10 draws, 2 workers, Chromium",
         f"renderer peak {res['paper_renderer_peak_mb'] or 0:.0f} MB" if paper else "not run"),
        ("paper_pool_speedup", ">=", 1.7, "the same: 1 worker's time / 2 workers'",
         f"{paper['speedup']['one_s']:.1f} s vs {paper['speedup']['two_s']:.1f} s" if paper and paper.get("speedup") else "not run"),
        ("paper_longest_task_ms", "<=", 16, "longest main-thread task while the workers compute Figure 1 (traced)",
         f"{paper['full'].get('traced_tasks_over_16_ms')} tasks over 16 ms; host steal {paper['full']['host_steal_pct']:.1f}%; "
         + (f"less host steal the longest {paper['full']['traced_longest_less_steal_ms']:.1f} ms" if paper['full'].get('traced_longest_less_steal_ms') is not None else f"scheduler {paper['full']['sched']}")
         if paper else "not run"),
    ]
    print()
    print(f"{'figure':<28} {'value':>10} {'target':>9}  {'ok':<4} what (detail)")
    print("-" * 110)
    for key, op, goal, what, detail in targets:
        v = res[key]
        ok = "n/a" if v is None else ("yes" if (v >= goal if op == ">=" else v <= goal) else "NO")
        vs = "null" if v is None else (f"{v:.0f}" if abs(v) >= 1000 else f"{v:.3g}")
        print(f"{key:<28} {vs:>10} {op + str(goal):>9}  {ok:<4} {what} ({detail})")
    g = res["sgd_gflops_native"]
    if g:
        print(f"{'sgd_gflops_native':<28} {g:>10.3g} {'report':>9}  {'':<4} SGD step arithmetic rate at d=100 N=50 "
              f"(4bdN flops/step; d=30: {res['sgd_gflops_native_d30']:.3g}); ~{100 * (res['sgd_peak_fraction_est'] or 0):.0f}% of one core's est. peak {peak:.0f} GFLOP/s")
    pp = res["paper"]
    if pp["wasm_chol_gflops"]:
        print(f"{'wasm_chol_gflops_n1350':<28} {pp['wasm_chol_gflops']:>10.3g} {'report':>9}  {'':<4} wasm Cholesky N=1350 (blocked; nalgebra "
              f"{pp['wasm_chol_gflops_nalgebra'] or 0:.3g}), Gram W^T W d=450 {pp['wasm_gram_gflops'] or 0:.3g} (nalgebra {pp['wasm_gram_gflops_nalgebra'] or 0:.3g}); "
              f"native one-thread faer {(chol or {}).get('faer_seq_gflops', 0):.3g}; wasm SIMD peak est. {pp['wasm_simd_peak_gflops_est'] or 0:.3g} GFLOP/s")
    if engines_table:
        print(engines_table)
    print()
    print(json.dumps(res, separators=(",", ":")))


if __name__ == "__main__":
    main()
