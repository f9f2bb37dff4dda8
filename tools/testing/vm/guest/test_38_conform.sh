#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The ABI conformance test (tools/testing/conform/mpool_conform): a client written
# from include/uapi/mpool_ioctl.h, README.md and docs/ alone checks every
# promise of ABI version 4 on a freshly loaded module, one "conform-NAME"
# line per check.  It changes and restores the module parameters.
. /mptest/lib.sh

check conform-insmod load_module || exit 0
# The client module and the benchmark, in case one of them keeps a named
# kernel pool for the permission table's kernel-pool row (the docs name
# none that does; mpool_conform then reports that row as a skip).
[ ! -f /lib/mempool/mpool_client.ko ] || insmod /lib/mempool/mpool_client.ko
load_bench_module
if [ -x /bin/mpool_conform ]; then
	# A crash part-way would only leave checks unreported: it fails here.
	mpool_conform
	rc=$?
	if [ $rc -le 1 ]; then pass conform-run-to-end
	else fail conform-run-to-end "exit status $rc"; fi
else
	fail conform-binary "mpool_conform is not in the initramfs"
fi
rmmod mempool_bench 2>/dev/null
rmmod mpool_client 2>/dev/null
# Nothing left behind: no pool, and the module unloads.
n=$(mempoolctl list | wc -l)
if [ "$n" = 1 ]; then pass conform-no-pool-left
else fail conform-no-pool-left "$(mempoolctl list | tr '\n' ' ')"; fi
check conform-rmmod unload_module
