#!/usr/bin/env bash
# The Slurm recipe for real, on this one machine: starts munged, slurmctld and slurmd (Debian's
# munge and slurm-wlm, installed with apt-get when missing) on localhost with a minimal
# slurm.conf in a temporary folder (one node with nproc CPUs, select/cons_tres, no cgroups:
# proctrack/linuxproc, task/none; no accounting), submits a 3-shard run with
# deploy/slurm/submit.sh (the job array, then the merge with --dependency=afterok), waits for
# both, checks that every task and the merge COMPLETED, compares the result, every file but
# run.json byte for byte, with one `plansim run` of the same config and flags, and stops the
# daemons (also on failure). A failed task fails it within seconds: the merge's dependency can
# then never be met, and DependencyParameters=kill_invalid_depend cancels it.
#
# OPT-IN: neither .ci/run nor the README's test command runs it. Run it as root (it installs
# packages and runs the daemons as root): `bash tests/deploy/slurm-local.sh`. Uses $PLANSIM or
# target/ci/plansim (built when missing). KEEP=DIR keeps the folder (slurm.conf, the daemons'
# logs, the jobs' output, the run). The ports are SLURMCTLD_PORT (default 16817) and
# SLURMD_PORT (16818). What happened when it was run for plansim: deploy/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/deploy/lib.sh
bin=$(plansim_bin)
repo=$(pwd)

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
  ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

work=${KEEP:-$(mktemp -d /tmp/plansim-slurm.XXXXXX)}
mkdir -p "$work"
work=$(realpath "$work")
chmod 711 "$work"
host=$(hostname -s)
cpus=$(nproc)
export SLURM_CONF=$work/slurm.conf
mkdir -p "$work/munge" "$work/state" "$work/spool" "$work/jobs"
chmod 711 "$work/munge"

# Stops the daemons this script started (by their pid files): slurmctld and slurmd through
# `scontrol shutdown`, then SIGTERM for any left after 10 s, and munged last.
stop() {
  local rc=$? pidfile pid
  scontrol shutdown >/dev/null 2>&1 || true
  for pidfile in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munge/munged.pid"; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    case $pidfile in */munged.pid) kill "$pid" 2>/dev/null || true ;; esac
    for _ in $(seq 20); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill "$pid" 2>/dev/null || true
  done
  if [ -z "${KEEP:-}" ]; then
    rm -rf "$work"
  fi
  exit $rc
}
trap stop EXIT
fail() {
  echo "slurm-local.sh: $*" >&2
  local log
  for log in "$work/munge/munged.log" "$work/slurmctld.log" "$work/slurmd.log"; do
    [ -f "$log" ] && { echo "--- last lines of $log" >&2 && tail -n 15 "$log" >&2; }
  done
  exit 1
}

# munge: a key of our own, its socket in the work folder.
mungekey --create --keyfile="$work/munge/munge.key" --force
chmod 600 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.sock" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" \
  --seed-file="$work/munge/munged.seed" || fail "munged did not start"

cat >"$SLURM_CONF" <<EOF
ClusterName=plansimtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=${SLURMCTLD_PORT:-16817}
SlurmdPort=${SLURMD_PORT:-16818}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/munge.sock
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
DependencyParameters=kill_invalid_depend
MailProg=/bin/true
MpiDefault=none
ReturnToService=2
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -c -i || fail "slurmctld did not start"
slurmd -N "$host" || fail "slurmd did not start"
for _ in $(seq 60); do
  state=$(sinfo -h -N -o %T 2>/dev/null || true)
  case $state in idle*) break ;; esac
  sleep 1
done
case $state in idle*) ;; *) fail "the node is not idle after 60 s (sinfo: '$state')" ;; esac
echo "slurm-local.sh: munged, slurmctld and slurmd up; node $host ($cpus CPUs) idle"

# The recipe: 3 shards and the merge, submitted from the work folder (the jobs' logs go there).
config=$repo/configs/coding-agent.toml
flags=(--trials 11 --users 300 --months 4 --seed 5)
"$bin" run "$config" "${flags[@]}" --report --quiet --out "$work/single" >/dev/null
out=$(cd "$work/jobs" && SHARD_SBATCH_ARGS=--cpus-per-task=1 PLANSIM="$bin" MERGE_FLAGS=--report \
  bash "$repo/deploy/slurm/submit.sh" 3 "$work/run" "$config" "${flags[@]}") ||
  fail "submit.sh failed: $out"
echo "slurm-local.sh: $out"
array=$(sed -n 's/^shards: job \([0-9]*\) .*/\1/p' <<<"$out")
merge=$(sed -n 's/.*merge: job \([0-9]*\);.*/\1/p' <<<"$out")
[ -n "$array" ] && [ -n "$merge" ] || fail "no job ids in: $out"

for _ in $(seq 300); do
  [ -z "$(squeue -h -j "$array,$merge" 2>/dev/null)" ] && break
  sleep 1
done
[ -z "$(squeue -h -j "$array,$merge")" ] || fail "jobs still queued after 300 s: $(squeue)"

# Every task of the array and the merge must have COMPLETED (exit 0).
# One line per job or task from `scontrol -o`, as "task K STATE (exit CODE:SIGNAL)".
task_state='s/.*ArrayTaskId=\([0-9]*\).*JobState=\([A-Z_]*\).*ExitCode=\([0-9:]*\).*/task \1 \2 (exit \3)/'
job_state='s/.*JobState=\([A-Z_]*\).*ExitCode=\([0-9:]*\).*/\1 (exit \2)/'
tasks=$(scontrol -o show job "$array" | sed "$task_state" | sort | paste -sd , | sed 's/,/, /g')
merge_state=$(scontrol -o show job "$merge" | sed "$job_state")
echo "slurm-local.sh: array job $array: $tasks; merge job $merge: $merge_state"
if [ "$(grep -o COMPLETED <<<"$tasks" | wc -l)" -ne 3 ] || [ "$merge_state" != "COMPLETED (exit 0:0)" ]; then
  for f in "$work"/jobs/*.out; do
    echo "--- $f" >&2
    tail -n 5 "$f" >&2
  done
  fail "not every task and the merge COMPLETED"
fi
same_outputs "$work/run/result" "$work/single" || fail "the merged result differs from a single run"
echo "slurm-local.sh: Slurm's merged result equals a single run (every file but run.json)"
