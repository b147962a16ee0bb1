#!/usr/bin/env bash
# Stop the one-node Slurm cluster that scripts/cluster/slurm-up.sh started in STATE_DIR
# and remove its state: cancel its jobs (job steps outlive slurmd when cgroups are
# off), stop slurmd, slurmctld and the munged it started, by their pid files only.
# Safe to run when nothing is running.  usage: slurm-down.sh [STATE_DIR]
set -uo pipefail
state=${1:-/tmp/lazy-training-slurm}
[ -d "$state" ] || exit 0

stop_pid() {  # stop_pid FILE: TERM the process in FILE, KILL it after 10 s
  local f=$1 pid
  [ -s "$f" ] || return 0
  pid=$(cat "$f")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

if [ -f "$state/slurm.conf" ] && [ -s "$state/slurmctld.pid" ]; then
  export SLURM_CONF="$state/slurm.conf"
  timeout 10 scancel --full --user=root >/dev/null 2>&1 || true
  for _ in $(seq 1 50); do
    [ -z "$(timeout 5 squeue -h -o %i 2>/dev/null)" ] && break
    sleep 0.2
  done
fi
stop_pid "$state/slurmd.pid"
stop_pid "$state/slurmctld.pid"
stop_pid "$state/munged.pid"
rm -rf "$state"
exit 0
