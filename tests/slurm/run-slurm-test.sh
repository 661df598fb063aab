#!/usr/bin/env bash
# The Slurm test: on this machine, a real one-node Slurm cluster (Debian's slurm-wlm and munge) runs a plan as a
# 4-shard array job plus a dependent merge job (deploy/slurm/submit.sh), and the merged run must equal a
# single-process run of the same plan, episode for episode, apart from wall times.
# Needs root and apt-get (it installs the packages, writes a munge key if none, and starts munged, slurmctld and
# slurmd); elsewhere it prints SKIP and exits 77. Stops the daemons it started, by PID. Exit 0 pass, 1 fail.
# Its last line is "slurm test: PASS", "slurm test: FAIL (…)" or "slurm test: SKIP (…)".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARDS=4
CTLD_PORT=${TESTBED_SLURMCTLD_PORT:-16817}
SLURMD_PORT=${TESTBED_SLURMD_PORT:-16818}

skip() { echo "slurm test: SKIP ($*)"; exit 77; }
fail() { echo "slurm test: FAIL ($*)"; exit 1; }

[[ $(id -u) -eq 0 ]] || skip "needs root to start munged, slurmctld and slurmd"
command -v apt-get >/dev/null 2>&1 || skip "needs apt-get to install slurm-wlm and munge"

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  echo "slurm test: installing slurm-wlm and munge (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null 2>&1 \
    || fail "apt-get install slurm-wlm munge failed"
fi

SCRATCH="$(mktemp -d /tmp/testbed-slurm.XXXXXX)"
chmod 755 "$SCRATCH"
STARTED_PIDS=()
cleanup() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${STARTED_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  if [[ -z ${TESTBED_SLURM_KEEP:-} ]]; then rm -rf "$SCRATCH"; else echo "slurm test: scratch kept in $SCRATCH"; fi
}
trap cleanup EXIT

# munge: the key and folders the packages expect; munged as its own user.
install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
install -d -o munge -g munge -m 0755 /run/munge
if [[ ! -s /etc/munge/munge.key ]]; then
  head -c 1024 /dev/urandom >/etc/munge/munge.key
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  # Its pid file goes where the munge user may write.
  munged_pid_file=/run/munge/testbed-test-munged.pid
  rm -f "$munged_pid_file"
  su -s /bin/sh munge -c "/usr/sbin/munged --pid-file=$munged_pid_file" || fail "munged did not start"
  for _ in $(seq 50); do [[ -s $munged_pid_file ]] && break; sleep 0.1; done
  [[ -s $munged_pid_file ]] || fail "munged wrote no pid file"
  STARTED_PIDS+=("$(cat "$munged_pid_file")")
  munge -n | unmunge | grep -q 'STATUS: *Success' || fail "munge -n | unmunge does not succeed"
fi

# A one-node cluster; everything it writes stays in the scratch folder.
HOST="$(hostname -s)"
CPUS="$(nproc)"
MEM_MB=$(( $(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo) * 9 / 10 ))
mkdir -p "$SCRATCH/state" "$SCRATCH/spool"
export SLURM_CONF="$SCRATCH/slurm.conf"
cat >"$SLURM_CONF" <<CONF
ClusterName=testbed
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$SCRATCH/state
SlurmdSpoolDir=$SCRATCH/spool
SlurmctldPidFile=$SCRATCH/slurmctld.pid
SlurmdPidFile=$SCRATCH/slurmd.pid
SlurmctldLogFile=$SCRATCH/slurmctld.log
SlurmdLogFile=$SCRATCH/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=main Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
/usr/sbin/slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start (see $SCRATCH/slurmctld.log)"
for _ in $(seq 50); do [[ -s $SCRATCH/slurmctld.pid ]] && break; sleep 0.1; done
[[ -s $SCRATCH/slurmctld.pid ]] || fail "slurmctld wrote no pid file: $(tail -3 "$SCRATCH/slurmctld.log" 2>/dev/null)"
STARTED_PIDS+=("$(cat "$SCRATCH/slurmctld.pid")")
/usr/sbin/slurmd -f "$SLURM_CONF" || fail "slurmd did not start (see $SCRATCH/slurmd.log)"
for _ in $(seq 50); do [[ -s $SCRATCH/slurmd.pid ]] && break; sleep 0.1; done
[[ -s $SCRATCH/slurmd.pid ]] || fail "slurmd wrote no pid file: $(tail -3 "$SCRATCH/slurmd.log" 2>/dev/null)"
STARTED_PIDS+=("$(cat "$SCRATCH/slurmd.pid")")
for _ in $(seq 60); do
  state="$(sinfo -h -n "$HOST" -o %T 2>/dev/null)"
  [[ $state == idle ]] && break
  sleep 0.5
done
[[ $state == idle ]] || fail "the node is '$state', not idle, after 30 s: $(tail -3 "$SCRATCH/slurmd.log" 2>/dev/null)"
echo "slurm test: one-node cluster up on $HOST ($CPUS cores)"

# The plan: the warehouse's tote-swing pair in three languages, seeds 0 and 1 (12 episodes), not the whole corpus.
PLAN=(--scenario tote-to-conveyor-worker-clear,tote-to-conveyor-worker-in-path --language en,ja,de --seed 0,1 --policy oracle)
"$ROOT/testbed" help >/dev/null || fail "testbed does not build"
DLL="$ROOT/src/Testbed.Cli/bin/Release/net10.0/testbed.dll"
dotnet "$DLL" run "${PLAN[@]}" --workers 1 --progress lines --out "$SCRATCH/single" >"$SCRATCH/single.log" 2>&1 \
  || fail "the single-process run failed: $(tail -3 "$SCRATCH/single.log")"
SINGLE="$(ls -d "$SCRATCH"/single/*/ | head -1)"

submitted="$("$ROOT/deploy/slurm/submit.sh" "$SHARDS" "$SCRATCH/cluster" "${PLAN[@]}")" || fail "submit.sh failed: $submitted"
echo "slurm test: $submitted"
merge_job="$(sed -E 's/.*merge job ([0-9]+).*/\1/' <<<"$submitted")"
for _ in $(seq 600); do
  [[ -z "$(squeue -h -j "$merge_job" 2>/dev/null)" ]] && break
  sleep 0.5
done
[[ -z "$(squeue -h -j "$merge_job" 2>/dev/null)" ]] || fail "the merge job $merge_job did not finish within 5 minutes"
[[ -s $SCRATCH/cluster/merged/manifest.json ]] \
  || fail "no merged run; logs: $(tail -n 5 "$SCRATCH"/cluster/logs/*.out 2>/dev/null | tr '\n' ' ')"
shard_folders=$(ls -d "$SCRATCH"/cluster/shards/*/ | wc -l)
[[ $shard_folders -eq $SHARDS ]] || fail "$shard_folders shard folders, expected $SHARDS"
grep -q '"status": "completed"' "$SCRATCH/cluster/merged/manifest.json" \
  || fail "the merged run is not completed: $(grep '"status"' "$SCRATCH/cluster/merged/manifest.json")"
dotnet "$DLL" compare --exact "$SINGLE" "$SCRATCH/cluster/merged" >"$SCRATCH/compare.log" 2>&1 \
  || fail "the merged run differs from the single-process run: $(tail -5 "$SCRATCH/compare.log" | tr '\n' ' ')"
echo "slurm test: $(tail -1 "$SCRATCH/compare.log")"
echo "slurm test: PASS"
