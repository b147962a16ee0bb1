// Seconds of one SGD run of the right plot in Chromium, at the dimensions given, with
// N/d = 1/2 (the page's default N = 15 at d = 30), batch 100, `--steps=S` steps (default
// 100000, the paper-scale presets') and a record every S/200: what the `sgd_d` of the
// paper-scale presets is chosen by (README, "The right plot at paper scale"). Each
// regime (qf NT, qf NN) alone in one Explorer of the page's own wasm build (www/wasm.js's
// choice), computed in one go, as a Web Worker would. Prints one JSON line per d.
//   bash scripts/build-web.sh && node benches/sgd_scale.mjs 60 100 --steps=100000
import { start } from "../tests/e2e/harness.mjs";

const args = process.argv.slice(2);
const dims = args.filter((a) => !a.startsWith("--")).map(Number).filter((d) => d >= 2);
const steps = Number((args.find((a) => a.startsWith("--steps=")) || "--steps=100000").slice(8));
const every = Math.max(1, Math.round(steps / 200));
const env = await start();
try {
  const page = await (await env.browser.newContext()).newPage();
  await page.goto(env.base + "benches/wasm-bench.html");
  await page.waitForFunction(() => window.benchReady);
  const build = await page.evaluate(() => window.benchSgd(30, 15, 100, 100).build);
  for (const d of dims.length ? dims : [100]) {
    const out = { d, n: Math.round(d / 2), steps, build };
    for (const regime of ["nt", "nn"]) {
      out[regime] = await page.evaluate(([d, n, regime, steps, every]) => {
        const ex = new window.benchExplorer({ model: "qf", d, neurons: n, regimes: regime, steps, record_every: every, rho_points: 1, draws: 1, seed: 1 });
        const t = performance.now();
        while (!ex.sgdDone()) ex.advanceSgdSteps(1000);
        const secs = (performance.now() - t) / 1000;
        ex.free();
        return Math.round(secs * 10) / 10;
      }, [d, out.n, regime, steps, every]);
    }
    console.log(JSON.stringify(out));
  }
} finally {
  await env.stop();
}
