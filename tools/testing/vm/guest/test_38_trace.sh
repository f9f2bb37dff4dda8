#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The mempool:* tracepoints through tracefs: every event is there with its
# fields, and mempoolctl's operations on a device pool show up in the
# trace with the pool's name, the block offsets, the path and the wait's
# outcome.  (free_refused cannot come from the device, which refuses bad
# handles itself: the KUnit suite mempool_trace covers it.)
. /mptest/lib.sh
T=$(mktemp -d)
TR=/sys/kernel/tracing

eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', wanted '$3'"; fi; }
# has NAME PATTERN: pass iff a line of the trace matches the basic regex
has() {
	if grep -q -- "$2" "$T/trace"; then pass "$1"
	else fail "$1" "no trace line matches '$2': $(grep mempool "$T/trace" | tr '\n' '|')"; fi
}
# snap: the trace so far into $T/trace
snap() { cat "$TR/trace" >"$T/trace"; }
# off HANDLE: a handle's block offset (its low 40 bits), decimal
off() { echo $(($1 & 0xffffffffff)); }

[ -d "$TR/events" ] || mount -t tracefs nodev "$TR" 2>/dev/null
if [ ! -d "$TR/events" ]; then
	fail tr-tracefs "no tracefs at $TR"
	exit 0
fi
check tr-insmod load_module || exit 0

