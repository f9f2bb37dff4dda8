#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mempoolctl end to end: every subcommand, every errno the ABI header
# documents that the CLI can reach, stats identical to debugfs, exact
# counter values after a scripted sequence, and the seed demonstration.
#
# Not reachable from the CLI by design: ENAMETOOLONG and the kernel's
# EINVAL for bad names (mempoolctl rejects such names itself, exit 2),
# EPERM for a read-only open (mempoolctl opens O_RDWR for every command
# that changes a pool), E2BIG/ENOTTY/EFAULT (mempoolctl builds the structs).
. "$(dirname "$0")/lib.sh"

D=/sys/kernel/debug/mempool
T=/tmp/test_20_cli.$$
mkdir -p "$T"

# eq NAME GOT WANT
eq() {
	if [ "$2" = "$3" ]; then pass "$1"
	else fail "$1" "got '$2', wanted '$3'"; fi
}

# sval POOL KEY: one value from mempoolctl stats
sval() { mempoolctl stats "$1" | sed -n "s/^$2: //p"; }

# lines FILE: number of lines
lines() { echo $(($(wc -l <"$1"))); }

# off HANDLE: the block's offset (bits 0-39 of its handle)
off() { echo $(($1 & 0xFFFFFFFFFF)); }

# same_as_debugfs NAME POOL: mempoolctl stats text == debugfs stats file
same_as_debugfs() {
	mempoolctl stats "$2" >"$T/ctl" 2>&1
	cat "$D/$2/stats" >"$T/dbg" 2>&1
	if cmp -s "$T/ctl" "$T/dbg"; then
		pass "$1"
	else
		echo "# mempoolctl stats $2:"; cat "$T/ctl"
		echo "# $D/$2/stats:"; cat "$T/dbg"
		fail "$1" "mempoolctl stats $2 differs from $D/$2/stats"
	fi
}

# ---- without the module ----------------------------------------------------
expect cli-help 0 "" mempoolctl --help
grep -q '^Usage: mempoolctl' "$T/out" && pass cli-help-stdout || fail cli-help-stdout "no usage on stdout"
expect cli-sub-help 0 "" mempoolctl create --help
expect cli-bad-usage 2 "--help" mempoolctl frobnicate
expect cli-missing-arg 2 "missing --blocks" mempoolctl create x --block-size 8
expect cli-bad-size 2 "invalid value" mempoolctl create x --block-size 8q --blocks 1
expect cli-no-module 1 "the mempool module is not loaded" mempoolctl list

# ---- load -------------------------------------------------------------------
check cli-insmod load_module || exit 0

expect cli-version 0 "" mempoolctl version
# The module speaks the ABI mempoolctl was built with (both from the header).
tool_abi=$(sed -n 's/^mempoolctl .* (ABI \([0-9]*\))$/\1/p' "$T/out")
[ -n "$tool_abi" ] && grep -qx "module ABI version $tool_abi" "$T/out" &&
	pass cli-version-module || fail cli-version-module "$(oneline "$T/out")"

expect cli-list-empty 0 "" mempoolctl list
eq cli-list-empty-header "$(lines "$T/out")" 1
expect cli-list-json-empty 0 "" mempoolctl list --json
eq cli-list-json-empty-out "$(cat "$T/out")" "[]"

# ---- create / EEXIST / ENOENT / EINVAL / EOVERFLOW / EDQUOT -----------------
expect cli-create 0 "" mempoolctl create rx --block-size 32 --blocks 4
expect cli-eexist 1 "mempoolctl: create 'rx': a pool with that name exists" \
	mempoolctl create rx --block-size 32 --blocks 4
expect cli-enoent-stats 1 "mempoolctl: stats 'nx': no such pool" mempoolctl stats nx
expect cli-enoent-destroy 1 "mempoolctl: destroy 'nx': no such pool" mempoolctl destroy nx
expect cli-enoent-alloc 1 "mempoolctl: alloc 'nx': no such pool" mempoolctl alloc nx
expect cli-enoent-free 1 "mempoolctl: free 'nx': no such pool" mempoolctl free nx 0
expect cli-enoent-reset 1 "mempoolctl: reset 'nx': no such pool" mempoolctl reset nx
expect cli-enoent-read 1 "mempoolctl: read 'nx': no such pool" mempoolctl read nx 0
expect cli-enoent-write 1 "mempoolctl: write 'nx': no such pool" mempoolctl write nx 0 hi
expect cli-einval-align3 1 "mempoolctl: create 'al': invalid argument" \
	mempoolctl create al --block-size 32 --blocks 4 --align 3
