// Picks and loads one of the page's two builds of the same Rust crate (scripts/build-web.sh):
//   pkg-relaxed/  simd128 + relaxed-simd: the SGD products use f64x2.relaxed_madd, a
//                 fused multiply-add on CPUs that have one (Chrome/Edge 114+);
//   pkg/          simd128 only: every browser with WebAssembly SIMD (Chrome 91+,
//                 Firefox 89+, Safari 16.4+), and Node.
// The choice is a feature test, not a browser sniff: WebAssembly.validate on a tiny
// module holding one f64x2.relaxed_madd. `?wasm=simd128` in the page's address forces
// the plain build, for tests and comparisons. Both builds compute the same
// numbers to rounding (tests/e2e/explorer.test.mjs compares them).

// A module of one function () -> () with the given body (no locals).
const probe = (code) => {
  const body = [0x00, ...code, 0x0b];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00,             // type section: () -> ()
    0x03, 0x02, 0x01, 0x00,                         // function section: one function of type 0
    0x0a, body.length + 2, 0x01, body.length, ...body, // code section
  ]);
};
const V128_ZERO = [0xfd, 0x0c, ...new Array(16).fill(0)];
// v128.const 0 drop
const SIMD_PROBE = probe([...V128_ZERO, 0x1a]);
// v128.const 0 v128.const 0 v128.const 0 f64x2.relaxed_madd drop
const RELAXED_PROBE = probe([...V128_ZERO, ...V128_ZERO, ...V128_ZERO, 0xfd, 0x87, 0x02, 0x1a]);
const validates = (bytes) => { try { return WebAssembly.validate(bytes); } catch { return false; } };

export const BUILDS = { relaxed: "./pkg-relaxed/lazy_training.js", simd128: "./pkg/lazy_training.js" };

/** "relaxed" when this engine validates relaxed SIMD (and `asked` is not "simd128"), else "simd128". */
export function pickBuild(asked) {
  if (asked === "simd128") return asked;
  return validates(RELAXED_PROBE) ? "relaxed" : "simd128";
}

/** The compiled wasm of a build (a WebAssembly.Module): compiled once by the page and
 *  handed to its workers, which then only instantiate it (no compiling per worker). */
async function compile(build) {
  const url = new URL(BUILDS[build].replace(/\.js$/, "_bg.wasm"), import.meta.url);
  if (typeof WebAssembly.compileStreaming === "function") {
    try {
      return await WebAssembly.compileStreaming(fetch(url));
    } catch (e) {
      // A server that sends another MIME type than application/wasm: compile the bytes.
    }
  }
  return WebAssembly.compile(await (await fetch(url)).arrayBuffer());
}

/** Import and initialise the chosen build: { build, module, compiled }. Rejects with a
 *  message a person can act on when this browser has no WebAssembly SIMD at all. */
export async function loadWasm(search = location.search) {
  if (typeof WebAssembly !== "object" || !validates(SIMD_PROBE)) {
    throw new Error("this browser has no WebAssembly SIMD, which the explorer needs: use Chrome or Edge 91+, Firefox 89+ or Safari 16.4+");
  }
  const build = pickBuild(new URLSearchParams(search).get("wasm"));
  const [module, compiled] = await Promise.all([import(BUILDS[build]), compile(build)]);
  await module.default({ module_or_path: compiled });
  return { build, module, compiled };
}
