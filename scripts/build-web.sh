#!/usr/bin/env bash
# Builds the static site: the wasm package into www/pkg/ (git-ignored), which
# index.html imports as an ES module. Nothing else is generated: after this, serving
# the repository root with any static server shows the explorer.
# wasm-opt is off in Cargo.toml ([package.metadata.wasm-pack...]): wasm-pack would
# otherwise download binaryen from GitHub (see shared/toolchain.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
start=$(date +%s)
if command -v wasm-pack >/dev/null 2>&1; then
  wasm-pack --log-level warn build --target web --release --out-dir www/pkg --no-typescript --no-pack . -- --no-default-features
else
  # Same result without wasm-pack: cargo + the pinned wasm-bindgen CLI.
  cargo build --lib --release --target wasm32-unknown-unknown --no-default-features
  wasm-bindgen --target web --no-typescript --out-dir www/pkg \
    target/wasm32-unknown-unknown/release/lazy_training.wasm
fi
rm -f www/pkg/.gitignore
echo "[build-web] www/pkg ready in $(( $(date +%s) - start )) s: serve the repository root (make serve)" >&2
