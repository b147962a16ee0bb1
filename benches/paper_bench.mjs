// `make bench`'s paper-scale figures in headless Chromium (benches/run.py reads the
// last line): the page itself, loaded with the preset "Figure 1 (paper scale)" (d = 450,
// N/d 0.1..10 at 11 points, 10 draws) or any link, computing the width sweep on its
// worker pool. Reports the wall time to every dot, the longest main-thread task
// meanwhile (PerformanceObserver "longtask", and every task from a Chromium trace), and
// the renderer's peak memory (VmHWM of the page's process: the page and its workers).
// Then the pool's speed-up: the same link with one worker against two (by default the
// same draws, so the run above is the two-worker one). Prints one JSON line.
// Env: PAPER_LINK (default the Figure 1 preset's link), PAPER_DRAWS (10),
//      SPEEDUP_DRAWS (PAPER_DRAWS), PAPER_SKIP_SPEEDUP=1, PAPER_TIMEOUT_S (900),
//      PAPER_NO_TRACE=1 (no Chromium trace of the main thread's tasks), PAPER_NO_SCHED=1
//      (no scheduler record beside it; see benches/trace.mjs).
import fs from "node:fs";
import { start, open } from "../tests/e2e/harness.mjs";
import { tasksFrom, schedStart, schedStop, threadStates, splitTask, cpuTimes, stealPercent } from "./trace.mjs";

const LINK = process.env.PAPER_LINK || "#v=1&model=qf&spectrum=exp&d=450&rho_min=0.1&rho_max=10&rho_points=11";
const DRAWS = process.env.PAPER_DRAWS || "10";
const SPEEDUP_DRAWS = process.env.SPEEDUP_DRAWS || DRAWS;
const TIMEOUT = 1000 * Number(process.env.PAPER_TIMEOUT_S || 900);

// Before the page's scripts: record long tasks. (No animation-frame loop of the bench's
// own: the page requests frames only when it has something to show, and a loop would
// add 60 frames a second of main-thread work to what is measured.)
const INIT = () => {
  window.benchLong = { max: 0, count: 0, all: [] };
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.benchLong.all.push([e.startTime, e.duration]); }).observe({ type: "longtask", buffered: true });
};

