#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The benchmark through mempoolctl bench: a short run gives one sane result
# for every (allocator, workload, cpus) this kernel should have, the kernel
# refuses bad arguments with worded errors, and the benchmark's pool
# (mempool-bench) is gone afterwards.  Never asserts a timing or a ratio:
# only counts, shapes and orderings that hold on any machine.
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/mempool
T=/tmp/test_40_bench.$$
OPS=2000
mkdir -p "$T"

check bench-insmod load_module || exit 0

# ---- what this kernel should have -------------------------------------------
# gen_pool needs CONFIG_GENERIC_ALLOCATOR: Debian's kernels have it, the
# debug kernel may not (then it has no gen_pool_create either); objpool
# arrived in 6.7.
allocs="mempool mempool-nocache naive kmem_cache kmalloc mempool_t"
if [ "$MPTEST_KERNEL" != debug ] || grep -q ' gen_pool_create$' /proc/kallsyms; then
	allocs="$allocs gen_pool"
fi
[ "$MPTEST_KERNEL" = stock-6.1 ] || allocs="$allocs objpool"
ncpus=$(grep -c '^processor' /proc/cpuinfo)
cpus=1
[ "$ncpus" -le 1 ] || cpus="1 $ncpus"
# The VM has 2 vCPUs; a kernel that brings up only one runs no cross.
[ "$ncpus" -ge 2 ] || skip bench-cross "only $ncpus CPU online: no cross workload, no 2-CPU runs"
# On a jiffies clocksource (TCG can mark the TSC unstable and a small
# kernel may have no HPET) a short run can fit in one tick: its times are
# then 0, legitimately.  Only a fine clock must show ns_per_op > 0.
cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)
fine=1
case $cs in *jiffies*) fine=0 ;; esac
for c in $cpus; do
	for a in $allocs; do
		for w in pair burst cross; do
			[ "$w" != cross ] || [ "$c" -ge 2 ] || continue
			echo "$a $w $c"
		done
	done
done | sort >"$T/want"

# ---- a short full run ---------------------------------------------------------
expect bench-run 0 "" mempoolctl bench --ops $OPS --json
cp "$T/out" "$T/json"

# One object per line between "[" and "]", keys in bench_report.py's order.
obj='^{"allocator": "[^"]*", "workload": "[^"]*", "cpus": [0-9]*, "ops": [0-9]*, "ns_per_op": [0-9]*\.[0-9]*, "mops": [0-9]*\.[0-9]*, "p50_ns": [0-9]*, "p99_ns": [0-9]*, "max_ns": [0-9]*, "elapsed_ns": [0-9]*},\{0,1\}$'
first=$(sed -n '1p' "$T/json")
last=$(sed -n '$p' "$T/json")
bad=$(sed '1d;$d' "$T/json" | grep -cv "$obj")
if [ "$first" = "[" ] && [ "$last" = "]" ] && [ "$bad" = 0 ]; then
	pass bench-json-shape
else
	cat "$T/json"
	fail bench-json-shape "not an array of one well-formed object per line ($bad bad lines)"
fi

# Fields, one result per line: allocator workload cpus ops ns_per_op mops
# p50 p99 max elapsed.
sed '1d;$d' "$T/json" | tr -d '{}",' |
	awk '{ print $2, $4, $6, $8, $10, $12, $14, $16, $18, $20 }' >"$T/rows"
awk '{ print $1, $2, $3 }' "$T/rows" | sort >"$T/got"
if cmp -s "$T/got" "$T/want"; then
	pass bench-combinations
else
	echo "# wanted (allocator workload cpus):"; cat "$T/want"
	echo "# got:"; cat "$T/got"
	fail bench-combinations "results differ from one per expected (allocator, workload, cpus)"
fi

insane=$(awk -v ops=$OPS -v fine=$fine '
	$4 != ops * $3 || (fine && !($5 > 0)) || !($10 > 0) ||
	$7 + 0 > $8 + 0 || $8 + 0 > $9 + 0 { print }' "$T/rows")
n=$(wc -l <"$T/rows" | tr -d ' ')
if [ -z "$insane" ] && [ "$n" -gt 0 ]; then
	pass bench-results-sane
else
	echo "$insane"
	fail bench-results-sane "$n rows; these lack ops = $OPS * cpus, ns_per_op > 0 (clocksource $cs), elapsed > 0 or p50 <= p99 <= max"
fi

# The table: a header and one line per run.
expect bench-text 0 "" mempoolctl bench --allocator naive --workload pair --cpus 1 --ops 1000
if [ "$(wc -l <"$T/out" | tr -d ' ')" = 2 ] &&
   [ "$(sed -n 1p "$T/out" | awk '{ print $1, $2, $3, $4, $5, $6, $7, $8 }')" = \
     "ALLOCATOR WORKLOAD CPUS NS/OP MOPS/S P50_NS P99_NS MAX_NS" ] &&
   [ "$(sed -n 2p "$T/out" | awk '{ print $1, $2, $3 }')" = "naive pair 1" ]; then
	pass bench-text-table
else
	cat "$T/out"
	fail bench-text-table "not a header and one 'naive pair 1' line"
fi

# ---- argument checks: the kernel's (exit 1), the CLI's (exit 2) ---------------
inval="mempoolctl: bench: invalid argument"
expect bench-cpus-too-many 1 "$inval" mempoolctl bench --cpus 99
expect bench-ops-too-few 1 "$inval" mempoolctl bench --ops 10
expect bench-rounds-too-many 1 "$inval" mempoolctl bench --rounds 16
expect bench-block-size-too-small 1 "$inval" mempoolctl bench --block-size 4
expect bench-cross-one-cpu 1 "$inval" mempoolctl bench --workload cross --cpus 1
expect bench-unknown-allocator 2 "unknown allocator 'slab'" mempoolctl bench --allocator slab
expect bench-unknown-workload 2 "unknown workload 'zigzag'" mempoolctl bench --workload zigzag
# The benchmark's own pool name, taken by a user: refused, and said why.
check bench-name-taken-create mempoolctl create mempool-bench --block-size 64 --blocks 8
expect bench-name-taken 1 \
	"mempoolctl: bench: a pool named 'mempool-bench' exists, and the benchmark needs that name: destroy the pool first" \
	mempoolctl bench --allocator mempool --workload pair --cpus 1 --ops 1000
check bench-name-taken-destroy mempoolctl destroy mempool-bench
if [ "$MPTEST_KERNEL" = stock-6.1 ]; then
	expect bench-objpool-missing 1 \
		"mempoolctl: bench: allocator objpool is not available in this kernel" \
		mempoolctl bench --allocator objpool
	# Asked with one it has: only the missing one is named.
	expect bench-objpool-missing-named 1 \
		"mempoolctl: bench: allocator objpool is not available in this kernel" \
		mempoolctl bench --allocator naive,objpool --ops 1000
fi

# ---- nothing left behind --------------------------------------------------------
if [ -r "$D/pools" ] && ! awk '$1 == "mempool-bench"' "$D/pools" | grep -q .; then
	pass bench-pool-gone
else
	cat "$D/pools"
	fail bench-pool-gone "$D/pools missing or still lists mempool-bench"
fi
check bench-rmmod unload_module
rm -rf "$T"
