// Property tests of the URL state (www/state.js) and of what it feeds the wasm module.
// Random links (seeded, so a failure replays) must: parse without throwing; give every
// setting as a string of bounded length and only known hide= names; survive a round
// trip toHash -> parseHash unchanged with no notice; and, handed to the page's wasm
// Explorer (loaded in Node), either build or throw an Error naming a known control,
// never a panic (a wasm trap would kill the module: it must keep working after).
// FUZZ_CASES=100000 node --test tests/e2e/url-fuzz.test.mjs for the long run.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseHash, toHash, FIELDS, HIDEABLE, useTable } from "../../www/state.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// The page's wasm module, and its settings table for state.js (as the page does).
const m = await import(path.join(ROOT, "www/pkg/lazy_training.js"));
m.initSync({ module: fs.readFileSync(path.join(ROOT, "www/pkg/lazy_training_bg.wasm")) });
useTable(JSON.parse(m.settingsTable()));
const CASES = Number(process.env.FUZZ_CASES || 2000);
const WASM_CASES = Math.min(CASES, Number(process.env.FUZZ_WASM_CASES || 300));

// mulberry32: a small seeded generator.
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [...Object.keys(FIELDS), "v", "embed", "hide", "x", "__proto__", "constructor", "toString", ""];
const PIECES = ["", "0", "1", "-1", "30", "1e999", "NaN", "Infinity", "0x10", "2.5", "qf", "mg", "exp", "flat", "spiked:3",
  "list:0.1,0.2", "paper", "relu", "tanh", "rf,nt", "nn,bayes", "<script>alert(1)</script>", "\"><svg onload=alert(1)>",
  "javascript:alert(1)", "%", "%zz", "%E2%82%AC", "&", "=", "#", "\u202e", "\u0000", "😀", "a".repeat(500), "9".repeat(30)];

function randomHash(r) {
  const n = Math.floor(r() * 8);
  const parts = [];
  if (r() < 0.85) parts.push("v=" + (r() < 0.9 ? "1" : PIECES[Math.floor(r() * PIECES.length)]));
  for (let i = 0; i < n; i++) {
    const k = KEYS[Math.floor(r() * KEYS.length)];
    let v = PIECES[Math.floor(r() * PIECES.length)];
    if (r() < 0.3) v += PIECES[Math.floor(r() * PIECES.length)];
    parts.push(r() < 0.5 ? `${encodeURIComponent(k)}=${encodeURIComponent(v)}` : `${k}=${v}`);
  }
  return (r() < 0.5 ? "#" : "") + parts.join("&");
}

test(`URL state: ${CASES} random links parse, stay bounded and round-trip`, () => {
  const r = rng(12345);
  for (let i = 0; i < CASES; i++) {
    const hash = randomHash(r);
    const { state, view, notes } = parseHash(hash);
    for (const k of Object.keys(FIELDS)) {
      assert.equal(typeof state[k], "string", `${hash}: ${k}`);
      assert.ok(state[k].length <= 400, `${hash}: ${k} too long`);
    }
    assert.ok(view.hide.every((h) => HIDEABLE.includes(h)), hash);
    assert.ok(Array.isArray(notes) && notes.every((n) => typeof n === "string" && n.length < 2000), hash);
    const again = parseHash(toHash(state, view));
    assert.deepEqual(again.state, state, `round trip of ${hash}`);
    assert.deepEqual(again.view, view, `round trip of ${hash}`);
    assert.deepEqual(again.notes, [], `round trip of ${hash}`);
  }
});

test(`wasm: ${WASM_CASES} random link states build or fail by field, never trap`, async () => {
  const known = new Set([...Object.keys(FIELDS), "rho", "config"]);
  const r = rng(777);
  let built = 0;
  for (let i = 0; i < WASM_CASES; i++) {
    const { state } = parseHash(randomHash(r));
    try {
      const ex = new m.Explorer(state);
      ex.advanceSweepUnits(2);
      ex.advanceSgdSteps(5);
      ex.free();
      built++;
    } catch (e) {
      assert.ok(e instanceof Error, `not an Error: ${e}`);
      assert.ok(!(e instanceof WebAssembly.RuntimeError), `wasm trap (panic) for ${JSON.stringify(state)}: ${e.message}`);
      assert.ok(known.has(e.field), `error without a known field for ${JSON.stringify(state)}: ${e.field}: ${e.message}`);
    }
  }
  // The module still works after every error.
  const ex = new m.Explorer({ d: "12", rho_points: "3", draws: "1" });
  while (!ex.sweepDone()) ex.advanceSweepUnits(10);
  assert.ok(Array.from(ex.sweepMeans("nt")).every(Number.isFinite));
  ex.free();
  console.log(`# ${WASM_CASES} random link states: ${built} built, ${WASM_CASES - built} refused with a field`);
});
