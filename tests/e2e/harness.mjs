// Shared by the end-to-end tests: a tiny static server on 127.0.0.1 serving the
// repository root, the system's Chromium through playwright-core, and page helpers.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const OUT = path.join(ROOT, "test-results");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
export const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css",
  ".wasm": "application/wasm", ".json": "application/json", ".png": "image/png", ".svg": "image/svg+xml" };

/** A static server on 127.0.0.1 for the repository root: { base, requests, close }.
 *  `requests` lists the paths it served (all of its own origin by construction). */
export async function serve() {
  for (const pkg of ["www/pkg", "www/pkg-relaxed"]) {
    if (!fs.existsSync(path.join(ROOT, pkg, "lazy_training_bg.wasm"))) throw new Error(`${pkg} is missing: run \`make build\` first`);
  }
  fs.mkdirSync(OUT, { recursive: true });
  const requests = [];
  const server = await new Promise((resolve) => {
    const s = http.createServer((req, res) => {
      const url = new URL(req.url, "http://x");
      requests.push(url.pathname);
      let file = path.normalize(path.join(ROOT, decodeURIComponent(url.pathname)));
      if (!file.startsWith(ROOT)) { res.writeHead(403).end(); return; }
      if (file.endsWith(path.sep)) file = path.join(file, "index.html");
      fs.readFile(file, (err, data) => {
        if (err) { res.writeHead(404).end("not found"); return; }
        res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream", "cache-control": "no-store" });
        res.end(data);
      });
    });
    s.listen(0, "127.0.0.1", () => resolve(s));
  });
  return { base: `http://127.0.0.1:${server.address().port}/`, requests, close: () => new Promise((r) => server.close(r)) };
}

export async function start(extraFlags = []) {
  const server = await serve();
  const base = server.base;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, ...extraFlags] });
  const stop = async () => {
    await browser.close();
    await server.close();
  };
  return { base, browser, stop };
}

// A page that records console errors, page errors and requests to other origins.
// `init`, if given, runs in the page before any of its own scripts.
export async function open(env, url = env.base, viewport = { width: 1280, height: 900 }, deviceScaleFactor = 1, init = null) {
  const context = await env.browser.newContext({ viewport, deviceScaleFactor, acceptDownloads: true });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const problems = [];
  const foreign = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push("console: " + m.text()); });
  page.on("pageerror", (e) => problems.push("pageerror: " + e.message));
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(env.base) && !u.startsWith("data:") && !u.startsWith("blob:")) foreign.push(u);
  });
  page.on("requestfailed", (r) => { if (!r.url().startsWith("blob:")) problems.push("request failed: " + r.url()); });
  await page.goto(url);
  return { page, context, problems, foreign };
}

// Figure 1 at the paper's scale with one draw of W (units of up to seconds, about 6 s
// on two workers here).
export const PAPER_ONE_DRAW = "#v=1&model=qf&spectrum=exp&d=450&rho_min=0.1&rho_max=10&rho_points=11&draws=1";

/** Run in the page (page.evaluate, or an engine's js()): from now on each plot drawing
 *  notes `{ panel, sweeping, computing, workers }` in window.draws (computing: the pool's
 *  workers with units in flight), then the page loads the link `hash`. */
export function recordDrawings(hash) {
  const ui = window.lazyExplorer;
  const proto = Object.getPrototypeOf(ui.explorer);
  const draw = proto.drawPanel;
  window.draws = [];
  proto.drawPanel = function (panel, canvas, scale) {
    window.draws.push({ panel, sweeping: !this.sweepDone(), computing: ui.pool.workers.filter((s) => s.inflight.size > 0).length, workers: ui.pool.workers.length });
    return draw.call(this, panel, canvas, scale);
  };
  location.hash = hash;
}

export const sweepDone = (page, timeout = 20000) => page.waitForFunction(() => document.body.dataset.sweep === "done", null, { timeout });

// Wait until the page has built a new Explorer (after a control, a preset, a link).
export const builtAfter = (page, builds, timeout = 5000) =>
  page.waitForFunction((b) => window.lazyExplorer.builds > b, builds, { timeout });

export const builds = (page) => page.evaluate(() => window.lazyExplorer.builds);

// Non-white pixels of a canvas (in a page or a frame).
export const inkOf = (target, id) => target.evaluate((id) => {
  const c = document.getElementById(id);
  const { data } = c.getContext("2d").getImageData(0, 0, c.width, c.height);
  let ink = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] < 245 || data[i + 1] < 245 || data[i + 2] < 245) ink++;
  return { ink, w: c.width, h: c.height };
}, id);

// Click something that downloads; returns { name, bytes }.
export async function downloadOf(page, click) {
  const [dl] = await Promise.all([page.waitForEvent("download", { timeout: 10000 }), click()]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), bytes: fs.readFileSync(file) };
}

// Set a control's value the way a person does (fill, then the change event).
export async function setControl(page, id, value) {
  const el = page.locator("#" + id);
  if ((await el.evaluate((e) => e.tagName)) === "SELECT") await el.selectOption(value);
  else { await el.fill(value); await el.dispatchEvent("change"); }
}

// CPU ticks used so far by every thread of every process, by thread id:
// {name: "process/thread", thread, ticks} (Linux /proc; a thread that ends meanwhile is
// left out).
export function threadTicks() {
  const out = new Map();
  for (const p of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    let pname, tasks;
    try { pname = fs.readFileSync(`/proc/${p}/comm`, "utf8").trim(); tasks = fs.readdirSync(`/proc/${p}/task`); } catch { continue; }
    for (const t of tasks) {
      try {
        const s = fs.readFileSync(`/proc/${p}/task/${t}/stat`, "utf8");
        const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
        const tname = fs.readFileSync(`/proc/${p}/task/${t}/comm`, "utf8").trim();
        out.set(t, { name: `${pname}/${tname}`, thread: tname, ticks: Number(f[11]) + Number(f[12]) });
      } catch { /* the thread ended */ }
    }
  }
  return out;
}

// The same for the browser's worker threads only (Chromium names them
// "DedicatedWorker"), as ticks by thread id; `used(a, b)` is the CPU seconds from
// snapshot a to b (a thread that ended meanwhile adds nothing).
export function workerTicks() {
  return new Map([...threadTicks()].filter(([, v]) => v.thread.startsWith("DedicatedWorker")).map(([t, v]) => [t, v.ticks]));
}
export const used = (a, b) => [...b].reduce((sum, [t, v]) => sum + Math.max(0, v - (a.get(t) || 0)), 0) / 100;

// Cores the browser's worker threads use over the next `ms` milliseconds.
export async function workerCores(page, ms) {
  const a = workerTicks();
  await page.waitForTimeout(ms);
  return used(a, workerTicks()) / (ms / 1000);
}

// Press Step `times` times and wait until the runs took those strides (a fortieth of
// their steps each): the SGD runs compute in a worker, whose news come a moment later.
export async function step(page, times = 1) {
  const p0 = await page.evaluate(() => window.lazyExplorer.explorer.sgdProgress());
  for (let i = 0; i < times; i++) await page.locator("#step").click();
  await page.waitForFunction(([p, k]) => window.lazyExplorer.explorer.sgdProgress() >= Math.min(1, p + k / 40) - 1e-9, [p0, times], { timeout: 20000 });
}
