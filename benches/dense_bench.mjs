// `make bench`'s dense solve in headless Chromium (benches/run.py reads the last line):
// the Gram matrix W^T W and the Cholesky factor of W^T W + I at N = 1350, d = 450 (the
// paper's N/d = 3), by the blocked kernels of src/linalg/dense.rs and by nalgebra, in
// both of the page's wasm builds (simd128, and relaxed SIMD), as built by
// `scripts/build-web.sh --bench` (www/pkg-bench, www/pkg-bench-relaxed: the page's builds
// plus the timeDenseSolve hook, which the page's own packages leave out),
// in a Web Worker as the page's pool runs them. Prints one JSON line:
//   {"n":1350,"d":450,"runs":[{"build","backend","gram_gflops","chol_gflops",...}]}
// Env: DENSE_N (1350), DENSE_D (450), DENSE_REPS (3, best of).
import { start, open } from "../tests/e2e/harness.mjs";

const N = Number(process.env.DENSE_N || 1350);
const D = Number(process.env.DENSE_D || 450);
const REPS = Number(process.env.DENSE_REPS || 3);

const env = await start();
try {
  const { page } = await open(env, env.base + "benches/wasm-bench.html");
  const runs = [];
  for (const build of ["pkg-bench", "pkg-bench-relaxed"]) {
    for (const backend of ["blocked", "nalgebra"]) {
      const best = await page.evaluate(async ({ build, backend, n, d, reps }) => {
        // A module worker of the page's origin, as www/worker.js loads the build.
        const src = `import init, { timeDenseSolve } from "${location.origin}/www/${build}/lazy_training.js";
          self.onmessage = async (e) => { await init(); const out = []; for (let i = 0; i < e.data.reps; i++) out.push(JSON.parse(timeDenseSolve(e.data.n, e.data.d, e.data.backend))); self.postMessage(out); };`;
        const url = URL.createObjectURL(new Blob([src], { type: "text/javascript" }));
        const w = new Worker(url, { type: "module" });
        const out = await new Promise((resolve, reject) => { w.onmessage = (e) => resolve(e.data); w.onerror = (e) => reject(new Error(e.message)); w.postMessage({ n, d, backend, reps }); });
        w.terminate();
        return out;
      }, { build, backend, n: N, d: D, reps: REPS });
      const pick = (k) => Math.max(...best.map((r) => r[k]));
      const r = { build, backend, gram_gflops: pick("gram_gflops"), chol_gflops: pick("chol_gflops"), gram_ms: Math.min(...best.map((r) => r.gram_ms)), chol_ms: Math.min(...best.map((r) => r.chol_ms)), quad_form: best[0].quad_form };
      console.error(`[dense] ${build} ${backend}: Gram ${r.gram_gflops.toFixed(2)} GFLOP/s (${r.gram_ms.toFixed(0)} ms), Cholesky ${r.chol_gflops.toFixed(2)} GFLOP/s (${r.chol_ms.toFixed(0)} ms), v^T K^-1 v = ${r.quad_form}`);
      runs.push(r);
    }
  }
  console.log(JSON.stringify({ n: N, d: D, runs }));
} finally {
  await env.stop();
}
