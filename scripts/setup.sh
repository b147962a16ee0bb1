#!/usr/bin/env bash
# Installs, idempotently, everything the build and the tests need on a fresh machine
# (see ../shared/toolchain.md): the wasm target, wasm-bindgen-cli pinned to the crate's
# version, wasm-pack, Debian's chromium + chromium-driver, and the e2e npm packages.
# Each step is skipped when its tool is already present.  Usage: scripts/setup.sh [web|test]
#   web  : what `make build` / `make serve` need (wasm target, wasm-bindgen-cli)
#   test : everything (adds chromium, chromedriver, wasm-pack, firefox-esr, geckodriver,
#          webkit2gtk-driver, xvfb, npm packages)
set -euo pipefail
what="${1:-test}"
cd "$(dirname "$0")/.."
log() { printf '[setup] %s\n' "$*" >&2; }

# The wasm-bindgen version the crate pins (Cargo.toml says "=X").
WB_VERSION=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
[ -n "$WB_VERSION" ] || { echo "setup: cannot read the pinned wasm-bindgen version from Cargo.toml" >&2; exit 1; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  log "installing wasm-bindgen-cli $WB_VERSION (about 3 minutes, once)"
  cargo install --locked wasm-bindgen-cli --version "$WB_VERSION" \
    || cargo install --force wasm-bindgen-cli --version "$WB_VERSION"
fi

[ "$what" = web ] && exit 0

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  log "installing chromium and chromium-driver from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

if ! command -v wasm-pack >/dev/null 2>&1; then
  log "installing wasm-pack 0.15.1 (about 2 minutes, once)"
  cargo install --locked wasm-pack --version 0.15.1
fi

# The other engines' end-to-end checks (scripts/test-engines.sh): Firefox ESR and
# WebKitGTK (Safari's engine: its WebDriver and MiniBrowser, under a virtual X server).
if ! command -v firefox-esr >/dev/null 2>&1 || ! command -v WebKitWebDriver >/dev/null 2>&1 || ! command -v xvfb-run >/dev/null 2>&1; then
  log "installing firefox-esr, webkit2gtk-driver and xvfb from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr webkit2gtk-driver xvfb >/dev/null
fi

# geckodriver for `wasm-pack test --firefox`, which ignores $GECKODRIVER and would try
# to download one: a geckodriver on PATH is what it uses.
if ! command -v geckodriver >/dev/null 2>&1; then
  log "installing geckodriver 0.37.1 (about 3 minutes, once)"
  cargo install --locked geckodriver --version 0.37.1 || cargo install geckodriver --version 0.37.1
fi

if [ -f package.json ] && { [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/puppeteer-core ] || [ ! -d node_modules/selenium-webdriver ] || [ ! -d node_modules/reveal.js ] || [ ! -d node_modules/esbuild ]; }; then
  log "installing the end-to-end test's npm packages"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent
fi
# The cluster test (tests/cluster/reproduce.sh): a one-node Slurm cluster and GNU parallel.
if ! command -v sbatch >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1 || ! command -v parallel >/dev/null 2>&1; then
  log "installing slurm-wlm, munge and parallel from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge parallel >/dev/null
fi
log "tools ready"
