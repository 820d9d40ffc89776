#!/usr/bin/env bash
# The cluster recipes of deploy/ run step by step on this machine, without a scheduler:
# - Slurm: deploy/slurm/shard.sbatch run as a plain bash script once per task, with
#   SLURM_ARRAY_TASK_ID=3, 1 and SLURM_ARRAY_TASK_COUNT=3 set by hand (as `sbatch --array=1-3`
#   would), task 2 as a rerun (SHARDS=3, an array of its own), then deploy/slurm/merge.sbatch
#   (with --report);
# - Kubernetes: the script of deploy/k8s/shards.yaml's container, run by /bin/sh with
#   JOB_COMPLETION_INDEX=0..2 and the manifest's variables, then merge.yaml's script;
# each merged folder is compared, every file but run.json byte for byte, with one
# `plansim run` of the same config and flags. Fails if any file differs or is missing.
# The comparison is first shown a changed byte and a missing file, which it must flag, and
# the Slurm script arrays other than 1-N, which it must refuse.
#
# In .ci/run, after the README's test command, which built the binary: uses $PLANSIM or
# target/ci/plansim (built when missing). Takes a few seconds. KEEP=DIR keeps the folders.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/deploy/lib.sh
bin=$(plansim_bin)
work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"
work=$(realpath "$work")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
fail() {
  echo "recipe-steps.sh: $*" >&2
  exit 1
}

# Slurm: a shipped scenario, small enough for seconds; 11 trials do not split evenly in 3.
config=$(realpath configs/coding-agent.toml)
flags=(--trials 11 --users 300 --months 4 --seed 5)
"$bin" run "$config" "${flags[@]}" --report --quiet --out "$work/single" >/dev/null

# The comparison must be able to fail: a changed byte, then a missing file.
cp -r "$work/single" "$work/broken"
printf 'x' | dd of="$work/broken/trials.csv" bs=1 seek=40 conv=notrunc status=none
if same_outputs "$work/broken" "$work/single" 2>/dev/null; then
  fail "the comparison missed a changed byte in trials.csv"
fi
cp "$work/single/trials.csv" "$work/broken/trials.csv"
same_outputs "$work/broken" "$work/single" || fail "the comparison flags equal folders"
rm "$work/broken/deciles.csv"
if same_outputs "$work/broken" "$work/single" 2>/dev/null; then
  fail "the comparison missed a missing deciles.csv"
fi

# The array script must refuse an array that is not 1-N: 0-2, or 1-5:2 (3 tasks).
for bad in "SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=2" "SLURM_ARRAY_TASK_MAX=5"; do
  # shellcheck disable=SC2086 # $bad is two words, or one.
  if env SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=3 $bad PLANSIM="$bin" \
    bash deploy/slurm/shard.sbatch "$work/refused" "$config" "${flags[@]}" 2>/dev/null; then
    fail "shard.sbatch ran with $bad"
  fi
done
[ ! -e "$work/refused" ] || fail "shard.sbatch wrote $work/refused when refusing"

# Slurm: tasks 3 and 1 of the array 1-3, then task 2 rerun as an array of its own (--array=2,
# SHARDS=3), then the merge job's script.
for k in 3 1; do
  SLURM_ARRAY_TASK_ID=$k SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=3 \
    SLURM_CPUS_PER_TASK=1 PLANSIM="$bin" \
    bash deploy/slurm/shard.sbatch "$work/slurm" "$config" "${flags[@]}" >/dev/null
done
SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_COUNT=1 SLURM_ARRAY_TASK_MIN=2 SLURM_ARRAY_TASK_MAX=2 \
  SHARDS=3 PLANSIM="$bin" bash deploy/slurm/shard.sbatch "$work/slurm" "$config" "${flags[@]}" >/dev/null
PLANSIM="$bin" bash deploy/slurm/merge.sbatch "$work/slurm" 3 --report >/dev/null
same_outputs "$work/slurm/result" "$work/single" || fail "Slurm: the merge differs from a single run"
echo "recipe-steps.sh: Slurm steps (3 shards, merge --report) equal a single run"

# Kubernetes: the manifests' own scripts, with their variables set as the pods would have them.
shard_script=$(k8s_script deploy/k8s/shards.yaml)
merge_script=$(k8s_script deploy/k8s/merge.yaml)
case $shard_script in *JOB_COMPLETION_INDEX*--shard*) ;; *) fail "no shard script in shards.yaml" ;; esac
case $merge_script in *"plansim merge"*) ;; *) fail "no merge script in merge.yaml" ;; esac
mkdir -p "$work/path"
ln -s "$bin" "$work/path/plansim"
config=$(realpath configs/pricing-sweep.toml)
run_flags="--trials 7 --users 200 --months 3 --seed 9"
# shellcheck disable=SC2086 # run_flags is a list of words, as RUN_FLAGS is in the manifest.
"$bin" run "$config" $run_flags --quiet --out "$work/single-k8s" >/dev/null
for i in 0 1 2; do
  env PATH="$work/path:$PATH" JOB_COMPLETION_INDEX=$i SHARDS=3 CONFIG="$config" \
    RUN_DIR="$work/k8s" RUN_FLAGS="$run_flags" THREADS=1 /bin/sh -c "$shard_script" >/dev/null
done
env PATH="$work/path:$PATH" SHARDS=3 RUN_DIR="$work/k8s" MERGE_FLAGS="" \
  /bin/sh -c "$merge_script" >/dev/null
same_outputs "$work/k8s/result" "$work/single-k8s" ||
  fail "Kubernetes: the merge differs from a single run"
echo "recipe-steps.sh: Kubernetes steps (3 indexed pods on a sweep, merge) equal a single run"
