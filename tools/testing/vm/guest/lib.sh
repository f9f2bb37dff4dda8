# SPDX-License-Identifier: GPL-2.0
# Guest-side test protocol, sourced by every tools/testing/vm/guest/test_*.sh:
#     . /mptest/lib.sh
# Results are single console lines the host parses:
#     MPTEST ok NAME
#     MPTEST not ok NAME: MSG
# The host prefixes NAME with the kernel (stock-6.1/, stock-6.12/, debug/).
# Busybox sh: no bashisms here.

MPTEST_MODULE=/lib/mempool/mempool.ko
MPTEST_KUNIT_MODULE=/lib/mempool/mempool_kunit.ko
MPTEST_BENCH_MODULE=/lib/mempool/mempool_bench.ko
MPTEST_BENCH_KUNIT_MODULE=/lib/mempool/mempool_bench_test.ko
[ -n "${MPTEST_KERNEL:-}" ] || . /etc/mptest.env

# pass NAME
pass() { echo "MPTEST ok $1"; }
# fail NAME MSG; returns 1 so callers can `|| return`
fail() { echo "MPTEST not ok $1: ${2:-failed}"; return 1; }
# skip NAME REASON: counted as passed, reported as a skip
skip() { echo "MPTEST ok $1 # SKIP ${2:-}"; }

# check NAME CMD...: pass iff CMD exits 0
check() {
	local _n=$1 _rc
	shift
	"$@"
	_rc=$?
	if [ "$_rc" -eq 0 ]; then pass "$_n"; else fail "$_n" "exit $_rc: $*"; fi
}

# check_exit NAME CODE CMD...: pass iff CMD exits with exactly CODE
check_exit() {
	local _n=$1 _want=$2 _rc
	shift 2
	"$@"
	_rc=$?
	if [ "$_rc" -eq "$_want" ]; then pass "$_n"
	else fail "$_n" "exit $_rc, wanted $_want: $*"; fi
}

# load_module [PARAM=VALUE...]: insmod mempool.ko, returns insmod's status
load_module() { insmod "$MPTEST_MODULE" "$@"; }
# unload_module: rmmod mempool, returns rmmod's status
unload_module() { rmmod mempool; }
# load_bench_module: insmod mempool_bench.ko (mempool.ko first)
load_bench_module() { insmod "$MPTEST_BENCH_MODULE"; }
# alloc_asleep PID: true while PID sleeps in a blocking ALLOC (its wait
# channel is the engine's mpool_alloc_timeout); the counters cannot tell,
# as waits counts a sleep only when it ends
alloc_asleep() { [ "$(cat "/proc/$1/wchan" 2>/dev/null)" = mpool_alloc_timeout ]; }
# as_user CMD...: run a shell command line as the unprivileged user (uid 1000)
as_user() { su user -c "$*"; }

# For scripts that set T to a scratch directory:
# run CMD...: run CMD with stdout in $T/out and stderr in $T/err; sets rc
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}
oneline() { tr '\n' ' ' <"$1"; }

# expect NAME CODE TEXT CMD...: pass iff CMD exits CODE and, unless TEXT is
# empty, its stderr contains TEXT (a fixed string)
expect() {
	local _n=$1 _want=$2 _text=$3
	shift 3
	run "$@"
	if [ "$rc" -ne "$_want" ]; then
		fail "$_n" "exit $rc, wanted $_want: $* (stderr: $(oneline "$T/err"))"
		return 1
	fi
	if [ -n "$_text" ] && ! grep -qF -- "$_text" "$T/err"; then
		fail "$_n" "stderr lacks '$_text': $(oneline "$T/err")"
		return 1
	fi
	pass "$_n"
}

# no_splat NAME SINCE: NAME passes when the kernel log after its first
# SINCE lines (a count taken before the test) has no BUG, WARNING, KASAN,
# UBSAN, lockdep or kmemleak report and no stack trace.
no_splat() {
	local out
	if out=$(dmesg | tail -n +$(($2 + 1)) |
		 grep -E 'BUG:|WARNING:|KASAN|UBSAN|lockdep|circular locking|Call Trace|Oops|unreferenced object'); then
		fail "$1" "$(printf '%s\n' "$out" | head -n 3 | tr '\n' '|')"
	else
		pass "$1"
	fi
}
