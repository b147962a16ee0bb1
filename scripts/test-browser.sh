#!/usr/bin/env bash
# Browser tests (tests/web.rs, wasm-bindgen-test, run_in_browser) in headless Chromium
# through Debian's chromedriver. wasm-bindgen-test-runner already passes --headless
# --no-sandbox --disable-dev-shm-usage to the browser.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"
# The release profile: the sweeps and SGD runs of the tests take seconds instead of minutes.
wasm-pack --log-level warn test --headless --chrome --release . --no-default-features --test web