expect cli-einval-align-big 1 "invalid argument" \
	mempoolctl create al --block-size 32 --blocks 4 --align 1M
expect cli-align-gone 1 "no such pool" mempoolctl stats al
# Names the kernel would refuse with ENAMETOOLONG/EINVAL never reach it.
expect cli-name-too-long 2 "longer than 31" \
	mempoolctl create abcdefghijabcdefghijabcdefghijab --block-size 8 --blocks 1
expect cli-name-bad-chars 2 "invalid pool name" \
	mempoolctl create 'a/b' --block-size 8 --blocks 1
expect cli-name-31-ok 0 "" \
	mempoolctl create abcdefghijabcdefghijabcdefghija --block-size 8 --blocks 1
expect cli-name-31-destroy 0 "" mempoolctl destroy abcdefghijabcdefghijabcdefghija
# u32 fields cannot overflow a 64-bit size_t by themselves; the stride
# rounding (0xffffffff up to 4096) times 0xffffffff blocks plus the
# metadata does.
expect cli-eoverflow 1 "mempoolctl: create 'ov': block size times block count overflows" \
	mempoolctl create ov --block-size 0xffffffff --align 4096 --blocks 0xffffffff
expect cli-edquot 1 "mempoolctl: create 'big': the module's max_bytes limit would be exceeded" \
	mempoolctl create big --block-size 1M --blocks 512
expect cli-edquot-gone 1 "no such pool" mempoolctl stats big

# ---- alloc / ENOSPC / ETIMEDOUT / EBUSY / destroy --force -------------------
expect cli-alloc3 0 "" mempoolctl alloc rx --count 3
eq cli-alloc3-lines "$(lines "$T/out")" 3
expect cli-alloc-partial 0 "" mempoolctl alloc rx --count 5
eq cli-alloc-partial-lines "$(lines "$T/out")" 1
eq cli-alloc-in-use "$(sval rx blocks_in_use)" 4
expect cli-enospc 1 "mempoolctl: alloc 'rx': the pool is exhausted" mempoolctl alloc rx
expect cli-etimedout 1 "mempoolctl: alloc 'rx': no block became free within the timeout" \
	mempoolctl alloc rx --timeout 100
expect cli-ebusy 1 "mempoolctl: destroy 'rx': blocks are still allocated or the pool is mapped (use --force)" \
	mempoolctl destroy rx
expect cli-destroy-force 0 "" mempoolctl destroy rx --force
expect cli-destroyed 1 "no such pool" mempoolctl stats rx
[ ! -e "$D/rx" ] && pass cli-destroyed-debugfs || fail cli-destroyed-debugfs "$D/rx remains"

# ---- free: ERANGE / EINVAL / ENXIO ------------------------------------------
mempoolctl create fr --block-size 32 --blocks 4 >/dev/null 2>&1
run mempoolctl alloc fr --count 2
a=$(sed -n 1p "$T/out")
b=$(sed -n 2p "$T/out")
expect cli-free 0 "" mempoolctl free fr "$a"
eq cli-free-silent "$(cat "$T/out")" ""
expect cli-free-enxio 1 "mempoolctl: free 'fr': handle $a: not allocated" mempoolctl free fr "$a"
expect cli-free-einval 1 "mempoolctl: free 'fr': handle 5: not the start of a block" mempoolctl free fr 5
expect cli-free-erange 1 "mempoolctl: free 'fr': handle 128: outside the pool" mempoolctl free fr 128
expect cli-free-erange-hex 1 "handle 0xffffffffffffffff: outside the pool" \
	mempoolctl free fr 0xffffffffffffffff
