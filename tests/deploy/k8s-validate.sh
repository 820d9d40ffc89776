#!/usr/bin/env bash
# Validates deploy/k8s/*.yaml offline against the Kubernetes API schema, strictly (an unknown
# field is an error), for every Kubernetes version from 1.25 to 1.37, with PyPI's
# kubernetes-validate 1.37.0 (pinned with what it needs in tests/deploy/k8s-requirements.txt,
# installed into a venv under target/deploy/ on first use: that needs PyPI), through its Python
# API in tests/deploy/k8s_check.py, which then checks what the schema cannot say: SHARDS equals
# completions in both Jobs, one claim, one image, and the container scripts
# tests/deploy/recipe-steps.sh runs are the manifests' own. The checks are first shown broken
# manifests, which they must reject. The schema has no enums: a bad restartPolicy passes.
# `kubectl apply --dry-run=server` would need a cluster; `--dry-run=client` checks no schema.
#
# In .ci/run. Takes a few seconds once the venv exists (about 15 s to make it).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/deploy/lib.sh
versions=(1.25 1.26 1.27 1.28 1.29 1.30 1.31 1.32 1.33 1.34 1.35 1.36 1.37)

venv=target/deploy/kubernetes-validate
if ! cmp -s tests/deploy/k8s-requirements.txt "$venv/requirements.txt"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/deploy/k8s-requirements.txt
  cp tests/deploy/k8s-requirements.txt "$venv/requirements.txt"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Schema and local checks of the manifests in DIR, for each VERSION.
check() { # DIR VERSION...
  local scripts=$work/scripts
  rm -rf "$scripts"
  mkdir -p "$scripts"
  k8s_script "$1/shards.yaml" >"$scripts/shards.sh"
  k8s_script "$1/merge.yaml" >"$scripts/merge.sh"
  "$venv/bin/python" tests/deploy/k8s_check.py "$1" "$scripts" "${@:2}"
}

# Each broken copy must be rejected (by the newest schema): SED is applied to FILE in a copy of
# deploy/k8s. VERBOSE=1 shows why each was.
must_reject() { # WHAT FILE SED
  rm -rf "$work/bad"
  cp -r deploy/k8s "$work/bad"
  sed -i "$3" "$work/bad/$2"
  if cmp -s "deploy/k8s/$2" "$work/bad/$2"; then
    echo "k8s-validate.sh: the edit for '$1' changed nothing in $2" >&2
    exit 1
  fi
  if check "$work/bad" "${versions[-1]}" 2>"$work/why"; then
    echo "k8s-validate.sh: a manifest with $1 passed" >&2
    exit 1
  fi
  [ -z "${VERBOSE:-}" ] || sed "s/^/($1) /" "$work/why" >&2
}
must_reject "a string for a number" shards.yaml 's/^  completions: .*/  completions: four/'
must_reject "an unknown field" shards.yaml 's/^  completionMode: Indexed/  completionMod: Indexed/'
must_reject "a misplaced field" merge.yaml 's/^      restartPolicy: Never/      restartPolicy: Never\n      completions: 2/'
must_reject "a misspelt kind" storage.yaml 's/^kind: Pod$/kind: Pods/'
must_reject "an apiVersion Kubernetes lacks" merge.yaml 's|^apiVersion: batch/v1|apiVersion: batch/v2|'
must_reject "SHARDS unequal to completions" shards.yaml '/name: SHARDS/{n;s/"[0-9]*"/"5"/}'
must_reject "the merge's SHARDS unequal" merge.yaml '/name: SHARDS/{n;s/"[0-9]*"/"5"/}'
must_reject "another claim" merge.yaml 's/claimName: plansim-work/claimName: other/'
must_reject "a folded script" shards.yaml 's/^            - |$/            - >/'

check deploy/k8s "${versions[@]}"
echo "k8s-validate.sh: deploy/k8s/*.yaml valid for Kubernetes ${versions[0]} to ${versions[-1]}" \
  "(kubernetes-validate $("$venv/bin/kubernetes-validate" --version 2>&1 | tr -d '\n'), strict)"
