#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make trace-tools (tools/testing/vm/trace-tools.sh): the mempool:*
# tracepoints through perf, trace-cmd and bpftrace, over one small
# workload each time; every tool's output is printed for docs/tracing.md
# and checked: the events, the pool's name, the path, the wait's outcome
# and the caller symbolised.  The tools and their libraries are in this
# guest's initramfs only (bpftrace brings LLVM, ~200 MB), never in make
# check's.  /etc/mptest-tt.env says which tools came (TT_BPFTRACE: 1, or
# why not).  Run as "trace_tools.sh workload": the workload alone.
. /mptest/lib.sh
export PATH=/usr/bin:/bin

# The workload: pool tt of 2 blocks, both taken; 3 allocs that fail; 5
# waits that time out (5 to 80 ms); one wait that gets a block when
# another process frees one.  (A kernel user's module would add callers,
# but mpool_client.ko's allocs are in its __init code, gone from
# /proc/kallsyms, where the tools look callers up, by the time they
# print them: they would name the wrong function.)
workload() {
	mempoolctl create tt --block-size 64 --blocks 2 >/dev/null
	mempoolctl alloc tt >/dev/null
	h=$(mempoolctl alloc tt)
	for i in 1 2 3; do mempoolctl alloc tt >/dev/null 2>&1; done
	for ms in 5 10 20 40 80; do mempoolctl alloc tt --timeout $ms >/dev/null 2>&1; done
	mempoolctl alloc tt --timeout 30000 >/dev/null 2>&1 &
	w=$!
	i=0
	while ! alloc_asleep $w && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	sleep 0.2
	mempoolctl free tt "$h" >/dev/null
	wait $w
	mempoolctl destroy tt --force >/dev/null
}

if [ "${1:-}" = workload ]; then
	workload
	exit 0
fi

[ -f /etc/mptest-tt.env ] && . /etc/mptest-tt.env
T=$(mktemp -d)
TR=/sys/kernel/tracing
[ -d "$TR/events" ] || mount -t tracefs nodev "$TR" 2>/dev/null
# perf and libtracefs look for tracefs here too on older layouts.
[ -d /sys/kernel/debug/tracing/events ] ||
	mount -t tracefs nodev /sys/kernel/debug/tracing 2>/dev/null

# has NAME FILE PATTERN: pass iff a line of FILE matches the extended regex
has() {
	if grep -Eq -- "$3" "$2"; then pass "$1"
	else fail "$1" "no line of $2 matches '$3'"; fi
}
# show TOOL FILE: FILE's lines for the reader, prefixed
show() { sed "s/^/# $1: /" "$2"; }

check tt-insmod load_module || exit 0
# For the reader of the output (docs/tracing.md): what ran.
echo "# versions: kernel $(uname -r), $(perf --version), trace-cmd $(trace-cmd --version 2>&1 |
	sed -n 's/.*version \([^ ]*\).*/\1/p' | head -n1)$([ "${TT_BPFTRACE:-}" != 1 ] ||
	echo ", $(bpftrace --version)")"
# libtraceevent prints %pS as func+0xoff, without the kernel's /0xsize
# [module]: perf and trace-cmd print the events' text themselves.
CALLER='caller=mpool_dev_alloc\+0x[0-9a-f]+'

# ---- perf ------------------------------------------------------------------------
if perf record -q -e 'mempool:*' -a -o "$T/perf.data" -- \
	sh /mptest/trace_tools.sh workload >"$T/perf.rec" 2>&1; then
	pass tt-perf-record
else
	fail tt-perf-record "$(tr '\n' '|' <"$T/perf.rec")"
fi
perf script -i "$T/perf.data" >"$T/perf.out" 2>"$T/perf.err"
show perf-script "$T/perf.out"
has tt-perf-pool-create "$T/perf.out" 'mempool:pool_create: pool=tt block_size=64 blocks=2 '
has tt-perf-alloc "$T/perf.out" "mempool:alloc: pool=tt offset=0 $CALLER path=shared"
has tt-perf-alloc-fail "$T/perf.out" "mempool:alloc_fail: pool=tt $CALLER blocks=2 exhausted"
has tt-perf-wait-timeout "$T/perf.out" 'mempool:wait_end: pool=tt us=[0-9]+ outcome=timeout offset=-1 caller=mpool_dev_alloc\+'
has tt-perf-wait-block "$T/perf.out" 'mempool:wait_end: pool=tt us=[0-9]+ outcome=block offset=64 caller=mpool_dev_alloc\+'
has tt-perf-free "$T/perf.out" 'mempool:free: pool=tt offset=64 caller=mpool_dev_free[a-z_]*\+0x'
has tt-perf-pool-destroy "$T/perf.out" 'mempool:pool_destroy: pool=tt .* in_use=2'
# Top callers of failed allocs: the events counted by their caller field.
grep 'mempool:alloc_fail:' "$T/perf.out" | sed 's/.* caller=\([^ ]*\).*/\1/' |
	sed 's/+0x[0-9a-f]*$//' | sort | uniq -c | sort -rn >"$T/perf.top"
