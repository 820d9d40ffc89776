#!/usr/bin/env bash
# The engine at 1, 2, 4, 8 and 16 threads (issue 14, "Many cores"): one short script for a
# 16-core machine that has neither cargo nor the network.
#
# usage:
#   benches/scaling.sh --prepare   here, with cargo: builds the bench executable (`cargo bench
#                                  --features bench --bench engine --no-run`) and the release
#                                  plansim, and copies both into target/scaling/ with the commit
#                                  they were built from. Carry target/scaling to the machine.
#   benches/scaling.sh             there, from the repository root: runs the bench's `scaling`
#                                  group (the coding-agent engine, 32 trials x 100,000 users x
#                                  12 months x 5 plans = 800 blocks of 4,096 users an iteration)
#                                  at each thread count, criterion medians, and writes the
#                                  speedups (median at 1 thread / median at k threads).
#
# Environment (all optional):
#   THREADS=1,2,4,8,16         the thread counts (the first one is the speedups' base)
#   ENGINE=bench               `bench`: target/scaling/engine-bench; `plansim`: whole CLI runs of
#                              target/scaling/plansim (`plansim run configs/coding-agent.toml
#                              --threads K --quiet`, outputs written), medians of RUNS runs
#   RUNS=3                     CLI runs per thread count (ENGINE=plansim)
#   PLANSIM_SCALING_TRIALS=32 PLANSIM_SCALING_USERS=100000   the size of an iteration
#   SAMPLES=10 WARMUP=1 MEASURE=5   criterion's samples and seconds of warm-up and measurement
#   SCALING_RESULTS=benches/results/scaling.txt   the results file (benches/perf.sh reads it);
#                              when $OUT is set (the device runner's folder), a copy goes there.
# On 16 cores the whole run takes well under a minute; on this 2-core machine 1,2 takes about one.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=target/scaling

if [ "${1:-}" = "--prepare" ]; then
    mkdir -p "$DIR"
    log=$(cargo bench --features bench --bench engine --no-run 2>&1) || { echo "$log" >&2; exit 1; }
    exe=$(printf '%s\n' "$log" | sed -n 's/.*Executable benches\/engine.rs (\(.*\))$/\1/p' | tail -1)
    [ -n "$exe" ] || { echo "$log" >&2; echo "scaling.sh: no bench executable in cargo's output" >&2; exit 1; }
    echo "bench executable: $exe"
    cargo build --release --quiet
    cp "$exe" "$DIR/engine-bench"
    cp target/release/plansim "$DIR/plansim"
    dirty=$(git status --porcelain --untracked-files=no | wc -l)
    echo "$(git rev-parse --short HEAD)$([ "$dirty" -gt 0 ] && echo '+uncommitted changes')" > "$DIR/commit"
    echo "prepared $DIR (commit $(cat "$DIR/commit")): engine-bench, plansim"
    ls -l "$DIR"
    exit 0
fi

THREADS=${THREADS:-1,2,4,8,16}
ENGINE=${ENGINE:-bench}
RESULTS=${SCALING_RESULTS:-benches/results/scaling.txt}
TRIALS=${PLANSIM_SCALING_TRIALS:-32}
USERS=${PLANSIM_SCALING_USERS:-100000}
commit=$(cat "$DIR/commit" 2>/dev/null || echo unknown)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "scaling.sh: $(uname -n), $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC'), engine $ENGINE, commit $commit"
echo "threads $THREADS; $TRIALS trials x $USERS users x 12 months x 5 plans an iteration"
uptime
lscpu 2>/dev/null | grep -E '^(Model name|CPU\(s\)|Thread\(s\) per core|Core\(s\) per socket|Socket\(s\))' || true

medians="$work/medians"
if [ "$ENGINE" = bench ]; then
    [ -x "$DIR/engine-bench" ] || { echo "scaling.sh: $DIR/engine-bench is missing: run benches/scaling.sh --prepare where cargo is" >&2; exit 2; }
    CRITERION_HOME="$work/criterion" PLANSIM_BENCH_ROOT="$PWD" PLANSIM_SCALING_THREADS="$THREADS" \
        PLANSIM_SCALING_TRIALS="$TRIALS" PLANSIM_SCALING_USERS="$USERS" \
        PLANSIM_BENCH_SAMPLES="${SAMPLES:-10}" \
        "$DIR/engine-bench" --bench --noplot --warm-up-time "${WARMUP:-1}" \
        --measurement-time "${MEASURE:-5}" scaling
    for t in ${THREADS//,/ }; do
        f="$work/criterion/scaling/engine_${t}-threads/new/estimates.json"
        ns=$(sed -n 's/.*"median":{"confidence_interval":{[^}]*},"point_estimate":\([^,}]*\).*/\1/p' "$f")
        [ -n "$ns" ] || { echo "scaling.sh: no median in $f" >&2; exit 1; }
        awk -v t="$t" -v ns="$ns" 'BEGIN { printf "%s %.6f\n", t, ns / 1e9 }'
    done > "$medians"
elif [ "$ENGINE" = plansim ]; then
    [ -x "$DIR/plansim" ] || { echo "scaling.sh: $DIR/plansim is missing: run benches/scaling.sh --prepare where cargo is" >&2; exit 2; }
    for t in ${THREADS//,/ }; do
        for r in $(seq "${RUNS:-3}"); do
            start=$(date +%s%N)
            "$DIR/plansim" run configs/coding-agent.toml --trials "$TRIALS" --users "$USERS" \
                --threads "$t" --quiet --out "$work/out" > /dev/null
            end=$(date +%s%N)
            awk -v t="$t" -v a="$start" -v b="$end" 'BEGIN { printf "%s %.6f\n", t, (b - a) / 1e9 }'
        done | tee "$work/runs" >&2
        # The median of this thread count's runs.
        sort -g -k2 "$work/runs" | awk '{ v[NR] = $2 } END {
            m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%s %.6f\n", $1, m }'
    done > "$medians"
else
    echo "scaling.sh: ENGINE must be bench or plansim, not $ENGINE" >&2
    exit 2
fi

mkdir -p "$(dirname "$RESULTS")"
upm=$((TRIALS * USERS * 12 * 5))
{
    echo "# benches/scaling.sh: the coding-agent engine at each thread count (median s an iteration)"
    echo "# host $(uname -n), $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC'), engine $ENGINE, commit $commit"
    echo "# $TRIALS trials x $USERS users x 12 months x 5 plans = $((upm / 1000000)) M user-plan-months an iteration"
    echo "# speedup: the median at $(head -1 "$medians" | cut -d' ' -f1) thread(s) / the median at that row's threads"
    echo "threads median_s M_upm_per_s speedup"
    awk -v upm="$upm" 'NR == 1 { base = $2 } { printf "%s %.4f %.1f %.2f\n", $1, $2, upm / $2 / 1e6, base / $2 }' "$medians"
} > "$RESULTS"
[ -n "${OUT:-}" ] && cp "$RESULTS" "$OUT/scaling.txt"
echo "--- $RESULTS"
cat "$RESULTS"
