#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: boot stock 6.1 (VM_KERNEL to change) with 2 vCPUs, load
# mempool.ko and mempool_bench.ko, run the benchmark through
# /sys/kernel/debug/mempool_bench/run, save its results as JSON to
# build/bench-KERNEL.json and print tools/testing/vm/bench_report.py's table, ratios,
# flag table and plot (build/bench-KERNEL.png).
#   make bench
#   VM_KERNEL=stock-6.12 BENCH_ARGS="block_size=256 ops=1000000" make bench
#   BENCH_RUNS=5 make bench        five boots in a row, then the spread
#   VM_KERNEL=stock-6.1-smp8 make bench     8 vCPUs: shape, not speed
# The requests, one a boot, in turn: the full default benchmark (64-byte
# blocks), then the flag table's allocators at 1 KiB and 16 KiB, or
# BENCH_ARGS (requests separated by ';', each key=value pairs of the run
# file).  Before each boot it waits up to BENCH_IDLE_WAIT seconds (default
# 900) for no other qemu-system to run on the host, and records the load
# and the qemu count with the run (build/bench-KERNEL[-N].meta).
# The numbers come from QEMU's software emulation (TCG), not hardware: only
# their ratios within one run mean something.  The boot's hard limit is
# run_qemu's (VM_TIMEOUT, here 1200 s by default).
set -eu
. "$(dirname "$0")/common.sh"
k=${VM_KERNEL:-stock-6.1}
runs=${BENCH_RUNS:-1}
export VM_TIMEOUT=${VM_TIMEOUT:-1200}
idle_wait=${BENCH_IDLE_WAIT:-900}
flag_allocs=null,ideal,memset,mempool,mempool-nocache,mempool-poison,mempool-zero,mempool-track,mempool-quarantine
# Fewer pairs at larger blocks: a 16 KiB memset is some microseconds
# under TCG, and the boot's time is bounded.
default_args=";allocators=$flag_allocs workloads=pair cpus=1 block_size=1024 ops=50000;allocators=$flag_allocs workloads=pair cpus=1 block_size=16384 ops=5000"
args=${BENCH_ARGS-$default_args}

# Under TCG a jump to another guest page is not chained but looked up, so
# a timed function that straddles a page runs slower than its code says.
# The benchmark's loops start pages of their own; the functions they call
# lie in .text of mempool.ko (mpool_*) or of mempool_bench.ko (the naive
# allocator, GCC's out-of-line copies of objpool's inlines), which starts
# a page when loaded, so their offsets in it tell.  Usage: straddling KO;
# prints their names, or " none".
straddling() {
	local names='mpool_alloc|mpool_free|bench_naive_alloc|bench_naive_free|objpool_pop|objpool_push'
	local addr size name out=''
	while read -r addr size name; do
		[ $((0x$addr / 4096)) = $(((0x$addr + 0x$size - 1) / 4096)) ] ||
			out="$out $name"
	done < <(objdump -t "$1" | awk -v re="^($names)([.]|$)" \
		'NF >= 4 && $(NF-2) == ".text" && $NF ~ re {print $1, $(NF-1), $NF}')
	echo "${out:- none}"
}

# Other guests on the host's two cores: wait for them to end, a while.
wait_idle() {
	local t0=$SECONDS
	while [ "$(pgrep -c qemu-system || true)" -gt 0 ] &&
		[ $((SECONDS - t0)) -lt "$idle_wait" ]; do
		sleep 10
	done
}

