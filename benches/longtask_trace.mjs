// What the page's long main-thread tasks are (make bench's page_longest_task_ms).
//   node benches/longtask_trace.mjs [plays=6] [secs=10] [--trace]
// Each play: the default view, sweep done, Play for `secs` seconds, as
// benches/wasm_bench.mjs does. Prints every longtask (PerformanceObserver, start and
// duration in ms), when the SGD runs finished (data-sgd = done) and, with --trace,
// what each task over 50 ms contained (Chromium tracing: the longest events nested in
// it on the renderer's main thread: script, wasm compilation, GC, layout, paint).
// TRACE_LINK=<#link> instead loads that link (e.g. a paper-scale preset's) and watches
// its width sweep for `secs` seconds from the end of loading, without Play.
// MIN_TASK_MS=16 lists, with --trace, the traced tasks from that length on (the
// PerformanceObserver sees only tasks of 50 ms and more), and prints the longest.
import { start } from "../tests/e2e/harness.mjs";
import { analyse, taskMs } from "./trace.mjs";

const args = process.argv.slice(2);
const trace = args.includes("--trace");
const [plays = 6, secs = 10] = args.filter((a) => !a.startsWith("--")).map(Number);
const CATEGORIES = ["toplevel", "devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "v8.execute", "v8.wasm", "disabled-by-default-v8.gc", "blink", "blink.user_timing"];

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
      const tasks = analyse(events, Number(process.env.MIN_TASK_MS || 50));
      for (const t of tasks) console.log("  task", JSON.stringify(t));
      const all = taskMs(events);
      console.log(`  traced main-thread tasks: ${all.length}, the longest ${all.slice(0, 5).map((x) => x.toFixed(1)).join(", ")} ms`);
    }
    await ctx.close();
  }
} finally {
  await env.stop();
}