# A live block's bare offset (generation 0) is no handle of it.
expect cli-free-estale 1 "mempoolctl: free 'fr': handle $(off "$b"): stale handle" \
	mempoolctl free fr "$(off "$b")"
# A mix: the valid handle is freed, the bad one reported, exit 1.
expect cli-free-mixed 1 "handle 7: not the start of a block" mempoolctl free fr 7 "$b"
eq cli-free-mixed-freed "$(sval fr blocks_in_use)" 0
eq cli-free-mixed-counts "$(sval fr frees) $(sval fr invalid_frees)" "2 6"
mempoolctl destroy fr >/dev/null 2>&1

# ---- write / read -----------------------------------------------------------
mempoolctl create rw --block-size 32 --blocks 2 --zero >/dev/null 2>&1
run mempoolctl alloc rw
o=$(cat "$T/out")
printf 'hello, pool' >"$T/want"
expect cli-write 0 "" mempoolctl write rw "$o" 'hello, pool'
expect cli-read 0 "" mempoolctl read rw "$o" --length 11
cmp -s "$T/out" "$T/want" && pass cli-read-back || fail cli-read-back "read gave '$(cat "$T/out")'"
expect cli-read-default 0 "" mempoolctl read rw "$o"
eq cli-read-default-len "$(wc -c <"$T/out" | tr -d ' ')" 32
expect cli-read-pos 0 "" mempoolctl read rw "$o" --pos 7 --length 4
eq cli-read-pos-data "$(cat "$T/out")" pool
expect cli-write-end 0 "" mempoolctl write rw "$o" abcde --pos 27
expect cli-read-end 0 "" mempoolctl read rw "$o" --pos 27
eq cli-read-end-data "$(cat "$T/out")" abcde
expect cli-write-past-end 1 "mempoolctl: write 'rw': handle $o: the handle is not the start of a block, or the range passes the block's end" \
	mempoolctl write rw "$o" abcdef --pos 27
expect cli-read-past-end 1 "the range passes the block's end" mempoolctl read rw "$o" --pos 30 --length 3
expect cli-read-pos-at-end 1 "the range passes the block's end" mempoolctl read rw "$o" --pos 32
expect cli-read-einval 1 "mempoolctl: read 'rw': handle 1: the handle is not the start of a block" \
	mempoolctl read rw 1
expect cli-write-erange 1 "mempoolctl: write 'rw': handle 64: the handle is outside the pool" \
	mempoolctl write rw 64 x
expect cli-read-erange 1 "handle 0x1000: the handle is outside the pool" mempoolctl read rw 0x1000
expect cli-read-estale 1 "mempoolctl: read 'rw': handle $(off "$o"): stale handle" \
	mempoolctl read rw "$(off "$o")"
other=0
[ "$(off "$o")" = 0 ] && other=32
expect cli-read-enxio 1 "mempoolctl: read 'rw': handle $other: the block is not allocated" \
	mempoolctl read rw $other
expect cli-write-enxio 1 "the block is not allocated" mempoolctl write rw $other x
# --zero: a freed and reallocated block reads back as zeros; the old
# handle is stale, and the new one names the same offset.
mempoolctl free rw "$o" >/dev/null 2>&1
mempoolctl alloc rw --count 2 >"$T/again" 2>&1
o2=
for h in $(cat "$T/again"); do [ "$(off "$h")" = "$(off "$o")" ] && o2=$h; done
expect cli-read-stale-after-realloc 1 "handle $o: stale handle" mempoolctl read rw "$o"
if [ -n "$o2" ] && [ "$o2" != "$o" ]; then pass cli-realloc-new-generation
else fail cli-realloc-new-generation "old $o, new '$o2' ($(oneline "$T/again"))"; fi
mempoolctl read rw "$o2" >"$T/z" 2>&1
eq cli-zero-on-alloc "$(wc -c <"$T/z" | tr -d ' ') $(tr -d '\000' <"$T/z" | wc -c | tr -d ' ')" "32 0"
mempoolctl destroy rw --force >/dev/null 2>&1

