// The explorer in a real slide deck (reveal.js from npm) and on disk (issue 10):
//   - a deck with two embeds made from the page's own "Copy embed code" snippet, one
//     served from another origin and one from the deck's origin: an explorer that is
//     not shown makes no progress and requests no animation frames (idle ones request
//     none either), and resumes where it stopped; after a click on Play the deck's keys
//     (PageDown, the arrows) move the deck, and a key pressed inside the embed is handed
//     to the deck; Play honours the pace given in the link;
//   - canvases have at least one pixel per screen pixel under the deck's 1.5 scale;
//   - titles, buttons, links, labels and plots do not overlap at 960x540, 1280x720,
//     1920x1080 and 375 px wide, full page and embed;
//   - the single-file build opened from file:// draws every plot in Chromium, Firefox
//     and WebKit, and index.html opened from file:// says why it cannot run where it
//     cannot (Chromium, WebKit).
//   - in Firefox (which throttles no iframe by itself): the explorer left playing on
//     another slide stops, PageDown after a click on Play moves the deck, it resumes;
//     in WebKit: PageDown after a click on Play moves the deck, the explorer stops.
// One Chromium for the deck checks; Firefox for its deck check and, with WebKit, the
// file:// checks.
// Screenshots go to test-results/deck-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { serve, FLAGS, OUT, ROOT } from "../e2e/harness.mjs";
import { launch, until } from "../e2e-engines/engines.mjs";

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const SINGLE = path.join(OUT, "lazy-training-explorer-single.html");
const PACE = 2000; // SGD steps per second of each run, set on the page before copying the snippet
let A, B, browser, snippet;

// Counts the animation frames a document requests (runs in every frame, before its scripts).
const COUNT_FRAMES = () => {
  window.__frames = 0;
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => { window.__frames += 1; return raf(cb); };
};

before(async () => {
  A = await serve();
  B = await serve();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  // The snippet as a lecturer gets it: the pace chosen on the page, then "Copy embed code".
  const page = await browser.newPage();
  await page.goto(A.base);
  await page.waitForFunction(() => document.body.dataset.sweep === "done", null, { timeout: 20000 });
  const builds = await page.evaluate(() => window.lazyExplorer.builds);
  await page.locator("#pace").selectOption(String(PACE));
  await page.waitForFunction((p) => location.hash.includes("pace=" + p), PACE, { timeout: 5000 });
  assert.equal(await page.evaluate(() => window.lazyExplorer.builds), builds, "a new pace does not rebuild the explorer (the runs go on)");
  await page.locator("#copy-embed").click();
  snippet = await page.locator("#share-text").inputValue();
  await page.close();
  assert.match(snippet, new RegExp(`^<iframe src="${A.base.replace(/[.]/g, "\\.")}\\?embed=1#v=1&amp;pace=${PACE}"`));
  // The deck: reveal.js 6 from npm, five slides, the snippet on slides 2 (served from
  // B: another origin) and 4 (from A, the deck's origin), as pasted.
  const cross = snippet.replace(A.base, B.base);
  const deck = `<!doctype html>
<html><head><meta charset="utf-8"><title>Lecture</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="../node_modules/reveal.js/dist/reveal.css">
<link rel="stylesheet" href="../node_modules/reveal.js/dist/theme/white.css"></head>
<body><div class="reveal"><div class="slides">
<section><h2>Lazy training</h2></section>
<section><h4>From another origin</h4>${cross}</section>
<section><h2>Between the embeds</h2></section>
<section><h4>From the deck's origin</h4>${snippet}</section>
<section><h2>The end</h2></section>
</div></div>
<script src="../node_modules/reveal.js/dist/reveal.js"></script>
<script>
const scale = Number(new URLSearchParams(location.search).get("scale")) || undefined;
Reveal.initialize({ hash: false, ...(scale ? { minScale: scale, maxScale: scale } : {}) });
</script></body></html>`;
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, "deck.html"), deck);
  const built = spawnSync(process.execPath, [path.join(ROOT, "scripts/build-single.mjs"), SINGLE], { encoding: "utf8" });
  assert.equal(built.status, 0, built.stderr);
});