# ---- the events and their fields -------------------------------------------------
for e in pool_create:block_size pool_create:nr_blocks pool_create:flags \
	pool_destroy:in_use alloc:offset alloc:caller alloc:cached \
	free:offset free:caller free:cached alloc_fail:caller \
	wait_begin:timeout_us wait_end:us wait_end:outcome wait_end:offset \
	free_refused:reason free_refused:offset free_refused:caller \
	watermark:free watermark:below watermark:low; do
	ev=${e%%:*} field=${e#*:}
	if grep -q "field:.* $field;" "$TR/events/mempool/$ev/format" 2>/dev/null &&
		grep -q "field:char name\[32\];" "$TR/events/mempool/$ev/format"; then
		pass "tr-format-$ev-$field"
	else
		fail "tr-format-$ev-$field" "$(cat "$TR/events/mempool/$ev/format" 2>&1 | tr '\n' '|')"
	fi
done
eq tr-nine-events "$(ls -d "$TR"/events/mempool/*/ | wc -l)" 9

# ---- a pool's life -----------------------------------------------------------------
echo 0 >"$TR/tracing_on"
echo >"$TR/trace"
echo 1 >"$TR/events/mempool/enable"
echo 1 >"$TR/tracing_on"
mempoolctl create trp --block-size 64 --blocks 2 >/dev/null
h0=$(mempoolctl alloc trp)
h1=$(mempoolctl alloc trp)
mempoolctl alloc trp >/dev/null 2>&1
mempoolctl alloc trp --timeout 20 >/dev/null 2>&1
mempoolctl free trp "$h1" >/dev/null
mempoolctl destroy trp --force >/dev/null
snap
# For the log reader (docs/tracing.md): what the trace looked like.
grep 'pool=trp' "$T/trace" | sed 's/^/# trace: /'
has tr-pool-create 'pool_create: pool=trp block_size=64 blocks=2 align=[0-9]* stride=64 flags=0x'
# The device's pools without --percpu: the shared stack.
has tr-alloc-0 "alloc: pool=trp offset=$(off "$h0") caller=[a-z_]*+0x[0-9a-f]*/0x[0-9a-f]* \[mempool\] path=shared"
has tr-alloc-1 "alloc: pool=trp offset=$(off "$h1") caller=.* path=shared"
has tr-alloc-fail 'alloc_fail: pool=trp caller=[a-z_]*+0x.* blocks=2 exhausted'
has tr-wait-begin 'wait_begin: pool=trp timeout_us=2[0-9]\{4\} caller='
has tr-wait-end-timeout 'wait_end: pool=trp us=[0-9]* outcome=timeout offset=-1 caller='
has tr-free "free: pool=trp offset=$(off "$h1") caller=.* path=shared"
has tr-pool-destroy 'pool_destroy: pool=trp block_size=64 blocks=2 flags=0x[0-9a-f]* in_use=1'
# Each alloc comes before its block's free.
a=$(grep -n "alloc: pool=trp offset=$(off "$h1") " "$T/trace" | head -n1 | cut -d: -f1)
f=$(grep -n "free: pool=trp offset=$(off "$h1") " "$T/trace" | head -n1 | cut -d: -f1)
if [ -n "$a" ] && [ -n "$f" ] && [ "$a" -lt "$f" ]; then pass tr-alloc-before-free
else fail tr-alloc-before-free "alloc at line '$a', free at '$f'"; fi

# ---- a wait that gets a block, on the per-CPU path -------------------------------
echo >"$TR/trace"
mempoolctl create trc --block-size 32 --blocks 1 --percpu >/dev/null
h=$(mempoolctl alloc trc)
mempoolctl alloc trc --timeout 30000 >"$T/waiter" 2>&1 &
waiter=$!
i=0
while ! alloc_asleep $waiter && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check tr-waiter-asleep test "$i" -lt 100
mempoolctl free trc "$h" >/dev/null
wait "$waiter"
check tr-waiter-got-block test $? = 0
snap
has tr-percpu-alloc "alloc: pool=trc offset=0 caller=.* path=cpu_cache"
has tr-wait-begin-block 'wait_begin: pool=trc timeout_us=30000000 caller='
has tr-wait-end-block 'wait_end: pool=trc us=[0-9]* outcome=block offset=0 caller='
mempoolctl destroy trc --force >/dev/null

# ---- a destroy ends a wait -------------------------------------------------------
echo >"$TR/trace"
mempoolctl create trd --block-size 32 --blocks 1 >/dev/null
mempoolctl alloc trd >/dev/null
mempoolctl alloc trd --timeout 30000 >/dev/null 2>&1 &
waiter=$!
i=0
while ! alloc_asleep $waiter && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
mempoolctl destroy trd --force >/dev/null
wait "$waiter"
snap
has tr-wait-end-destroyed 'wait_end: pool=trd us=[0-9]* outcome=destroyed offset=-1'

# ---- the device's low watermark ------------------------------------------------
echo >"$TR/trace"
mempoolctl create trw --block-size 32 --blocks 4 >/dev/null
mempoolctl watch trw --below 2 --count 2 >"$T/out" 2>&1 &
watcher=$!
# The watermark is set once the watcher is in place: until its two events
# came, allocate 3 (free 1 < 2) and free them (free 4).
i=0
while kill -0 "$watcher" 2>/dev/null && [ $i -lt 100 ]; do
	hs=$(mempoolctl alloc trw --count 3)
	mempoolctl free trw $hs >/dev/null
	sleep 0.1
	i=$((i + 1))
done
wait "$watcher"
snap
has tr-watermark-low 'watermark: pool=trw free=1 below=2 low'
has tr-watermark-recovered 'watermark: pool=trw free=4 below=2 recovered'
mempoolctl destroy trw --force >/dev/null

# ---- trace-cmd and perf ------------------------------------------------------------
# The usual tools on the same events, when the initramfs has them (the
# host's trace-cmd, and perf on stock 6.12 only: it costs 5-20 s a boot;
# deps.sh installs both): the events come with their fields
# and the caller symbolised by the tools' libtraceevent (func+0xoff).
# make trace-tools runs them at length, with bpftrace.
echo 0 >"$TR/events/mempool/enable"
PATH=/usr/bin:$PATH
cat >"$T/workload" <<-'EOF'
	mempoolctl create trt --block-size 32 --blocks 1 >/dev/null
	mempoolctl alloc trt >/dev/null
	mempoolctl alloc trt >/dev/null 2>&1
	mempoolctl destroy trt --force >/dev/null
EOF
if command -v trace-cmd >/dev/null; then
	check tr-trace-cmd-record trace-cmd record -q -e mempool -o "$T/trace.dat" \
		sh "$T/workload"
	trace-cmd report -i "$T/trace.dat" >"$T/trace" 2>&1
	has tr-trace-cmd-alloc 'alloc: *pool=trt offset=0 caller=mpool_dev_alloc+0x[0-9a-f]* path=shared'
	has tr-trace-cmd-alloc-fail 'alloc_fail: *pool=trt caller=mpool_dev_alloc+0x[0-9a-f]* blocks=1 exhausted'
else
	skip tr-trace-cmd "no trace-cmd in the initramfs"
fi
if command -v perf >/dev/null; then
	check tr-perf-record perf record -q -e 'mempool:*' -a -o "$T/perf.data" -- \
		sh "$T/workload"
	perf script -i "$T/perf.data" >"$T/trace" 2>&1
	has tr-perf-alloc 'mempool:alloc: pool=trt offset=0 caller=mpool_dev_alloc+0x[0-9a-f]* path=shared'
	has tr-perf-alloc-fail 'mempool:alloc_fail: pool=trt caller=mpool_dev_alloc+0x[0-9a-f]* blocks=1 exhausted'
else
	skip tr-perf "no perf in the initramfs (stock-6.12's tests have it)"
fi

# ---- off: nothing more -------------------------------------------------------------
echo 0 >"$TR/events/mempool/enable"
echo >"$TR/trace"
mempoolctl create tro --block-size 32 --blocks 1 >/dev/null
mempoolctl destroy tro >/dev/null
snap
eq tr-disabled-silent "$(grep -c 'pool=tro' "$T/trace")" 0

check tr-rmmod unload_module
# The module's events went with it.
check tr-events-gone test ! -d "$TR/events/mempool"
rm -rf "$T"
