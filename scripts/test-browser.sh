#!/usr/bin/env bash
# Browser tests (tests/web.rs, wasm-bindgen-test, run_in_browser) in headless Chromium
# through Debian's chromedriver: cargo builds only the `web` test for wasm32 and hands
# it to wasm-bindgen-test-runner (which passes --headless --no-sandbox
# --disable-dev-shm-usage to the browser). Plain cargo rather than `wasm-pack test`,
# which builds every integration test (`--tests`) for wasm32, native-only ones included.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"
export WASM_BINDGEN_TEST_ONLY_WEB=1
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER:-wasm-bindgen-test-runner}"
# Release profile: the sweeps and SGD runs of the tests take seconds instead of minutes.
cargo test --release --target wasm32-unknown-unknown --no-default-features --test web
