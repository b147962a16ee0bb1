// The explorer as one self-contained HTML file that runs from disk (file://), where
// Chromium and WebKit refuse module scripts and fetch (`make single`):
//   - the page's modules (www/app.js, state.js, wasm.js, lecture.js and the wasm-bindgen
//     glue of www/pkg/, the plain simd128 build, which every browser with wasm SIMD
//     runs) bundled by esbuild into one classic script, inlined at the end of <body>;
//   - the wasm module base64-encoded in a non-executed <script type="application/wasm">
//     data block, instantiated from those bytes (no fetch);
//   - www/style.css and www/lecture.css inlined as one <style>;
//   - the page's own Content-Security-Policy, with 'self' for scripts and styles
//     replaced by the sha256 hashes of exactly the inlined script and style.
// Usage: node scripts/build-single.mjs [OUT]   (default dist/lazy-training-explorer.html)
// Expects www/pkg/ (scripts/build-web.sh).
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.resolve(process.argv[2] || path.join(ROOT, "dist", "lazy-training-explorer.html"));
const wasmFile = path.join(ROOT, "www/pkg/lazy_training_bg.wasm");
if (!fs.existsSync(wasmFile)) throw new Error("www/pkg is missing: run scripts/build-web.sh (make build) first");

// The entry: the wasm glue registers a loader that instantiates the inlined bytes
// (www/app.js uses it when present, www/wasm.js's loader otherwise), then the page.
const entry = `
import init, * as pkg from ${JSON.stringify(path.join(ROOT, "www/pkg/lazy_training.js"))};
globalThis.lazyTrainingInline = async () => {
  const text = document.getElementById("wasm-inline").textContent.trim();
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  if (typeof WebAssembly !== "object" || !WebAssembly.validate(bytes)) {
    throw new Error("this browser has no WebAssembly SIMD, which the explorer needs: use Chrome or Edge 91+, Firefox 89+ or Safari 16.4+");
  }
  await init({ module_or_path: bytes });
  return { build: "simd128", module: pkg };
};
`;
const tmp = fs.mkdtempSync(path.join(ROOT, "target", "single-"));
try {
  fs.writeFileSync(path.join(tmp, "inline-wasm.js"), entry);
  fs.writeFileSync(path.join(tmp, "entry.js"), `import "./inline-wasm.js";\nimport ${JSON.stringify(path.join(ROOT, "www/app.js"))};\n`);
  const result = await esbuild.build({
    entryPoints: [path.join(tmp, "entry.js")],
    bundle: true,
    format: "iife",
    target: "es2020",
    write: false,
    legalComments: "none",
    logLevel: "error",
    // The glue's default wasm path uses import.meta.url, which the inlined loader never takes.
    define: { "import.meta.url": "\"about:blank\"" },
  });
  const script = result.outputFiles[0].text.replace(/<\/script/gi, "<\\/script");
  const style = ["www/style.css", "www/lecture.css"].map((f) => fs.readFileSync(path.join(ROOT, f), "utf8")).join("\n");
  const wasm = fs.readFileSync(wasmFile).toString("base64");
  const sha = (s) => "'sha256-" + crypto.createHash("sha256").update(s, "utf8").digest("base64") + "'";

  let html = fs.readFileSync(path.join(ROOT, "index.html"), "utf8");
  const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/);
  if (!csp) throw new Error("index.html has no Content-Security-Policy meta tag");
  const policy = csp[1]
    .replace(/script-src 'self'/, `script-src ${sha(script)}`)
    .replace(/style-src 'self'/, `style-src ${sha(style)}`);
  if (!policy.includes(sha(script)) || !policy.includes(sha(style))) throw new Error("could not put the hashes into the policy: " + policy);
  const swap = (from, to) => {
    if (!html.includes(from)) throw new Error("index.html no longer has " + from);
    html = html.replace(from, () => to);
  };
  swap(csp[0], `<meta http-equiv="Content-Security-Policy" content="${policy}">`);
  swap('<link rel="stylesheet" href="www/style.css">', `<style>${style}</style>`);
  swap('<link rel="stylesheet" href="www/lecture.css">\n', "");
  swap('<script type="module" src="www/app.js"></script>', "");
  // The file:// notice of index.html (www/boot.js) is for the served page only.
  html = html.replace(/<script src="www\/boot\.js"[^>]*><\/script>\n?/, "");
  swap("</body>", `<script type="application/wasm" id="wasm-inline">\n${wasm.replace(/.{1,120}/g, "$&\n")}</script>\n<script>${script}</script>\n</body>`);
  html = html.replace("<html lang=\"en\">", "<html lang=\"en\" data-single-file=\"1\">");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, html);
  console.error(`[build-single] ${path.relative(process.cwd(), out)}: ${(html.length / 1e6).toFixed(2)} MB (wasm ${(wasm.length / 1e6).toFixed(2)} MB base64), CSP ${policy.length} characters`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
