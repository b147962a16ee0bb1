// Chromium traces of the page (benches/longtask_trace.mjs, benches/paper_bench.mjs).

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
 *  first occurrence) to the trace's end, longest first: `{ ms, at, source }`, `at` in
 *  seconds after the mark, `source` where the task was posted from (a frame:
 *  ScheduledActionSendBeginMainFrame; a worker's message: PostMessageToWorkerObject; a
 *  MessageChannel's: Notify; V8's garbage collector: a heap/ file's function). */
export function tasksFrom(events, from) {
  const m = events.find((x) => x.name === from && String(x.cat).includes("blink.user_timing"));
  if (!m) throw new Error(`no mark "${from}" in the trace`);
  return mainThread(events).tasks.filter((e) => e.ts + e.dur >= m.ts)
    .map((e) => ({ ms: e.dur / 1000, at: (e.ts - m.ts) / 1e6, source: (e.args && (e.args.src_func || e.args.src_file)) || "" }))
    .sort((x, y) => y.ms - x.ms);
}
