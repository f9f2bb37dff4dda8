#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make vm: boot stock 6.12 (VM_KERNEL=stock-6.1|debug to change) with
# mempool.ko loaded and mempoolctl in PATH; shell on the serial console.
# Leave with `exit` (clean reboot) or ctrl-a x.
set -eu
. "$(dirname "$0")/common.sh"
k=${VM_KERNEL:-stock-6.12}

prepare_boot "$k"
make_initramfs "$k" shell "$BUILD/initrd-$k-shell.cpio.gz"
run_qemu "$k" "$BUILD/initrd-$k-shell.cpio.gz" "$LOGS/shell-$k.log" interactive
