#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mmap() of device pools (tools/testing/map/mpool_map: MAP, sharing between
# processes, DESTROY while mapped, what mmap() refuses), then the module
# unloads: no mapping kept a pool, or the module, alive.
. /mptest/lib.sh

check map-insmod load_module || exit 0
if [ -x /bin/mpool_map ]; then
	# The 32-bit client runs last (mpool_map32); the debug kernel is
	# built without IA32 emulation, so there its exec may be refused.
	set -- --map32 /bin/mpool_map32
	[ "$MPTEST_KERNEL" != debug ] || set -- "$@" --enoexec-ok
	[ -x /bin/mpool_map32 ] || fail map32-binary "mpool_map32 is not in the initramfs"
	# A crash part-way would only leave checks unreported: it fails here.
	check map-run-to-end /bin/mpool_map "$@"
else
	fail map-binary "mpool_map is not in the initramfs"
fi
# The CLI's --map-write reaches the pool's flags (32).
check map-cli-create mempoolctl create mp_cli --block-size 64 --blocks 2 --map-write --zero
f=$(mempoolctl stats mp_cli | sed -n 's/^flags: //p')
if [ "$f" = 33 ]; then pass map-cli-flags
else fail map-cli-flags "flags '$f', wanted 33"; fi
check map-cli-destroy mempoolctl destroy mp_cli
# Nothing left behind: every pool the tests made is gone.
n=$(mempoolctl list | wc -l)
if [ "$n" = 1 ]; then pass map-no-pool-left
else fail map-no-pool-left "$(mempoolctl list)"; fi
# A kernel user's pool is EPERM from MAP: test_30_privs.sh
# (perm-kpool-*-map, on mpool_client.ko's kept pool).
check map-rmmod unload_module
