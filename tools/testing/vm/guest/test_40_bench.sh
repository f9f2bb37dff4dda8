#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The benchmark, its own module (mempool_bench.ko) over mempool.ko's
# exports: mempool.ko alone has none of it; through its debugfs files and
# through mempoolctl bench, a short run gives one sane result for every
# (allocator, workload, cpus) this kernel should have, bad requests are
# refused, a user's pool of any name cannot stop it, and it leaves no pool
# behind.  Never asserts a timing or a ratio: only counts, shapes and
# orderings that hold on any machine.
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/mempool
B=/sys/kernel/debug/mempool_bench
T=/tmp/test_40_bench.$$
OPS=2000
mkdir -p "$T"

check bench-insmod load_module || exit 0
# Only mempool.ko is loaded: no symbol of it may be the benchmark's.
n=$(grep -c '\[mempool\]$' /proc/kallsyms)
nb=$(grep '\[mempool\]$' /proc/kallsyms | grep -ci bench)
if [ "$n" -gt 0 ] && [ "$nb" = 0 ]; then pass bench-not-in-mempool-ko
else fail bench-not-in-mempool-ko "$nb of mempool.ko's $n symbols name the benchmark"; fi
check bench-no-debugfs-without-module test ! -e "$B"
check bench-insmod-bench load_bench_module || { unload_module; exit 0; }
# It uses mempool.ko's exports: mempool.ko cannot go first.
if rmmod mempool 2>/dev/null; then
	fail bench-pins-mempool "rmmod mempool succeeded under mempool_bench"
	load_module
else
	pass bench-pins-mempool
fi

# ---- what this kernel should have -------------------------------------------
# gen_pool needs CONFIG_GENERIC_ALLOCATOR: Debian's kernels have it, the
# debug kernel may not (then it has no gen_pool_create either); objpool
# arrived in 6.7.
allocs="mempool mempool-nocache naive kmem_cache kmalloc mempool_t"
if [ "$MPTEST_KERNEL" != debug ] || grep -q ' gen_pool_create$' /proc/kallsyms; then
	allocs="$allocs gen_pool"
fi
[ "$MPTEST_KERNEL" = stock-6.1 ] || allocs="$allocs objpool"
# The baselines and the flag table's pools, on every kernel.
allocs="$allocs null ideal memset mempool-poison mempool-zero mempool-track mempool-quarantine"
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

# ---- debugfs, directly -----------------------------------------------------------
# bench_w FD LINE: write LINE to the run file open as FD, in one write();
# sets rc and keeps the shell's error message in $T/err.
bench_w() { eval "echo \"\$2\" >&$1" 2>"$T/err"; rc=$?; }
# bench_try NAME LINE WANT: a fresh open of the run file, LINE written;
# WANT is "ok" or the error's text (strerror) the write must fail with.
bench_try() {
	exec 4<>"$B/run"
	bench_w 4 "$2"
	exec 4>&-
	if [ "$3" = ok ]; then
		if [ "$rc" = 0 ]; then pass "$1"
		else fail "$1" "'$2' failed: $(oneline "$T/err")"; fi
	elif [ "$rc" != 0 ] && grep -qF "$3" "$T/err"; then
		pass "$1"
	else
		fail "$1" "'$2': exit $rc, wanted '$3': $(oneline "$T/err")"
	fi
}

modes="$(stat -c %a "$B/allocators" 2>&1) $(stat -c %a "$B/run" 2>&1)"
if [ "$modes" = "400 600" ]; then pass bench-debugfs-modes
else fail bench-debugfs-modes "allocators and run have modes $modes, wanted 400 600"; fi
echo "$allocs" | tr ' ' '\n' >"$T/allocs-want"
if cat "$B/allocators" >"$T/allocs-got" && cmp -s "$T/allocs-got" "$T/allocs-want"; then
	pass bench-debugfs-allocators
else
	echo "# got:"; cat "$T/allocs-got"
	fail bench-debugfs-allocators "not one line per allocator this kernel has: $allocs"
fi

