#!/usr/bin/env bash
# Builds the static site: two wasm packages of the same crate (git-ignored), which
# www/wasm.js chooses between at load time by a feature test:
#   www/pkg/          +simd128 (.cargo/config.toml): every browser with wasm SIMD, and Node;
#   www/pkg-relaxed/  +simd128,+relaxed-simd: the SGD products use f64x2.relaxed_madd
#                     (Chrome/Edge 114+). Its own target dir, so the two builds' flags
#                     never invalidate each other's cache.
# Nothing else is generated: after this, serving the repository root with any static
# server shows the explorer.
# `build-web.sh --bench` builds www/pkg-bench and www/pkg-bench-relaxed instead: the same
# two builds with the `bench-hooks` feature (timeDenseSolve, for benches/dense_bench.mjs),
# which the page's builds leave out (it would only add bytes to every visitor's download).
# Built with cargo and the pinned wasm-bindgen CLI (scripts/setup.sh installs it), in
# Cargo.toml's `wasm` profile: the release settings with whole-program LTO and one
# codegen unit, which make the module about 4% smaller (gzip) than the native release
# profile's thin LTO, for 2-3 minutes of compiling per build instead of one.
# WASM_PROFILE=release builds with the release profile instead (quicker, for development).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
start=$(date +%s)

FEATURES=()
SUFFIX=""
if [ "${1:-}" = "--bench" ]; then FEATURES=(--features bench-hooks); SUFFIX="-bench"; fi

# build OUT_DIR [RUSTFLAGS TARGET_DIR]
build() {
  local out=$1
  if [ $# -gt 1 ]; then export RUSTFLAGS=$2 CARGO_TARGET_DIR=$3; elif [ -n "$SUFFIX" ]; then unset RUSTFLAGS; export CARGO_TARGET_DIR=target/wasm$SUFFIX; else unset RUSTFLAGS CARGO_TARGET_DIR; fi
  local profile=${WASM_PROFILE:-wasm}
  cargo build --lib --profile "$profile" --target wasm32-unknown-unknown --no-default-features "${FEATURES[@]}"
  wasm-bindgen --target web --no-typescript --out-dir "$out" \
    "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/$profile/lazy_training.wasm"
  rm -f "$out/.gitignore"
  # Function names only serve stack traces of panics (bugs; their message stays): 9% of
  # the gzipped module.
  python3 scripts/strip-wasm-names.py "$out/lazy_training_bg.wasm"
}
build "www/pkg$SUFFIX"
build "www/pkg$SUFFIX-relaxed" "-C target-feature=+simd128,+relaxed-simd" "target/wasm$SUFFIX-relaxed"
echo "[build-web] www/pkg$SUFFIX and www/pkg$SUFFIX-relaxed ready in $(( $(date +%s) - start )) s: serve the repository root (make serve)" >&2
