// The three browser engines behind one small interface, for the per-engine checks
// (tests/e2e-engines/page.test.mjs) and the per-engine bench (benches/engines_bench.mjs):
//   chromium  /usr/bin/chromium through playwright-core (Chrome DevTools Protocol)
//   firefox   /usr/bin/firefox-esr through puppeteer-core (WebDriver BiDi)
//   webkit    WebKitGTK's MiniBrowser through WebKitWebDriver under xvfb-run
//             (selenium-webdriver, classic WebDriver: Safari's engine on Linux)
// State is read from the DOM through each driver's element commands, never from
// script evaluation, because a strict Content-Security-Policy may block a driver's
// injected scripts on some engines; `js()` exists for the few figures only script
// can give, and callers must cope with it failing.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { ROOT, OUT, FLAGS as CHROMIUM_FLAGS, serve } from "../e2e/harness.mjs";
export { ROOT, OUT, serve };
export const ENGINES = ["chromium", "firefox", "webkit"];
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const FIREFOX = process.env.FIREFOX || "/usr/bin/firefox-esr";
const MINIBROWSER = process.env.MINIBROWSER || "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const freePort = () => new Promise((resolve, reject) => {
  const s = net.createServer();
  s.on("error", reject);
  s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
});

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll `probe` (async, reads the DOM) until it returns a truthy value; that value. */
export async function until(probe, timeout, what) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try { last = await probe(); } catch (e) { last = e; }
    if (last && !(last instanceof Error)) return last;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}` + (last instanceof Error ? `: ${last.message}` : ""));
    await sleep(25);
  }
}

/** The engine's version string, from its binary (for the README and the bench). */
export function engineVersion(name) {
  const run = (cmd, args) => { const r = spawnSync(cmd, args, { encoding: "utf8" }); return ((r.stdout || "") + (r.stderr || "")).trim(); };
  if (name === "chromium") return (run(CHROMIUM, ["--version"]).match(/Chromium [\d.]+/) || ["Chromium"])[0];
  if (name === "firefox") return run(FIREFOX, ["--version"]);
  const dpkg = run("dpkg-query", ["-W", "-f=${Version}", "libwebkit2gtk-4.1-0"]);
  return "WebKitGTK " + (dpkg.split("-")[0] || "unknown") + " (MiniBrowser)";
}

// ---- one interface -------------------------------------------------------------------
// launch(name, { viewport, env }) -> {   (env: extra environment for WebKit's browser,
//                                           e.g. JSC_useOMGJIT=0 or WEBKIT_DISABLE_COMPOSITING_MODE=1;
//                                           default: the JSON object in $WEBKIT_ENV)
//   name, version, console: [] (error messages the driver reports; WebKit's reports none),
//   goto(url), text(sel), attr(sel, name), prop(sel, name), visible(sel), click(sel),
//   rect(sel) ({ x, y, width, height } in CSS pixels), rects(sel) (every match's),
//   type(sel, value)  (select all, type, Tab: the change event a person causes),
//   js(fn, arg)       (fn(arg) run in the page, its result, promises awaited; may be
//                     refused by the engine),
//   shot(sel, file)   (PNG of one element; in WebKit, of the window scrolled to it), close() }

export async function launch(name, opts = {}) {
  if (name === "chromium") return launchChromium(opts);
  if (name === "firefox") return launchFirefox(opts);
  if (name === "webkit") return launchWebkit(opts);
  throw new Error("unknown engine " + name + " (chromium, firefox, webkit)");
}

async function launchChromium({ viewport = { width: 1280, height: 900 } } = {}) {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push("pageerror: " + e.message));
  const loc = (sel) => page.locator(sel).first();
  return {
    name: "chromium", version: engineVersion("chromium"), console: consoleErrors,
    goto: (url) => page.goto(url),
    text: (sel) => loc(sel).textContent(),
    attr: (sel, n) => loc(sel).getAttribute(n),
    prop: (sel, n) => loc(sel).evaluate((e, n) => e[n], n),
    visible: (sel) => loc(sel).isVisible(),
    rect: (sel) => loc(sel).boundingBox(),
    rects: async (sel) => Promise.all((await page.locator(sel).all()).map((l) => l.boundingBox())),
    click: (sel) => loc(sel).click(),
    type: async (sel, v) => { await loc(sel).fill(v); await loc(sel).press("Tab"); },
    js: (fn, arg) => page.evaluate(fn, arg),
    shot: (sel, file) => loc(sel).screenshot({ path: file }),
    close: () => browser.close(),
  };
}

async function launchFirefox({ viewport = { width: 1280, height: 900 } } = {}) {
  const puppeteer = (await import("puppeteer-core")).default;
  const browser = await puppeteer.launch({ browser: "firefox", executablePath: FIREFOX, headless: true, protocol: "webDriverBiDi",
    defaultViewport: { ...viewport, deviceScaleFactor: 1 } });
  const page = (await browser.pages())[0] || (await browser.newPage());
  const consoleErrors = [];
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push("pageerror: " + e.message));
  const el = async (sel) => { const h = await page.$(sel); if (!h) throw new Error("no element " + sel); return h; };
  return {
    name: "firefox", version: engineVersion("firefox"), console: consoleErrors,
    goto: (url) => page.goto(url),
    text: async (sel) => (await el(sel)).evaluate((e) => e.textContent),
    attr: async (sel, n) => (await el(sel)).evaluate((e, n) => e.getAttribute(n), n),
    prop: async (sel, n) => (await el(sel)).evaluate((e, n) => e[n], n),
    visible: async (sel) => !!(await (await el(sel)).isVisible()),
    rect: async (sel) => (await el(sel)).boundingBox(),
    rects: async (sel) => Promise.all((await page.$$(sel)).map((h) => h.boundingBox())),
    click: async (sel) => (await el(sel)).click(),
    type: async (sel, v) => {
      const h = await el(sel);
      await h.focus();
      await page.keyboard.down("Control");
      await page.keyboard.press("a");
      await page.keyboard.up("Control");
      await page.keyboard.type(v);
      await page.keyboard.press("Tab");
      // Headless Firefox's window never has the system focus, so leaving the field
      // fires no blur and no change: send the change a person's Tab would cause.
      await h.evaluate((e) => e.dispatchEvent(new Event("change", { bubbles: true })));
    },
    js: (fn, arg) => page.evaluate(fn, arg),
    shot: async (sel, file) => (await el(sel)).screenshot({ path: file }),
    close: () => browser.close(),
  };
}

async function launchWebkit({ viewport = { width: 1280, height: 900 }, env = JSON.parse(process.env.WEBKIT_ENV || "{}") } = {}) {
  const { Builder, By, Key } = await import("selenium-webdriver");
  const port = await freePort();
  // xvfb-run -a: a virtual X display; WebKitWebDriver starts MiniBrowser on it.
  const drv = spawn("xvfb-run", ["-a", "-s", "-screen 0 1600x1200x24", "WebKitWebDriver", `--port=${port}`],
    { stdio: ["ignore", "ignore", "pipe"], detached: true, env: { ...process.env, ...env } });
  let drvErr = "";
  drv.stderr.on("data", (b) => { drvErr += b; });
  const stopDriver = () => { try { process.kill(-drv.pid, "SIGTERM"); } catch { /* already gone */ } };
  process.once("exit", stopDriver); // a failed run must not leave Xvfb and MiniBrowser behind
  try {
    await until(() => fetch(`http://127.0.0.1:${port}/status`).then((r) => r.ok).catch(() => false), 20000, "WebKitWebDriver to listen" + (drvErr ? ` (${drvErr})` : ""));
    const driver = await new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities({
      browserName: "MiniBrowser",
      "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] },
    }).build();
    await driver.manage().window().setRect({ width: viewport.width, height: viewport.height });
    const el = (sel) => driver.findElement(By.css(sel));
    return {
      name: "webkit", version: engineVersion("webkit"), console: [],
      goto: (url) => driver.get(url),
      text: async (sel) => (await el(sel)).getProperty("textContent"),
      attr: async (sel, n) => (await el(sel)).getDomAttribute(n),
      prop: async (sel, n) => (await el(sel)).getProperty(n),
      visible: async (sel) => (await el(sel)).isDisplayed(),
      rect: async (sel) => (await el(sel)).getRect(),
      rects: async (sel) => Promise.all((await driver.findElements(By.css(sel))).map((e) => e.getRect())),
      click: async (sel) => (await el(sel)).click(),
      type: async (sel, v) => {
        const e = await el(sel);
        await e.clear();
        await e.sendKeys(v, Key.TAB);
      },
      js: (fn, arg) => driver.executeScript(`return (${fn})(arguments[0])`, arg),
      // WebKitGTK's element screenshots come out black here (2.50, Xvfb); the window's
      // are right, so: scroll the element to the top and save the window.
      shot: async (sel, file) => {
        await driver.executeScript("arguments[0].scrollIntoView()", await el(sel));
        await sleep(200);
        fs.writeFileSync(file, Buffer.from(await driver.takeScreenshot(), "base64"));
      },
      close: async () => { try { await driver.quit(); } finally { stopDriver(); } },
    };
  } catch (e) {
    stopDriver();
    throw e;
  }
}
