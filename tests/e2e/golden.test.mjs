// The page's exports for fixed seeds equal the copies saved before the explorer core
// moved out of src/web.rs (tests/golden/page-*.json, from tests/golden/capture.mjs):
// the same plain wasm build (www/pkg, in Node), so every number must be equal (==),
// and the structure too, but for the `origin` (provenance) added since. The native explorer
// is compared with the same copies in tests/golden.rs.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CASES, wasmModule, exportsOf } from "../golden/capture.mjs";

const GOLDEN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../golden");

// Drop the keys added since the copies were saved; -0 is 0 (JSON.stringify wrote the
// copies' -0 as 0: numbers are compared as ==).
const strip = (v) => {
  if (v === 0) return 0;
  if (Array.isArray(v)) return v.map(strip);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "origin").map(([k, x]) => [k, strip(x)]));
  return v;
};

for (const [name, c] of Object.entries(CASES)) {
  test(`${name}: the page's exports equal the saved copy`, async () => {
    const m = await wasmModule();
    const was = JSON.parse(fs.readFileSync(path.join(GOLDEN, name + ".json"), "utf8"));
    const now = exportsOf(m, c);
    assert.deepEqual(strip(now), was);
    assert.equal(now.export_json.origin.model, c.settings.model);
    assert.equal(now.export_json.origin.seed, Number(c.settings.seed));
  });
}