# ---- a waiter woken by a free from another process --------------------------
mempoolctl create w --block-size 64 --blocks 1 >/dev/null 2>&1
run mempoolctl alloc w
wo=$(cat "$T/out")
mempoolctl alloc w --timeout 5000 >"$T/waiter" 2>&1 &
wpid=$!
i=0
while ! alloc_asleep $wpid && [ $i -lt 40 ]; do
	sleep 0.1 2>/dev/null || sleep 1
	i=$((i + 1))
done
check cli-waiter-sleeps alloc_asleep $wpid
expect cli-waiter-free 0 "" mempoolctl free w "$wo"
wait $wpid
wrc=$?
# The same block, allocated again: a new handle.
wn=$(cat "$T/waiter")
eq cli-waiter-woken "$wrc $(off "$wn")" "0 $(off "$wo")"
[ "$wn" != "$wo" ] && pass cli-waiter-new-handle ||
	fail cli-waiter-new-handle "the waiter got the freed handle $wo again"
eq cli-waiter-counts "$(sval w waits) $(sval w timeouts) $(sval w allocs) $(sval w blocks_in_use)" "1 0 2 1"
mempoolctl destroy w --force >/dev/null 2>&1

# ---- exact counters after a scripted sequence; stats == debugfs -------------
expect cli-seq-create 0 "" mempoolctl create c --block-size 100 --blocks 4 --align 64 --zero --track
run mempoolctl alloc c --count 4
c1=$(sed -n 1p "$T/out")
c2=$(sed -n 2p "$T/out")
mempoolctl alloc c >/dev/null 2>&1			# ENOSPC
mempoolctl alloc c --timeout 100 >/dev/null 2>&1	# ETIMEDOUT
mempoolctl free c "$c1" "$c2" >/dev/null 2>&1
mempoolctl free c "$c1" >/dev/null 2>&1			# ENXIO
mempoolctl free c 1 >/dev/null 2>&1			# EINVAL
mempoolctl free c 512 >/dev/null 2>&1			# ERANGE: 4 * 128
mempoolctl alloc c >/dev/null 2>&1
cat >"$T/want" <<-'EOS'
	block_size: 100
	stride: 128
	align: 64
	flags: 5
	blocks_total: 4
	blocks_free: 1
	blocks_in_use: 3
	high_watermark: 4
	allocs: 5
	alloc_failures: 1
	frees: 2
	invalid_frees: 3
	waits: 1
	timeouts: 1
	poison_errors: 0
	drain_ipis: 0
	reclaimed_on_close: 0
	quarantined: 0
EOS
mempoolctl stats c | grep -v -e '^bytes_reserved: ' -e '^wait_us_hist: ' >"$T/got"
if cmp -s "$T/got" "$T/want"; then pass cli-seq-counters
else cat "$T/got"; fail cli-seq-counters "counters differ from the expected values"; fi
br=$(sval c bytes_reserved)
[ "${br:-0}" -ge 512 ] 2>/dev/null && pass cli-seq-bytes-reserved ||
	fail cli-seq-bytes-reserved "bytes_reserved '$br' < region 512"
eq cli-seq-last-key "$(mempoolctl stats c | tail -n 1 | cut -d: -f1)" quarantined
same_as_debugfs cli-stats-eq-debugfs c
expect cli-stats-json 0 "" mempoolctl stats c --json
grep -q '^{"name": "c", "block_size": 100, "stride": 128, "align": 64, "flags": 5, .*"allocs": 5, .*"bytes_reserved": [0-9]*, "drain_ipis": [0-9]*, "reclaimed_on_close": [0-9]*, "wait_us_hist": {[^}]*}, "quarantined": [0-9]*}$' "$T/out" &&
	pass cli-stats-json-out || fail cli-stats-json-out "$(oneline "$T/out")"

# list: header plus one line per pool, in creation order
mempoolctl create c2 --block-size 8 --blocks 2 >/dev/null 2>&1
expect cli-list 0 "" mempoolctl list
eq cli-list-lines "$(lines "$T/out")" 3
eq cli-list-header "$(sed -n 1p "$T/out" | awk '{print $1, $2, $3, $4, $5, $6}')" \
	"NAME BLOCK_SIZE TOTAL IN_USE FREE HIGH_WATERMARK"
