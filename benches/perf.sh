#!/usr/bin/env bash
# The one command behind the performance table of the README and docs/performance.md (issue 14):
#
#   benches/perf.sh             the full run (233 s on the shared 2-core development machine once
#                               built; the release and bench builds take minutes the first time)
#   QUICK=1 benches/perf.sh     for trying the script: 10 samples, 0.5 s warm-up and 1 s of
#                               measurement a benchmark, the peer 3 times at 100 trials, peak RSS
#                               at 2 and 4 trials: noisier, and not the table's figures
#
# It builds the release binary, runs `cargo bench --features bench --bench engine` (criterion,
# medians from target/perf/criterion/**/new/estimates.json), runs benches/peer.sh (plansim
# against the numpy peer), measures peak RSS with /usr/bin/time -v for 10^6 users at 10 and 20
# trials and 2 and 16 threads, reads the 16-core speedups from benches/results/scaling.txt
# (written by benches/scaling.sh on a 16-core machine) when it exists, and prints the Markdown
# table, also written to target/perf/table.md. Needs python3 (no packages), the peer's numpy (see
# benches/peer.sh) and GNU time (`apt-get install time`).
#
# Environment: QUICK=1; UPDATE_DOCS=1 also writes the table into docs/performance.md and README.md
# (between their "benches/perf.sh: table" markers); SKIP_BENCH=1 reuses target/perf/criterion from an earlier run; SKIP_PEER=1,
# SKIP_RSS=1 leave those rows out; the variables of benches/peer.sh pass through to it.
set -euo pipefail
cd "$(dirname "$0")/.."
PERF=target/perf
mkdir -p "$PERF"
T0=$(date +%s)

if [ ! -x /usr/bin/time ] && [ -z "${SKIP_RSS:-}" ]; then
    echo "perf.sh: /usr/bin/time is missing: install GNU time (apt-get install time), or set SKIP_RSS=1" >&2
    exit 2
fi

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); host $(uname -n), $(nproc) CPUs"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$( [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] && echo ' (uncommitted changes)')"
    echo "mode: $([ -n "${QUICK:-}" ] && echo 'QUICK (a trial run: few samples)' || echo full)$([ -n "${SKIP_BENCH:-}" ] && echo ', the bench figures from an earlier run')"
    echo "uptime at start: $(uptime)"
} | tee "$PERF/context.txt"

load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
if python3 -c "import sys; sys.exit(not float('$load') > $(nproc))"; then
    echo "perf.sh: warning: load average $load on $(nproc) CPUs: other work shares this machine, so wall times (and the thread ratios most) are pessimistic" | tee -a "$PERF/context.txt" >&2
fi
stage() {
    echo "== $1" >&2
    echo "uptime before $1: $(uptime)" >> "$PERF/context.txt"
}

echo "== building (release)" >&2
cargo build --release --quiet

if [ -z "${SKIP_BENCH:-}" ]; then
    stage "cargo bench --features bench --bench engine"
    rm -rf "$PERF/criterion"
    args=(--noplot)
    if [ -n "${QUICK:-}" ]; then
        export PLANSIM_BENCH_SAMPLES=10
        args+=(--warm-up-time 0.5 --measurement-time 1)
    fi
    if ! CRITERION_HOME="$PWD/$PERF/criterion" cargo bench --features bench --bench engine -- \
        "${args[@]}" > "$PERF/bench.log" 2>&1; then
        tail -30 "$PERF/bench.log" >&2
        echo "perf.sh: cargo bench failed (log: $PERF/bench.log)" >&2
        exit 1
    fi
    grep -E '^[a-z-]+/[^ ]*$|time:|thrpt:' "$PERF/bench.log" >&2 || true
fi

rm -f "$PERF/peer.env"
if [ -z "${SKIP_PEER:-}" ]; then
    stage benches/peer.sh
    [ -n "${QUICK:-}" ] && export REPEATS=${REPEATS:-3} TRIALS=${TRIALS:-100}
    # A disagreement fails peer.sh; the table then says so, and perf.sh fails at the end.
    PLANSIM=target/release/plansim PEER_RESULTS="$PERF/peer.env" benches/peer.sh || echo "peer.sh failed ($?)" > "$PERF/peer.failed"
fi

rm -f "$PERF/rss.txt"
if [ -z "${SKIP_RSS:-}" ]; then
    stage "peak RSS (configs/coding-agent.toml --users 1000000)"
    rss_trials="10 20"
    [ -n "${QUICK:-}" ] && rss_trials="2 4"
    for threads in 2 16; do
        for trials in $rss_trials; do
            out=$(mktemp -d)
            /usr/bin/time -v target/release/plansim run configs/coding-agent.toml --users 1000000 \
                --trials "$trials" --threads "$threads" --quiet --out "$out/o" > /dev/null 2> "$out/time"
            kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/time")
            wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out/time")
            echo "$trials $threads $kb $wall" | tee -a "$PERF/rss.txt" >&2
            rm -rf "$out"
        done
    done
fi

echo "uptime at end: $(uptime)" | tee -a "$PERF/context.txt"
echo "took: $(( $(date +%s) - T0 )) s" | tee -a "$PERF/context.txt"

python3 benches/perf_table.py "$PERF" benches/results/scaling.txt | tee "$PERF/table.md"
if [ -n "${UPDATE_DOCS:-}" ]; then
    # Replace the table between the markers of docs/performance.md and README.md with this run's.
    python3 - "$PERF/table.md" docs/performance.md README.md <<'PY'
import sys
table = open(sys.argv[1]).read()
start, end = "<!-- benches/perf.sh: table start -->\n", "<!-- benches/perf.sh: table end -->"
for path in sys.argv[2:]:
    doc = open(path).read()
    a, b = doc.index(start) + len(start), doc.index(end)
    open(path, "w").write(doc[:a] + table + doc[b:])
PY
    echo "perf.sh: wrote the table into docs/performance.md and README.md (UPDATE_DOCS=1)" >&2
fi
if [ -f "$PERF/peer.failed" ]; then
    echo "perf.sh: FAILED: benches/peer.sh: $(cat "$PERF/peer.failed") (see its output above)" >&2
    rm -f "$PERF/peer.failed"
    exit 1
fi
