#!/usr/bin/env bash
# plansim against the numpy peer on the same scenario, trials and users (issue 14's ">= 15x the
# numpy peer, same expected profits within standard errors").
#
# usage: benches/peer.sh            (from anywhere; runs in the repository root)
#
# Environment (all optional):
#   TRIALS=200 USERS=10000   the size both run (the scenario's 12 months and 5 plans)
#   REPEATS=5                interleaved runs of each (plansim, peer, plansim, peer, ...)
#   CONFIG=configs/coding-agent.toml
#   SES=4                    the agreement bound, in combined standard errors
#   PLANSIM=target/release/plansim   (built with `cargo build --release` when unset)
#   THREADS=$(nproc)         plansim's --threads (all threads of this machine)
#   PEER=../shared/peers/numpy_coding_agent.py   (relative to the repository root)
#   PEER_PYTHON=python3      a Python with numpy; when unset: python3 if it imports numpy, else
#                            the virtual environment target/peer-venv (created with
#                            `python3 -m venv target/peer-venv && target/peer-venv/bin/pip install
#                            numpy` when missing: needs the network once)
#   PEER_RESULTS=target/perf/peer.env   where the medians and ratios are written (key=value)
#
# It times both as whole processes (wall clock, medians of the interleaved runs) and also reads
# the peer's own timing, which leaves out Python's start and numpy's import. The ratio it
# reports first is the conservative one: plansim's whole process against the peer's own timing.
# Then it checks, plan by plan, that the mean profit per user of plansim (summary.csv) and of the
# peer (its --csv output) differ by at most SES combined standard errors (sqrt(se1^2 + se2^2),
# each the standard error of the mean over trials); it exits 1 naming the plan if not. The two
# use different random streams, so they agree in expectation only.
set -euo pipefail
cd "$(dirname "$0")/.."

CONFIG=${CONFIG:-configs/coding-agent.toml}
PEER=${PEER:-../shared/peers/numpy_coding_agent.py}
THREADS=${THREADS:-$(nproc)}

if [ ! -f "$PEER" ]; then
    echo "peer.sh: the numpy peer $PEER is missing (set PEER=path/to/numpy_coding_agent.py)" >&2
    exit 2
fi
if [ -z "${PEER_PYTHON:-}" ]; then
    if python3 -c 'import numpy' 2>/dev/null; then
        PEER_PYTHON=python3
    else
        if [ ! -x target/peer-venv/bin/python ] || ! target/peer-venv/bin/python -c 'import numpy' 2>/dev/null; then
            echo "peer.sh: numpy is missing; creating target/peer-venv (python3 -m venv target/peer-venv && target/peer-venv/bin/pip install numpy)" >&2
            if ! { python3 -m venv target/peer-venv && target/peer-venv/bin/pip install -q numpy; }; then
                echo "peer.sh: could not install numpy; install it yourself (pip install numpy, or apt-get install python3-numpy) and set PEER_PYTHON" >&2
                exit 2
            fi
        fi
        PEER_PYTHON=target/peer-venv/bin/python
    fi
fi
if [ -z "${PLANSIM:-}" ]; then
    cargo build --release --quiet
    PLANSIM=target/release/plansim
fi

export CONFIG PEER PEER_PYTHON PLANSIM THREADS
exec python3 - <<'PY'
import csv, math, os, re, statistics, subprocess, sys, tempfile, time

env = os.environ
config, peer, py, plansim, threads = (env[k] for k in ("CONFIG", "PEER", "PEER_PYTHON", "PLANSIM", "THREADS"))
trials, users = int(env.get("TRIALS", 200)), int(env.get("USERS", 10000))
repeats, ses = int(env.get("REPEATS", 5)), float(env.get("SES", 4))
results = env.get("PEER_RESULTS", "target/perf/peer.env")
tmp = tempfile.mkdtemp(prefix="plansim-peer-")
size = ["--trials", str(trials), "--users", str(users)]


def timed(cmd):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"peer.sh: {' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    return wall, p


