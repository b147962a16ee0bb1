# The two commands of the README:
#   make serve   build the explorer (wasm + page) and serve it on http://127.0.0.1:$(PORT)/
#   make test    every test: native (cargo test), browser (wasm-bindgen-test), end-to-end (node --test),
#                and every engine (Chromium, Firefox ESR, WebKitGTK: scripts/test-engines.sh)
# Both install whatever is missing first (scripts/setup.sh, idempotent).
PORT ?= 8000
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: setup setup-web build single serve test test-native test-browser test-e2e test-cluster figures bench soak clean

setup:
	bash scripts/setup.sh test

setup-web:
	bash scripts/setup.sh web

## build: the static site (index.html + www/ + the two wasm packages in www/pkg/ and www/pkg-relaxed/, git-ignored)
build: setup-web
	bash scripts/build-web.sh

## single: the explorer as one self-contained HTML file that runs from disk (file://) in every browser
single: build
	@[ -d node_modules/esbuild ] || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent
	node scripts/build-single.mjs dist/lazy-training-explorer.html

serve: build
	@echo "Serving the explorer at http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	python3 -m http.server $(PORT) --bind 127.0.0.1

test: setup
	$(MAKE) test-native
	$(MAKE) test-browser
	$(MAKE) test-e2e
	$(MAKE) test-engines
	$(MAKE) test-cluster

test-native:
	python3 scripts/module-graph.py > /dev/null || { python3 scripts/module-graph.py | tail -3; exit 1; }
	cargo test --release

test-browser:
	bash scripts/test-browser.sh

test-e2e: build
	bash scripts/test-e2e.sh

.PHONY: test-engines test-wasm-pack
## test-engines: the browser tests in Firefox too, and the same end-to-end checks in Chromium, Firefox ESR and WebKitGTK
test-engines: build
	bash scripts/test-engines.sh

## test-wasm-pack: the browser tests exactly as a new user types them (debug build, Chromium then Firefox)
test-wasm-pack: setup
	wasm-pack test --headless --chrome
	wasm-pack test --headless --firefox

## test-cluster: the protocol's units through threads, GNU parallel, kill + resume and a one-node Slurm array: same merged bytes
test-cluster:
	cargo build --release --bin lazy-training
	bash tests/cluster/reproduce.sh

## figures: the paper's Figures 1 and 2 at paper scale (d = 450) into figures/
figures:
	mkdir -p figures
	cargo run --release -- figure --preset fig1 --d 450 --draws 10 --out figures/fig1.svg --csv figures/fig1.csv
	cargo run --release -- figure --preset fig2 --d 450 --draws 10 --out figures/fig2.svg --csv figures/fig2.csv

## bench: side-by-side benchmarks (Rust vs numpy, wasm vs native, page timings); not part of `make test`
bench: setup
	bash benches/run.sh

## soak: play the page for 10 minutes in headless Chromium; report JS heap and wasm memory growth
soak: setup build
	node scripts/soak.mjs $${SOAK_SECONDS:-600}

clean:
	cargo clean
	rm -rf www/pkg www/pkg-relaxed node_modules