after(async () => {
  if (browser) await browser.close();
  if (A) await A.close();
  if (B) await B.close();
});

async function openDeck(viewport, query = "") {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  await context.addInitScript(COUNT_FRAMES);
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push("pageerror: " + e.message));
  page.on("console", (m) => { if (m.type() === "error") problems.push("console: " + m.text()); });
  await page.goto(A.base + "test-results/deck.html" + query);
  await page.waitForFunction(() => window.Reveal && window.Reveal.isReady(), null, { timeout: 10000 });
  return { context, page, problems };
}

const slide = (page) => page.evaluate(() => window.Reveal.getIndices().h);
const embedFrame = (page, origin) => page.frames().find((f) => f.url().startsWith(origin) && f.url().includes("embed=1"));
const frameOf = async (page, origin) => until(async () => {
  const f = embedFrame(page, origin);
  return f && (await f.evaluate(() => !!(window.lazyExplorer && window.lazyExplorer.explorer)).catch(() => false)) && f;
}, 20000, "the embed from " + origin);
const probe = (frame) => frame.evaluate(() => {
  const ui = window.lazyExplorer;
  return { frames: window.__frames, samples: ui.explorer.sgdSamples(), sweep: ui.explorer.sweepProgress(), playing: ui.playing, seen: ui.seen() };
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// An explorer off screen: wait until its frames stop, then watch it for a second.
async function assertAsleep(frame, what) {
  let a = await probe(frame);
  await until(async () => { await sleep(150); const b = await probe(frame); const same = b.frames === a.frames; a = b; return same; }, 5000, what + " to stop requesting frames");
  await sleep(1000);
  const b = await probe(frame);
  assert.equal(b.frames, a.frames, `${what}: no animation frame requested while unseen`);
  assert.equal(b.samples, a.samples, `${what}: no SGD progress while unseen`);
  assert.equal(b.sweep, a.sweep, `${what}: no sweep progress while unseen`);
  assert.equal(b.seen, false);
  return b;
}

test("in a reveal.js deck: unseen explorers do nothing, idle ones request no frames, keys go back to the deck, Play keeps the pace", async () => {
  const { context, page, problems } = await openDeck({ width: 1280, height: 720 });
  // Slide 1: explorers on other slides have not started (if loaded at all: lazy frames).
  await sleep(1500);
  for (const origin of [A.base, B.base]) {
    const f = embedFrame(page, origin);
    if (!f) continue;
    const p = await f.evaluate(() => window.lazyExplorer && window.lazyExplorer.explorer ? { frames: window.__frames, sweep: window.lazyExplorer.explorer.sweepProgress() } : null).catch(() => null);
    if (p) assert.deepEqual(p, { frames: 0, sweep: 0 }, `the explorer from ${origin} on a slide not shown computes nothing and requests no frame`);
  }
  // Slide 2, the embed from another origin: it runs; idle once the sweep is done.
  await page.evaluate(() => window.Reveal.slide(1));
  const cross = await frameOf(page, B.base);
  await cross.waitForFunction(() => document.body.dataset.sweep === "done", null, { timeout: 20000 });
  await sleep(300);
  const idle0 = await probe(cross);
  await sleep(700);
  const idle1 = await probe(cross);
  assert.equal(idle1.frames, idle0.frames, "idle (sweep done, not playing): no animation frames at all");
  // Play with the mouse, at the link's pace.
  await page.frameLocator(`iframe[src^="${B.base}"]`).locator("#play").click();
  const t0 = await probe(cross);
  const started = Date.now();
  await sleep(1200);
  const t1 = await probe(cross);
  const seconds = (Date.now() - started) / 1000;
  const rate = (t1.samples - t0.samples) / 100 / seconds; // steps per second (batch 100)
  assert.ok(t1.playing && rate > 0.3 * PACE && rate < 1.3 * PACE, `Play at pace ${PACE}: ${rate.toFixed(0)} steps/s`);
  console.log(`# pace ${PACE}: ${rate.toFixed(0)} steps/s of each run measured over ${seconds.toFixed(1)} s`);
  // The plots follow the run while it plays (the SGD panel's x axis starts at its first record).
  const xFrom = await cross.evaluate(() => window.lazyExplorer.explorer.mapping(1).xMin);
  assert.ok(xFrom > 1000, `the SGD panel was redrawn while playing (x axis from ${xFrom})`);
  await page.screenshot({ path: path.join(OUT, "deck-cross-origin-1280x720.png") });
  // The deck's key after the click: PageDown goes to slide 3.
  await page.keyboard.press("PageDown");
  await page.waitForFunction(() => window.Reveal.getIndices().h === 2, null, { timeout: 5000 });
  const asleep = await assertAsleep(cross, "the cross-origin explorer, playing, on a slide not shown");
  assert.equal(asleep.playing, true, "still playing: it pauses only while unseen");
  // Back: it resumes where it stopped.
  await page.keyboard.press("PageUp");
  await page.waitForFunction(() => window.Reveal.getIndices().h === 1, null, { timeout: 5000 });
  await cross.waitForFunction((s) => window.lazyExplorer.explorer.sgdSamples() > s, asleep.samples, { timeout: 5000 });
  const resumed = await probe(cross);
  assert.ok(resumed.samples - asleep.samples < PACE * 100 * 1.5, `resumed from ${asleep.samples}, not in a burst: ${resumed.samples}`);

  // Slide 4, the embed from the deck's own origin (never throttled by the engine).
  await page.evaluate(() => window.Reveal.slide(3));
  const same = await frameOf(page, A.base);
  await same.waitForFunction(() => document.body.dataset.sweep === "done", null, { timeout: 20000 });
  await assertAsleep(cross, "the cross-origin explorer two slides back");
  await page.frameLocator(`iframe[src^="${A.base}"]`).locator("#play").click();
  await same.waitForFunction(() => window.lazyExplorer.explorer.sgdSamples() > 0, null, { timeout: 5000 });
  // The Right arrow moves the deck (in an embed it no longer steps SGD).
  const before = await probe(same);
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => window.Reveal.getIndices().h === 4, null, { timeout: 5000 });
  await assertAsleep(same, "the same-origin explorer, playing, on a slide not shown");
  assert.ok((await probe(same)).samples >= before.samples);
  // A key pressed while the embed has the focus (Tab into it) reaches the deck too.
  await page.evaluate(() => window.Reveal.slide(3));
  await page.frameLocator(`iframe[src^="${A.base}"]`).locator("#play").focus();
  await page.keyboard.press("PageDown");
  await page.waitForFunction(() => window.Reveal.getIndices().h === 4, null, { timeout: 5000 });
  // ... and Enter on the focused Play is the embed's (pauses the run).
  await page.evaluate(() => window.Reveal.slide(3));
  await page.frameLocator(`iframe[src^="${A.base}"]`).locator("#play").focus();
  const wasPlaying = (await probe(same)).playing;
  await page.keyboard.press("Enter");
  await same.waitForFunction((p) => window.lazyExplorer.playing !== p, wasPlaying, { timeout: 5000 });
  assert.equal(await slide(page), 3, "Enter on the focused Play stays in the embed");
  // The embed's address is left as given (no ?embed=1#v=1&embed=1).
  assert.equal(await same.evaluate(() => location.hash), `#v=1&pace=${PACE}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test("in Firefox too: an explorer left playing on another slide stops, the deck keeps its keys, and it resumes", async () => {
  const puppeteer = (await import("puppeteer-core")).default;
  const ff = await puppeteer.launch({ browser: "firefox", executablePath: process.env.FIREFOX || "/usr/bin/firefox-esr", headless: true,
    protocol: "webDriverBiDi", defaultViewport: { width: 1280, height: 720, deviceScaleFactor: 1 } });
  try {
    const page = (await ff.pages())[0] || (await ff.newPage());
    await page.goto(A.base + "test-results/deck.html");
    await page.waitForFunction(() => window.Reveal && window.Reveal.isReady(), { timeout: 10000 });
    await page.evaluate(() => window.Reveal.slide(1));
    const cross = await until(async () => {
      const f = page.frames().find((x) => x.url().startsWith(B.base));
      return f && (await f.evaluate(() => document.body.dataset.sweep === "done").catch(() => false)) && f;
    }, 30000, "the cross-origin embed in Firefox");
    const state = () => cross.evaluate(() => ({ frames: window.lazyExplorer.frames, samples: window.lazyExplorer.explorer.sgdSamples(), playing: window.lazyExplorer.playing }));
    await (await cross.$("#play")).click();
    await until(async () => (await state()).samples > 0, 5000, "Play in Firefox");
    await page.keyboard.press("PageDown");
    await page.waitForFunction(() => window.Reveal.getIndices().h === 2, { timeout: 5000 });
    let a = await state();
    await until(async () => { await sleep(150); const b = await state(); const same = b.frames === a.frames; a = b; return same; }, 5000, "Firefox: the frames to stop");
    await sleep(1000);
    const b = await state();
    assert.deepEqual(b, a, "Firefox: no frame and no progress while on another slide, still playing");
    assert.equal(b.playing, true);
    await page.keyboard.press("PageUp");
    await page.waitForFunction(() => window.Reveal.getIndices().h === 1, { timeout: 5000 });
    await until(async () => (await state()).samples > b.samples, 5000, "Firefox: the run to resume");
  } finally {
    await ff.close();
  }
});

test("in WebKit too: after a click on Play the deck keeps its keys; the explorer left behind stops", async () => {
  const { Builder, By, Key } = await import("selenium-webdriver");
  const { spawn } = await import("node:child_process");
  const net = await import("node:net");
  const port = await new Promise((r) => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); });
  const drv = spawn("xvfb-run", ["-a", "-s", "-screen 0 1600x1200x24", "WebKitWebDriver", `--port=${port}`], { stdio: "ignore", detached: true });
  const stop = () => { try { process.kill(-drv.pid, "SIGTERM"); } catch { /* gone */ } };
  let driver;
  try {
    await until(() => fetch(`http://127.0.0.1:${port}/status`).then((r) => r.ok).catch(() => false), 20000, "WebKitWebDriver");
    driver = await new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities({ browserName: "MiniBrowser",
      "webkitgtk:browserOptions": { binary: process.env.MINIBROWSER || "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser", args: ["--automation"] } }).build();
    await driver.manage().window().setRect({ width: 1280, height: 720 });
    await driver.get(A.base + "test-results/deck.html");
    await until(() => driver.executeScript("return !!(window.Reveal && Reveal.isReady())"), 10000, "reveal.js in WebKit");
    await driver.executeScript("Reveal.slide(1)");
    const frameEl = await driver.findElement(By.css(`iframe[src^="${B.base}"]`));
    const inFrame = async (script) => {
      await driver.switchTo().frame(frameEl);
      try { return await driver.executeScript(script); } finally { await driver.switchTo().defaultContent(); }
    };
    await until(() => inFrame("return document.body.dataset.sweep === 'done'"), 30000, "the embed's sweep in WebKit");
    await driver.switchTo().frame(frameEl);
    await driver.findElement(By.id("play")).click();
    await driver.switchTo().defaultContent();
    await until(() => inFrame("return window.lazyExplorer.explorer.sgdSamples() > 0"), 5000, "Play in WebKit");
    await driver.actions().sendKeys(Key.PAGE_DOWN).perform();
    await until(() => driver.executeScript("return Reveal.getIndices().h === 2"), 5000, "PageDown to reach the deck in WebKit");
    const state = () => inFrame("return [window.lazyExplorer.frames, window.lazyExplorer.explorer.sgdSamples(), window.lazyExplorer.playing]");
    let a = await state();
    await until(async () => { await sleep(150); const b = await state(); const same = b[0] === a[0]; a = b; return same; }, 5000, "WebKit: the frames to stop");
    await sleep(1000);
    assert.deepEqual(await state(), a, "WebKit: no frame and no progress while on another slide");
    assert.equal(a[2], true, "still playing");
  } finally {
    if (driver) await driver.quit().catch(() => {});
    stop();
  }
});

test("under the deck's 1.5 scale every canvas has at least one pixel per screen pixel, same origin and cross-origin", async () => {
  const { context, page, problems } = await openDeck({ width: 1920, height: 1080 }, "?scale=1.5");
  for (const [index, origin] of [[1, B.base], [3, A.base]]) {
    await page.evaluate((i) => window.Reveal.slide(i), index);
    const f = await frameOf(page, origin);
    await f.waitForFunction(() => document.body.dataset.sweep === "done", null, { timeout: 20000 });
    await sleep(900); // the slide transition
    const k = await page.evaluate((o) => { const el = document.querySelector(`iframe[src^="${o}"]`); return el.getBoundingClientRect().width / el.offsetWidth; }, origin);
    assert.ok(Math.abs(k - 1.5) < 0.01, `the deck scales the slide by ${k}`);
    const sizes = await f.evaluate(() => ["plot-width", "plot-sgd", "plot-overlap"].map((id) => {
      const c = document.getElementById(id);
      const r = c.getBoundingClientRect();
      return { id, backing: [c.width, c.height], css: [r.width, r.height] };
    }));
    for (const s of sizes) {
      const screen = [s.css[0] * k, s.css[1] * k];
      assert.ok(s.backing[0] >= Math.floor(screen[0]) && s.backing[1] >= Math.floor(screen[1]),
        `${origin === A.base ? "same origin" : "cross-origin"} ${s.id}: canvas ${s.backing.join("x")} for ${screen.map(Math.round).join("x")} screen pixels`);
    }
    console.log(`# 1.5 scale, ${origin === A.base ? "same origin" : "cross-origin"}: ${sizes.map((s) => `${s.backing.join("x")} canvas for ${s.css.map((v) => Math.round(v * k)).join("x")} on screen`).join("; ")}`);
    await page.screenshot({ path: path.join(OUT, `deck-scale-1.5-${origin === A.base ? "same" : "cross"}.png`) });
  }
  assert.deepEqual(problems, []);
  await context.close();
});

// Visible titles, buttons, links, labels, controls and plots whose boxes intersect.
const OVERLAPS = () => {
  const sel = "h1, h2, h3, button, a[href], label, legend, summary, select, input, progress, .status, .presets-label, kbd, canvas";
  const els = [...document.querySelectorAll(sel)].filter((e) => e.checkVisibility() && e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().height > 0 && !e.closest("details:not([open]) > :not(summary)"));
  const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.split(" ")[0] : "") + (e.textContent.trim() ? ` "${e.textContent.trim().slice(0, 24)}"` : "");
  const out = [];
  for (let i = 0; i < els.length; i++) {
    for (let j = i + 1; j < els.length; j++) {
      const [a, b] = [els[i], els[j]];
      if (a.contains(b) || b.contains(a)) continue;
      const [r, s] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
      const w = Math.min(r.right, s.right) - Math.max(r.left, s.left);
      const h = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
      if (w > 0.5 && h > 0.5) out.push(`${name(a)} x ${name(b)} (${w.toFixed(1)} x ${h.toFixed(1)} px)`);
    }
  }
  return { count: els.length, out };
};