ps_cmd = [plansim, "run", config, *size, "--threads", threads, "--quiet", "--out", f"{tmp}/plansim"]
peer_cmd = [py, peer, config, *size, "--csv", f"{tmp}/peer.csv"]
ps_wall, peer_wall, peer_own = [], [], []
print(f"plansim: {plansim} --threads {threads}; peer: {py} {peer}")
print(f"{'run':>3}  {'plansim s':>9}  {'peer s':>8}  {'peer own s':>10}")
for i in range(repeats):
    w, _ = timed(ps_cmd)
    ps_wall.append(w)
    w, p = timed(peer_cmd)
    peer_wall.append(w)
    m = re.search(r"# (numpy \S+): .* in ([0-9.]+) s = ", p.stderr)
    if not m:
        sys.exit(f"peer.sh: the peer's timing line is missing from its stderr:\n{p.stderr}")
    numpy_version = m.group(1)
    peer_own.append(float(m.group(2)))
    print(f"{i + 1:>3}  {ps_wall[-1]:>9.3f}  {peer_wall[-1]:>8.3f}  {peer_own[-1]:>10.3f}")

with open(f"{tmp}/plansim/summary.csv", newline="") as fh:
    ours = {r["plan"]: r for r in csv.DictReader(fh) if r["plan"] != "portfolio"}
with open(f"{tmp}/peer.csv", newline="") as fh:
    theirs = {r["plan"]: r for r in csv.DictReader(fh)}
first = next(iter(ours.values()))
months, n_users = int(first["months"]), float(first["users"])
upm = trials * users * months * len(ours)
med = statistics.median
ps, pw, po = med(ps_wall), med(peer_wall), med(peer_own)
print(f"size: {trials} trials x {users} users x {months} months x {len(ours)} plans = "
      f"{upm / 1e6:.1f} M user-plan-months; {numpy_version}")
print(f"medians of {repeats}: plansim {ps:.3f} s = {upm / ps / 1e6:.1f} M user-plan-months/s; "
      f"peer {pw:.3f} s whole process, {po:.3f} s by its own timing = {upm / po / 1e6:.1f} M/s")
ratio, ratio_wall = po / ps, pw / ps
print(f"ratio, plansim whole process vs the peer's own timing: {ratio:.2f}x "
      "(target >= 15x, goal 20x)")
print(f"ratio, both whole processes: {ratio_wall:.2f}x")

print(f"expected profit per user, plansim vs peer (bound {ses:g} combined standard errors):")
print(f"{'plan':<18} {'plansim':>10} {'peer':>10} {'diff':>9} {'se':>8} {'z':>6}")
bad = []
if set(ours) != set(theirs):
    bad.append(f"plans differ: {sorted(ours)} against {sorted(theirs)}")
for name in ours:
    if name not in theirs:
        continue
    a, sa = float(ours[name]["profit_mean"]) / n_users, float(ours[name]["profit_se"]) / n_users
    b, sb = float(theirs[name]["profit_mean"]) / users, float(theirs[name]["profit_se"]) / users
    se = math.hypot(sa, sb)
    z = (a - b) / se if se > 0 else (0.0 if a == b else math.inf)
    flag = "" if abs(z) <= ses else "  DISAGREE"
    print(f"{name:<18} {a:>10.4f} {b:>10.4f} {a - b:>9.4f} {se:>8.4f} {z:>6.2f}{flag}")
    if flag:
        bad.append(f"{name}: {a:.4f} against {b:.4f}, {z:.2f} standard errors apart")

os.makedirs(os.path.dirname(results) or ".", exist_ok=True)
with open(results, "w") as fh:
    fh.write(f"trials={trials}\nusers={users}\nrepeats={repeats}\nthreads={threads}\n"
             f"upm={upm}\nplansim_s={ps:.6f}\npeer_wall_s={pw:.6f}\npeer_own_s={po:.6f}\n"
             f"ratio={ratio:.4f}\nratio_wall={ratio_wall:.4f}\nagree={'no' if bad else 'yes'}\n"
             f"numpy={numpy_version}\n")
subprocess.run(["rm", "-rf", tmp])
if bad:
    print("peer.sh: FAILED: expected profits disagree:\n  " + "\n  ".join(bad), file=sys.stderr)
    sys.exit(1)
print(f"expected profits agree within {ses:g} standard errors; wrote {results}")
PY
