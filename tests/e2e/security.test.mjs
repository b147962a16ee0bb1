// The locked-down page: its Content-Security-Policy (no inline script, no eval beyond
// 'wasm-unsafe-eval', connect-src 'self', object-src 'none', base-uri 'none') is in
// force, and loading and using the page (sweep, Play, Step, Reset, presets, a bad value,
// exports, embed mode) raises no CSP violation, no console error and no request to
// another origin. Hostile link values (markup, script URLs, absurd numbers) come back
// as text in a notice, inject nothing, and the page keeps working.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { start, open, OUT, sweepDone } from "./harness.mjs";

let env;
before(async () => { env = await start(); });
after(async () => { await env.stop(); });

// A page that records CSP violations from its first byte on, plus (the harness)
// console errors, page errors and requests that leave 127.0.0.1.
const openWatched = (url) => open(env, url, undefined, undefined, () => {
  window.__violations = [];
  document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
});

test("the CSP is in force and using every feature violates nothing", async () => {
  const { page, context, problems, foreign } = await openWatched(env.base);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  for (const part of ["script-src 'self' 'wasm-unsafe-eval'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'"]) {
    assert.ok(csp.includes(part), `CSP lacks ${part}: ${csp}`);
  }
  // Scripts: own files only, no inline script, no eval; styles from its own sheets only
  // (no <style> element, no style attribute: the plots size their text in Rust,
  // src/plot/text.rs, not through a styled <span> as plotters does in a browser).
  const scriptSrc = csp.split(";").map((x) => x.trim()).find((x) => x.startsWith("script-src"));
  assert.equal(scriptSrc, "script-src 'self' 'wasm-unsafe-eval'");
  assert.ok(!csp.includes("unsafe-inline") && !/default-src[^;]*unsafe/.test(csp), `CSP: ${csp}`);
  // The policy really applies: an inline script and eval are refused.
  // (A string timer is eval run by the page itself; page.evaluate's own code is exempt.)
  const refused = await page.evaluate(async () => {
    const s = document.createElement("script");
    s.textContent = "window.__inline = 1";
    document.head.appendChild(s);
    setTimeout("window.__evaluated = 1", 0);
    await new Promise((r) => setTimeout(r, 50));
    return { inline: window.__inline === 1, evaluated: window.__evaluated === 1 };
  });
  assert.deepEqual(refused, { inline: false, evaluated: false });
  const expected = await page.evaluate(() => window.__violations.length); // the two refusals above
  assert.ok(expected >= 1);
  await sweepDone(page);
  await page.locator("#play").click();
  await page.waitForTimeout(800);
  await page.locator("#play").click();
  await page.locator("#step").click();
  await page.locator("#reset").click();
  for (const p of ["fig2", "spiked", "fig1"]) {
    await page.locator(`[data-preset="${p}"]`).click();
    await page.waitForTimeout(300);
  }
  const d = page.getByLabel("Dimension d");
  await d.fill("999999");
  await d.dispatchEvent("change");
  await page.waitForTimeout(200);
  await d.fill("30");
  await d.dispatchEvent("change");
  for (const sel of ['[data-export="png"]', '[data-export="svg"]', '[data-export="csv"]', "#export-json"]) {
    const [dl] = await Promise.all([page.waitForEvent("download"), page.locator(sel).first().click()]);
    assert.ok((await dl.failure()) === null);
  }
  const violations = await page.evaluate(() => window.__violations);
  assert.equal(violations.length, expected, `CSP violations while using the page: ${violations.slice(expected).join("; ")}`);
  assert.deepEqual(foreign, []);
  assert.deepEqual(problems.filter((p) => !p.includes("Content Security Policy") && !p.includes("Content-Security-Policy")), []);
  await context.close();
});

test("embed mode loads under the same policy without violations", async () => {
  const { page, context, problems, foreign } = await openWatched(env.base + "#v=1&embed=1");
  await sweepDone(page);
  await page.locator("#play").click();
  await page.waitForTimeout(500);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(foreign, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test("hostile link values are shown as text, inject nothing, and the page keeps working", async () => {
  const hostile = [
    "d=%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E",
    "spectrum=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E",
    "model=javascript%3Awindow.__pwned%3D1",
    "activation=%22%3E%3Csvg%20onload%3Dwindow.__pwned%3D1%3E",
    "rho_max=1e999",
    "steps=-1",
    "eta_nn=NaN",
    "seed=99999999999999999999999",
    "hide=%3Cb%3E",
    "x%3Cy=%3Cz",
  ].join("&");
  const { page, context, problems, foreign } = await openWatched(`${env.base}#v=1&${hostile}`);
  await sweepDone(page);
  const notice = page.locator("#notice");
  await notice.waitFor();
  const text = await notice.textContent();
  assert.ok(text.includes("<img src=x onerror=window.__pwned=1>") || text.includes("dimension"), `notice: ${text}`);
  const injected = await page.evaluate(() => ({
    pwned: window.__pwned === 1,
    imgs: document.querySelectorAll("#notice img, #notice script, #notice svg").length,
    violations: window.__violations,
  }));
  assert.deepEqual(injected, { pwned: false, imgs: 0, violations: [] });
  // The page is usable: defaults in place, Play runs.
  assert.equal(await page.getByLabel("Dimension d").inputValue(), "30");
  await page.locator("#play").click();
  await page.locator("#play", { hasText: "Pause" }).waitFor();
  await page.locator("#play").click();
  await page.screenshot({ path: path.join(OUT, "hostile-link.png"), fullPage: false });
  assert.deepEqual(foreign, []);
  assert.deepEqual(problems, []);
  await context.close();
});
