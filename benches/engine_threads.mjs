// Where the CPU goes while the page plays its default SGD run, per thread of every
// process on the machine (the engine's page process, its worker threads, compositor,
// the X server under xvfb-run, the driver): CPU seconds per second of wall time,
// sampled from /proc over `secs` seconds after Play. Linux only.
//   ENGINES=webkit node benches/engine_threads.mjs [secs=3]
import { serve, launch, until, sleep, ENGINES } from "../tests/e2e-engines/engines.mjs";
import { threadTicks } from "../tests/e2e/harness.mjs";

const secs = Number(process.argv[2] || 3);
const chosen = (process.env.ENGINES || ENGINES.join(",")).split(",").map((s) => s.trim()).filter(Boolean);

const server = await serve();
try {
  for (const name of chosen) {
    const b = await launch(name);
    try {
      await b.goto(server.base);
      await until(async () => (await b.attr("body", "data-sweep")) === "done", 120000, "the default sweep");
      await sleep(300);
      await b.click("#play");
      await sleep(500);
      const a = threadTicks();
      const t0 = Date.now();
      await sleep(secs * 1000);
      const z = threadTicks();
      const wall = (Date.now() - t0) / 1000;
      const by = new Map();
      for (const [t, v] of z) {
        const used = (v.ticks - (a.get(t)?.ticks || 0)) / 100;
        if (used > 0) by.set(v.name, (by.get(v.name) || 0) + used / wall);
      }
      const top = [...by].sort((x, y) => y[1] - x[1]).slice(0, 10);
      const total = [...by.values()].reduce((s, v) => s + v, 0);
      console.log(`${name}: ${total.toFixed(2)} cores in all; ` + top.map(([n, v]) => `${n} ${v.toFixed(2)}`).join(", "));
    } finally {
      await b.close();
    }
  }
} finally {
  await server.close();
}