// Renderer processes' peak resident memory (kB) by pid, for chromium children.
function peaks() {
  const out = {};
  for (const p of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${p}/cmdline`, "utf8");
      if (!cmd.includes("--type=renderer")) continue;
      const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, "utf8"));
      if (m) out[p] = Number(m[1]);
    } catch { /* gone */ }
  }
  return out;
}

// The computation is the pool's: from its first unit sent to a worker (the mark
// www/pool.js sets) to the last redraw after its last value; the page's loading before
// it (the wasm, the explorer and its theory lines, the first rendering) is start-up,
// reported apart.
// `traced`: a Chromium trace of the main thread's tasks ("toplevel", and the marks) from
// the page's load: every task's length, where the PerformanceObserver sees only tasks
// of 50 ms and more.
async function run(env, workers, draws, traced = false) {
  const before = peaks();
  const { page, context } = await open(env, "about:blank", { width: 1280, height: 900 }, 1, INIT);
  if (traced) await env.browser.startTracing(page, { categories: ["toplevel", "blink.user_timing"] });
  // The scheduler's record beside the trace: where each task's time on the clock went.
  const schedNot = traced ? (process.env.PAPER_NO_SCHED ? "PAPER_NO_SCHED" : schedStart()) : "not traced";
  await page.goto(`${env.base}?workers=${workers}${LINK}&draws=${draws}`);
  await page.waitForFunction(() => window.lazyExplorer && window.lazyExplorer.pool && window.lazyExplorer.pool.firstSent !== null, null, { timeout: 60000 });
  const cpu0 = cpuTimes();
  await page.waitForFunction(() => document.body.dataset.sweep === "done", null, { timeout: TIMEOUT, polling: 1000 });
  const hostSteal = stealPercent(cpu0, cpuTimes());
  const traced_ = traced ? tasksFrom(JSON.parse((await env.browser.stopTracing()).toString()).traceEvents, "sweep: first unit sent") : null;
  const sched = schedNot === null ? schedStop() : null;
  if (sched && traced_.length) {
    const states = threadStates(sched, traced_[0].tid);
    for (const t of traced_) Object.assign(t, splitTask(t, states));
  }
  const tasks = traced_ && traced_.map((t) => t.ms);
  // Each task's wall time less what the host took from this machine's core meanwhile.
  const lessSteal = sched ? traced_.map((t) => t.ms - t.stealMs).sort((a, b) => b - a) : null;
  const r = await page.evaluate(() => {
    const p = window.lazyExplorer.pool;
    const l = window.benchLong;
    const within = l.all.filter(([t]) => t >= p.firstSent).map(([, d]) => d);
    const before = l.all.filter(([t]) => t < p.firstSent).map(([, d]) => d);
    return { stats: p.stats(), long: { max: Math.max(0, ...within), count: within.length }, startup: { max: Math.max(0, ...before) }, units: window.lazyExplorer.explorer.sweepUnitsTotal() };
  });
  const startup = r.startup;
  const after = peaks();
  const fresh = Object.keys(after).filter((p) => !(p in before));
  const peakMb = Math.max(0, ...fresh.map((p) => after[p])) / 1024;
  await context.close();
  return { workers, draws: Number(draws), units: r.units, wall_s: r.stats.wallMs / 1000, busy_s: r.stats.busyMs / 1000, longest_task_ms: r.long.max, long_tasks: r.long.count, startup_longest_task_ms: startup.max, renderer_peak_mb: peakMb,
    traced_longest_task_ms: tasks ? tasks[0] ?? 0 : null, traced_tasks_over_16_ms: tasks ? tasks.filter((t) => t > 16).length : null,
    traced_tasks_over_12_ms: tasks ? tasks.filter((t) => t > 12).length : null, traced_tasks: tasks ? tasks.length : null,
    // The five longest: length (ms), when (s after the first unit), where posted from; with
    // the scheduler's record, its split: CPU, host steal, waiting for a core, asleep (ms).
    traced_longest: traced_ ? traced_.slice(0, 5).map((t) => [+t.ms.toFixed(1), +t.at.toFixed(1), t.source,
      ...(sched ? [t.cpuMs, t.stealMs, t.waitMs, t.asleepMs].map((x) => +x.toFixed(1)) : [])]) : null,
    host_steal_pct: hostSteal, sched: schedNot ?? "recorded",
    traced_longest_less_steal_ms: lessSteal ? lessSteal[0] : null, traced_less_steal_over_16_ms: lessSteal ? lessSteal.filter((t) => t > 16).length : null,
    // Over the tasks of more than 16 ms: their time on the clock, split (ms).
    traced_over_16_split: sched ? ["cpuMs", "stealMs", "waitMs", "asleepMs"].reduce((o, k) => ({ ...o, [k]: +traced_.filter((t) => t.ms > 16).reduce((s, t) => s + t[k], 0).toFixed(1) }), {}) : null };
}

const env = await start();
try {
  const out = { link: LINK };
  out.full = await run(env, 2, DRAWS, !process.env.PAPER_NO_TRACE);
  const f = out.full;
  const split = f.traced_longest && f.traced_longest[0] && f.traced_longest[0].length > 3
    ? `; the longest five as CPU + host steal + waiting for a core + asleep (ms): ${f.traced_longest.map((t) => `${t[0]} = ${t.slice(3).join(" + ")}`).join(", ")}; less host steal the longest is ${f.traced_longest_less_steal_ms.toFixed(1)} ms (${f.traced_less_steal_over_16_ms} over 16 ms); tasks over 16 ms in all: ${JSON.stringify(f.traced_over_16_split)}`
    : ` (scheduler: ${f.sched})`;
  console.error(`[paper] host steal ${f.host_steal_pct.toFixed(1)}% of the cores' time meanwhile${split}`);
  console.error(`[paper] ${out.full.draws} draws, 2 workers: ${out.full.wall_s.toFixed(1)} s to every dot (${out.full.units} units, ${out.full.busy_s.toFixed(0)} s of worker time); longest main-thread task ${out.full.longest_task_ms.toFixed(0)} ms (${out.full.long_tasks} over 50 ms; traced: the longest ${out.full.traced_longest_task_ms === null ? "not traced" : out.full.traced_longest_task_ms.toFixed(1) + " ms, " + out.full.traced_tasks_over_16_ms + " over 16 ms, " + out.full.traced_tasks_over_12_ms + " over 12 ms, of " + out.full.traced_tasks})${out.full.traced_longest ? " [" + out.full.traced_longest.map(([ms, at, src]) => `${ms} ms at ${at} s (${src})`).join(", ") + "]" : ""}; renderer peak ${out.full.renderer_peak_mb.toFixed(0)} MB`);
  if (!process.env.PAPER_SKIP_SPEEDUP) {
    // By default on the preset itself (10 draws): at 2 draws the few N = 4500 units are
    // most of the work and the last of them leaves a worker idle at the end.
    const one = await run(env, 1, SPEEDUP_DRAWS);
    const two = SPEEDUP_DRAWS === DRAWS ? out.full : await run(env, 2, SPEEDUP_DRAWS);
    // Idle: the workers' wall time not spent computing units (starting, messages, and the
    // redraws the page makes while a worker waits).
    const idle = (r) => 1 - r.busy_s / (r.workers * r.wall_s);
    out.speedup = { draws: Number(SPEEDUP_DRAWS), one_s: one.wall_s, two_s: two.wall_s, ratio: one.wall_s / two.wall_s, one_busy_s: one.busy_s, two_busy_s: two.busy_s, one_idle: idle(one), two_idle: idle(two) };
    console.error(`[paper] speed-up at ${SPEEDUP_DRAWS} draws: 1 worker ${one.wall_s.toFixed(1)} s (${one.busy_s.toFixed(1)} s computing, ${(100 * idle(one)).toFixed(1)}% idle), 2 workers ${two.wall_s.toFixed(1)} s (${two.busy_s.toFixed(1)} s, ${(100 * idle(two)).toFixed(1)}% idle): ${out.speedup.ratio.toFixed(2)}x`);
  }
  console.log(JSON.stringify(out));
} finally {
  await env.stop();
}
