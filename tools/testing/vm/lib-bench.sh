#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make lib-bench: libmpool's benchmark (tools/testing/lib/mpool_lib_bench),
# an alloc+free pair through the per-thread cache against a thread-local
# free list (ideal), malloc/free, a robust-mutex pool in a shared mapping
# and one ioctl per call, at 1 and 2 threads.  First on the host, without
# the device (build/lib-bench-host.json: ideal, malloc, robust-mutex),
# then all five in one run in a guest of VM_KERNEL (default stock-6.12, 2
# vCPUs): build/lib-bench.json, one object per allocator and thread count
# (allocator, threads, ns_per_op, min_ns, max_ns).  Prints both tables.
#   make lib-bench
#   LIB_BENCH_ARGS="--ops 500000 --rounds 9" make lib-bench
# The guest's figures come from QEMU's software emulation (TCG): only
# their ratios within the run mean something.
set -eu
. "$(dirname "$0")/common.sh"
k=${VM_KERNEL:-stock-6.12}
args=${LIB_BENCH_ARGS:-}
initrd=$BUILD/initrd-$k-libbench.cpio.gz
log=$LOGS/lib-bench-$k.log
json=$BUILD/lib-bench.json

prepare_boot "$k"
make -s -C "$REPO/tools/testing/lib" >&2
echo "host: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1) ($(nproc) CPUs), no device"
# shellcheck disable=SC2086 # the options are words
"$REPO/tools/testing/lib/mpool_lib_bench" --no-device \
	--json "$BUILD/lib-bench-host.json" $args
echo

make_initramfs "$k" libbench "$initrd"
# The options reach the guest as /etc/mptest-libbench.env, in a second
# archive appended to the first: the kernel unpacks both in turn.
extra=$(mktemp -d)
mkdir -p "$extra/etc"
printf 'MPTEST_LIBBENCH_ARGS="%s"\n' "$args" >"$extra/etc/mptest-libbench.env"
(cd "$extra" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >>"$initrd"
rm -rf "$extra"
say "booting $k for libmpool's benchmark (log: $log)"
run_qemu "$k" "$initrd" "$log"
out=$(tr -d '\r' <"$log" | sed -n '/^MPTEST-LIBBENCH-BEGIN/,/^MPTEST-LIBBENCH-END/p' |
	grep -v '^\[ *[0-9]*\.[0-9]*\] ' || true)
rc=$(printf '%s\n' "$out" | sed -n 's/^MPTEST-LIBBENCH-RC //p')
[ "$rc" = 0 ] || die "the benchmark failed in the guest (exit ${rc:-none}), see $log"
printf '%s\n' "$out" | sed -n '/^MPTEST-LIBBENCH-JSON-BEGIN/,/^MPTEST-LIBBENCH-JSON-END/p' |
	sed '1d;$d' >"$json.tmp"
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$json.tmp" ||
	die "the guest's JSON does not parse, see $log"
mv "$json.tmp" "$json"
echo "guest: Linux $(printf '%s\n' "$out" | sed -n 's/^MPTEST-LIBBENCH-KERNEL //p') ($k), $(printf '%s\n' "$out" | sed -n 's/^MPTEST-LIBBENCH-CPUS //p') vCPUs, QEMU TCG"
printf '%s\n' "$out" | sed '/^MPTEST-LIBBENCH-JSON-BEGIN/,$d' | grep -v '^MPTEST-LIBBENCH-'
echo "JSON: ${json#"$REPO"/}, ${BUILD#"$REPO"/}/lib-bench-host.json"
