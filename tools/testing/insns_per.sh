#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# insns_per.sh FUNC PROG [ARG...]: the instructions one unit of work of
# FUNC costs, counted exactly by valgrind's callgrind (never timed): runs
# "PROG ARG... 1000" and "PROG ARG... 2000" (the count of units last),
# counting only inside FUNC, and prints the difference over 1000, so that
# the warm-up and FUNC's fixed cost cancel out.  A fraction (N.M) says
# the units differ from one another.  Exit 1 when a run counts nothing.
# Used by tools/testing/engine/budget.sh (the engine's alloc+free pair)
# and tools/lib/mpool/tests/cache_budget.sh (the cache's).
set -eu
[ $# -ge 2 ] || { echo "usage: insns_per.sh FUNC PROG [ARG...]" >&2; exit 2; }
func=$1
shift
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for n in 1000 2000; do
	valgrind --tool=callgrind --toggle-collect="$func" \
		--callgrind-out-file="$out/$n" "$@" $n >/dev/null 2>&1 || true
done
a=$(sed -n 's/^totals: \([0-9]*\).*/\1/p' "$out/1000" 2>/dev/null)
b=$(sed -n 's/^totals: \([0-9]*\).*/\1/p' "$out/2000" 2>/dev/null)
[ -n "$a" ] && [ -n "$b" ] || exit 1
if [ $(((b - a) % 1000)) -ne 0 ]; then
	echo "$(((b - a) / 1000)).$(((b - a) % 1000))"
else
	echo $(((b - a) / 1000))
fi
