#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The hot path's instruction budget (budget.txt): instructions and locked
# operations per alloc+free pair, on the per-CPU path and on the shared
# path, counted exactly, not timed; and the locked operations per pair of
# a burst (64 allocs, then 64 frees) on the per-CPU path, which count the
# batches that pass the pool lock.
#   budget.sh check     one TAP line per count (ok/not ok engine-budget-...);
#                       exit 1 when a count is over its budget
#   budget.sh update    write the counts into budget.txt
#   budget.sh counts    print the counts only ("PATH insns N", "PATH locked N")
# Instructions: valgrind's callgrind counts those of cost_pairs() in
# engine_cost, for 1000 and for 2000 pairs; the difference over 1000 is one
# pair, the warm-up and the call's fixed cost cancelled out
# (../insns_per.sh).  Locked
# operations: engine_cost_locked, whose shim counts each one it does.
# BIN_DIR: where the programs are (default: here).
set -eu
cd "$(dirname "$0")"
BIN=${BIN_DIR:-.}
BUDGET=budget.txt
cc_id() { ${CC:-cc} --version 2>/dev/null | head -n1; }

insns() {	# PATH
	../insns_per.sh cost_pairs "$BIN/engine_cost" "$1"
}

locked() {	# PATH
	# 64000 pairs: whole bursts of 64, and a per-pair figure that is exact
	# to 1/64000 (a burst's batches are a fraction of a pair).
	local l
	l=$("$BIN/engine_cost_locked" "$1" 64000 | sed -n 's/.* locked \([0-9]*\)$/\1/p')
	[ -n "$l" ] || return 1
	awk "BEGIN { printf \"%.6g\\n\", $l / 64000 }"
}

have_valgrind() { command -v valgrind >/dev/null; }

counts() {
	local p n
	for p in percpu shared; do
		if have_valgrind; then
			n=$(insns $p) || { echo "cannot count $p insns" >&2; return 1; }
			echo "$p insns $n"
		fi
		n=$(locked $p) || { echo "cannot count $p locked" >&2; return 1; }
		echo "$p locked $n"
	done
	n=$(locked burst) || { echo "cannot count burst locked" >&2; return 1; }
	echo "burst locked $n"
}

budget_of() { sed -n "s/^$1 $2 \([0-9.]*\)$/\1/p" "$BUDGET"; }

case ${1:-check} in
counts)
	counts || exit 1 ;;
update)
	have_valgrind || { echo "valgrind is needed" >&2; exit 1; }
	{
		echo "# The hot path's budget, per alloc+free pair (tools/testing/engine/budget.sh):"
		echo "# instructions (callgrind) and locked operations (the shim's count),"
		echo "# on the per-CPU path (MPOOL_F_PERCPU) and on the shared path (no flags)."
		echo "# A change that adds work to the pair fails make check; one that takes"
		echo "# work away lowers the budget: make -C tools/testing/engine budget-update."
		echo "# Instructions are compared only when compiled by this compiler:"
		echo "cc $(cc_id)"
		counts
	} >"$BUDGET.new" || { rm -f "$BUDGET.new"; exit 1; }
	mv "$BUDGET.new" "$BUDGET"
	cat "$BUDGET" ;;
check)
	fail=0
	same_cc=1
	[ "$(sed -n 's/^cc //p' "$BUDGET")" = "$(cc_id)" ] || same_cc=
	for pw in percpu-insns percpu-locked shared-insns shared-locked \
		  burst-locked; do
		p=${pw%-*} what=${pw#*-}
		name="engine-budget-$p-$what"
		want=$(budget_of $p $what)
		if [ $what = insns ] && ! have_valgrind; then
			echo "ok $name # SKIP valgrind is not installed"
			continue
		fi
		if [ $what = insns ] && [ -z "$same_cc" ]; then
			echo "ok $name # SKIP budget.txt counts another compiler's code"
			continue
		fi
		if ! got=$($what $p); then
			echo "not ok $name: could not count"
			fail=1
			continue
		fi
		unit=$([ $what = insns ] && echo instructions || echo "locked operations")
		if [ -z "$want" ]; then
			echo "not ok $name: no budget in $BUDGET (now $got)"
			fail=1
		elif awk "BEGIN { exit !($got > $want) }"; then
			echo "not ok $name: $got $unit per pair, over the budget: before $want, after $got"
			fail=1
		else
			echo "ok $name"
			echo "# $p: $got $unit per pair (budget $want)"
			if awk "BEGIN { exit !($got < $want) }"; then
				echo "# $p: under budget: lower it (make -C tools/testing/engine budget-update)"
			fi
		fi
	done
	exit $fail ;;
*)
	echo "usage: budget.sh check|update|counts" >&2
	exit 2 ;;
esac