eq cli-list-c "$(sed -n 2p "$T/out" | awk '{print $1, $2, $3, $4, $5, $6}')" "c 100 4 3 1 4"
eq cli-list-c2 "$(sed -n 3p "$T/out" | awk '{print $1, $2, $3, $4, $5, $6}')" "c2 8 2 0 2 0"
expect cli-list-json 0 "" mempoolctl list --json
eq cli-list-json-out "$(sed 's/"bytes_reserved": [0-9]*/"bytes_reserved": N/g; s/, "wait_us_hist": {[^}]*}//g' "$T/out")" '[{"name": "c", "block_size": 100, "stride": 128, "align": 64, "flags": 5, "blocks_total": 4, "blocks_free": 1, "blocks_in_use": 3, "high_watermark": 4, "allocs": 5, "alloc_failures": 1, "frees": 2, "invalid_frees": 3, "waits": 1, "timeouts": 1, "poison_errors": 0, "bytes_reserved": N, "drain_ipis": 0, "reclaimed_on_close": 0, "quarantined": 0}, {"name": "c2", "block_size": 8, "stride": 8, "align": 8, "flags": 0, "blocks_total": 2, "blocks_free": 2, "blocks_in_use": 0, "high_watermark": 0, "allocs": 0, "alloc_failures": 0, "frees": 0, "invalid_frees": 0, "waits": 0, "timeouts": 0, "poison_errors": 0, "bytes_reserved": N, "drain_ipis": 0, "reclaimed_on_close": 0, "quarantined": 0}]'
eq cli-list-json-as-stats "$(cat "$T/out")" "[$(mempoolctl stats c --json), $(mempoolctl stats c2 --json)]"
grep -q '^c ' "$D/pools" && grep -q '^c2 ' "$D/pools" && pass cli-debugfs-pools ||
	fail cli-debugfs-pools "$(oneline "$D/pools")"

# reset zeroes the counters; the high watermark becomes the blocks in use
expect cli-reset 0 "" mempoolctl reset c
eq cli-reset-counters "$(mempoolctl stats c | grep -E '^(allocs|alloc_failures|frees|invalid_frees|waits|timeouts|poison_errors|high_watermark|blocks_in_use):' | tr '\n' ' ')" \
	"blocks_in_use: 3 high_watermark: 3 allocs: 0 alloc_failures: 0 frees: 0 invalid_frees: 0 waits: 0 timeouts: 0 poison_errors: 0 "
same_as_debugfs cli-reset-eq-debugfs c
expect cli-destroy-c 1 "blocks are still allocated" mempoolctl destroy c
expect cli-destroy-c-force 0 "" mempoolctl destroy c --force
expect cli-destroy-c2 0 "" mempoolctl destroy c2

# poison flag shows in stats
mempoolctl create pz --block-size 16 --blocks 2 --poison >/dev/null 2>&1
eq cli-poison-flags "$(sval pz flags)" 2
mempoolctl destroy pz >/dev/null 2>&1

# --percpu (MPOOL_CREATE_PERCPU): the flag shows in stats; with waiting
# allocations (which drain the per-CPU caches) every block is reachable.
if mempoolctl create --help | grep -q -- --percpu; then
	expect cli-percpu-create 0 "" mempoolctl create pc --block-size 16 --blocks 4 --percpu
	eq cli-percpu-flags "$(sval pc flags)" 8
	run mempoolctl alloc pc --count 4
	pcs=$(cat "$T/out")
	# shellcheck disable=SC2086
	expect cli-percpu-free 0 "" mempoolctl free pc $pcs
	n=0
	for i in 1 2 3 4; do
		mempoolctl alloc pc --timeout 100 >/dev/null 2>&1 && n=$((n + 1))
	done
	eq cli-percpu-all-reachable "$n $(sval pc blocks_in_use)" "4 4"
	expect cli-percpu-destroy 0 "" mempoolctl destroy pc --force
fi

