#!/bin/bash
# Submits a sharded plansim run to Slurm: a job array of N shards (shard.sbatch), then the merge
# (merge.sbatch) as a job that starts only when every task of the array has succeeded.
#   deploy/slurm/submit.sh N RUN_DIR CONFIG [RUN FLAGS...]
# e.g. deploy/slurm/submit.sh 16 runs/grid configs/coding-agent.toml --trials 10000 --users 1000000
# Prints the two job ids; the result is RUN_DIR/result. Lists of words in the environment:
#   MERGE_FLAGS        plansim merge flags, e.g. "--report --xlsx"
#   SHARD_SBATCH_ARGS  sbatch options for the array, e.g. "--cpus-per-task=16 --mem=8G --time=2:00:00"
#   MERGE_SBATCH_ARGS  sbatch options for the merge job
# They win over the #SBATCH lines of shard.sbatch and merge.sbatch; sbatch's own variables
# (SBATCH_PARTITION, SBATCH_ACCOUNT, SBATCH_TIMELIMIT, ...) apply to both jobs. Run it from a
# folder every node sees: the jobs start there, and relative paths are taken from it.
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: submit.sh N RUN_DIR CONFIG [RUN FLAGS...]" >&2
  exit 2
fi
n=$1
run_dir=$2
shift 2
case $n in
  '' | *[!0-9]* | 0*)
    echo "submit.sh: N must be a positive whole number, not '$n'" >&2
    exit 2
    ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$run_dir"

# --parsable prints "JOBID" or "JOBID;CLUSTER". The *_ARGS and FLAGS are lists of words.
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SHARD_SBATCH_ARGS:-} --array="1-$n" "$here/shard.sbatch" "$run_dir" "$@")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${MERGE_SBATCH_ARGS:-} --dependency="afterok:$array" \
  "$here/merge.sbatch" "$run_dir" "$n" ${MERGE_FLAGS:-})
merge=${merge%%;*}
echo "shards: job $array (array 1-$n); merge: job $merge; result: $run_dir/result"
