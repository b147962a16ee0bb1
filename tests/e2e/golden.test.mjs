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

// The saved copies in today's format (issue 15: no placeholders; tests/golden.rs does
// the same natively): a sweep dot not yet computed (count 0) is left out of the JSON and
// each curve lists the N/d of its dots; a key whose value was null is absent; CSV rows
// whose value (third) column was empty are dots not yet computed, left out too.
function today(was) {
  const e = structuredClone(was.export_json);
  for (const c of Object.values(e.sweep.curves)) {
    const keep = c.count.map((n, i) => (n > 0 ? i : -1)).filter((i) => i >= 0);
    const pick = (v) => keep.map((i) => v[i]);
    Object.assign(c, { rho: pick(e.sweep.rho), mean: pick(c.mean), std: pick(c.std), count: pick(c.count) });
  }
  const dropNulls = (o) => {
    if (!o || typeof o !== "object" || Array.isArray(o)) return o;
    for (const [k, v] of Object.entries(o)) { if (v === null) delete o[k]; else dropNulls(v); }
    return o;
  };
  const csv = was.csv.map((t) => t.split("\n").filter((l, i) => i === 0 || l === "" || l.split(",")[2] !== "").join("\n"));
  return { ...was, export_json: dropNulls(e), csv, table: undefined };
}

// "Show data" cells are texts to four significant digits now, numbers in the copies:
// each cell must be the saved number to 5e-4 relative (four digits' rounding).
function assertTable(now, was, what) {
  assert.deepEqual(now.columns, was.columns, what);
  const rows = was.rows.filter((r) => r[2] !== null);
  assert.equal(now.rows.length, rows.length, `${what}: rows`);
  now.rows.forEach((r, i) => r.forEach((cell, j) => {
    const w = rows[i][j];
    if (w === null) assert.equal(cell, "", `${what} row ${i}`);
    else if (typeof w === "string") assert.equal(cell, w, `${what} row ${i}`);
    else assert.ok(Math.abs(Number(cell.replace(/,/g, "")) - clamp(w)) <= 5e-4 * Math.abs(w), `${what} row ${i} cell ${j}: ${cell}, was ${w}`);
  }));
}

for (const [name, c] of Object.entries(CASES)) {
  test(`${name}: the page's exports equal the saved copy`, async () => {
    const m = await wasmModule();
    const was = JSON.parse(fs.readFileSync(path.join(GOLDEN, name + ".json"), "utf8"));
    const now = exportsOf(m, c);
    assert.deepEqual(strip({ ...now, table: undefined }), strip(today(was)));
    now.table.forEach((t, p) => assertTable(t, was.table[p], `${name} panel ${p}`));
    assert.equal(now.export_json.origin.model, c.settings.model);
    assert.equal(now.export_json.origin.seed, Number(c.settings.seed));
  });
}