show perf-fail-callers "$T/perf.top"
has tt-perf-fail-callers "$T/perf.top" '^ *3 mpool_dev_alloc$'
# The KUnit suites (debug kernel) fail allocs from many functions: top
# callers of failed allocs across modules.  Through tracefs, whose %pS
# the kernel prints while the module is loaded: perf 6.1 leaves the
# callers in a module loaded during its record (this one) as bare
# addresses on the debug kernel, even with --kallsyms.  The console scan
# allows the suites' deliberate misuse reports between the markers
# test_90_kunit.sh would print (common.sh: scan_log).
if [ -f "$MPTEST_KUNIT_MODULE" ]; then
	echo 0 >"$TR/tracing_on"
	echo >"$TR/trace"
	echo 1 >"$TR/events/mempool/alloc_fail/enable"
	echo 1 >"$TR/tracing_on"
	echo "MPTEST-SCRIPT /mptest/test_90_kunit.sh (trace_tools.sh's KUnit run)"
	insmod "$MPTEST_KUNIT_MODULE"
	echo "MPTEST-KUNIT-END"
	echo 0 >"$TR/events/mempool/alloc_fail/enable"
	sed -n 's/.* caller=\([^ ]*\) .*/\1/p' "$TR/trace" |
		sed 's/+0x[0-9a-f]*\/0x[0-9a-f]*$//' | sort | uniq -c | sort -rn >"$T/kunit.top"
	rmmod mempool_kunit
	show tracefs-kunit-fail-callers "$T/kunit.top"
	# Named functions, two at least, no bare addresses.
	n=$(grep -c ' [a-z_][a-z_0-9]*$' "$T/kunit.top")
	if [ "$n" -ge 2 ] && ! grep -q ' 0x' "$T/kunit.top"; then
		pass tt-tracefs-kunit-fail-callers
	else
		fail tt-tracefs-kunit-fail-callers "$(tr '\n' '|' <"$T/kunit.top")"
	fi
fi

# ---- trace-cmd ---------------------------------------------------------------------
if trace-cmd record -q -e mempool -o "$T/trace.dat" \
	sh /mptest/trace_tools.sh workload >"$T/tc.rec" 2>&1; then
	pass tt-trace-cmd-record
else
	fail tt-trace-cmd-record "$(tr '\n' '|' <"$T/tc.rec")"
fi
trace-cmd report -i "$T/trace.dat" >"$T/tc.out" 2>"$T/tc.err"
show trace-cmd-report "$T/tc.out"
has tt-tc-pool-create "$T/tc.out" 'pool_create: +pool=tt block_size=64 blocks=2 '
has tt-tc-alloc "$T/tc.out" "alloc: +pool=tt offset=0 $CALLER path=shared"
has tt-tc-alloc-fail "$T/tc.out" "alloc_fail: +pool=tt $CALLER blocks=2 exhausted"
has tt-tc-wait-begin "$T/tc.out" 'wait_begin: +pool=tt timeout_us=[0-9]+ caller=mpool_dev_alloc\+'
has tt-tc-wait-block "$T/tc.out" 'wait_end: +pool=tt us=[0-9]+ outcome=block offset=64 caller=mpool_dev_alloc\+'

# ---- bpftrace ------------------------------------------------------------------------
# bt NAME PROGRAM: run PROGRAM over the workload, output in $T/NAME.out
bt() {
	if bpftrace -e "$2" -c 'sh /mptest/trace_tools.sh workload' \
		>"$T/$1.out" 2>"$T/$1.err"; then
		pass "tt-bt-$1-run"
	else
		fail "tt-bt-$1-run" "$(tr '\n' '|' <"$T/$1.err")"
	fi
	show "bpftrace-$1" "$T/$1.out"
	}
if [ "${TT_BPFTRACE:-}" != 1 ]; then
	skip tt-bpftrace "${TT_BPFTRACE:-no bpftrace in this initramfs}"
else
	# Without BTF (the debug kernel) bpftrace parses the tracepoints'
	# structs with the kernel's headers.  Its own unpacking of
	# /sys/kernel/kheaders.tar.xz runs "tar xf", busybox's applet whatever
	# the PATH, which does not detect xz: unpacked here instead.
	if [ ! -e /sys/kernel/btf/vmlinux ] && [ -e /sys/kernel/kheaders.tar.xz ]; then
		mkdir "$T/kheaders"
		tar xJf /sys/kernel/kheaders.tar.xz -C "$T/kheaders"
		export BPFTRACE_KERNEL_SOURCE="$T/kheaders" BPFTRACE_KERNEL_BUILD="$T/kheaders"
	fi
	# bpftrace 0.17 reads /proc/kallsyms once, at its first ksym(): a
	# module loaded after that would get a wrong name.
	bt alloc 'tracepoint:mempool:alloc { printf("%s offset=%lu %s cached=%d\n", args->name, args->offset, ksym(args->caller), args->cached); }'
	has tt-bt-alloc "$T/alloc.out" '^tt offset=0 mpool_dev_alloc cached=0$'
	bt wait 'tracepoint:mempool:wait_end { @us[args->name] = hist(args->us); @outcome[args->name, args->outcome] = count(); }'
	has tt-bt-wait-hist "$T/wait.out" '^@us\[tt\]:'
	# outcome 110 is ETIMEDOUT: the five timeouts
	has tt-bt-wait-timeouts "$T/wait.out" '^@outcome\[tt, 110\]: 5$'
	has tt-bt-wait-block "$T/wait.out" '^@outcome\[tt, 0\]: 1$'
	bt fail 'tracepoint:mempool:alloc_fail { @fails[args->name, ksym(args->caller)] = count(); }'
	has tt-bt-fail-callers "$T/fail.out" '^@fails\[tt, mpool_dev_alloc\]: 3$'
fi

check tt-rmmod unload_module
rm -rf "$T"