# ---- debugfs blocks: every live block once, in order, across many reads -----
# 2999 lines are about 20 KB, several times seq_file's first buffer: the
# walk must resume where each read stopped, not start again or skip.
expect blocks-create 0 "" mempoolctl create blk --block-size 16 --blocks 3000 --track
for i in 1 2 3; do mempoolctl alloc blk --count 1000; done >"$T/blk-handles"
# The handle of the block at offset 16 (0x10): its low 40 bits.
expect blocks-free-one 0 "" mempoolctl free blk \
	$(grep -E '^0x[0-9a-f]+0000000010$' "$T/blk-handles")
# Small reads: seq_file refills its one-page buffer about 30 times (the
# lines name callers: ~120 KB), each time resuming the walk where the last
# refill stopped.  At most 256 KB: a walk that restarts ends, and fails.
dd if="$D/blk/blocks" of="$T/blocks" bs=64 count=4096 2>/dev/null
awk 'NR > 1 { print $1 }' "$T/blocks" >"$T/offsets"
i=0
while [ $i -lt 3000 ]; do
	[ $i -ne 1 ] && echo $((i * 16))
	i=$((i + 1))
done >"$T/want"
if [ "$(head -n1 "$T/blocks")" = "# offset caller owner" ] &&
   cmp -s "$T/offsets" "$T/want"; then
	pass blocks-debugfs-walk
else
	fail blocks-debugfs-walk "$(lines "$T/offsets") offsets, wanted 2999; first lines: $(head -n3 "$T/blocks" | tr '\n' '|')"
fi
# Under --track, each line names the allocating caller.
if awk 'NR > 1 && $2 == "-" { bad = 1 } END { exit bad }' "$T/blocks"; then
	pass blocks-debugfs-callers
else
	fail blocks-debugfs-callers "a block without its caller: $(awk 'NR > 1 && $2 == "-" { print; exit }' "$T/blocks")"
fi
# Unowned blocks: no owner.
if ! grep -q ' owner=' "$T/blocks"; then
	pass blocks-debugfs-unowned
else
	fail blocks-debugfs-unowned "$(grep -m1 ' owner=' "$T/blocks")"
fi
expect blocks-destroy 0 "" mempoolctl destroy blk --force

# ---- the seed demonstration -------------------------------------------------
expect demo-create 0 "" mempoolctl create demo --block-size 32 --blocks 10
d1=$(mempoolctl alloc demo)
d2=$(mempoolctl alloc demo)
d3=$(mempoolctl alloc demo)
if [ -n "$d1" ] && [ -n "$d2" ] && [ -n "$d3" ] && [ "$d1" != "$d2" ] &&
   [ "$d2" != "$d3" ] && [ "$d1" != "$d3" ]; then pass demo-alloc3
else fail demo-alloc3 "handles '$d1' '$d2' '$d3'"; fi
eq demo-in-use "$(sval demo blocks_in_use)" 3
expect demo-free-second 0 "" mempoolctl free demo "$d2"
d4=$(mempoolctl alloc demo)
eq demo-realloc-lifo "$(off "$d4")" "$(off "$d2")"
eq demo-counters "$(sval demo allocs) $(sval demo frees) $(sval demo blocks_in_use) $(sval demo high_watermark)" "4 1 3 3"
same_as_debugfs demo-stats-eq-debugfs demo
expect demo-destroy-busy 1 "use --force" mempoolctl destroy demo
expect demo-free-all 0 "" mempoolctl free demo "$d1" "$d3" "$d4"
expect demo-destroy 0 "" mempoolctl destroy demo
# max_batch set below 1024: the CLI splits its calls to fit.
P=/sys/module/mempool/parameters/max_batch
echo 3 >"$P"
eq cli-max-batch-set "$(cat "$P")" 3
mempoolctl create mb --block-size 8 --blocks 8 >/dev/null
expect cli-max-batch-alloc 0 "" mempoolctl alloc mb --count 7
eq cli-max-batch-alloc-lines "$(lines "$T/out")" 7
expect cli-max-batch-free 0 "" mempoolctl free mb $(cat "$T/out")
eq cli-max-batch-in-use "$(sval mb blocks_in_use)" 0
echo 1024 >"$P"
mempoolctl destroy mb
expect cli-list-empty-again 0 "" mempoolctl list
eq cli-list-empty-again-lines "$(lines "$T/out")" 1

check cli-rmmod unload_module
rm -rf "$T"
