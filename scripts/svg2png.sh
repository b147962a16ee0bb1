#!/usr/bin/env bash
# Render an SVG to PNG with headless Chromium (to look at a figure): svg2png.sh IN.svg OUT.png [W H]
set -euo pipefail
in=$(realpath "$1"); out=$(realpath -m "$2"); w=${3:-1400}; h=${4:-560}
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$(mktemp -d)" --hide-scrollbars \
  --window-size="$w,$h" --screenshot="$out" "file://$in" 2>/dev/null
