// End-to-end tests of the lecture features (issue 4): the link reproduces the view,
// presets, embed mode in an iframe, keyboard control, every export, hover read-outs,
// data tables and small screens. Screenshots go to test-results/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { start, open, OUT, sweepDone, builtAfter, builds, inkOf, downloadOf, setControl, step } from "./harness.mjs";

let env;
before(async () => { env = await start(); });
after(async () => { if (env) await env.stop(); });

const exportedJson = async (page) => JSON.parse((await downloadOf(page, () => page.locator("#export-json").click())).bytes.toString("utf8"));
const state = (page) => page.evaluate(() => ({ ...window.lazyExplorer.state }));

test("the link reproduces the settings and the numbers; a bad link falls back with a visible notice", async () => {
  const { page, context, problems, foreign } = await open(env);
  await sweepDone(page);
  const changes = [["d", "24"], ["seed", "7"], ["spectrum", "spiked:3"], ["neurons", "8"], ["rho_points", "7"], ["activation", "relu"]];
  for (const [id, v] of changes) {
    const b = await builds(page);
    await setControl(page, id, v);
    await builtAfter(page, b);
  }
  await sweepDone(page);
  for (const [id, v] of changes) assert.match(page.url(), new RegExp(`[#&]${id}=${encodeURIComponent(v).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(&|$)`), `${id} missing from the link ${page.url()}`);
  assert.match(page.url(), /#v=1&/, "the link carries the format version");
  await step(page, 2);
  const a = await exportedJson(page);
  // The same link in a fresh page.
  const again = await open(env, page.url());
  await sweepDone(again.page);
  await step(again.page, 2);
  const b = await exportedJson(again.page);
  assert.deepEqual(b.settings, a.settings);
  for (const [id, v] of changes) assert.equal(await again.page.locator("#" + id).inputValue(), v);
  assert.deepEqual(b.data.sweep, a.data.sweep, "same dots");
  assert.deepEqual(b.data.theory, a.data.theory, "same theory lines");
  assert.deepEqual(b.data.sgd, a.data.sgd, "same SGD records and overlaps");
  assert.equal(a.data.d, 24);
  assert.equal(a.data.sweep.rho.length, 7);
  assert.ok(a.data.sweep.curves.nt.mean.every((v) => typeof v === "number"), "every dot computed");
  assert.equal(await again.page.locator("#notice").isHidden(), true, "a good link shows no notice");
  console.log(`# round trip: ${a.data.sweep.rho.length} N/d values x ${Object.keys(a.data.sweep.curves).length} curves, ` +
    `${a.data.sgd.nn.samples.length} SGD records per run, identical in the reopened page`);
  await again.context.close();

  // Garbage in the link: each bad value falls back to its default, with a notice that says so.
  const bad = await open(env, env.base + "#v=1&d=5000&seed=7&spectrum=zzz&frobnicate=1&rho_max=abc&hide=nothing");
  await sweepDone(bad.page);
  const notice = bad.page.locator("#notice");
  await notice.waitFor({ state: "visible" });
  const text = await notice.textContent();
  for (const word of ["dimension d", "Using the default d = 30", "spectrum", "frobnicate", "largest N/d", "hide"]) assert.ok(text.includes(word), `notice should mention ${word}: ${text}`);
  assert.equal(await bad.page.locator("#d").inputValue(), "30");
  assert.equal(await bad.page.locator("#seed").inputValue(), "7", "good values of a bad link are kept");
  assert.ok((await inkOf(bad.page, "plot-width")).ink > 10000, "the plots are drawn, not blank");
  await bad.page.screenshot({ path: path.join(OUT, "bad-link.png") });
  await bad.page.locator("#notice-close").click();
  assert.equal(await notice.isHidden(), true);
  await bad.context.close();
  // Another format version: the defaults, and a notice.
  const other = await open(env, env.base + "#v=9&d=40");
  await sweepDone(other.page);
  assert.match(await other.page.locator("#notice").textContent(), /format version 9/);
  assert.equal(await other.page.locator("#d").inputValue(), "30");
  assert.deepEqual([...problems, ...bad.problems, ...other.problems], []);
  assert.deepEqual(foreign, []);
  await other.context.close();
  await context.close();
});

test("presets set the controls and the link; the spiked preset shows NN finding the directions NT cannot", async () => {
  const { page, context, problems } = await open(env);
  await sweepDone(page);
  const expect = {
    fig2: { model: "mg", spectrum: "paper", eta_nn: "0.3", url: /model=mg/ },
    spiked: { model: "qf", spectrum: "spiked:5", neurons: "5", url: /spectrum=spiked%3A5/ },
    flat: { model: "qf", spectrum: "flat", neurons: "15", url: /spectrum=flat/ },
    fig1: { model: "qf", spectrum: "exp", neurons: "15", url: /#v=1$/ },
  };
  for (const [name, want] of Object.entries(expect)) {
    const b = await builds(page);
    await page.locator(`[data-preset="${name}"]`).click();
    await builtAfter(page, b);
    for (const [k, v] of Object.entries(want)) if (k !== "url") assert.equal(await page.locator("#" + k).inputValue(), v, `${name}: ${k}`);
    assert.match(page.url(), want.url, `${name}: link ${page.url()}`);
    assert.equal(await page.locator(`[data-preset="${name}"]`).getAttribute("aria-pressed"), "true");
    assert.equal(await page.locator('[data-preset][aria-pressed="true"]').count(), 1);
    await sweepDone(page);
    if (name === "spiked") {
      // Train to the end: NN's weights span the 5 spikes, NT's stay random.
      const t0 = Date.now();
      await page.locator("#play").click();
      await page.waitForFunction(() => document.body.dataset.sgd === "done", null, { timeout: 60000 });
      const trainMs = Date.now() - t0;
      const o = await page.evaluate(() => {
        const ex = window.lazyExplorer.explorer;
        const a = Array.from;
        return { nn: a(ex.sgdOverlaps("nn")), nt: a(ex.sgdOverlaps("nt")), random: ex.randomOverlap(), risk: a(ex.sgdRisks("nn")), limit: ex.sgdLimit("nn"), records: ex.sgdRisks("nn").length };
      });
      assert.equal(o.nn.length, o.records, "one overlap per SGD record");
      // spiked:5 at d = 30, N = 5: (5/30) (5*100 + 25) / (5*100)
      assert.ok(Math.abs(o.random - (5 / 30) * (525 / 500)) < 1e-12, `random overlap ${o.random}`);
      assert.ok(o.nn[o.nn.length - 1] > 0.95, `NN overlap should reach ~1, got ${o.nn[o.nn.length - 1]}`);
      assert.ok(o.nn[0] < 0.6, `NN starts random: ${o.nn[0]}`);
      assert.ok(o.nt.every((v) => v === o.nt[0]) && o.nt[0] < 0.6, "NT's W never moves");
      console.log(`# spiked preset: NN overlap ${o.nn[0].toFixed(3)} -> ${o.nn[o.nn.length - 1].toFixed(3)}, NT ${o.nt[0].toFixed(3)} (random W: ${o.random.toFixed(3)}); NN risk ${o.risk[o.risk.length - 1].toFixed(4)} vs limit ${o.limit.toFixed(4)}; 2 x 20000 SGD steps in ${trainMs} ms`);
      await page.screenshot({ path: path.join(OUT, "preset-spiked.png"), fullPage: true });
      assert.ok((await inkOf(page, "plot-overlap")).ink > 5000);
    }
  }
  // Changing a control after a preset: no preset is marked any more.
  const b = await builds(page);
  await setControl(page, "d", "20");
  await builtAfter(page, b);
  assert.equal(await page.locator('[data-preset][aria-pressed="true"]').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test("embed mode in an iframe: only the plots and Play/Pause, filling the frame, projector-sized text", async () => {
  const { page, context, problems, foreign } = await open(env, env.base + "tests/e2e/embed-host.html", { width: 1280, height: 720 });
  const frame = page.frame({ url: /index\.html/ });
  assert.ok(frame, "the iframe loaded the explorer");
  await frame.waitForFunction(() => document.body.dataset.sweep === "done", null, { timeout: 20000 });
  assert.equal(await frame.evaluate(() => document.body.classList.contains("embed")), true);
  for (const sel of ["#controls", ".top", ".explain", ".presets", ".share", "#step", "#reset", "figcaption"]) {
    assert.equal(await frame.locator(sel).first().isVisible(), false, `${sel} should be hidden in embed mode`);
  }
  assert.equal(await frame.locator("#play").isVisible(), true);
  const geo = await page.evaluate(() => {
    const f = document.getElementById("frame").getBoundingClientRect();
    const w = document.getElementById("frame").contentWindow;
    const boxes = ["plot-width", "plot-sgd", "plot-overlap"].map((id) => w.document.getElementById(id).getBoundingClientRect());
    return { fw: f.width, fh: f.height, left: Math.min(...boxes.map((b) => b.left)), right: Math.max(...boxes.map((b) => b.right)),
      top: Math.min(...boxes.map((b) => b.top)), bottom: Math.max(...boxes.map((b) => b.bottom)), scroll: w.document.documentElement.scrollHeight };
  });
  assert.ok(geo.right - geo.left > 0.97 * geo.fw, `plots span the frame's width: ${JSON.stringify(geo)}`);
  assert.ok(geo.bottom - geo.top > 0.95 * geo.fh, `plots span the frame's height: ${JSON.stringify(geo)}`);
  assert.ok(geo.scroll <= geo.fh + 1, "no scrolling inside the frame");
  for (const id of ["plot-width", "plot-sgd", "plot-overlap"]) assert.ok((await inkOf(frame, id)).ink > 3000, `${id} drawn`);
  // Play and Pause inside the frame.
  await frame.locator("#play").click();
  await frame.waitForFunction(() => window.lazyExplorer.explorer.sgdSamples() > 100000, null, { timeout: 20000 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(OUT, "embed-1280x720.png") });
  await frame.locator("#play").click();
  assert.equal(await frame.locator("#play").textContent(), "Play");
  // Projector text: the embedded plots use 1.5 x the page's text size (the same
  // panel drawn at the same size by both, read from the SVG's font sizes).
  const fontOf = (t) => t.evaluate(() => Math.max(...[...window.lazyExplorer.explorer.svg(0, 640, 480).matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1]))));
  const plain = await open(env);
  await sweepDone(plain.page);
  const [embedFont, pageFont] = [await fontOf(frame), await fontOf(plain.page)];
  assert.ok(Math.abs(embedFont / pageFont - 1.5) < 0.05, `embed text ${embedFont}px vs page ${pageFont}px`);
  console.log(`# embed: plot text ${embedFont.toFixed(1)} px vs ${pageFont.toFixed(1)} px on the page (same 640 px panel)`);
  await plain.context.close();
  // Resize the frame: the plots follow.
  await page.evaluate(() => { document.getElementById("frame").style.flex = "none"; document.getElementById("frame").style.height = "400px"; });
  await frame.waitForFunction(() => document.getElementById("plot-width").height < 400, null, { timeout: 5000 });
  // A phone-sized host: the embedded plots stack and scroll.
  await page.setViewportSize({ width: 375, height: 700 });
  await page.evaluate(() => { document.getElementById("frame").style.flex = "1"; document.getElementById("frame").style.height = ""; });
  await frame.waitForFunction(() => document.getElementById("plot-width").getBoundingClientRect().width > 300, null, { timeout: 5000 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(OUT, "embed-375.png") });
  assert.deepEqual(problems, []);
  assert.deepEqual(foreign, []);
  await context.close();

  // The "Copy embed code" snippet embeds the current view.
  const full = await open(env, env.base + "#v=1&model=mg&d=36");
  await sweepDone(full.page);
  await full.page.locator("#copy-embed").click();
  const code = await full.page.locator("#share-text").inputValue();
  assert.match(code, /^<iframe src="[^"]+\?embed=1#v=1&amp;model=mg&amp;d=36" width="960" height="480"/);
  await full.page.locator("#share-text").waitFor({ state: "visible" });
  assert.match(await full.page.locator("#share-msg").textContent(), /Copied|Select the text/);
  await full.page.locator("#copy-link").click();
  assert.equal(await full.page.locator("#share-text").inputValue(), full.page.url());
  const src = code.match(/src="([^"]+)"/)[1].replace(/&amp;/g, "&");
  const host = await open(env, env.base + "tests/e2e/embed-host.html", { width: 1280, height: 720 });
  // Let the host's own iframe finish loading first: switching src mid-load aborts its
  // wasm download, which the harness would (rightly) report as a failed request. The
  // training worker starts once the sweep is done: wait for it too.
  await host.page.waitForFunction(() => {
    const w = document.getElementById("frame").contentWindow;
    const t = w.lazyExplorer && w.lazyExplorer.training;
    return w.document.body && w.document.body.dataset.sweep === "done" && (!t || !t.ok || t.ready);
  }, null, { timeout: 20000 });
  await host.page.evaluate((s) => { document.getElementById("frame").src = s; }, src);
  await host.page.waitForFunction(() => {
    const w = document.getElementById("frame").contentWindow;
    return w.lazyExplorer && w.lazyExplorer.state && w.lazyExplorer.state.model === "mg" && w.document.body.dataset.sweep === "done";
  }, null, { timeout: 20000 });
  await host.page.waitForTimeout(200);
  await host.page.screenshot({ path: path.join(OUT, "embed-mg-1280x720.png") });
  assert.deepEqual([...full.problems, ...host.problems], []);
  await host.context.close();
  await full.context.close();
});

test("hide= hides chosen controls in the full page and survives in the link", async () => {
  const { page, context, problems } = await open(env, env.base + "#v=1&hide=seed,draws,explain,overlap");
  await sweepDone(page);
  assert.equal(await page.locator("#seed").isVisible(), false);
  assert.equal(await page.locator("#draws").isVisible(), false);
  assert.equal(await page.locator(".explain").isVisible(), false);
  assert.equal(await page.locator("#plot-overlap").isVisible(), false);
  assert.equal(await page.locator("#d").isVisible(), true);
  assert.equal(await page.locator("#plot-sgd").isVisible(), true);
  const b = await builds(page);
  await setControl(page, "d", "22");
  await builtAfter(page, b);
  assert.match(page.url(), /d=22/);
  assert.match(page.url(), /hide=seed%2Cdraws%2Cexplain%2Coverlap/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("keyboard: Space plays and pauses, Right arrow steps, R resets; not while typing; visible focus", async () => {
  const { page, context, problems } = await open(env);
  await sweepDone(page);
  const samples = () => page.evaluate(() => window.lazyExplorer.explorer.sgdSamples());
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Space");
  await page.locator("#play", { hasText: "Pause" }).waitFor();
  await page.waitForFunction(() => window.lazyExplorer.explorer.sgdSamples() > 50000, null, { timeout: 20000 });
  await page.keyboard.press("Space");
  await page.locator("#play", { hasText: "Play" }).waitFor();
  // The SGD runs compute in a worker: its last slice's news may still come in.
  await page.waitForTimeout(100);
  const s0 = await samples();
  await page.waitForTimeout(200);
  assert.equal(await samples(), s0, "paused");
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction((s) => window.lazyExplorer.explorer.sgdSamples() > s, s0, { timeout: 5000 }).catch(() => {});
  const s1 = await samples();
  assert.ok(s1 > s0, `Right arrow steps: ${s0} -> ${s1}`);
  const b = await builds(page);
  await page.keyboard.press("r");
  await builtAfter(page, b);
  assert.equal(await samples(), 0, "R resets the runs");
  // Typing in a control does not trigger the shortcuts.
  await page.locator("#spectrum").focus();
  const b2 = await builds(page);
  await page.keyboard.press("r");
  await page.keyboard.press("Space");
  await page.keyboard.press("ArrowRight");
  await page.waitForTimeout(300);
  assert.equal(await page.locator("#play").textContent(), "Play");
  assert.equal(await samples(), 0);
  assert.equal(await page.locator("#spectrum").inputValue(), "expr ", "the keys went into the field");
  await page.locator("#spectrum").fill("exp");
  assert.equal(await builds(page), b2);
  // Keyboard focus is visible.
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  let outline = "none";
  for (let i = 0; i < 40 && outline === "none"; i++) {
    await page.keyboard.press("Tab");
    outline = await page.evaluate(() => {
      const el = document.activeElement;
      return el && el.id === "play" ? getComputedStyle(el).outlineStyle : "none";
    });
  }
  assert.equal(outline, "solid", "the focused Play button has an outline");
  // Space on a focused button is that button's own.
  await page.keyboard.press("Space");
  await page.locator("#play", { hasText: "Pause" }).waitFor();
  await page.keyboard.press("Space");
  await page.locator("#play", { hasText: "Play" }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test("exports: PNG, SVG and CSV of each plot and JSON of everything carry the data shown", async () => {
  const { page, context, problems } = await open(env);
  await sweepDone(page);
  await step(page);
  const ex = await page.evaluate(() => {
    const e = window.lazyExplorer.explorer;
    const a = Array.from;
    return { rho: a(e.sweepRho()), nt: a(e.sweepMeans("nt")), nnRisk: a(e.sgdRisks("nn")), nnOverlap: a(e.sgdOverlaps("nn")), theoryRho: a(e.theoryRho()), random: e.randomOverlap() };
  });
  const figs = ["width", "sgd", "overlap"];
  for (const [i, name] of figs.entries()) {
    const fig = page.locator(`#fig-${name}`);
    // PNG: the canvas's pixels at its backing size.
    const png = await downloadOf(page, () => fig.locator('[data-export="png"]').click());
    assert.match(png.name, new RegExp(`^lazy-training-qf-d30-seed1-${name}\\.png$`));
    assert.equal(png.bytes.subarray(1, 4).toString("latin1"), "PNG");
    const c = await inkOf(page, "plot-" + name);
    assert.equal(png.bytes.readUInt32BE(16), c.w);
    assert.equal(png.bytes.readUInt32BE(20), c.h);
    // SVG: the same panel through plotters' SVG backend.
    const svg = (await downloadOf(page, () => fig.locator('[data-export="svg"]').click())).bytes.toString("utf8");
    assert.match(svg, /^<svg[^>]+width="\d+"/);
    assert.ok(svg.includes(["N/d", "One-pass SGD", "What NN learns"][i]), `${name}.svg has its title/axis`);
    assert.ok((svg.match(/<(polyline|path|circle|line)/g) || []).length > 10, `${name}.svg has drawn elements`);
    // CSV: header and rows.
    const csv = (await downloadOf(page, () => fig.locator('[data-export="csv"]').click())).bytes.toString("utf8").trim().split("\n");
    const header = ["series,N/d,risk,std,draws", "series,samples,risk", "series,samples,overlap"][i];
    assert.equal(csv[0], header);
    if (i === 0) {
      assert.equal(csv.length - 1, 4 * ex.theoryRho.length + 4 * ex.rho.length);
      const ntRows = csv.filter((l) => l.startsWith('"NT exact'));
      assert.deepEqual(ntRows.map((l) => Number(l.split(",")[2])), ex.nt);
    } else if (i === 1) {
      const nn = csv.filter((l) => l.startsWith('"NN SGD"'));
      assert.deepEqual(nn.map((l) => Number(l.split(",")[2])), ex.nnRisk);
      assert.ok(csv.some((l) => l.startsWith('"NN large-n limit",,')));
    } else {
      const nn = csv.filter((l) => l.startsWith('"NN span(W)"'));
      assert.deepEqual(nn.map((l) => Number(l.split(",")[2])), ex.nnOverlap);
      assert.equal(csv[csv.length - 1], `"random W (expected)",,${ex.random}`);
    }
  }
  const json = await exportedJson(page);
  assert.equal(json.format, "lazy-training-explorer/1");
  assert.equal(json.settings.d, "30");
  assert.deepEqual(json.data.sweep.rho, ex.rho);
  assert.deepEqual(json.data.sweep.curves.nt.mean, ex.nt);
  assert.equal(json.data.sweep.curves.nt.count[0], 5);
  assert.deepEqual(json.data.theory.rho, ex.theoryRho);
  assert.deepEqual(json.data.sgd.nn.risk, ex.nnRisk);
  assert.deepEqual(json.data.sgd.nn.overlap, ex.nnOverlap);
  assert.equal(json.data.overlap_random, ex.random);
  assert.ok(json.link.includes("#v=1"));
  assert.deepEqual(problems, []);
  await context.close();
});

test("hover reads out the nearest point; Show data builds a table; text alternatives carry numbers", async () => {
  const { page, context, problems } = await open(env);
  await sweepDone(page);
  await step(page);
  // The NN dot at the 6th N/d: hover a few pixels off it.
  const target = await page.evaluate(() => {
    const e = window.lazyExplorer.explorer;
    const m = e.mapping(0);
    const rho = e.sweepRho()[5];
    const y = e.sweepMeans("nn")[5];
    const dpr = window.lazyExplorer.dpr;
    const px = m.left + (Math.log(rho / m.xMin) / Math.log(m.xMax / m.xMin)) * (m.right - m.left);
    const py = m.bottom - ((y - m.yMin) / (m.yMax - m.yMin)) * (m.bottom - m.top);
    const r = document.getElementById("plot-width").getBoundingClientRect();
    return { x: r.left + px / dpr + 3, y: r.top + py / dpr - 2, rho, y0: y };
  });
  await page.mouse.move(target.x, target.y);
  const out = page.locator("#hover-width");
  await page.waitForFunction(() => document.getElementById("hover-width").textContent.length > 0);
  const text = await out.textContent();
  assert.match(text, /^NN exact \(d = 30\): N\/d = /, text);
  assert.ok(text.includes(target.rho.toPrecision(3)) && text.includes(target.y0.toFixed(3)), `${text} should read N/d ${target.rho} risk ${target.y0}`);
  assert.match(text, / ± /, "a dot reads out its standard deviation");
  // The SGD panel: the NT limit line answers at the pointer.
  const lim = await page.evaluate(() => {
    const e = window.lazyExplorer.explorer;
    const m = e.mapping(1);
    const y = e.sgdLimit("nt");
    const dpr = window.lazyExplorer.dpr;
    const r = document.getElementById("plot-sgd").getBoundingClientRect();
    return { x: r.left + (m.left + 0.8 * (m.right - m.left)) / dpr, y: r.top + (m.bottom - ((y - m.yMin) / (m.yMax - m.yMin)) * (m.bottom - m.top)) / dpr + 2, y0: y };
  });
  await page.mouse.move(lim.x, lim.y);
  await page.waitForFunction(() => document.getElementById("hover-sgd").textContent.startsWith("NT large-n limit"));
  assert.ok((await page.locator("#hover-sgd").textContent()).includes(lim.y0.toFixed(3)));
  await page.mouse.move(1, 1);
  // Show data: a real table.
  await page.locator("#fig-overlap summary").click();
  const table = page.locator("#fig-overlap table");
  await table.waitFor();
  assert.deepEqual(await table.locator("th").allTextContents(), ["series", "samples", "overlap"]);
  assert.ok((await table.locator("tbody tr").count()) >= 3);
  assert.match(await table.locator("caption").textContent(), /top-15 energy of B/);
  // Text alternatives state what each plot shows, with numbers.
  const labels = await page.evaluate(() => ["plot-width", "plot-sgd", "plot-overlap"].map((id) => document.getElementById(id).getAttribute("aria-label")));
  assert.match(labels[0], /At N\/d = 0\.100: RF \(isotropic\) 0\.\d{3}/);
  assert.match(labels[1], /NN risk 0\.\d{3} after \d+ samples/);
  assert.match(labels[2], /a random W holds 0\.\d{3} on average/);
  for (const id of ["plot-width", "plot-sgd", "plot-overlap"]) assert.equal(await page.locator("#" + id).getAttribute("role"), "img");
  // Every control is labelled.
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll("input, select, button")]
    .filter((el) => !el.closest("[hidden]") && !(el.labels && el.labels.length) && !el.getAttribute("aria-label") && !el.textContent.trim())
    .map((el) => el.id || el.outerHTML.slice(0, 60)));
  assert.deepEqual(unlabelled, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test("375 px wide: controls fold away, nothing overflows, plots fill the width", async () => {
  const { page, context, problems } = await open(env, env.base, { width: 375, height: 740 }, 2);
  await sweepDone(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page overflows by ${overflow} px`);
  assert.equal(await page.locator("#controls").isVisible(), false, "settings folded by default");
  const w = await page.evaluate(() => document.getElementById("plot-width").getBoundingClientRect().width);
  assert.ok(w > 300, `plot ${w} px wide`);
  await page.screenshot({ path: path.join(OUT, "phone-375.png") });
  await page.locator("#toggle-controls").tap().catch(() => page.locator("#toggle-controls").click());
  await page.locator("#controls").waitFor({ state: "visible" });
  assert.equal(await page.locator("#toggle-controls").getAttribute("aria-expanded"), "true");
  const b = await builds(page);
  await setControl(page, "d", "26");
  await builtAfter(page, b);
  await page.locator("#d").scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(OUT, "phone-375-settings.png") });
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) <= 0, true);
  assert.deepEqual(problems, []);
  await context.close();
});
