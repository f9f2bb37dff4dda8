#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench-compare BASE=REV: the engine of revision REV against the
# working tree's, on this host: the hot path's counts (budget.sh counts)
# and the hardware timings (engine_bench), both built by this harness.
# REV's engine (its mempool_core.c and the files beside it) is taken with
# git archive, so REV may predate the harness.
#   HOST_BENCH_ARGS   passed to engine_bench (default --rounds 5)
set -eu
cd "$(dirname "$0")"
BASE=${BASE:?"BASE=REV: the revision to compare the working tree against"}
TOP=$(cd ../../.. && pwd)
OUT=$TOP/build/bench-compare
rev=$(git -C "$TOP" rev-parse --verify "$BASE^{commit}")
rm -rf "$OUT" && mkdir -p "$OUT/base-src" "$OUT/base" "$OUT/tree"
git -C "$TOP" archive "$rev" -- '*.c' '*.h' include | tar -x -C "$OUT/base-src"

make -s ENGINE_SRC="$OUT/base-src" OUT="$OUT/base" all
make -s OUT="$OUT/tree" all
for side in base tree; do
	BIN_DIR="$OUT/$side" ./budget.sh counts >"$OUT/$side.counts"
done
echo "per alloc+free pair (instructions: callgrind; locked operations: the shim)"
printf '%-8s %-7s %10s %10s\n' path count "BASE" "tree"
join -j1 <(awk '{print $1"-"$2, $3}' "$OUT/base.counts" | sort) \
	<(awk '{print $1"-"$2, $3}' "$OUT/tree.counts" | sort) |
	while read -r k b t; do
		printf '%-8s %-7s %10s %10s\n' "${k%-*}" "${k#*-}" "$b" "$t"
	done
echo
echo "BASE ($(git -C "$TOP" log -1 --format='%h %s' "$rev" | cut -c1-60)):"
"$OUT/base/engine_bench" --json "$OUT/base.json" ${HOST_BENCH_ARGS:---rounds 5}
echo
echo "working tree:"
"$OUT/tree/engine_bench" --json "$OUT/tree.json" ${HOST_BENCH_ARGS:---rounds 5}
echo
echo "JSON: ${OUT#"$TOP"/}/base.json, ${OUT#"$TOP"/}/tree.json"
