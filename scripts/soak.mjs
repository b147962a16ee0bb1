// Soak test (not part of `make test`): plays the explorer in headless Chromium for a
// while (default 10 minutes), resetting and changing settings now and then, and
// reports the JS heap and the wasm memory at the start and the end (after forced
// garbage collection), and their growth.
//   node scripts/soak.mjs [seconds]     (needs `make build` and `npm ci` first)
import { start } from "../tests/e2e/harness.mjs";

const SECONDS = Number(process.argv[2] || 600);
const env = await start(["--enable-precise-memory-info"]);
const { base, browser } = env;
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const errors = [];
page.on("pageerror", (e) => errors.push(e.message));
page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
const cdp = await page.context().newCDPSession(page);

async function memory() {
  await cdp.send("HeapProfiler.collectGarbage");
  const heap = await cdp.send("Runtime.getHeapUsage");
  // The page's wasm module is cached by URL: importing it again returns the same instance.
  const wasm = await page.evaluate(async () => {
    const m = await import("/www/pkg/lazy_training.js");
    const exports = await m.default();
    return exports.memory.buffer.byteLength;
  });
  return { jsHeap: heap.usedSize, wasm };
}

await page.goto(base);
await page.getByRole("button", { name: "Play" }).waitFor();
await page.waitForTimeout(3000);
await page.getByRole("button", { name: "Play" }).click();
await page.waitForTimeout(5000);
const t0 = Date.now();
let cycles = 0;
let base0 = null;
const samples = [];
while (Date.now() - t0 < SECONDS * 1000) {
  // The baseline is taken after a warm-up of four cycles (both values of d seen,
  // allocator and JIT settled); a leak shows as growth after it, a plateau does not.
  if (cycles === 4) base0 = await memory();
  if (cycles % 4 === 0) samples.push({ t: Math.round((Date.now() - t0) / 1000), ...(await memory()) });
  await page.waitForTimeout(15000);
  cycles++;
  // Every cycle: reset and play again; every other cycle also switch d (a new handle).
  if (cycles % 2 === 0) {
    const d = page.getByLabel("Dimension d");
    await d.fill(cycles % 4 === 0 ? "30" : "36");
    await d.dispatchEvent("change");
    await page.waitForTimeout(2000);
  }
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Reset" }).click();
  await page.getByRole("button", { name: "Play" }).click();
  process.stderr.write(`\r[soak] ${Math.round((Date.now() - t0) / 1000)} s, ${cycles} cycles`);
}
await page.getByRole("button", { name: "Pause" }).click().catch(() => {});
const end = await memory();
const first = base0 || samples[0];
const growth = (a, b) => ((b - a) / a) * 100;
const report = {
  seconds: Math.round((Date.now() - t0) / 1000),
  cycles,
  js_heap_start: first.jsHeap,
  js_heap_end: end.jsHeap,
  js_heap_growth_percent: +growth(first.jsHeap, end.jsHeap).toFixed(2),
  wasm_memory_start: first.wasm,
  wasm_memory_end: end.wasm,
  wasm_memory_growth_percent: +growth(first.wasm, end.wasm).toFixed(2),
  samples,
  page_errors: errors,
};
process.stderr.write("\n");
console.log(JSON.stringify(report));
await env.stop();
process.exit(report.js_heap_growth_percent < 10 && report.wasm_memory_growth_percent < 10 && errors.length === 0 ? 0 : 1);
