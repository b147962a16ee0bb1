#!/usr/bin/env bash
# Writes the golden copies of the command line's outputs (tests/golden/cli-*) from the
# release binary. Run once, before a refactoring; tests/golden.rs replays the same
# commands (CASES there lists them) and compares.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${B:-target/release/lazy-training}
G=tests/golden
$B theory --model qf --d 30 --seed 2 > $G/cli-theory-qf.json
$B theory --model qf --d 30 --seed 2 --activation relu > $G/cli-theory-qf-relu.json
$B theory --model mg --d 30 --seed 2 --rho 0.5,1,2 > $G/cli-theory-mg.json
$B theory --model qf --d 20 --rho 0.5,2 --format csv > $G/cli-theory-qf.csv
$B exact --model qf --d 16 --draws 2 --rho 0.25,1,2 --seed 4 --quiet > $G/cli-exact-qf.json
$B exact --model mg --d 16 --draws 2 --rho 0.25,1,2 --seed 4 --quiet > $G/cli-exact-mg.json
$B exact --model qf --d 16 --draws 2 --rho 0.25,1,2 --seed 4 --quiet --activation tanh --format csv > $G/cli-exact-qf-tanh.csv
$B sgd --model qf --regime nn --d 16 --neurons 6 --lr 0.02 --steps 400 --record-every 100 --seed 4 > $G/cli-sgd-qf-nn.json
$B sgd --model mg --regime nt --d 16 --neurons 6 --lr 0.02 --steps 400 --record-every 100 --seed 4 > $G/cli-sgd-mg-nt.json
$B sgd --model qf --regime nt --d 16 --neurons 6 --lr 0.02 --steps 400 --record-every 100 --seed 4 --format csv > $G/cli-sgd-qf-nt.csv
$B figure --preset fig1 --d 16 --draws 2 --sgd-steps 400 --seed 4 --quiet --out /tmp/golden-fig1.svg --csv $G/cli-figure-fig1.csv
$B figure --preset fig2 --d 16 --draws 2 --sgd-steps 400 --seed 4 --quiet --out /tmp/golden-fig2.svg --csv $G/cli-figure-fig2.csv
echo "wrote $(ls $G/cli-* | wc -l) files"
