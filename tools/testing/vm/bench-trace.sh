#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What disabled tracepoints cost (issue 24): one boot of VM_KERNEL
# (default stock-6.12), two builds of mempool.ko and mempool_bench.ko, one
# with the tracepoints compiled in (and not enabled), one without
# (MPOOL_NO_TRACE=1), loaded in turn for TC_ROUNDS rounds (default 3) of
# one benchmark request (TC_ARGS, default the pair on 1 CPU for mempool,
# mempool-nocache and null).  Prints each allocator's ns per pair in every
# round, its ratio traced/notrace per round, raw and net of null, and the
# spread of the ratios.  QEMU TCG: only the ratios mean something.  Waits
# up to BENCH_IDLE_WAIT seconds (900) for other guests to end, as bench.sh.
#   tools/testing/vm/bench-trace.sh
#   VM_KERNEL=stock-6.1 TC_ROUNDS=5 tools/testing/vm/bench-trace.sh
set -eu
. "$(dirname "$0")/common.sh"
k=${VM_KERNEL:-stock-6.12}
rounds=${TC_ROUNDS:-3}
args=${TC_ARGS:-allocators=null,mempool,mempool-nocache workloads=pair cpus=1 ops=200000 rounds=5}
export VM_TIMEOUT=${VM_TIMEOUT:-1500}
idle_wait=${BENCH_IDLE_WAIT:-900}

# As bench.sh's: the timed functions that straddle a 4 KB page (TCG runs
# those slower), which the two builds' layouts may differ in.
straddling() {
	local names='mpool_alloc|mpool_free'
	local addr size name out=''
	while read -r addr size name; do
		[ $((0x$addr / 4096)) = $(((0x$addr + 0x$size - 1) / 4096)) ] ||
			out="$out $name"
	done < <(objdump -t "$1" | awk -v re="^($names)([.]|$)" \
		'NF >= 4 && $(NF-2) == ".text" && $NF ~ re {print $1, $(NF-1), $NF}')
	echo "${out:- none}"
}

prepare_boot "$k"
nt=$BUILD/mod-$(kernel_base "$k")-notrace
build_module_in "$nt" "$k" "$LOGS/build-$k-notrace.log" MPOOL_NO_TRACE=1 ||
	{ tail -n 20 "$LOGS/build-$k-notrace.log"; die "the MPOOL_NO_TRACE build failed"; }

initrd=$BUILD/initrd-$k-bench-trace.cpio.gz
make_initramfs "$k" bench "$initrd"
extra=$(mktemp -d)
mkdir -p "$extra/etc" "$extra/lib/mempool/notrace" "$extra/mptest"
printf '%s\n' "$args" >"$extra/etc/mptest-bench-args"
cp "$nt/mempool.ko" "$nt/bench/mempool_bench.ko" "$extra/lib/mempool/notrace/"
# bench mode runs /mptest/bench.sh: this archive's, unpacked after.
sed "s/^rounds=.*/rounds=$rounds/" "$VM_DIR/guest/bench_trace.sh" >"$extra/mptest/bench.sh"
chmod 0755 "$extra/mptest/bench.sh"
(cd "$extra" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >>"$initrd"
rm -rf "$extra"

log=$LOGS/bench-trace-$k.log
# As bench.sh: other guests on the host's cores add noise; wait a while.
t0=$SECONDS
while [ "$(pgrep -c qemu-system || true)" -gt 0 ] &&
	[ $((SECONDS - t0)) -lt "$idle_wait" ]; do
	sleep 10
done
echo "host: load $(cut -d' ' -f1-3 /proc/loadavg); other qemu-system running: $(pgrep -c qemu-system || true)"
say "booting $k: $rounds rounds of '$args', traced and notrace in turn (log: $log)"
run_qemu "$k" "$initrd" "$log"
out=$(tr -d '\r' <"$log" | sed -n '/^MPTEST-BENCH-BEGIN/,/^MPTEST-BENCH-END/p')
[ "$(printf '%s\n' "$out" | sed -n 's/^MPTEST-BENCH-RC //p')" = 0 ] ||
	die "the benchmark failed in the guest, see $log"
printf '%s\n' "$out" | grep '^MPTEST-TC-EVENTS' | sed 's/^MPTEST-TC-EVENTS /events under tracefs: /'
echo "guest: $k, QEMU TCG; request: $args"
echo "layout: mpool_alloc/mpool_free straddling a page: traced:$(straddling "$(mod_dir "$k")/mempool.ko"), notrace:$(straddling "$nt/mempool.ko")"
printf '%s\n' "$out" | awk '
/^MPTEST-TC / {
	b = $2; r = $3; a = ""; ps = ""
	for (i = 4; i <= NF; i++) {
		split($i, kv, "=")
		if (kv[1] == "allocator") a = kv[2]
		if (kv[1] == "ps_per_op") ps = kv[2]
	}
	ns[a, b, r] = ps / 1000; allocs[a] = 1; if (r > nr) nr = r
}
function sorted(v, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
}
END {
	for (a in allocs) {
		if (a == "null") continue
		printf "%s (ns per pair, traced / notrace; net of null):\n", a
		for (r = 1; r <= nr; r++) {
			raw[r] = ns[a, "traced", r] / ns[a, "notrace", r]
			net[r] = (ns[a, "traced", r] - ns["null", "traced", r]) / \
				 (ns[a, "notrace", r] - ns["null", "notrace", r])
			printf "  round %d: %.1f / %.1f = %.3fx; net %.1f / %.1f = %.3fx\n", r,
				ns[a, "traced", r], ns[a, "notrace", r], raw[r],
				ns[a, "traced", r] - ns["null", "traced", r],
				ns[a, "notrace", r] - ns["null", "notrace", r], net[r]
		}
		sorted(raw, nr); sorted(net, nr)
		printf "  ratio: median %.3fx (%.3f-%.3f); net of null: median %.3fx (%.3f-%.3f)\n",
			raw[int((nr + 1) / 2)], raw[1], raw[nr],
			net[int((nr + 1) / 2)], net[1], net[nr]
	}
}'
