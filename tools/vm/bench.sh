#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: boot stock 6.1 (VM_KERNEL to change) with 2 vCPUs, load
# mempool.ko and mempool_bench.ko, run the full default benchmark through
# /sys/kernel/debug/mempool_bench/run (BENCH_ARGS, key=value pairs of that
# file, as the request if set), save its results as JSON to
# build/bench-KERNEL.json and print tools/bench_report.py's table, ratios
# and plot (build/bench-KERNEL.png).
#   make bench
#   VM_KERNEL=stock-6.12 BENCH_ARGS="block_size=256 ops=1000000" make bench
# The numbers come from QEMU's software emulation (TCG), not hardware: only
# their ratios within one run mean something.  The full default run takes
# seconds to a minute of guest time; the boot's hard limit is run_qemu's
# (VM_TIMEOUT, default 600 s), enough for it.
set -eu
. "$(dirname "$0")/common.sh"
k=${VM_KERNEL:-stock-6.1}
args=${BENCH_ARGS:-}

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

prepare_boot "$k"
initrd=$BUILD/initrd-$k-bench.cpio.gz
log=$LOGS/bench-$k.log
json=$BUILD/bench-$k.json
png=$BUILD/bench-$k.png
make_initramfs "$k" bench "$initrd"
# BENCH_ARGS reach the guest as /etc/mptest-bench-args, in a second archive
# appended to the first: the kernel unpacks concatenated archives in turn.
extra=$(mktemp -d)
mkdir -p "$extra/etc"
printf '%s\n' "$args" >"$extra/etc/mptest-bench-args"
(cd "$extra" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >>"$initrd"
rm -rf "$extra"

say "booting $k for the benchmark (full console log: $log)"
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
raw=$BUILD/bench-$k.txt
printf '%s\n' "$out" | grep '^allocator=' >"$raw" ||
	die "no results in the guest's output, see $log"
# The system python: deps.sh installs python3-matplotlib for it.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
"$py" "$REPO/tools/bench_report.py" "$raw" --save-json "$json" >/dev/null

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
echo "mempool benchmark: $(field ARGS)"
echo "guest: Linux $(field KERNEL) ($k), $(field CPUS) vCPUs, QEMU TCG (software emulation)"
echo "host CPU: ${cpu:-unknown} ($(nproc) CPUs)"
echo "run: $(field SECONDS) s in the guest, $secs s with the boot; JSON: ${json#"$REPO"/}"
echo "layout: timed functions that straddle a 4 KB page: mempool.ko:$(straddling "$(mod_dir "$k")/mempool.ko"), mempool_bench.ko:$(straddling "$(mod_dir "$k")/bench/mempool_bench.ko")"
echo
cd "$REPO"
"$py" tools/bench_report.py "${json#"$REPO"/}" --png "${png#"$REPO"/}"
