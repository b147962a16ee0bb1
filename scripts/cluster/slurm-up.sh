#!/usr/bin/env bash
# Start a one-node Slurm cluster on this machine (as root, no systemd needed), from
# Debian's packages (slurm-wlm, munge): munged, slurmctld and slurmd, with every state,
# spool, pid and log file under STATE_DIR and the configuration in STATE_DIR/slurm.conf
# (point the client commands at it: export SLURM_CONF=STATE_DIR/slurm.conf).
# A stale cluster from an earlier run in the same STATE_DIR is stopped first, so
# starting twice in a row works. Stop it with scripts/cluster/slurm-down.sh STATE_DIR.
#   usage: scripts/cluster/slurm-up.sh [STATE_DIR]   (default /tmp/lazy-training-slurm)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
state=${1:-/tmp/lazy-training-slurm}
log() { printf '[slurm-up] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (the test cluster runs its daemons and jobs as root)"
for c in munged munge unmunge slurmctld slurmd sbatch sinfo; do
  command -v "$c" >/dev/null 2>&1 || die "$c is missing: install Debian's slurm-wlm and munge (bash scripts/setup.sh test does)"
done

bash "$here/slurm-down.sh" "$state" >/dev/null 2>&1 || true
mkdir -p "$state/ctld" "$state/spool"
chmod 0755 "$state"

# munge: the credential daemon Slurm authenticates with. Without systemd nothing
# creates its run directory; it must run as the munge user with its key mode 0400.
install -d -o munge -g munge -m 0755 /run/munge
if [ -f /etc/munge/munge.key ]; then
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
fi
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  log "munged already running (not ours: it is left running at the end)"
else
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 1 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
  cat /run/munge/munged.pid > "$state/munged.pid"
  munge -n | unmunge >/dev/null || die "munge does not work (see /var/log/munge/munged.log)"
fi

host=$(hostname -s)
node=$(slurmd -C | head -n 1)
case "$node" in NodeName=*) ;; *) die "slurmd -C printed no node line: $node" ;; esac
cat > "$state/slurm.conf" <<CONF
ClusterName=lazytraining
SlurmctldHost=${host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MailProg=/bin/true
MinJobAge=4
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
$node NodeAddr=127.0.0.1
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$state/slurm.conf"

slurmctld || die "slurmctld did not start (log: $state/slurmctld.log)"
slurmd || die "slurmd did not start (log: $state/slurmd.log)"
for _ in $(seq 1 150); do
  st=$(sinfo -h -N -o %T 2>/dev/null | head -n 1 || true)
  if [ "$st" = idle ]; then
    log "cluster up: node $host idle (SLURM_CONF=$SLURM_CONF)"
    exit 0
  fi
  sleep 0.2
done
die "the node did not become idle within 30 s (state: ${st:-none}; logs in $state)"
