#!/usr/bin/env bash
# End-to-end test of the page: node --test + playwright-core driving /usr/bin/chromium
# against a static server on 127.0.0.1 (started by the test itself). Expects the site
# to be built (`make test-e2e` runs `make build` first). Screenshots: test-results/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f www/pkg/lazy_training_bg.wasm ] || [ ! -f www/pkg-relaxed/lazy_training_bg.wasm ]; then
  bash scripts/build-web.sh
fi
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/reveal.js ] || [ ! -d node_modules/esbuild ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent
fi
mkdir -p test-results
# tests/e2e-deck/: the explorer in a reveal.js deck and from disk (file://), Chromium, Firefox, WebKit.
node --test --test-reporter=spec tests/e2e/ tests/e2e-deck/
