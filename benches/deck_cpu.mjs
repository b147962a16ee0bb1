// What an explorer left playing on a slide that is not shown costs: renderer CPU time
// (user + system, all of Chromium's renderer processes, from /proc) over SECONDS
// seconds, for a reveal.js deck whose two embeds (one from another origin, one from
// the deck's origin; full speed, a long run) were started and then left behind, against
// the same deck without embeds. Not part of `make test` (timing); run after `make build`:
//   node benches/deck_cpu.mjs [SECONDS]        (default 10)
// BASELINE_ROOT=/path/to/another/checkout serves the embeds from that checkout's page
// instead (its www/pkg built), to compare with an older page.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { FLAGS, ROOT } from "../tests/e2e/harness.mjs";

const SECONDS = Number(process.argv[2] || 10);
const TICK = 100; // USER_HZ: clock ticks per second in /proc/PID/stat on Linux
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm" };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function serve(root, extra = {}) {
  return new Promise((resolve) => {
    const s = http.createServer((req, res) => {
      const p = decodeURIComponent(new URL(req.url, "http://x").pathname);
      if (extra[p]) { res.writeHead(200, { "content-type": TYPES[".html"] }).end(extra[p]); return; }
      let file = path.join(root, p);
      if (file.endsWith("/")) file += "index.html";
      fs.readFile(file, (err, data) => {
        if (err) { res.writeHead(404).end(); return; }
        res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream", "cache-control": "no-store" }).end(data);
      });
    });
    s.listen(0, "127.0.0.1", () => resolve({ base: `http://127.0.0.1:${s.address().port}/`, close: () => s.close() }));
  });
}

const statOf = (pid) => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" "); // [state, ppid, ...]
};
// Is `pid` a descendant of `root`?
function under(pid, root) {
  for (let p = String(pid), hops = 0; p && p !== "0" && hops < 20; hops++) {
    if (p === String(root)) return true;
    try { p = statOf(p)[1]; } catch { return false; }
  }
  return false;
}

// CPU ticks used so far by each renderer process of the browser `root`: pid -> ticks
// (other Chromiums on the machine are not counted).
function rendererTicks(root) {
  const out = new Map();
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmd.includes("--type=renderer") || !under(pid, root)) continue;
      const f = statOf(pid);
      out.set(pid, Number(f[11]) + Number(f[12])); // utime, stime
    } catch { /* gone */ }
  }
  return out;
}

// CPU seconds the renderers used between two readings (a process that ended in between
// is counted up to the first reading's value only: it can only under-count by what it
// used before exiting, and the count of such processes is reported).
function usedBetween(a, b) {
  let ticks = 0, ended = 0;
  for (const [pid, t] of b) ticks += t - (a.get(pid) || 0);
  for (const pid of a.keys()) if (!b.has(pid)) ended++;
  return { seconds: ticks / TICK, ended, processes: b.size };
}

const deck = (embeds) => `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<link rel="stylesheet" href="/node_modules/reveal.js/dist/reveal.css"><link rel="stylesheet" href="/node_modules/reveal.js/dist/theme/white.css"></head>
<body><div class="reveal"><div class="slides">
<section><h2>One</h2></section><section>${embeds[0] || "<h2>Two</h2>"}</section><section><h2>Three</h2></section>
<section>${embeds[1] || "<h2>Four</h2>"}</section><section><h2>Five</h2></section>
</div></div><script src="/node_modules/reveal.js/dist/reveal.js"></script><script>Reveal.initialize({ hash: false });</script></body></html>`;
const iframe = (base) => `<iframe src="${base}?embed=1#v=1&amp;steps=5000000&amp;record_every=20000" width="960" height="480" style="border:0" loading="lazy" title="explorer"></iframe>`;

const pageRoot = process.env.BASELINE_ROOT || ROOT;
// B: the page from another origin; A: the deck, and the page from the deck's origin.
const B = await serve(pageRoot);
const A = await serve(pageRoot, { "/with.html": deck([iframe(B.base), iframe("/")]), "/without.html": deck([]) });
// A switch of our own marks this browser's process among the machine's Chromiums.
const NONCE = `--deck-cpu-bench=${process.pid}`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: [...FLAGS, NONCE] });
const browserPid = () => fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d)).find((pid) => {
  try { const c = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8"); return c.includes(NONCE) && !c.includes("--type="); } catch { return false; }
});
const results = {};
try {
  for (const which of ["without", "with"]) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    // reveal.js from this checkout's node_modules, the page from pageRoot.
    await page.route("**/node_modules/**", (route) => route.fulfill({ path: path.join(ROOT, new URL(route.request().url()).pathname) }));
    await page.goto(A.base + which + ".html");
    await page.waitForFunction(() => window.Reveal && window.Reveal.isReady());
    if (which === "with") {
      for (const [h, sel] of [[1, `iframe[src^="${B.base}"]`], [3, 'iframe[src^="/"]']]) {
        await page.evaluate((i) => window.Reveal.slide(i), h);
        const fl = page.frameLocator(sel);
        await fl.locator('body[data-sweep="done"]').waitFor({ timeout: 30000 });
        await fl.locator("#play").click();
        await sleep(500);
      }
    }
    await page.evaluate(() => window.Reveal.slide(4)); // a slide without an embed
    await sleep(2000);
    const root = browserPid();
    if (!root) throw new Error("cannot find the browser's process");
    const c0 = rendererTicks(root);
    const t0 = Date.now();
    await sleep(SECONDS * 1000);
    const u = usedBetween(c0, rendererTicks(root));
    const wall = (Date.now() - t0) / 1000;
    results[which] = { cpu_s: Number(u.seconds.toFixed(2)), wall_s: Number(wall.toFixed(1)), share_of_a_core: Number((u.seconds / wall).toFixed(3)), renderers: u.processes, ended: u.ended };
    if (which === "with") {
      // Still playing, so the pause came from being unseen, not from the run ending.
      results.with.still_playing = await page.frameLocator(`iframe[src^="${B.base}"]`).locator("#play").textContent() === "Pause";
    }
    await context.close();
  }
} finally {
  await browser.close();
  for (const s of [A, B]) s.close();
}
console.log(`renderer CPU over ${SECONDS} s, deck on a slide without embeds (page from ${pageRoot === ROOT ? "this checkout" : pageRoot}):`);
console.log(`  deck without embeds:                          ${results.without.cpu_s} s (${(100 * results.without.share_of_a_core).toFixed(1)}% of a core)`);
console.log(`  deck with two playing explorers (other slides): ${results.with.cpu_s} s (${(100 * results.with.share_of_a_core).toFixed(1)}% of a core), still playing: ${results.with.still_playing}`);
console.log(JSON.stringify(results));
