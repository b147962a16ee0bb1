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
// copies' -0 as 0: numbers are compared as ==). The copies predate the zero clamp
// (README, "Numerical guarantees"): a magnitude below ZERO_TOL (src/finite.rs) is now
// written as 0, so both sides go through the same clamp, in numbers, in CSV cells and in
// the text alternatives ("-0.000").
const ZERO_TOL = 1e-12;
const clamp = (v) => (Math.abs(v) < ZERO_TOL ? 0 : v);
const cell = (c) => (c !== "" && Number.isFinite(Number(c)) ? String(clamp(Number(c))) : c);
const strip = (v) => {
  if (typeof v === "number") return clamp(v);
  if (typeof v === "string") return v.replace(/-0\.000\b/g, "0.000").split("\n").map((l) => l.split(",").map(cell).join(",")).join("\n");
  if (Array.isArray(v)) return v.map(strip);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "origin").map(([k, x]) => [k, strip(x)]));
  return v;
};

for (const [name, c] of Object.entries(CASES)) {
  test(`${name}: the page's exports equal the saved copy`, async () => {
    const m = await wasmModule();
    const was = JSON.parse(fs.readFileSync(path.join(GOLDEN, name + ".json"), "utf8"));
    const now = exportsOf(m, c);
    assert.deepEqual(strip(now), strip(was));
    assert.equal(now.export_json.origin.model, c.settings.model);
    assert.equal(now.export_json.origin.seed, Number(c.settings.seed));
  });
}
