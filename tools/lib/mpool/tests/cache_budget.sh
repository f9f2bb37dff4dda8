#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The per-thread cache's fast path, counted, not timed: instructions per
# pair through the cache (mpool_cache_alloc, mpool_cache_ptr, a word
# written, mpool_cache_free; make lib-bench's loop) in tests/cache_cost,
# whose device is a stand-in, against tests/cache_budget.txt.
#   cache_budget.sh check    TAP: ok/not ok lib-cache-budget-insns
#   cache_budget.sh update   write the count into cache_budget.txt
# The ideal (a thread-local free list) is counted beside it, for the ratio.
set -eu
cd "$(dirname "$0")"
BUDGET=cache_budget.txt
cc_id() { ${CC:-cc} --version 2>/dev/null | head -n1; }
count() { ../../../testing/insns_per.sh "run_$1" ./cache_cost --count "$1" --pairs; }

case ${1:-check} in
update)
	c=$(count cache) && i=$(count ideal) || { echo "cannot count" >&2; exit 1; }
	{
		echo "# Instructions per pair through the cache (tests/cache_budget.sh);"
		echo "# a change that adds work to it fails make check, one that takes"
		echo "# work away lowers it: make -C tools/lib/mpool cost-update."
		echo "# Compared only when compiled by this compiler:"
		echo "cc $(cc_id)"
		echo "cache insns $c"
		echo "# the ideal, for the ratio (not a budget): $i"
	} >"$BUDGET"
	cat "$BUDGET" ;;
check)
	name=lib-cache-budget-insns
	want=$(sed -n 's/^cache insns \([0-9.]*\)$/\1/p' "$BUDGET")
	if ! command -v valgrind >/dev/null; then
		echo "ok $name # SKIP valgrind is not installed"
	elif [ "$(sed -n 's/^cc //p' "$BUDGET")" != "$(cc_id)" ]; then
		echo "ok $name # SKIP $BUDGET counts another compiler's code"
	elif ! got=$(count cache) || ! ideal=$(count ideal); then
		echo "not ok $name: could not count"
		exit 1
	elif awk "BEGIN { exit !($got > $want) }"; then
		echo "not ok $name: $got instructions per pair, over the budget: before $want, after $got"
		exit 1
	else
		echo "ok $name"
		echo "# cache: $got instructions per pair (budget $want), ideal $ideal"
	fi ;;
*)
	echo "usage: cache_budget.sh [check|update]" >&2
	exit 2 ;;
esac
