#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The ABI conformance test (tools/testing/conform/mpool_conform): a client written
# from include/uapi/mpool_ioctl.h, README.md and docs/ alone checks every
# promise of ABI version 4 (and of 5 with MPOOL_CONFORM_ABI5=1) on a freshly
# loaded module, one "conform-NAME" line per check.  It changes and restores the module parameters.
. /mptest/lib.sh

check conform-insmod load_module || exit 0
# The permission table's kernel-pool rows need a kernel pool: docs/abi.md
# "examples/mpool_client ..., loaded with keep=1, keeps one named
# mpool_client_kept until it is unloaded."
kpool=
if [ -f /lib/mempool/mpool_client.ko ] &&
	insmod /lib/mempool/mpool_client.ko keep=1; then
	kpool=mpool_client_kept
else
	fail conform-kpool-setup "mpool_client.ko keep=1 did not load"
fi
load_bench_module
# The checks of ABI 5 (MPOOL_IOC_DEBUG, GIVE, TAKE) run only when the host
# set MPOOL_CONFORM_ABI5=1 (in /etc/mptest.env), until the module has them.
abi5=
[ "${MPOOL_CONFORM_ABI5:-0}" != 1 ] || abi5=--abi5
if [ -x /bin/mpool_conform ]; then
	# A crash part-way would only leave checks unreported: it fails here.
	mpool_conform $abi5 $kpool
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
