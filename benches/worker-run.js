// benches/engines_bench.mjs: the default SGD run computed in one go in a Web Worker (the
// same build, no page), against the same in the bench page's main thread.
self.onmessage = async (ev) => {
  const m = await import(ev.data.glue);
  await m.default();
  const ex = new m.Explorer(ev.data.page);
  const t = performance.now();
  while (!ex.sgdDone()) ex.advanceSgdSteps(1000);
  const secs = (performance.now() - t) / 1000;
  ex.free();
  self.postMessage({ secs });
};
