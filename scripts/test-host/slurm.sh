#!/bin/bash
# A real single-node Slurm for the Slurm executor's tests (test/slurm/), started and stopped by PID.
#   slurm.sh start <dir>   install Debian's slurmctld, slurmd, slurm-client and munge if missing, write a
#                          one-node config under <dir> (its own munge key and socket, high ports on 127.0.0.1,
#                          root as SlurmUser, proctrack/linuxproc, task/none, this node's real CPU count),
#                          start munged, slurmctld and slurmd, wait until the node is idle; prints
#                          SLURM_CONF=<dir>/slurm.conf as its last line.
#   slurm.sh stop <dir>    stop the three daemons by the PIDs recorded under <dir>.
#   slurm.sh install       only install the packages (CI does it while other things run; idempotent).
# Nothing is written outside <dir> except the packages: several copies can run side by side (other ports,
# other munge socket), and none touches a system Slurm or munge.
set -euo pipefail
cmd=${1:?start|stop|install}

install() {
  command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null && command -v munged >/dev/null && return
  [[ $(id -u) == 0 ]] || { echo "slurm.sh: installing Slurm needs root" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
}
if [[ $cmd == install ]]; then install; exit 0; fi
dir=${2:?state folder}
mkdir -p "$dir"; dir=$(cd "$dir" && pwd)

stop() {
  for name in slurmd slurmctld munged; do
    [[ -f $dir/$name.pid ]] || continue
    pid=$(cat "$dir/$name.pid"); kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/$name.pid"
  done
}
if [[ $cmd == stop ]]; then stop; exit 0; fi
[[ $cmd == start ]] || { echo "usage: slurm.sh start|stop <dir>" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "slurm.sh: needs root (it starts slurmd as root, as on a real node)" >&2; exit 1; }

install

host=$(hostname -s)
cpus=$(nproc --all)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
# Ports from the folder's name hash: two Slurms started side by side (other sessions) do not collide.
base=$(( 20000 + $(cksum <<<"$dir" | cut -d' ' -f1) % 20000 ))
mkdir -p "$dir/state" "$dir/spool" "$dir/log" "$dir/munge"
chmod 755 "$dir"

# munge: its own key and socket, run as the munge user (munged refuses to run as root).
dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
chown -R munge:munge "$dir/munge"; chmod 755 "$dir/munge"; chmod 400 "$dir/munge/munge.key"
runuser -u munge -- munged --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.sock" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed"
for _ in $(seq 50); do [[ -s $dir/munge/munged.pid ]] && break; sleep 0.1; done
cp "$dir/munge/munged.pid" "$dir/munged.pid"

cat >"$dir/slurm.conf" <<EOF
ClusterName=sslmemtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.sock
SlurmctldPort=$base
SlurmdPort=$((base + 1))
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=300
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$dir/slurm.conf
slurmctld
slurmd
for _ in $(seq 100); do
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
  [[ $state == idle ]] && break
  sleep 0.2
done
[[ $state == idle ]] || { echo "slurm.sh: node $host is '$state', not idle" >&2; tail -5 "$dir/log/"*.log >&2; stop; exit 1; }
echo "SLURM_CONF=$SLURM_CONF"