cat "$D/pools" >"$T/pools-before"
exec 3<>"$B/run"
if [ -z "$(cat <&3)" ]; then pass bench-debugfs-read-before-write
else fail bench-debugfs-read-before-write "a read before any write gave text"; fi
bench_w 3 "allocators=mempool workloads=pair ops=$OPS rounds=1"
cat <&3 >"$T/dfs"
if [ "$rc" = 0 ]; then pass bench-debugfs-run
else fail bench-debugfs-run "$(oneline "$T/err")"; fi
line='^allocator=[a-z_-]* workload=[a-z]* cpus=[0-9]* ops=[0-9]* elapsed_ns=[0-9]* ps_per_op=[0-9]* kops_per_sec=[0-9]* p50_ns=[0-9]* p99_ns=[0-9]* max_ns=[0-9]* block_size=64 rounds=1 ps_min=[0-9]* ps_median=[0-9]* ps_max=[0-9]*$'
# 1 CPU, then all of them: the default cpus=0.
want="mempool pair 1"
[ "$ncpus" -le 1 ] || want="$want mempool pair $ncpus"
got=$(awk '{ for (i = 1; i <= 3; i++) { sub(/^[a-z_]*=/, "", $i); printf "%s%s", sep, $i; sep = " " } }' "$T/dfs")
insane=$(tr '=' ' ' <"$T/dfs" | awk -v ops=$OPS -v fine=$fine '
	$8 != ops * $6 || !($10 > 0) || (fine && !($12 > 0)) ||
	$16 + 0 > $18 + 0 || $18 + 0 > $20 + 0 ||
	$26 != $12 || $28 != $12 || $30 != $12 { print }')
if [ "$(grep -cv "$line" "$T/dfs")" = 0 ] && [ "$got" = "$want" ] && [ -z "$insane" ]; then
	pass bench-debugfs-result-lines
else
	cat "$T/dfs"
	fail bench-debugfs-result-lines "wanted lines of '$line' for '$want', with ops = $OPS * cpus, elapsed > 0, p50 <= p99 <= max, one round: min = median = max = ps_per_op"
fi
# Three rounds: the fastest is reported, with the median and the slowest.
printf '%s\n' "allocators=null,naive workloads=pair cpus=1 ops=1000 rounds=3" >&3 2>"$T/err"
rc=$?
cat <&3 >"$T/dfs3"
insane=$(tr '=' ' ' <"$T/dfs3" | awk '
	$24 != 3 || $26 != $12 || $26 + 0 > $28 + 0 || $28 + 0 > $30 + 0 { print }')
if [ "$rc" = 0 ] && [ "$(wc -l <"$T/dfs3" | tr -d ' ')" = 2 ] && [ -z "$insane" ]; then
	pass bench-debugfs-spread
else
	cat "$T/dfs3"
	fail bench-debugfs-spread "rc $rc; wanted 2 lines of rounds=3 with ps_min = ps_per_op <= ps_median <= ps_max: $(oneline "$T/err")"
fi
# A second request on the same file, without a newline: its results
# replace the first's, and read from their start.
printf '%s' "allocators=naive workloads=burst cpus=1 ops=1000 rounds=1" >&3 2>"$T/err"
rc=$?
cat <&3 >"$T/dfs2"
if [ "$rc" = 0 ] && [ "$(wc -l <"$T/dfs2" | tr -d ' ')" = 1 ] &&
   grep -q '^allocator=naive workload=burst cpus=1 ops=1000 ' "$T/dfs2"; then
	pass bench-debugfs-second-run
else
	cat "$T/dfs2"
	fail bench-debugfs-second-run "rc $rc; not one naive burst line: $(oneline "$T/err")"
fi
exec 3>&-

# Every combination, through debugfs.
exec 3<>"$B/run"
bench_w 3 "ops=1000 rounds=1"
cat <&3 | tr '=' ' ' | awk '{ print $2, $4, $6 }' | sort >"$T/dfs-got"
exec 3>&-
if [ "$rc" = 0 ] && cmp -s "$T/dfs-got" "$T/want"; then
	pass bench-debugfs-combinations
else
	echo "# got:"; cat "$T/dfs-got"
	fail bench-debugfs-combinations "rc $rc: results differ from one per expected (allocator, workload, cpus)"
fi

inval="Invalid argument"
bench_try bench-debugfs-unknown-key "opz=1000" "$inval"
bench_try bench-debugfs-no-value "ops" "$inval"
bench_try bench-debugfs-duplicate-key "ops=1000 ops=2000" "$inval"
bench_try bench-debugfs-bad-number "ops=lots" "$inval"
bench_try bench-debugfs-unknown-allocator "allocators=slab" "$inval"
bench_try bench-debugfs-unknown-workload "workloads=zigzag" "$inval"
bench_try bench-debugfs-ops-too-few "ops=999" "$inval"
bench_try bench-debugfs-rounds-too-many "rounds=16" "$inval"
bench_try bench-debugfs-block-too-small "block_size=4" "$inval"
bench_try bench-debugfs-block-too-large "block_size=65537" "$inval"
# The order of a round: first= (an allocator run), rotate= (0 or 1).
bench_try bench-debugfs-first-rotate \
	"allocators=null,naive workloads=pair cpus=1 ops=1000 rounds=2 first=naive rotate=0" ok
bench_try bench-debugfs-first-unknown "first=slab" "$inval"
bench_try bench-debugfs-first-not-run "allocators=naive first=null" "$inval"
bench_try bench-debugfs-rotate-2 "rotate=2" "$inval"
# The flag table's largest blocks, against memset.
bench_try bench-debugfs-block-16k \
	"allocators=memset,mempool-poison,mempool-zero,mempool-track,mempool-quarantine workloads=pair cpus=1 block_size=16384 ops=1000 rounds=1" ok
bench_try bench-debugfs-cpus-too-many "cpus=$((ncpus + 1))" "$inval"
bench_try bench-debugfs-cross-one-cpu "workloads=cross cpus=1" "$inval"
bench_try bench-debugfs-too-long "ops=1000 $(printf '%600s' '')" "$inval"
if [ "$MPTEST_KERNEL" = stock-6.1 ]; then
	bench_try bench-debugfs-objpool-missing "allocators=naive,objpool ops=1000" \
		"Operation not supported"
fi
# A user's pool of the name the benchmark once took does not stop it.
check bench-user-pool-create mempoolctl create mempool-bench --block-size 64 --blocks 16
cat "$D/pools" >"$T/pools-user"
bench_try bench-debugfs-user-pool \
	"allocators=mempool,mempool-nocache workloads=pair,burst cpus=1 ops=1000 rounds=1" ok
if cmp -s "$D/pools" "$T/pools-user"; then pass bench-debugfs-user-pool-untouched
else
	cat "$D/pools"
	fail bench-debugfs-user-pool-untouched "$D/pools changed across a run"
fi
expect bench-user-pool-cli 0 "" \
	mempoolctl bench --allocator mempool --workload pair --cpus 1 --ops 1000
check bench-user-pool-destroy mempoolctl destroy mempool-bench
# Nothing left behind: the pool list is as it was before any run.
if cmp -s "$D/pools" "$T/pools-before"; then pass bench-debugfs-no-pool-left
else
	echo "# before:"; cat "$T/pools-before"; echo "# after:"; cat "$D/pools"
	fail bench-debugfs-no-pool-left "$D/pools differs from before the runs"
fi

# The batch file: one line of counts, no timing judged.
if cat "$B/batch" >"$T/batch" 2>"$T/err" &&
   grep -q '^calls=[0-9]* alloc_p50_ns=[0-9]* alloc_batch_ns=[0-9]* free_p50_ns=[0-9]* free_batch_ns=[0-9]* batch_ns=[0-9]*$' "$T/batch" &&
   [ "$(sed 's/^calls=\([0-9]*\) .*/\1/' "$T/batch")" = 256000 ]; then
	pass bench-batch-file
else
	cat "$T/batch"
	fail bench-batch-file "not one line of the batch file's fields for 256000 calls: $(oneline "$T/err")"
fi

# The drain file: with every cache empty a wait interrupts no CPU (the
# pool's own drain_ipis count); no timing judged.
if cat "$B/drain" >"$T/drain" 2>"$T/err" &&
   grep -q "^cpus=$ncpus waits=100 cached_ipis=[0-9]*\.[0-9][0-9] cached_ns=[0-9]* empty_ipis=0\.00 empty_ns=[0-9]*\$" "$T/drain"; then
	pass bench-drain-file
else
	cat "$T/drain"
	fail bench-drain-file "not 'cpus=$ncpus waits=100 cached_ipis=N.NN cached_ns=N empty_ipis=0.00 empty_ns=N': $(oneline "$T/err")"
fi

# ---- a short full run ---------------------------------------------------------
# One round: the shape is checked, not the speed (14 allocators now).
expect bench-run 0 "" mempoolctl bench --ops $OPS --rounds 1 --json
cp "$T/out" "$T/json"

# One object per line between "[" and "]", keys in bench_report.py's order.
# Every run has null's result, so every net figure is a number; x_ideal
# is null only where ideal's net is not above 0.
num='-\{0,1\}[0-9]*\.[0-9]*'
obj='^{"allocator": "[^"]*", "workload": "[^"]*", "cpus": [0-9]*, "ops": [0-9]*, "ns_per_op": [0-9]*\.[0-9]*, "mops": [0-9]*\.[0-9]*, "p50_ns": [0-9]*, "p99_ns": [0-9]*, "max_ns": [0-9]*, "elapsed_ns": [0-9]*, "block_size": 64, "net_ns_per_op": '"$num"', "x_ideal": \('"$num"'\|null\), "rounds": 1, "ns_per_op_min": [0-9]*\.[0-9]*, "ns_per_op_median": [0-9]*\.[0-9]*, "ns_per_op_max": [0-9]*\.[0-9]*, "scaling": \('"$num"'\|null\), "scaling_x_ideal": \('"$num"'\|null\)},\{0,1\}$'
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

# The table: a header and one line per run, the baselines with any list;
# null's net is 0 and ideal's x_ideal 1 by definition.
expect bench-text 0 "" mempoolctl bench --allocator naive --workload pair --cpus 1 --ops 1000
if [ "$(wc -l <"$T/out" | tr -d ' ')" = 4 ] &&
   [ "$(sed -n 1p "$T/out" | awk '{ $1 = $1; print }')" = \
     "ALLOCATOR WORKLOAD CPUS BLOCK NS/OP NET_NS X_IDEAL MOPS/S P50_NS P99_NS MAX_NS MEDIAN_NS SLOWEST_NS SCALE X_IDEAL_SC" ] &&
   [ "$(sed -n 2p "$T/out" | awk '{ print $1, $2, $3, $4 }')" = "naive pair 1 64" ] &&
   [ "$(sed -n 3p "$T/out" | awk '{ print $1, $6 }')" = "null 0.0" ] &&
   sed -n 4p "$T/out" | awk '$1 == "ideal" && ($7 == "1.00" || $7 == "-") { ok = 1 } END { exit !ok }'; then
	pass bench-text-table
else
	cat "$T/out"
	fail bench-text-table "not a header, 'naive pair 1 64', null (net 0.0) and ideal (x 1.00)"
fi
# On all CPUs too: each run's scaling, and ideal's over its own is 1.
if [ "$ncpus" -ge 2 ]; then
	expect bench-text-scaling 0 "" mempoolctl bench --allocator naive --workload pair --ops 1000 --rounds 2
	if awk -v n="$ncpus" 'NR > 1 && $3 == 1 && ($14 != "-" || $15 != "-") { bad = 1 }
		NR > 1 && $3 == n && ($14 !~ /^[0-9]+\.[0-9][0-9]$/ || $15 !~ /^[0-9]+\.[0-9][0-9]$/) { bad = 1 }
		NR > 1 && $3 == n && $1 == "ideal" && $15 == "1.00" { ideal = 1 }
		NR > 1 && $12 !~ /^[0-9]+\.[0-9]$/ { bad = 1 }
		END { exit bad || !ideal }' "$T/out"; then
		pass bench-text-scaling-columns
	else
		cat "$T/out"
		fail bench-text-scaling-columns "wanted MEDIAN_NS on every line, SCALE and X_IDEAL_SC - on 1 CPU and numbers on $ncpus, ideal's X_IDEAL_SC 1.00"
	fi
fi

# ---- argument checks: the kernel's (exit 1), the CLI's (exit 2) ---------------
inval="mempoolctl: bench: invalid argument"
expect bench-cpus-too-many 1 "$inval" mempoolctl bench --cpus 99
expect bench-ops-too-few 1 "$inval" mempoolctl bench --ops 10
expect bench-rounds-too-many 1 "$inval" mempoolctl bench --rounds 16
expect bench-block-size-too-small 1 "$inval" mempoolctl bench --block-size 4
expect bench-block-size-too-large 1 "$inval" mempoolctl bench --block-size 65537
expect bench-cross-one-cpu 1 "$inval" mempoolctl bench --workload cross --cpus 1
expect bench-unknown-allocator 2 "unknown allocator 'slab'" mempoolctl bench --allocator slab
expect bench-unknown-workload 2 "unknown workload 'zigzag'" mempoolctl bench --workload zigzag
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
check bench-rmmod-bench rmmod mempool_bench
check bench-debugfs-gone test ! -e "$B"
check bench-rmmod unload_module
rm -rf "$T"
