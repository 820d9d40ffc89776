#!/usr/bin/env python3
"""Builds a sweep's output folder by hand from plain runs, for the report's browser check
while `plansim run` has no --sweep: OUT/points/NNN/ holds each run's files, OUT/sweep.csv the
decision table (point, the swept path, then every summary.csv column, with made-up
profit_pXX_lo/_hi columns when the runs lack them), and each point gets a sensitivity.csv
of Spearman rank correlations computed from its trials.csv. The folder gets a manifest, as
plansim writes one.

usage: fake_sweep.py OUT PATH VALUE:RUN_DIR [VALUE:RUN_DIR ...]
"""
import csv, io, math, os, shutil, sys


def ranks(xs):
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2.0
        i = j + 1
    return r


def pearson(a, b):
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    sa = math.sqrt(sum((x - ma) ** 2 for x in a))
    sb = math.sqrt(sum((x - mb) ** 2 for x in b))
    if sa == 0 or sb == 0:
        return 0.0
    return sum((x - ma) * (y - mb) for x, y in zip(a, b)) / (sa * sb)


def sensitivity(trials_path):
    rows = list(csv.DictReader(open(trials_path)))
    if not rows:
        return "plan,input,spearman,variance_share\n"
    header = list(rows[0].keys())
    inputs = header[header.index("trueup_open") + 1:] if "trueup_open" in header else []
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["plan", "input", "spearman", "variance_share"])
    plans = []
    for r in rows:
        if r["plan"] not in plans:
            plans.append(r["plan"])
    for p in plans:
        mine = [r for r in rows if r["plan"] == p]
        profit = ranks([float(r["profit"]) for r in mine])
        rho = [(i, pearson(ranks([float(r[i]) for r in mine]), profit)) for i in inputs]
        total = sum(x * x for _, x in rho) or 1.0
        for i, x in sorted(rho, key=lambda t: -abs(t[1])):
            w.writerow([p, i, x, x * x / total])
    return out.getvalue()


def main():
    out, path, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "points"))
    manifest = ["plansim output set 1", "file sweep.csv", "folder points"]
    table = io.StringIO()
    w = csv.writer(table, lineterminator="\n")
    for k, pair in enumerate(pairs, start=1):
        value, run = pair.split(":", 1)
        rel = "points/%03d" % k
        shutil.copytree(run, os.path.join(out, rel))
        for leftover in (".plansim.manifest", "report.html"):
            if os.path.exists(os.path.join(out, rel, leftover)):
                os.remove(os.path.join(out, rel, leftover))
        with open(os.path.join(out, rel, "sensitivity.csv"), "w") as f:
            f.write(sensitivity(os.path.join(out, rel, "trials.csv")))
        manifest.append("folder " + rel)
        for name in sorted(os.listdir(os.path.join(out, rel))):
            manifest.append("file %s/%s" % (rel, name))
        summary = list(csv.reader(open(os.path.join(run, "summary.csv"))))
        head, body = summary[0], summary[1:]
        extra = [] if any(h.endswith("_lo") for h in head) else [
            c for c in head if c.startswith("profit_p") and c[8:].isdigit()]
        if k == 1:
            w.writerow(["point", path] + head + [c + s for c in extra for s in ("_lo", "_hi")])
        for row in body:
            cells = dict(zip(head, row))
            ci = []
            for c in extra:
                v, sd = float(cells[c]), float(cells["profit_sd"] or 0)
                ci += [v - 0.25 * sd, v + 0.25 * sd]
            w.writerow([k, value] + row + ci)
    with open(os.path.join(out, "sweep.csv"), "w") as f:
        f.write(table.getvalue())
    with open(os.path.join(out, ".plansim.manifest"), "w") as f:
        f.write("\n".join(manifest) + "\n")


if __name__ == "__main__":
    main()
