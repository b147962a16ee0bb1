// What the page's long main-thread tasks are (make bench's page_longest_task_ms).
//   node benches/longtask_trace.mjs [plays=6] [secs=10] [--trace]
// Each play: the default view, sweep done, Play for `secs` seconds, as
// benches/wasm_bench.mjs does. Prints every longtask (PerformanceObserver, start and
// duration in ms), when the SGD runs finished (data-sgd = done) and, with --trace,
// what each task over 50 ms contained (Chromium tracing: the longest events nested in
// it on the renderer's main thread: script, wasm compilation, GC, layout, paint).
// TRACE_LINK=<#link> instead loads that link (e.g. a paper-scale preset's) and watches
// its width sweep for `secs` seconds from the end of loading, without Play.
import { start } from "../tests/e2e/harness.mjs";

const args = process.argv.slice(2);
const trace = args.includes("--trace");
const [plays = 6, secs = 10] = args.filter((a) => !a.startsWith("--")).map(Number);
const CATEGORIES = ["toplevel", "devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "v8.execute", "v8.wasm", "disabled-by-default-v8.gc", "blink", "blink.user_timing"];

function analyse(events, minMs = 50) {
  const names = new Map();
  for (const e of events) if (e.ph === "M" && e.name === "thread_name") names.set(`${e.pid}:${e.tid}`, e.args.name);
  const main = events.filter((e) => names.get(`${e.pid}:${e.tid}`) === "CrRendererMain" && e.ph === "X" && typeof e.dur === "number");
  const tasks = main.filter((e) => e.name === "RunTask" || e.name === "ThreadControllerImpl::RunTask").filter((e) => e.dur / 1000 >= minMs);
  return tasks.map((t) => {
    const inner = main.filter((e) => e !== t && e.pid === t.pid && e.tid === t.tid && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && e.dur >= 2000);
    inner.sort((a, b) => b.dur - a.dur);
    return { ms: +(t.dur / 1000).toFixed(1), inner: inner.slice(0, 14).map((e) => `${e.name}${e.args && e.args.data && e.args.data.functionName ? "(" + e.args.data.functionName + ")" : ""} ${(e.dur / 1000).toFixed(1)}`) };
  });
}

const env = await start();
try {
  for (let i = 0; i < plays; i++) {
    const ctx = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    const page = await ctx.newPage();
    await page.addInitScript(() => {
      window.__lt = [];
      window.__sgdDoneAt = null;
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lt.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: "longtask", buffered: true });
      new MutationObserver(() => { if (document.body.dataset.sgd === "done" && window.__sgdDoneAt === null) window.__sgdDoneAt = Math.round(performance.now()); })
        .observe(document.documentElement, { attributes: true, subtree: true, attributeFilter: ["data-sgd"] });
    });
    const link = process.env.TRACE_LINK;
    await page.goto(env.base + (link || ""));
    if (link) await page.waitForFunction(() => document.body.dataset.sweep === "running", null, { timeout: 60000 });
    else await page.waitForFunction(() => document.body.dataset.sweep === "done", null, { timeout: 60000 });
    const playAt = await page.evaluate(() => { window.__lt.length = 0; return Math.round(performance.now()); });
    if (trace) await env.browser.startTracing(page, { categories: CATEGORIES });
    if (!link) await page.getByRole("button", { name: "Play" }).click();
    await page.waitForTimeout(secs * 1000);
    const buf = trace ? await env.browser.stopTracing() : null;
    const r = await page.evaluate(() => ({ lt: window.__lt.slice(), sgdDoneAt: window.__sgdDoneAt, samples: window.lazyExplorer.explorer.sgdSamples() }));
    const rel = (t) => (t === null ? null : t - playAt);
    console.log(JSON.stringify({ play: i + 1, longtasks_ms_after_play: r.lt.map(([s, d]) => [rel(s), d]), sgd_done_ms_after_play: rel(r.sgdDoneAt), samples: r.samples }));
    if (buf) {
      const events = JSON.parse(buf.toString()).traceEvents;
      for (const t of analyse(events)) console.log("  task", JSON.stringify(t));
    }
    await ctx.close();
  }
} finally {
  await env.stop();
}