test("nothing overlaps at 960x540, 1280x720, 1920x1080 and 375 px, full page and embed", async () => {
  const context = await browser.newContext({ deviceScaleFactor: 1 });
  const page = await context.newPage();
  const seen = [];
  for (const [w, h] of [[960, 540], [1280, 720], [1920, 1080], [375, 667]]) {
    for (const mode of ["page", "embed"]) {
      await page.setViewportSize({ width: w, height: h });
      await page.goto(A.base + (mode === "embed" ? "?embed=1#v=1" : "#v=1") + "&model=mg");
      await page.waitForFunction(() => document.body.dataset.sweep === "done", null, { timeout: 20000 });
      await sleep(150);
      const { count, out } = await page.evaluate(OVERLAPS);
      await page.screenshot({ path: path.join(OUT, `deck-layout-${mode}-${w}x${h}.png`), fullPage: mode === "page" });
      assert.ok(count >= (mode === "embed" ? 5 : 30), `${mode} ${w}x${h}: only ${count} elements checked`);
      assert.deepEqual(out, [], `${mode} at ${w}x${h}: overlapping boxes`);
      seen.push(`${mode} ${w}x${h}: ${count} boxes`);
    }
  }
  console.log("# no overlaps: " + seen.join(", "));
  await context.close();
});

