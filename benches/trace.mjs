// Chromium traces of the page (benches/longtask_trace.mjs, benches/paper_bench.mjs), and
// the Linux scheduler's record of the same time (benches/paper_bench.mjs).
import fs from "node:fs";
import { execFileSync } from "node:child_process";

// The renderer main thread's complete events, and among them its tasks.
function mainThread(events) {
  const names = new Map();
  for (const e of events) if (e.ph === "M" && e.name === "thread_name") names.set(`${e.pid}:${e.tid}`, e.args.name);
  const main = events.filter((e) => names.get(`${e.pid}:${e.tid}`) === "CrRendererMain" && e.ph === "X" && typeof e.dur === "number");
  return { main, tasks: main.filter((e) => e.name === "RunTask" || e.name === "ThreadControllerImpl::RunTask") };
}

/** The main thread's tasks of `minMs` or more, each with the longest events nested in it
 *  (script, wasm, GC, style, layout, paint, commit). */
export function analyse(events, minMs = 50) {
  const { main, tasks } = mainThread(events);
  return tasks.filter((e) => e.dur / 1000 >= minMs).map((t) => {
    const inner = main.filter((e) => e !== t && e.pid === t.pid && e.tid === t.tid && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && e.dur >= 2000);
    inner.sort((a, b) => b.dur - a.dur);
    return { ms: +(t.dur / 1000).toFixed(1), inner: inner.slice(0, 14).map((e) => `${e.name}${e.args && e.args.data && e.args.data.functionName ? "(" + e.args.data.functionName + ")" : ""} ${(e.dur / 1000).toFixed(1)}`) };
  });
}

/** The main thread's task lengths (ms), longest first. */
export function taskMs(events) {
  return mainThread(events).tasks.map((e) => e.dur / 1000).sort((a, b) => b - a);
}

/** The main thread's tasks from the task that sets the User Timing mark `from` (its
 *  first occurrence; the tasks of that thread only) to the trace's end, longest first: `{ ms, at, source }`, `at` in
 *  seconds after the mark, `source` where the task was posted from (a frame:
 *  ScheduledActionSendBeginMainFrame; a worker's message: PostMessageToWorkerObject; a
 *  MessageChannel's: Notify; V8's garbage collector: a heap/ file's function). */
export function tasksFrom(events, from) {
  const m = events.find((x) => x.name === from && String(x.cat).includes("blink.user_timing"));
  if (!m) throw new Error(`no mark "${from}" in the trace`);
  // The page's own main thread (the trace holds every renderer's).
  return mainThread(events).tasks.filter((e) => e.pid === m.pid && e.tid === m.tid && e.ts + e.dur >= m.ts)
    .map((e) => ({ ms: e.dur / 1000, at: (e.ts - m.ts) / 1e6, source: (e.args && (e.args.src_func || e.args.src_file)) || "",
      ts: e.ts, dur: e.dur, cpuMs: typeof e.tdur === "number" ? e.tdur / 1000 : null, tid: e.tid }))
    .sort((x, y) => y.ms - x.ms);
}

// ---- where a task's time on the clock went: the scheduler's record ------------------
// On a virtual machine the host runs other machines' work on the same cores: a vCPU the
// guest's scheduler believes is running a thread may not be running at all (steal, in
// /proc/stat's cpu line). Chromium's trace gives each task's wall time and its thread's
// CPU time (`tdur`, which does not count steal); the kernel's sched_switch and
// sched_wakeup events (ftrace, clock CLOCK_MONOTONIC like Chromium's trace) say when the
// thread was on a core, waiting for one, or asleep. Together:
//   wall = CPU + host steal (on a core by the guest's account, not running) + waiting
//          for a core (runnable: the guest's other threads had both) + asleep.
// Needs a writable /sys/kernel/tracing (root on Linux); otherwise `schedStart` says why.
const TRACING = "/sys/kernel/tracing";
const put = (f, v) => fs.writeFileSync(`${TRACING}/${f}`, v);

/** Start recording the scheduler's switches and wake-ups. Returns null, or why not. */
export function schedStart() {
  try {
    if (!fs.existsSync(`${TRACING}/trace`)) execFileSync("mount", ["-t", "tracefs", "nodev", TRACING], { stdio: "ignore" });
    put("tracing_on", "0");
    put("trace_clock", "mono");
    put("buffer_size_kb", "131072");
    for (const e of ["sched_switch", "sched_wakeup"]) put(`events/sched/${e}/enable`, "1");
    put("trace", "");
    put("tracing_on", "1");
    return null;
  } catch (e) {
    return `no scheduler trace (${TRACING} not writable: ${e.code || e.message})`;
  }
}

/** Stop recording; the record as text (then cleared). */
export function schedStop() {
  put("tracing_on", "0");
  const text = fs.readFileSync(`${TRACING}/trace`, "utf8");
  for (const e of ["sched_switch", "sched_wakeup"]) put(`events/sched/${e}/enable`, "0");
  put("trace", "");
  return text;
}

/** Thread `tid`'s states from the record: [[µs, "on" | "wait" | "asleep"], ...] in time
 *  order ("wait": runnable, not on a core). */
export function threadStates(text, tid) {
  const out = [];
  const line = /\s(\d+\.\d+): (sched_switch|sched_wakeup): (.*)$/;
  for (const l of text.split("\n")) {
    if (!l.includes(`=${tid} `)) continue;
    const m = line.exec(l);
    if (!m) continue;
    const us = Number(m[1]) * 1e6;
    const f = m[3];
    if (m[2] === "sched_wakeup") { if (f.includes(`pid=${tid} `)) out.push([us, "wait"]); continue; }
    if (f.includes(`next_pid=${tid} `)) out.push([us, "on"]);
    else if (f.includes(`prev_pid=${tid} `)) out.push([us, /prev_state=R/.test(f) ? "wait" : "asleep"]);
  }
  return out;
}

/** A task's wall time split (ms): `{ cpuMs, stealMs, waitMs, asleepMs }` from its trace
 *  event (`ts`, `dur` in µs, `cpuMs`) and its thread's states. */
export function splitTask(task, states) {
  const a = task.ts, b = task.ts + task.dur;
  const acc = { on: 0, wait: 0, asleep: 0 };
  let cur = null, last = a;
  for (const [us, st] of states) {
    if (us <= a) { cur = st; continue; }
    if (us >= b) break;
    if (cur) acc[cur] += us - last;
    cur = st;
    last = us;
  }
  if (cur) acc[cur] += b - last;
  const cpuMs = task.cpuMs ?? acc.on / 1000;
  return { cpuMs, stealMs: Math.max(0, acc.on / 1000 - cpuMs), waitMs: acc.wait / 1000, asleepMs: acc.asleep / 1000 };
}

/** /proc/stat's cpu line: [user, nice, system, idle, iowait, irq, softirq, steal, ...]. */
export const cpuTimes = () => fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);

/** The share (%) of all cores' time the host took from this machine between two readings. */
export function stealPercent(a, b) {
  const d = b.map((x, i) => x - a[i]);
  return (100 * d[7]) / d.reduce((s, x) => s + x, 0);
}
