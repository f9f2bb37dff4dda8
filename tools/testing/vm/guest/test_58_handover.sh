#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Owned blocks handed between open files (issue 23, item 3):
# tools/testing/handover/mpool_handover checks each sentence of struct
# mpool_ioc_handover's comment (per-handle errnos in order, EPERM for
# O_RDONLY, the owner staying the giver's until a TAKE, SIGKILL of the
# producer and of the consumer before and after, races of two takers, of
# TAKE with the giver's FREE and close and with a forced DESTROY, a
# producer and a consumer process passing handles through a pipe and bytes
# through their mappings, debugfs's given state and owner); then
# mpool_handover_bench's figures (no verdict); and no kernel splat.
. /mptest/lib.sh
T=$(mktemp -d)

dmesg_before=$(dmesg | wc -l)
check ho-insmod load_module || exit 0
# KASAN and lockdep under TCG: fewer race rounds and benchmark blocks.
rounds=2000
blocks=20000
case $MPTEST_KERNEL in
debug*) rounds=300 blocks=2000 ;;
esac
if [ -x /bin/mpool_handover ]; then
	# A crash part-way would only leave checks unreported: it fails here.
	check ho-run-to-end /bin/mpool_handover "$rounds"
else
	fail ho-binary "mpool_handover is not in the initramfs"
fi
if /bin/mpool_handover_bench "$blocks" >"$T/bench" 2>&1; then
	cat "$T/bench"
	pass ho-bench-ran
else
	cat "$T/bench"
	fail ho-bench-ran "mpool_handover_bench failed"
fi
n=$(mempoolctl list | wc -l)
if [ "$n" = 1 ]; then pass ho-no-pool-left
else fail ho-no-pool-left "$n lines from mempoolctl list"; fi
no_splat ho-no-splat "$dmesg_before"
check ho-rmmod unload_module
rm -rf "$T"
