#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn benchmark results into a Markdown table, the target ratios of the
README, and a PNG plot of throughput at 1 CPU and at all CPUs.

    bench_report.py RUN [--png plot.png] [--save-json RUN.json]

RUN is either `mempoolctl bench --json` output, which may be preceded by
other console lines (the first line that starts with '[' begins it), or
the lines read from /sys/kernel/debug/mempool_bench/run
(allocator=NAME workload=NAME cpus=N ops=N ... max_ns=N), which it
converts to the same JSON (--save-json writes it, in mempoolctl's layout).
"""
import argparse
import json
import sys

# The JSON's keys, in mempoolctl's order.
KEYS = ("allocator", "workload", "cpus", "ops", "ns_per_op", "mops",
        "p50_ns", "p99_ns", "max_ns", "elapsed_ns")


def from_debugfs(line):
    """One result line of the run file as a JSON row."""
    f = dict(kv.split("=", 1) for kv in line.split())
    ps, kops = int(f["ps_per_op"]), int(f["kops_per_sec"])
    return {"allocator": f["allocator"], "workload": f["workload"],
            "cpus": int(f["cpus"]), "ops": int(f["ops"]),
            # mempoolctl's rounding: truncated to thousandths
            "ns_per_op": float(f"{ps // 1000}.{ps % 1000:03d}"),
            "mops": float(f"{kops // 1000}.{kops % 1000:03d}"),
            "p50_ns": int(f["p50_ns"]), "p99_ns": int(f["p99_ns"]),
            "max_ns": int(f["max_ns"]), "elapsed_ns": int(f["elapsed_ns"])}


def load(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    rows = [from_debugfs(line) for line in lines if line.startswith("allocator=")]
    if rows:
        return rows
    for i, line in enumerate(lines):
        if line.lstrip().startswith("["):
            text = "\n".join(lines[i:])
            return json.JSONDecoder().raw_decode(text.lstrip())[0]
    sys.exit(f"{path}: no results found")


def save_json(rows, path):
    """One object a line, keys in mempoolctl's order, as it prints them."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("[\n")
        for i, r in enumerate(rows):
            obj = ", ".join(f'"{k}": ' + (f"{r[k]:.3f}" if k in ("ns_per_op", "mops")
                                         else json.dumps(r[k])) for k in KEYS)
            f.write("{" + obj + "}" + ("," if i < len(rows) - 1 else "") + "\n")
        f.write("]\n")


def table(rows):
    out = ["| allocator | workload | cpus | ns/op | Mops/s | p50 ns | p99 ns | max ns |",
           "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in sorted(rows, key=lambda r: (r["workload"], r["cpus"], r["ns_per_op"])):
        out.append(f"| {r['allocator']} | {r['workload']} | {r['cpus']} | "
                   f"{r['ns_per_op']:.1f} | {r['mops']:.2f} | {r['p50_ns']} | "
                   f"{r['p99_ns']} | {r['max_ns']} |")
    return "\n".join(out)


def find(rows, allocator, workload, cpus):
    for r in rows:
        if (r["allocator"], r["workload"], r["cpus"]) == (allocator, workload, cpus):
            return r
    return None


def ratios(rows):
    """The issue's targets, as ratios from this one run."""
    allcpus = max(r["cpus"] for r in rows)
    lines = []

    def ratio(what, a, b, key="ns_per_op"):
        if a and b and b[key]:
            lines.append(f"- {what}: {a[key] / b[key]:.2f}")

    pair = {n: find(rows, n, "pair", 1) for n in
            ("mempool", "mempool-nocache", "naive", "kmem_cache")}
    ratio("1 CPU pair, mempool / kmem_cache (target <= 0.5)",
          pair["mempool"], pair["kmem_cache"])
    ratio("1 CPU pair, mempool / naive (target <= 0.8)",
          pair["mempool"], pair["naive"])
    ratio("1 CPU pair, mempool-nocache / naive", pair["mempool-nocache"], pair["naive"])
    if allcpus > 1:
        for name in ("mempool", "naive", "kmem_cache"):
            one, many = find(rows, name, "pair", 1), find(rows, name, "pair", allcpus)
            ratio(f"{name}: pair throughput at {allcpus} CPUs / at 1 CPU "
                  + ("(target >= 1.7)" if name == "mempool" else ""),
                  many, one, key="mops")
        mp, kc = find(rows, "mempool", "pair", allcpus), find(rows, "kmem_cache", "pair", allcpus)
        ratio(f"p99 at {allcpus} CPUs, mempool / kmem_cache (target <= 1)", mp, kc, key="p99_ns")
        mp, kc = find(rows, "mempool", "cross", allcpus), find(rows, "kmem_cache", "cross", allcpus)
        ratio("cross ns/op, mempool / kmem_cache (target <= 1)", mp, kc)
    return "\n".join(lines)


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    workloads = [w for w in ("pair", "burst", "cross") if any(r["workload"] == w for r in rows)]
    allocators = sorted({r["allocator"] for r in rows})
    fig, axes = plt.subplots(1, len(workloads), figsize=(5 * len(workloads), 4), squeeze=False)
    for ax, w in zip(axes[0], workloads):
        for a in allocators:
            pts = sorted((r["cpus"], r["mops"]) for r in rows
                         if r["allocator"] == a and r["workload"] == w)
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=a)
        ax.set_title(f"{w}")
        ax.set_xlabel("CPUs")
        ax.set_ylabel("Mops/s (alloc+free pairs)")
        ax.set_xticks(sorted({r["cpus"] for r in rows}))
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize="small")
    fig.suptitle("mempool benchmark (QEMU TCG, not hardware)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", help="mempoolctl's JSON or the run file's lines")
    ap.add_argument("--png")
    ap.add_argument("--save-json", help="write the results as JSON here")
    args = ap.parse_args()
    rows = load(args.run)
    if args.save_json:
        save_json(rows, args.save_json)
    print(table(rows))
    print()
    print(ratios(rows))
    if args.png:
        plot(rows, args.png)
        print(f"\nplot: {args.png}")


if __name__ == "__main__":
    main()
