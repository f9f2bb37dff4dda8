#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn benchmark results into a Markdown table, the issue's target ratios,
the flag cost table and a PNG plot of throughput at 1 CPU and at all CPUs.

    bench_report.py RUN [--kernel K] [--png plot.png] [--save-json RUN.json]
    bench_report.py RUN1 RUN2 ... [--kernel K]     the spread over runs

RUN is either `mempoolctl bench --json` output, which may be preceded by
other console lines (the first line that starts with '[' begins it), or
the lines read from /sys/kernel/debug/mempool_bench/run
(allocator=NAME workload=NAME cpus=N ops=N ... block_size=N), which it
converts to the same JSON (--save-json writes it, in mempoolctl's layout).
Figures net of the harness are ns/op less the null allocator's of the same
workload, CPU count and block size; x_ideal is that over the ideal
allocator's.  ns/op is the fastest round's; ns_per_op_median and
ns_per_op_max give the spread over the rounds (whose order rotates);
scaling is the throughput on all CPUs over that on 1 CPU, and
scaling_x_ideal that over the ideal allocator's scaling in the same
request: what the host's CPUs allowed is taken out.  With several runs it prints each run's target ratios (and
the load recorded beside it in RUN.meta, from tools/testing/vm/bench.sh) and
their spread, min-max.  --kernel (stock-6.1, stock-6.12, ...) picks the
kmem_cache target.
"""
import argparse
import json
import os
import sys

# The JSON's keys, in mempoolctl's order.
KEYS = ("allocator", "workload", "cpus", "ops", "ns_per_op", "mops",
        "p50_ns", "p99_ns", "max_ns", "elapsed_ns", "block_size",
        "net_ns_per_op", "x_ideal", "rounds", "ns_per_op_min",
        "ns_per_op_median", "ns_per_op_max", "scaling", "scaling_x_ideal",
        "request")
# Those written as numbers with three decimals, or null.
FLOATS = ("ns_per_op", "mops", "net_ns_per_op", "x_ideal", "ns_per_op_min",
          "ns_per_op_median", "ns_per_op_max", "scaling", "scaling_x_ideal",
          "request")
# The flag table's columns: the default pool with one flag more, and the
# locked pool.
FLAGS = (("mempool-poison", "--poison"), ("mempool-zero", "--zero"),
         ("mempool-track", "--track"), ("mempool-quarantine", "quarantine=64"),
         ("mempool-nocache", "locked"))


def ns(ps):
    """Picoseconds as ns, mempoolctl's rounding: truncated to thousandths."""
    return float(f"{ps // 1000}.{ps % 1000:03d}")


def from_debugfs(line):
    """One result line of the run file as a JSON row."""
    f = dict(kv.split("=", 1) for kv in line.split())
    ps, kops = int(f["ps_per_op"]), int(f["kops_per_sec"])
    # The spread over rounds: not from a module older than it.
    spread = {k: ns(int(f[p])) if "rounds" in f else None for k, p in
              (("ns_per_op_min", "ps_min"), ("ns_per_op_median", "ps_median"),
               ("ns_per_op_max", "ps_max"))}
    return {**spread, "rounds": int(f.get("rounds", 0)),
            "allocator": f["allocator"], "workload": f["workload"],
            "cpus": int(f["cpus"]), "ops": int(f["ops"]),
            # mempoolctl's rounding: truncated to thousandths
            "ns_per_op": float(f"{ps // 1000}.{ps % 1000:03d}"),
            "mops": float(f"{kops // 1000}.{kops % 1000:03d}"),
            "p50_ns": int(f["p50_ns"]), "p99_ns": int(f["p99_ns"]),
            "max_ns": int(f["max_ns"]), "elapsed_ns": int(f["elapsed_ns"]),
            "block_size": int(f.get("block_size", 0)),
            # tools/testing/vm/bench.sh's: which of its requests gave the line
            "request": int(f.get("request", 0))}


def like(rows, allocator, r):
    """The row of @allocator run as @r was, in the same request, or None."""
    for o in rows:
        if (o["allocator"], o["workload"], o["cpus"], o["block_size"], o["request"]) == \
                (allocator, r["workload"], r["cpus"], r["block_size"], r["request"]):
            return o
    return None


def scaling(rows, r):
    """@r's Mops/s over those of its allocator's 1-CPU run, or None."""
    if r["cpus"] < 2:
        return None
    one = next((o for o in rows if (o["allocator"], o["workload"], o["cpus"],
                                    o["block_size"], o["request"]) ==
                (r["allocator"], r["workload"], 1, r["block_size"], r["request"])),
               None)
    return r["mops"] / one["mops"] if one and one["mops"] > 0 else None


def add_net(rows):
    """net_ns_per_op, x_ideal, scaling and scaling_x_ideal, as mempoolctl
    gives them."""
    for r in rows:
        r.setdefault("block_size", 0)
        r.setdefault("request", 0)
        r.setdefault("rounds", 0)
        for k in ("ns_per_op_min", "ns_per_op_median", "ns_per_op_max"):
            r.setdefault(k, None)
    for r in rows:
        null, ideal = like(rows, "null", r), like(rows, "ideal", r)
        r["net_ns_per_op"] = round(r["ns_per_op"] - null["ns_per_op"], 3) if null else None
        inet = ideal["ns_per_op"] - null["ns_per_op"] if null and ideal else 0
        r["x_ideal"] = round(r["net_ns_per_op"] / inet, 3) if inet > 0 else None
        mine = scaling(rows, r)
        its = scaling(rows, ideal) if ideal else None
        r["scaling"] = round(mine, 3) if mine is not None else None
        r["scaling_x_ideal"] = round(mine / its, 3) if mine is not None and its else None
    return rows


def load(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    rows = [from_debugfs(line) for line in lines if line.startswith("allocator=")]
    if not rows:
        for i, line in enumerate(lines):
            if line.lstrip().startswith("["):
                text = "\n".join(lines[i:])
                rows = json.JSONDecoder().raw_decode(text.lstrip())[0]
                break
    if not rows:
        sys.exit(f"{path}: no results found")
    return add_net(rows)


def num(v):
    return "null" if v is None else f"{v:.3f}"


def save_json(rows, path):
    """One object a line, keys in mempoolctl's order, as it prints them."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("[\n")
        for i, r in enumerate(rows):
            obj = ", ".join(f'"{k}": ' + (num(r[k]) if k in FLOATS
                                         else json.dumps(r[k])) for k in KEYS)
            f.write("{" + obj + "}" + ("," if i < len(rows) - 1 else "") + "\n")
        f.write("]\n")


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def table(rows):
    """ns/op is the fastest round's; median and slowest, the spread."""
    out = ["| allocator | workload | cpus | block | ns/op | median | slowest "
           "| net ns/op | x ideal | Mops/s | scaling | x ideal's scaling "
           "| p50 ns | p99 ns | max ns |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in sorted(rows, key=lambda r: (r["block_size"], r["workload"], r["cpus"],
                                         r["ns_per_op"])):
        out.append(f"| {r['allocator']} | {r['workload']} | {r['cpus']} | "
                   f"{r['block_size']} | {r['ns_per_op']:.1f} | "
                   f"{fmt(r['ns_per_op_median'], '.1f')} | "
                   f"{fmt(r['ns_per_op_max'], '.1f')} | "
                   f"{fmt(r['net_ns_per_op'], '.1f')} | {fmt(r['x_ideal'], '.2f')} | "
                   f"{r['mops']:.2f} | {fmt(r['scaling'], '.2f')} | "
                   f"{fmt(r['scaling_x_ideal'], '.2f')} | "
                   f"{r['p50_ns']} | {r['p99_ns']} | {r['max_ns']} |")
    return "\n".join(out)


def find(rows, allocator, workload, cpus, block=None, request=None):
    for r in rows:
        if (r["allocator"], r["workload"], r["cpus"]) == (allocator, workload, cpus) \
                and (block is None or r["block_size"] in (block, 0)) \
                and (request is None or r["request"] == request):
            return r
    return None


def kmem_target(kernel):
    if kernel and "6.12" in kernel:
        return 0.45
    if kernel and "6.1" in kernel:
        return 0.35
    return None


def targets(rows, kernel=None):
    """The issue's targets from one run: [(what, value, target, sense)],
    sense '<=' or '>='; target None where there is none."""
    out = []
    allcpus = max(r["cpus"] for r in rows)

    def add(what, a, b, key, target=None, sense="<="):
        if a and b and b.get(key):
            out.append((what, a[key] / b[key], target, sense))

    # All from the request of mempool's 1 CPU pair at 64 bytes.
    first = find(rows, "mempool", "pair", 1, 64)
    req = first["request"] if first else None
    mp, ideal, kc, naive = (find(rows, n, "pair", 1, 64, req) for n in
                            ("mempool", "ideal", "kmem_cache", "naive"))
    add("1 CPU pair, mempool / ideal, net of null", mp, ideal, "net_ns_per_op", 1.3)
    add("1 CPU pair, mempool / ideal, ns/op as measured", mp, ideal, "ns_per_op")
    add("1 CPU pair, mempool / kmem_cache, net of null", mp, kc, "net_ns_per_op",
        kmem_target(kernel))
    add("1 CPU pair, mempool / kmem_cache, ns/op as measured", mp, kc, "ns_per_op")
    add("1 CPU pair, mempool / naive, net of null", mp, naive, "net_ns_per_op")
    if allcpus > 1:
        for name in ("mempool", "ideal", "kmem_cache", "naive"):
            add(f"{name}: pair throughput at {allcpus} CPUs / at 1 CPU",
                find(rows, name, "pair", allcpus, 64, req),
                find(rows, name, "pair", 1, 64, req),
                "mops", 1.8 if name == "mempool" else None, ">=")
        for name in ("mempool", "kmem_cache", "naive"):
            r = find(rows, name, "pair", allcpus, 64, req)
            if r and r.get("scaling_x_ideal") is not None:
                out.append((f"{name}: pair scaling over ideal's scaling",
                            r["scaling_x_ideal"], None, ">="))
        add(f"p99 at {allcpus} CPUs, mempool / kmem_cache",
            find(rows, "mempool", "pair", allcpus, 64, req),
            find(rows, "kmem_cache", "pair", allcpus, 64, req), "p99_ns")
        add("cross ns/op, mempool / kmem_cache, net of null",
            find(rows, "mempool", "cross", allcpus, 64, req),
            find(rows, "kmem_cache", "cross", allcpus, 64, req), "net_ns_per_op")
    return out


def verdict(value, target, sense):
    if target is None:
        return ""
    met = value <= target if sense == "<=" else value >= target
    return f" (target {sense} {target}: {'met' if met else 'NOT met'})"


def ratios(rows, kernel=None):
    return "\n".join(f"- {what}: {v:.2f}{verdict(v, t, s)}"
                     for what, v, t, s in targets(rows, kernel))


def flag_ratios(rows):
    """{(block, what): ratio}: each flag's ns/op over the default pool's,
    and zeroing and poisoning over what memset sets as their floor."""
    out = {}
    sizes = sorted({r["block_size"] for r in rows
                    if r["allocator"] == "mempool-zero" and r["cpus"] == 1
                    and r["workload"] == "pair"})
    for bs in sizes:
        req = find(rows, "mempool-zero", "pair", 1, bs)["request"]

        def ns(name):
            r = find(rows, name, "pair", 1, bs, req)
            return r["ns_per_op"] if r else None
        base, null, mset = ns("mempool"), ns("null"), ns("memset")
        if not base:
            continue
        for name, flag in FLAGS:
            if ns(name):
                out[(bs, f"{flag} x default")] = ns(name) / base
        z, p = ns("mempool-zero"), ns("mempool-poison")
        if mset is not None and null is not None:
            mnet = mset - null
            if z:
                out[(bs, "--zero / (default + memset)")] = z / (base + mnet)
            if p:
                out[(bs, "--poison / (default + 2 memset)")] = p / (base + 2 * mnet)
    return out


def flag_table(rows):
    """The cost of each flag, 1 CPU pair, at each block size run."""
    sizes = sorted({r["block_size"] for r in rows
                    if r["allocator"] == "mempool-zero" and r["cpus"] == 1
                    and r["workload"] == "pair"})
    if not sizes:
        return ""
    out = ["| block | default ns | " + " | ".join(f"{f} (x)" for _, f in FLAGS)
           + " | memset GB/s | --zero GB/s | zero / (memset+pair) | --poison GB/s "
           "| poison / (2 memset+pair) |",
           "|---:|---:|" + "---:|" * len(FLAGS) + "---:|---:|---:|---:|---:|"]
    for bs in sizes:
        # All from the request that ran mempool-zero at this size.
        req = find(rows, "mempool-zero", "pair", 1, bs)["request"]

        def ns(name):
            r = find(rows, name, "pair", 1, bs, req)
            return r["ns_per_op"] if r else None
        base, null, mset = ns("mempool"), ns("null"), ns("memset")
        if base is None:
            continue
        cells = []
        for name, _ in FLAGS:
            v = ns(name)
            cells.append("-" if v is None else f"{v:.1f} ({v / base:.2f})")
        # GB/s of what each adds to a pair: bytes / ns is GB/s.
        mnet = mset - null if mset is not None and null is not None else None
        z, p = ns("mempool-zero"), ns("mempool-poison")
        zx = z - base if z is not None else None
        px = p - base if p is not None else None
        gbs = [fmt(bs / v if v and v > 0 else None, ".2f") for v in (mnet, zx, px)]
        # Zeroing is one memset: its pair against the default's plus one;
        # poisoning fills on free and checks on alloc: two passes.
        zt = fmt(z / (base + mnet) if z and mnet is not None else None, ".2f")
        pt = fmt(p / (base + 2 * mnet) if p and mnet is not None else None, ".2f")
        out.append(f"| {bs} | {base:.1f} | " + " | ".join(cells) +
                   f" | {gbs[0]} | {gbs[1]} | {zt} | {gbs[2]} | {pt} |")
    return "\n".join(out)


def meta(path):
    """What tools/testing/vm/bench.sh recorded beside a run: the load, qemu count."""
    base = path[:-5] if path.endswith(".json") else path
    try:
        with open(base + ".meta", encoding="utf-8") as f:
            return "; ".join(f.read().split("\n")).strip("; ")
    except OSError:
        return ""


def spread(paths, kernel):
    """Each run's target ratios, then their min-max over the runs."""
    per = {}
    lines = []
    for i, path in enumerate(paths, 1):
        rows = load(path)
        m = meta(path)
        lines.append(f"run {i}: {path}" + (f" ({m})" if m else ""))
        for what, v, t, s in targets(rows, kernel):
            per.setdefault(what, []).append((v, t, s))
            lines.append(f"  - {what}: {v:.2f}{verdict(v, t, s)}")
        for key, v in flag_ratios(rows).items():
            per.setdefault(f"{key[0]} B blocks, {key[1]}", []).append((v, None, ""))
    lines.append("")
    lines.append(f"over {len(paths)} runs (min-max; target met in how many):")
    for what, vals in per.items():
        vs = [v for v, _, _ in vals]
        t, s = vals[0][1], vals[0][2]
        met = "" if t is None else \
            f"; target {s} {t} met in {sum(1 for v in vs if (v <= t if s == '<=' else v >= t))}" \
            f" of {len(vs)}"
        lines.append(f"- {what}: {min(vs):.2f}-{max(vs):.2f}{met}")
    return "\n".join(lines)


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in rows if r["block_size"] in (64, 0)]
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
    ap.add_argument("run", nargs="+", help="mempoolctl's JSON or the run file's lines")
    ap.add_argument("--kernel", help="stock-6.1, stock-6.12...: the kmem_cache target")
    ap.add_argument("--png")
    ap.add_argument("--save-json", help="write the results as JSON here")
    args = ap.parse_args()
    if len(args.run) > 1:
        print(spread(args.run, args.kernel))
        return
    rows = load(args.run[0])
    if args.save_json:
        save_json(rows, args.save_json)
    print(table(rows))
    print()
    print(ratios(rows, args.kernel))
    flags = flag_table(rows)
    if flags:
        print()
        print("Flag cost, 1 CPU pair (ns/op, x the default pool):")
        print()
        print(flags)
    if args.png:
        plot(rows, args.png)
        print(f"\nplot: {args.png}")


if __name__ == "__main__":
    main()
