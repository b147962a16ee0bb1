#!/usr/bin/env bash
# Every route through `lazy-training reproduce` gives the same merged figure, bit for
# bit: one process on one thread (the reference), one process on two threads, three
# shards through GNU parallel, a run killed with SIGKILL after a few units and then
# resumed, and a Slurm job array (sbatch --wait --array) on a one-node cluster that
# this script starts from Debian's packages and always stops again.
# The protocol is the paper's at small scale (d = 12; a few seconds per route).
#   usage: tests/cluster/reproduce.sh   (as root; `make test-cluster`)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${LAZY_TRAINING:-$PWD/target/release/lazy-training}
[ -x "$BIN" ] || cargo build --release --bin lazy-training
export LAZY_TRAINING=$BIN
work=$(mktemp -d /tmp/lazy-training-cluster-test.XXXXXX)
state=$work/slurm-state
cleanup() {
  bash scripts/cluster/slurm-down.sh "$state" >/dev/null 2>&1 || true
  [ -n "${bg:-}" ] && kill -KILL "$bg" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
say() { printf '[cluster test] %s\n' "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }

# 2 regimes x 4 widths x 3 step sizes (eta = 2 diverges) + 4 widths x 2 draws = 32 units.
KNOBS=(--preset fig1 --d 12 --neurons 3,6,12,24 --steps 20000 --batch 20 --eta 0.01,0.05,2
       --draws 2 --fit-samples 3000 --test-samples 500 --records 5 --seed 7 --quiet)
TOTAL=32
merge() { "$BIN" reproduce merge --results "$work/$1" --out "$work/$1.svg" --csv "$work/$1.csv" --json "$work/$1.json" --quiet "${@:2}"; }
same_as_reference() {
  for ext in json csv svg; do
    cmp -s "$work/single.$ext" "$work/$1.$ext" || fail "$1: merged $ext differs from the single-process run (diff $work/single.$ext $work/$1.$ext)"
  done
  say "$1: merged json, csv and svg equal the single-process run byte for byte"
}

# 1. The reference: one process, one thread.
"$BIN" reproduce "${KNOBS[@]}" --results "$work/single" --jobs 1 >/dev/null
merge single --require-complete
python3 - "$work/single.json" "$TOTAL" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
for bad in ("NaN", "Infinity", "null"):
    assert bad not in text, f"{bad} in the merged JSON"
j = json.loads(text)
assert j["units"]["finished"] == int(sys.argv[2]) and j["units"]["missing"] == [], j["units"]
for regime in ("nt", "nn"):
    dots = j["dots"][regime]
    assert len(dots) == 4, (regime, dots)
    for d in dots:
        # eta = 2 diverges at d = 12 and never wins the selection.
        assert d["diverged_eta"] == [2] and d["eta"] in (0.01, 0.05), d
        assert d["test_risk"] >= 0 and d["exact_risk"] >= 0, d
assert len(j["dots"]["rf"]) == 4 and all(d["draws"] == 2 for d in j["dots"]["rf"])
assert j["provenance"]["protocol"]["d"] == 12 and j["provenance"]["seed"] == 7
PY
say "single process: $TOTAL units, merged (diverged step sizes recorded, never selected)"

# 2. Two threads in one process.
"$BIN" reproduce "${KNOBS[@]}" --results "$work/threads" --jobs 2 >/dev/null
merge threads
same_as_reference threads

# 3. GNU parallel: three shards as three processes.
parallel --will-cite -j2 "$BIN" reproduce "${KNOBS[@]}" --results "$work/parallel" --jobs 1 --shard {}/3 ::: 0 1 2 >/dev/null
merge parallel
same_as_reference parallel

# 4. Killed (SIGKILL) after a few units, merged while incomplete, then resumed.
"$BIN" reproduce "${KNOBS[@]}" --results "$work/killed" --jobs 1 >/dev/null &
bg=$!
for _ in $(seq 1 2000); do
  n=$(find "$work/killed/units" -name '*.json' 2>/dev/null | wc -l)
  [ "$n" -ge 4 ] && break
  sleep 0.01
done
kill -KILL "$bg"; wait "$bg" 2>/dev/null || true; bg=
n=$(find "$work/killed/units" -name '*.json' | wc -l)
[ "$n" -lt "$TOTAL" ] || fail "the run finished before it could be killed (make the test protocol longer)"
if merge killed --require-complete 2>/dev/null; then fail "merge --require-complete accepted an incomplete folder"; fi
missing=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["units"]["missing"]))' "$work/killed.json")
[ "$missing" -eq $((TOTAL - n)) ] || fail "merge lists $missing missing units, the folder lacks $((TOTAL - n))"
out=$("$BIN" reproduce "${KNOBS[@]}" --results "$work/killed" --jobs 2)
ran=$(python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(j["ran"], j["skipped"])' "$out")
[ "$ran" = "$((TOTAL - n)) $n" ] || fail "the resumed run reports (ran skipped) = ($ran), expected ($((TOTAL - n)) $n)"
merge killed
same_as_reference killed
say "killed after $n of $TOTAL units; the resumed run computed the other $((TOTAL - n)) only"

# 5. Slurm: a job array of four tasks on a one-node cluster.
bash scripts/cluster/slurm-up.sh "$state"
SLURM_CONF=$state/slurm.conf sbatch --wait --quiet --array=0-3 --output="$work/slurm-%A_%a.out" --chdir="$work" \
  scripts/cluster/reproduce.sbatch "${KNOBS[@]}" --results "$work/slurm" \
  || { cat "$work"/slurm-*.out >&2 || true; fail "sbatch --wait returned non-zero"; }
bash scripts/cluster/slurm-down.sh "$state"
[ ! -e "$state" ] || fail "slurm-down left its state folder"
merge slurm
same_as_reference slurm

say "all routes agree (${SECONDS} s)"
