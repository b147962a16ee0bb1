#!/usr/bin/env bash
# `make bench`: see benches/run.py. Installs numpy (pip, user-level) only when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
if ! python3 -c "import numpy" 2>/dev/null; then
  echo "[bench] installing numpy (pip)" >&2
  python3 -m pip install --quiet numpy >&2
fi
if [ ! -d node_modules/playwright-core ]; then
  npm ci --silent >&2
fi
exec python3 benches/run.py "$@"