# one_run SUFFIX: a boot, its results in build/bench-KERNEL$SUFFIX.{txt,json,meta}.
one_run() {
	local sfx=$1 initrd=$BUILD/initrd-$k-bench.cpio.gz extra t secs out rc
	local log=$LOGS/bench-$k$sfx.log json=$BUILD/bench-$k$sfx.json
	local raw=$BUILD/bench-$k$sfx.txt meta=$BUILD/bench-$k$sfx.meta
	make_initramfs "$k" bench "$initrd"
	# The requests reach the guest as /etc/mptest-bench-args, one a line, in
	# a second archive appended to the first: the kernel unpacks
	# concatenated archives in turn.
	extra=$(mktemp -d)
	mkdir -p "$extra/etc"
	printf '%s\n' "$args" | tr ';' '\n' >"$extra/etc/mptest-bench-args"
	(cd "$extra" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >>"$initrd"
	rm -rf "$extra"

	wait_idle
	printf 'load %s; other qemu-system running: %s; %s\n' \
		"$(cut -d' ' -f1-3 /proc/loadavg)" "$(pgrep -c qemu-system || true)" \
		"$(date -u '+%Y-%m-%d %H:%M UTC')" >"$meta"
	say "booting $k for the benchmark (full console log: $log; $(cat "$meta"))"
	t=$(date +%s)
	run_qemu "$k" "$initrd" "$log"
	secs=$(($(date +%s) - t))
	grep -aq '^MPTEST-BENCH-END' "$log" ||
		die "the benchmark did not finish within the timeout, see $log"

	# The guest's part of the console, without kernel messages.
	out=$(tr -d '\r' <"$log" | sed -n '/^MPTEST-BENCH-BEGIN/,/^MPTEST-BENCH-END/p' |
		sed '1d;$d' | grep -v '^\[ *[0-9]*\.[0-9]*\] ' || true)
	field() { printf '%s\n' "$out" | sed -n "s/^MPTEST-BENCH-$1 //p" | head -n1; }
	rc=$(field RC)
	if [ "$rc" != 0 ]; then
		printf '%s\n' "$out" | grep -v '^MPTEST-BENCH-' >&2
		die "the benchmark failed in the guest (exit ${rc:-?}), see $log"
	fi
	# Each result line says which request (1, 2, ...) it answers: ratios
	# are taken within one request, whose rounds interleave.
	printf '%s\n' "$out" | awk '/^MPTEST-BENCH-ARGS /{ n++ }
		/^allocator=/ { print $0 " request=" n }' >"$raw"
	[ -s "$raw" ] || die "no results in the guest's output, see $log"
	"$py" "$VM_DIR/bench_report.py" "$raw" --save-json "$json" >/dev/null

	echo "mempool benchmark$sfx: $(printf '%s\n' "$out" | sed -n "s/^MPTEST-BENCH-ARGS //p" | tr '\n' ' ')"
	echo "guest: Linux $(field KERNEL) ($k), $(field CPUS) vCPUs, QEMU TCG (software emulation)"
	echo "host CPU: ${cpu:-unknown} ($(nproc) CPUs); $(cat "$meta")"
	echo "run: $(field SECONDS) s in the guest, $secs s with the boot; JSON: ${json#"$REPO"/}"
	echo "seconds a request: $(printf "%s\n" "$out" | sed -n "s/^MPTEST-BENCH-TOOK //p" | tr "\n" " ")"
	echo "batch: $(field BATCH)"
	echo "drain IPI: $(field IPI)"
	printf 'batch: %s\ndrain IPI: %s\n' "$(field BATCH)" "$(field IPI)" >>"$meta"
}

prepare_boot "$k"
# The system python.  The plot is optional: matplotlib brings numpy,
# scipy and more, so deps.sh does not install it; with it, a PNG too.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
png=()
if "$py" -c 'import matplotlib' 2>/dev/null; then
	png=(--png "build/bench-$k.png")
else
	say "no plot: apt-get install python3-matplotlib for build/bench-$k.png"
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
echo "layout: timed functions that straddle a 4 KB page: mempool.ko:$(straddling "$(mod_dir "$k")/mempool.ko"), mempool_bench.ko:$(straddling "$(mod_dir "$k")/bench/mempool_bench.ko")"
cd "$REPO"
if [ "$runs" = 1 ]; then
	one_run ""
	echo
	"$py" "$VM_DIR/bench_report.py" "build/bench-$k.json" --kernel "$k" \
		"${png[@]}"
	exit 0
fi
files=()
for i in $(seq 1 "$runs"); do
	one_run "-$i"
	files+=("build/bench-$k-$i.json")
done
echo
"$py" "$VM_DIR/bench_report.py" "${files[@]}" --kernel "$k"
