#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Debug modes switched on a live pool through debugfs (<pool>/debug):
# what it reads, the modes reaching the pool (flags, callers in blocks,
# the quarantine holding blocks), and bad writes refused with EINVAL and
# changing nothing.  Then MPOOL_IOC_DEBUG (tools/testing/debug/mpool_debug:
# each errno, access, all or nothing, live switching, a use after free
# through a writable mapping caught by the quarantine, device pools'
# reports logged at most one every 5 s, switches under load) and
# `mempoolctl debug`.  The quarantine's report of a kernel
# user's use after free is the KUnit suite mempool_debug's (debug kernel).
. /mptest/lib.sh
T=$(mktemp -d)
D=/sys/kernel/debug/mempool

eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', wanted '$3'"; fi; }
sval() { mempoolctl stats "$1" | sed -n "s/^$2: //p"; }
# put TEXT: write TEXT to the pool's debug file in one write(); sets rc,
# and dd's error (with strerror()) is in $T/err
put() {
	printf '%s' "$1" >"$T/in"
	dd if="$T/in" of="$D/dbg/debug" bs=4096 2>"$T/err" >/dev/null
	rc=$?
}

check dbg-insmod load_module || exit 0
mempoolctl create dbg --block-size 64 --blocks 8 >/dev/null
eq dbg-mode-file "$(stat -c %a "$D/dbg/debug")" 600
eq dbg-none "$(cat "$D/dbg/debug")" none
h0=$(mempoolctl alloc dbg)

put "+poison +track"
eq dbg-on "$rc|$(cat "$D/dbg/debug")|$(sval dbg flags)" "0|poison track|6"
h1=$(mempoolctl alloc dbg)
# Allocated before tracking: no caller ("-"); after: the device's.
o0=$(($h0 & 0xffffffffff)) o1=$(($h1 & 0xffffffffff))
eq dbg-caller-unknown "$(sed -n "s/^$o0 \([^ ]*\).*/\1/p" "$D/dbg/blocks")" -
case $(sed -n "s/^$o1 \([^ ]*\).*/\1/p" "$D/dbg/blocks") in
mpool_dev_alloc+*) pass dbg-caller-tracked ;;
*) fail dbg-caller-tracked "$(tr '\n' '|' <"$D/dbg/blocks")" ;;
esac

put "quarantine=4"
eq dbg-quarantine "$rc|$(cat "$D/dbg/debug")" "0|poison track quarantine=4"
mempoolctl free dbg "$h1" >/dev/null
# In quarantine: neither free nor in use.
eq dbg-quarantine-holds "$(sval dbg blocks_free) $(sval dbg blocks_in_use)" "6 1"
eq dbg-quarantine-double-free "$(mempoolctl free dbg "$h1" >/dev/null 2>&1; echo $?)" 1

# ---- bad writes: EINVAL, nothing changed -----------------------------------------
for w in bogus "+poison +poison" "quarantine=8" "quarantine=65537" \
	"quarantine=99999999999" "quarantine=" "quarantine=-1" "quarantine=4x" \
	"+track quarantine=9" "poison" " " \
	"+poison +track quarantine=2 -poison -track quarantine=3 +poison +track"; do
	put "$w"
	got="$rc|$(cat "$D/dbg/debug")|$(grep -c 'Invalid argument' "$T/err")"
	eq "dbg-bad-$(echo "$w" | tr -c 'a-z0-9=+-' _)" "$got [$(oneline "$T/err")]" \
		"1|poison track quarantine=4|1 [$(oneline "$T/err")]"
done
# Not root: debugfs is root's, the file 0600.
as_user "echo -poison >$D/dbg/debug" 2>/dev/null
rc=$?
eq dbg-not-root "$([ $rc -ne 0 ] && echo refused):$(cat "$D/dbg/debug")" "refused:poison track quarantine=4"

# ---- off again -----------------------------------------------------------------------
put "-poison -track quarantine=0"
eq dbg-off "$rc|$(cat "$D/dbg/debug")|$(sval dbg flags)" "0|none|0"
eq dbg-quarantine-released "$(sval dbg blocks_free) $(sval dbg blocks_in_use)" "7 1"
mempoolctl free dbg "$h0" >/dev/null
# A destroy with blocks in quarantine: they are not in use (no EBUSY),
# and no leak is reported.
put "quarantine=2"
h2=$(mempoolctl alloc dbg)
mempoolctl free dbg "$h2" >/dev/null
dmesg -c >/dev/null
check dbg-destroy mempoolctl destroy dbg
eq dbg-destroy-no-leak "$(dmesg | grep -c 'dbg destroyed with')" 0

# ---- MPOOL_IOC_DEBUG: raw calls, on a kernel user's pool too -----------------------
client=/lib/mempool/mpool_client.ko
kpool=
if [ ! -f "$client" ]; then
	fail dbgc-client "mpool_client.ko is not in the initramfs"
elif check dbgc-kpool-insmod insmod "$client" keep=1; then
	kpool=mpool_client_kept
fi
if [ -x /bin/mpool_debug ]; then
	# A crash part-way would only leave checks unreported.
	check dbgc-run-to-end /bin/mpool_debug $kpool
else
	fail dbgc-binary "mpool_debug is not in the initramfs"
fi

# ---- mempoolctl debug ----------------------------------------------------------------
mempoolctl create dbgm --block-size 32 --blocks 8 >/dev/null
expect dbgm-report 0 "" mempoolctl debug dbgm
eq dbgm-report-none "$(cat "$T/out")" none
expect dbgm-on 0 "" mempoolctl debug dbgm +poison +track quarantine=3
eq dbgm-on-out "$(cat "$T/out")|$(cat "$D/dbgm/debug")|$(sval dbgm flags)" \
	"poison track quarantine=3|poison track quarantine=3|6"
h=$(mempoolctl alloc dbgm)
mempoolctl free dbgm "$h" >/dev/null
eq dbgm-stats-quarantined "$(sval dbgm quarantined) $(sval dbgm blocks_free)" "1 7"
expect dbgm-off 0 "" mempoolctl debug dbgm -- -poison -track quarantine=0
eq dbgm-off-out "$(cat "$T/out")|$(sval dbgm quarantined)" "none|0"
expect dbgm-einval 1 "fewer blocks than the pool" mempoolctl debug dbgm quarantine=8
expect dbgm-enoent 1 "no such pool" mempoolctl debug dbgm_none +poison
expect dbgm-usage 2 "unknown mode 'poison'" mempoolctl debug dbgm poison
expect dbgm-usage-twice 2 "given twice" mempoolctl debug dbgm +track -track
eq dbgm-unchanged "$(cat "$D/dbgm/debug")" none
if [ -n "$kpool" ]; then
	expect dbgm-kpool 1 "belongs to a kernel user" mempoolctl debug "$kpool"
	check dbgc-kpool-rmmod rmmod mpool_client
fi
mempoolctl destroy dbgm >/dev/null
check dbg-rmmod unload_module
rm -rf "$T"
