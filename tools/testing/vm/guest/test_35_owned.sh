#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Block handles and owned blocks (issue 12): tools/testing/owned/mpool_owned's
# tests, through libmpool (SIGKILL gives owned blocks back, EPERM for other files,
# ESTALE for stale handles, racing frees, debugfs owners), then
# `mempoolctl alloc --owned` killed with SIGKILL, then the cost of an
# ALLOC+FREE pair, unowned and owned (figures only).
. /mptest/lib.sh

T=/tmp/test_35_owned.$$
mkdir -p "$T"

# eq NAME GOT WANT
eq() {
	if [ "$2" = "$3" ]; then pass "$1"
	else fail "$1" "got '$2', wanted '$3'"; fi
}
sval() { mempoolctl stats "$1" | sed -n "s/^$2: //p"; }
nap() { sleep "$1" 2>/dev/null || sleep 1; }

# Kernel messages from here on are this test's.
dmesg_before=$(dmesg | wc -l)
check ow-insmod load_module || exit 0

if [ -x /bin/mpool_owned ]; then
	# A crash part-way would only leave checks unreported: it fails here.
	check ow-run-to-end /bin/mpool_owned
else
	fail ow-binary "mpool_owned is not in the initramfs"
fi

# ---- mempoolctl alloc --owned, killed ---------------------------------------
mempoolctl create ow_cli --block-size 32 --blocks 8 >/dev/null 2>&1
mempoolctl alloc ow_cli --count 2 >"$T/plain" 2>&1	# unowned: they stay
mkfifo "$T/hold"
mempoolctl alloc ow_cli --count 5 --owned <"$T/hold" >"$T/handles" 2>"$T/err" &
cpid=$!
exec 3>"$T/hold"
i=0
while [ "$(wc -l <"$T/handles")" -lt 5 ] && [ $i -lt 100 ]; do
	nap 0.1
	i=$((i + 1))
done
eq ow-cli-holds "$(wc -l <"$T/handles" | tr -d ' ') $(sval ow_cli blocks_in_use)" "5 7"
# Another process is refused the held blocks, in words.
h=$(sed -n 1p "$T/handles")
expect ow-cli-read-eperm 1 "handle $h: permission denied: another process's open device owns the block" \
	mempoolctl read ow_cli "$h"
expect ow-cli-free-eperm 1 "handle $h: permission denied: another process's open device owns the block" \
	mempoolctl free ow_cli "$h"
d=/sys/kernel/debug/mempool/ow_cli/blocks
n=$(grep -c " owner=$cpid:mempoolctl\$" "$d")
eq ow-cli-debugfs-owner "$n" 5
kill -9 "$cpid"
wait "$cpid" 2>/dev/null
exec 3>&-
eq ow-cli-killed-gives-back "$(sval ow_cli blocks_in_use) $(sval ow_cli reclaimed_on_close)" "2 5"
expect ow-cli-stale-after-kill 1 "handle $h: the block is not allocated" mempoolctl read ow_cli "$h"

# End of stdin ends the hold, and the close frees the blocks.
run mempoolctl alloc ow_cli --count 3 --owned </dev/null
eq ow-cli-eof-releases "$rc $(wc -l <"$T/out" | tr -d ' ') $(sval ow_cli blocks_in_use) $(sval ow_cli reclaimed_on_close)" "0 3 2 8"
mempoolctl destroy ow_cli --force >/dev/null 2>&1

# ---- the cost: figures, never a verdict --------------------------------------
# The debug kernel (KASAN, lockdep) under TCG: fewer pairs.
pairs=10000
[ "$MPTEST_KERNEL" = debug ] && pairs=1000
if /bin/mpool_owned --bench "$pairs" >"$T/bench" 2>&1; then
	cat "$T/bench"
	pass ow-bench-ran
else
	cat "$T/bench"
	fail ow-bench-ran "mpool_owned --bench failed"
fi

# No splat from any of it (the boot's "RCU lockdep checking is enabled"
# is before dmesg_before).
no_splat ow-no-splat "$dmesg_before"
check ow-rmmod unload_module
rm -rf "$T"
