#!/usr/bin/env bash
# Every browser engine (make test-engines, part of make test):
#  1. the browser tests (tests/web.rs, wasm-bindgen-test) in headless Firefox ESR through
#     geckodriver (scripts/test-browser.sh runs them in Chromium), the same release
#     build, so only the run is extra;
#  2. the same end-to-end checks of the page in Chromium (playwright-core), Firefox ESR
#     (puppeteer-core over WebDriver BiDi) and WebKitGTK (WebKitWebDriver + MiniBrowser
#     under xvfb-run, selenium-webdriver): tests/e2e-engines/. PNGs: test-results/.
# ENGINES=chromium,firefox,webkit chooses the engines of part 2; SKIP_FIREFOX_WASM=1
# skips part 1. Expects the tools of `scripts/setup.sh test`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
start=$(date +%s)

if [ "${SKIP_FIREFOX_WASM:-0}" != 1 ]; then
  # wasm-bindgen-test-runner takes $GECKODRIVER before $CHROMEDRIVER.
  GECKODRIVER="${GECKODRIVER:-$(command -v geckodriver)}" \
  WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}" \
  WASM_BINDGEN_TEST_ONLY_WEB=1 \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test --release --target wasm32-unknown-unknown --no-default-features --test web
  echo "[test-engines] browser tests in Firefox: $(( $(date +%s) - start )) s" >&2
fi

if [ ! -f www/pkg/lazy_training_bg.wasm ] || [ ! -f www/pkg-relaxed/lazy_training_bg.wasm ]; then
  bash scripts/build-web.sh
fi
# The export check compares with the native command line.
[ -x target/release/lazy-training ] || cargo build --release --quiet --bin lazy-training
mkdir -p test-results
t=$(date +%s)
node --test --test-reporter=spec tests/e2e-engines/
echo "[test-engines] end-to-end per engine: $(( $(date +%s) - t )) s; total $(( $(date +%s) - start )) s" >&2
