#!/usr/bin/env bash
# report.html as a user sees it: small runs of shipped scenarios (each mode, menu mode and the
# shipped sweep, configs/pricing-sweep.toml), their report.html rendered by headless Chromium,
# and fit_report.html of `plansim fit --report` on a made-up export. Fails when the page makes (or
# tries) any request, when Chromium logs any console message (a script error, a blocked
# load), when the DOM lacks a chart the file has, or when the screenshot is blank. The
# checker is first shown a broken page and a blank one, which it must flag.
#
# Outside the README's test command: .ci/run runs it after the tests (it needs chromium,
# which .ci/run installs when missing). Run it alone with `bash tests/browser/report.sh`;
# KEEP=DIR keeps the pages and screenshots in DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v chromium >/dev/null || { echo "report.sh: chromium is not installed" >&2; exit 1; }
cargo build --profile ci --locked --quiet
bin=target/ci/plansim
work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT

# Chromium, headless and offline (no name resolves), logging the page's console to stderr.
browse() { # PAGE LOG [ARGS...]
  local page=$1 log=$2
  shift 2
  timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --host-resolver-rules='MAP * ~NOTFOUND' --user-data-dir="$(mktemp -d -p "$work")" \
    --hide-scrollbars --enable-logging=stderr --v=0 "$@" "file://$(realpath "$page")" 2>"$log"
}

# The checks of one page; prints what failed, returns non-zero if anything did.
check() { # NAME PAGE
  local name=$1 page=$2 bad=0
  if grep -Eiqo 'https?:|src=|url\(|@import|<script|<link|<img|<iframe' "$page"; then
    echo "$name: the page refers to something outside it:" \
      "$(grep -Eio '.{20}(https?:|src=|url\(|@import|<script|<link|<img|<iframe).{20}' "$page" | head -3)"
    bad=1
  fi
  browse "$page" "$work/$name.dom.log" --dump-dom >"$work/$name.dom.html"
  browse "$page" "$work/$name.log" --window-size=1000,2400 --screenshot="$work/$name.png" >/dev/null
  if grep -hE ':CONSOLE|Uncaught|Refused to|net::ERR' "$work/$name.log" "$work/$name.dom.log"; then
    echo "$name: the browser logged the messages above"
    bad=1
  fi
  local want got
  want=$(grep -o '<svg ' "$page" | wc -l)
  got=$(grep -o '<svg ' "$work/$name.dom.html" | wc -l)
  if [ "$want" -eq 0 ] || [ "$got" -ne "$want" ]; then
    echo "$name: $want charts in the file, $got in the browser's DOM"
    bad=1
  fi
  python3 tests/browser/png_check.py "$work/$name.png" || bad=1
  return $bad
}

# The checker must be able to fail, each check for its own reason.
chart='<svg width="600" height="300"><rect width="600" height="300" fill="#369"/></svg>'
printf '<!DOCTYPE html><title>t</title>%s\n' \
  "${chart/<svg /<svg onload=\"undefined_fn()\" }" >"$work/broken.html"
printf '<!DOCTYPE html><title>t</title><svg width="9" height="9"></svg>\n' >"$work/blank.html"
printf '<!DOCTYPE html><title>t</title><p style="background:url(http://x.invalid/a)">%s\n' \
  "$chart" >"$work/remote.html"
for probe in broken:'the browser logged' blank:'blank' remote:'refers to something outside'; do
  name=${probe%%:*}
  check "probe-$name" "$work/$name.html" >"$work/probe-$name.out" 2>&1 || true
  if ! grep -q "${probe#*:}" "$work/probe-$name.out"; then
    cat "$work/probe-$name.out"
    echo "report.sh: the checks did not flag a $name page" >&2
    exit 1
  fi
done

opts=(--trials 200 --users 2000 --quiet)
"$bin" run configs/coding-agent.toml "${opts[@]}" --out "$work/each" --report >/dev/null
"$bin" run configs/menu.toml "${opts[@]}" --out "$work/menu" >/dev/null
"$bin" report "$work/menu" >/dev/null
# The shipped sweep: menu mode, a grid of two swept paths (max-20x's price x its cap).
"$bin" run configs/pricing-sweep.toml "${opts[@]}" --out "$work/sweep" --report >/dev/null

# fit_report.html of `plansim fit --report` on a small made-up export (300 users, 62 days,
# lognormal output tokens per user); a failure of the command fails the script.
awk 'BEGIN { srand(13); print "user,day,output_tokens,input_tokens";
  for (u = 1; u <= 300; u++) {
    z = sqrt(-2 * log(1 - rand())) * cos(6.283185307179586 * rand());
    m = exp(9 + 1.5 * z);
    for (d = 1; d <= 62; d++) printf "u%d,%d,%d,%d\n", u, d, int(m * (0.5 + rand())), int(4 * m) }
}' >"$work/usage.csv"
pages=(each menu sweep fit)
declare -A page=([each]=$work/each/report.html [menu]=$work/menu/report.html
  [sweep]=$work/sweep/report.html [fit]=$work/fit/fit_report.html)
if ! "$bin" fit "$work/usage.csv" --dir "$work/fit" --bootstrap 20 --report >/dev/null 2>"$work/fit.err"; then
  cat "$work/fit.err" >&2
  echo "report.sh: plansim fit --report failed (files in $work)" >&2
  [ -n "${KEEP:-}" ] || trap - EXIT
  exit 1
fi

failed=0
for name in "${pages[@]}"; do
  check "$name" "${page[$name]}" || failed=1
done
# The grid of two paths: the price on the x axis, one line per cap in every sweep chart (five
# rows, two metrics: ten charts, each with a key naming the three caps).
for line in plan.max-20x.price plan.max-20x.cap=1000 plan.max-20x.cap=2000 plan.max-20x.cap=4000; do
  got=$(grep -cx "$line" "$work/sweep.dom.html" || true)
  if [ "$got" -ne 10 ]; then
    echo "sweep: \`$line\` (the x axis, or a cap's line) is in $got charts of the DOM, not 10"
    failed=1
  fi
done
if [ "$failed" -ne 0 ]; then
  echo "report.sh: report.html failed in the browser (files in $work)" >&2
  [ -n "${KEEP:-}" ] || trap - EXIT
  exit 1
fi
echo "report.sh: ${#pages[@]} reports rendered in chromium (${pages[*]}): no request, no console message, charts drawn"