test("from disk: the single file draws every plot in Chromium, Firefox and WebKit; index.html says what to do where it cannot run", async () => {
  const single = pathToFileURL(SINGLE).href;
  const index = pathToFileURL(path.join(ROOT, "index.html")).href;
  const ink = () => ["plot-width", "plot-sgd", "plot-overlap"].map((id) => {
    const c = document.getElementById(id);
    const { data } = c.getContext("2d").getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 245 || data[i + 1] < 245 || data[i + 2] < 245) n++;
    return n;
  });
  const results = [];
  for (const name of ["chromium", "firefox", "webkit"]) {
    const e = await launch(name, { viewport: { width: 1280, height: 900 } });
    try {
      await e.goto(single);
      await until(async () => (await e.attr("body", "data-sweep")) === "done", 30000, `${name}: the single file's sweep`);
      await e.click("#step");
      await until(async () => Number(await e.prop("#sgd-progress", "value")) > 0, 10000, `${name}: a step of SGD`);
      await sleep(400);
      const inks = await e.js(ink);
      assert.ok(inks.every((n) => n > 3000), `${name}: every plot drawn from file:// (${inks})`);
      assert.match(await e.text("#status"), /d = 30/, `${name}: the status line`);
      assert.deepEqual(e.console.filter((m) => !/favicon/.test(m)), [], `${name}: console errors`);
      await e.shot(".plots", path.join(OUT, `deck-single-file-${name}.png`));
      // The policy is enforced with hashes: an inline script that is not the page's own is refused.
      const csp = await e.js(() => {
        let violated = "";
        document.addEventListener("securitypolicyviolation", (ev) => { violated = ev.violatedDirective; });
        const s = document.createElement("script");
        s.textContent = "window.__injected = 1";
        document.body.append(s);
        return new Promise((r) => setTimeout(() => r({ ran: window.__injected === 1, violated, meta: document.querySelector('meta[http-equiv="Content-Security-Policy"]').content }), 200));
      });
      assert.equal(csp.ran, false, `${name}: an injected inline script must not run`);
      assert.match(csp.meta, /script-src 'sha256-[A-Za-z0-9+/=]+' 'wasm-unsafe-eval'; style-src 'sha256-/);
      assert.doesNotMatch(csp.meta, /script-src[^;]*unsafe-inline/);
      // index.html from disk: runs (Firefox) or says why not and what to do.
      await e.goto(index);
      const state = await until(async () => {
        if ((await e.attr("body", "data-start")) === "file-blocked") return "blocked";
        if ((await e.attr("body", "data-sweep")) === "done") return "runs";
        return null;
      }, 20000, `${name}: index.html from file:// to run or say why not`);
      if (state === "blocked") {
        const text = await e.text("#status");
        assert.match(text, /file:\/\/.*single-file explorer.*make single.*make serve/s, `${name}: ${text}`);
        assert.equal(await e.prop("#play", "disabled"), true);
      }
      results.push(`${name}: single file draws ${inks.join("/")} px; index.html ${state}`);
    } finally {
      await e.close();
    }
  }
  console.log("# from disk: " + results.join("; "));
  assert.ok(results.some((r) => /index.html blocked/.test(r)), "Chromium and WebKit refuse the modules from file://");
});
