# shellcheck shell=bash
# Shared by the tests of deploy/ (sourced, not run): the plansim binary, the script a Kubernetes
# manifest's container runs, and the comparison of a merged folder with a single run's.

# The plansim binary to test, as an absolute path: $PLANSIM, or target/ci/plansim of this
# checkout (built with `cargo build --profile ci --locked` when missing). Run from the repo root.
plansim_bin() {
  local bin=${PLANSIM:-target/ci/plansim}
  if [ -z "${PLANSIM:-}" ] && [ ! -x "$bin" ]; then
    cargo build --profile ci --locked --quiet >&2
  fi
  [ -x "$bin" ] || {
    echo "no plansim binary at $bin" >&2
    return 1
  }
  realpath "$bin"
}

# Prints the script of the first `args: - |` block of FILE: what the container runs with
# `command: ["/bin/sh", "-c"]`, its indentation removed. tests/deploy/k8s-validate.sh checks that
# it equals what a YAML parser reads there.
k8s_script() { # FILE
  awk '
    on && /^[[:space:]]*$/ { print ""; next }
    on {
      match($0, /^ */)
      if (ci == 0) ci = RLENGTH
      if (RLENGTH < ci) exit
      print substr($0, ci + 1)
      next
    }
    prev ~ /^ *args:$/ && /^ *- \|$/ { on = 1 }
    { prev = $0 }
  ' "$1"
}

# Every file under DIR but run.json, relative and sorted (hidden ones and subfolders included).
listing() { # DIR
  (cd "$1" && find . -type f ! -name run.json | sed 's|^\./||' | LC_ALL=C sort)
}

# Succeeds when folders GOT and WANT hold the same files, run.json aside, each byte for byte;
# else prints what differs and fails. WANT must hold a CSV file (so two empty folders fail).
same_outputs() { # GOT WANT
  local got=$1 want=$2 bad=0 f
  # Not grep -q: exiting at the first match could kill listing with SIGPIPE (and pipefail).
  if ! listing "$want" | grep '\.csv$' >/dev/null; then
    echo "$want holds no CSV file" >&2
    return 1
  fi
  if ! diff <(listing "$got") <(listing "$want") >&2; then
    echo "the files of $got (<) and $want (>) differ, as above" >&2
    bad=1
  fi
  while read -r f; do
    [ -f "$got/$f" ] || continue
    cmp "$got/$f" "$want/$f" >&2 || bad=1
  done < <(listing "$want")
  return $bad
}
