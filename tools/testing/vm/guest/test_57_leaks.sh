#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Nothing the module hands back shows kernel memory or kernel addresses
# (tools/testing/leaks/mpool_leaks): ioctl answers prefilled with 0xA5, fresh
# blocks of every flag combination, every debugfs file.
. /mptest/lib.sh

check lk-insmod load_module || exit 0
if [ -x /bin/mpool_leaks ]; then
	# A crash part-way would only leave checks unreported: it fails here.
	check lk-run-to-end /bin/mpool_leaks
else
	fail lk-binary "mpool_leaks is not in the initramfs"
fi
check lk-rmmod unload_module
