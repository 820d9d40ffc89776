"""What the Kubernetes schema cannot say about deploy/k8s/*.yaml, checked with PyYAML.

Usage: k8s_check.py DIR SCRIPTS_DIR VERSION... DIR holds storage.yaml, shards.yaml and
merge.yaml; SCRIPTS_DIR holds shards.sh and merge.sh, the container scripts as tests/deploy/lib.sh's
k8s_script extracted them (the ones tests/deploy/recipe-steps.sh runs). Validates every resource
strictly (no unknown field) against the Kubernetes schema of each VERSION with
kubernetes-validate's Python API (a kind or apiVersion it has no schema for is an error here,
where its command line only warns). Then checks what the schema cannot say: the shard Job is
Indexed with SHARDS equal to completions, the merge's SHARDS agrees, every pod mounts the claim
storage.yaml defines and all use one image, and the extracted scripts are exactly what the
containers run. Prints each problem and exits 1 if there is any.
"""

import sys
from pathlib import Path

import kubernetes_validate
import yaml
from kubernetes_validate.utils import SchemaNotFoundError


def docs(path):
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def env(container):
    return {e["name"]: e.get("value") for e in container.get("env", [])}


def main():
    folder, scripts, versions = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
    problems = []
    for path in sorted(folder.glob("*.yaml")):
        for doc in docs(path):
            for version in versions:
                try:
                    kubernetes_validate.validate(doc, version, strict=True)
                except kubernetes_validate.ValidationError as e:
                    where = ".".join(str(p) for p in e.path)
                    problems.append(f"{path.name}: Kubernetes {version}: {where}: {e.message}")
                except SchemaNotFoundError as e:
                    problems.append(f"{path.name}: {e.message}")
    if problems:
        for p in problems:
            print(f"k8s_check.py: {p}", file=sys.stderr)
        return 1
    storage = docs(folder / "storage.yaml")
    claims = [d["metadata"]["name"] for d in storage if d["kind"] == "PersistentVolumeClaim"]
    (shards,) = docs(folder / "shards.yaml")
    (merge,) = docs(folder / "merge.yaml")
    pods = [d["spec"] for d in storage if d["kind"] == "Pod"]
    pods += [shards["spec"]["template"]["spec"], merge["spec"]["template"]["spec"]]

    spec = shards["spec"]
    shard_env = env(spec["template"]["spec"]["containers"][0])
    merge_env = env(merge["spec"]["template"]["spec"]["containers"][0])
    if spec.get("completionMode") != "Indexed":
        problems.append("shards.yaml: completionMode is not Indexed")
    if str(spec.get("completions")) != shard_env.get("SHARDS"):
        problems.append(
            f"shards.yaml: SHARDS={shard_env.get('SHARDS')} but completions={spec.get('completions')}"
        )
    if merge_env.get("SHARDS") != shard_env.get("SHARDS"):
        problems.append(
            f"merge.yaml: SHARDS={merge_env.get('SHARDS')} but shards.yaml has {shard_env.get('SHARDS')}"
        )
    if not 1 <= spec.get("parallelism", 1) <= spec.get("completions", 0):
        problems.append("shards.yaml: parallelism is not between 1 and completions")

    images = set()
    for pod in pods:
        for volume in pod.get("volumes", []):
            claim = volume.get("persistentVolumeClaim", {}).get("claimName")
            if claim not in claims:
                problems.append(f"a pod mounts claim {claim}, which storage.yaml does not define")
        images.update(c["image"] for c in pod["containers"])
    if len(images) != 1:
        problems.append(f"the pods use {len(images)} images, not one: {sorted(images)}")

    for name, job in (("shards", shards), ("merge", merge)):
        container = job["spec"]["template"]["spec"]["containers"][0]
        if container.get("command") != ["/bin/sh", "-c"] or len(container.get("args", [])) != 1:
            problems.append(f"{name}.yaml: the container is not `/bin/sh -c SCRIPT`")
            continue
        # $(...) in the shell drops trailing newlines; so does the comparison.
        got = (scripts / f"{name}.sh").read_text().rstrip("\n")
        if got != container["args"][0].rstrip("\n"):
            problems.append(f"{name}.yaml: the script tests/deploy/lib.sh extracts is not the one run")

    for p in problems:
        print(f"k8s_check.py: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
