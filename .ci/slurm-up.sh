#!/usr/bin/env bash
# A one-node Slurm cluster on localhost for CI's sweep test (test/cli/slurm.test.ts): writes a minimal
# slurm.conf, starts munged, slurmctld and slurmd as daemons (no systemd in the CI container) and waits until
# `sinfo` shows the node up (idle). Needs Debian's slurm-wlm and munge, and root. Running it again while the
# cluster answers does nothing.
set -euo pipefail

conf=${SLURM_CONF:-/etc/slurm/slurm.conf}
export SLURM_CONF=$conf

node_state() { sinfo -h -N -n localhost -o '%T' 2>/dev/null | head -n 1; }
# Up: taking jobs, whether or not it runs some.
node_up() { case $(node_state) in idle | mixed | allocated | completing) return 0 ;; *) return 1 ;; esac; }
# A daemon already running (its pid file names a live process) is left alone. (Asking the controller instead
# takes a minute to fail when there is none: the clients retry, and look for a configless setup.)
running() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

if [ -f "$conf" ] && running /run/slurm/slurmctld.pid && running /run/slurm/slurmd.pid && node_up; then
  echo "slurm: already up"
  exit 0
fi

# munge authenticates every Slurm RPC; Debian's package creates the key, a bare image may not have one.
mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
[ -s /etc/munge/munge.key ] || mungekey --create --keyfile /etc/munge/munge.key
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
chmod 0700 /etc/munge
chmod 0400 /etc/munge/munge.key
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged
fi

cpus=$(nproc)
# Slurm wants RealMemory at most what slurmd detects; config_overrides makes the file authoritative anyway.
memory_mb=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
mkdir -p "$(dirname "$conf")" /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/slurm
cat >"$conf" <<EOF
# Written by .ci/slurm-up.sh: one node, this machine, for CI.
ClusterName=pandasim-ci
SlurmctldHost=localhost
SlurmUser=root
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=localhost CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

running /run/slurm/slurmctld.pid || slurmctld
# The node is called localhost whatever the machine's host name is.
running /run/slurm/slurmd.pid || slurmd -N localhost

for _ in $(seq 1 60); do
  state=$(node_state)
  case $state in
    idle | mixed | allocated | completing) echo "slurm: localhost $state ($cpus CPUs, $memory_mb MB)"; exit 0 ;;
    down* | drain*) scontrol update nodename=localhost state=resume 2>/dev/null || true ;;
  esac
  sleep 1
done
echo "slurm: the node did not become idle (state '${state:-none}'); see /var/log/slurm/" >&2
exit 1
