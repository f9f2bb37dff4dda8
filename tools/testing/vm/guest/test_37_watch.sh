#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Exhaustion alerts: MPOOL_IOC_WATCH, poll() and read() (tools/testing/watch/
# mpool_watch), `mempoolctl watch`, and the histogram of blocking-alloc
# waits (wait_us_hist) in debugfs and `mempoolctl stats`.
. /mptest/lib.sh
T=$(mktemp -d)
D=/sys/kernel/debug/mempool

check wt-insmod load_module || exit 0
if [ -x /bin/mpool_watch ]; then
	# A crash part-way would only leave checks unreported: it fails here.
	check wt-run-to-end /bin/mpool_watch
else
	fail wt-binary "mpool_watch is not in the initramfs"
fi

# hist POOL: the wait_us_hist buckets of debugfs, space-separated
hist() { sed -n 's/^wait_us_hist: //p' "$D/$1/stats"; }
# hsum "N N ...": their sum
hsum() { s=0; for v in $1; do s=$((s + v)); done; echo $s; }
# hfirst "N N ...": the index of the first non-zero bucket, or -1
hfirst() { i=0; for v in $1; do [ "$v" != 0 ] && { echo $i; return; }; i=$((i + 1)); done; echo -1; }
sval() { mempoolctl stats "$1" | sed -n "s/^$2: //p"; }
eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', wanted '$3'"; fi; }

# ---- the histogram ------------------------------------------------------------
mempoolctl create wh --block-size 64 --blocks 1 >/dev/null
h=$(hist wh)
eq wt-hist-empty "$(echo $h | wc -w) $(hsum "$h")" "24 0"
off=$(mempoolctl alloc wh)
# A wait of 50 ms that times out: [32768, 65536) us, or the next bucket
# up on a slow machine (the timeout is the least it sleeps).
mempoolctl alloc wh --timeout 50 >/dev/null 2>&1
h=$(hist wh)
eq wt-hist-sum-is-waits "$(hsum "$h")" "$(sval wh waits)"
b=$(hfirst "$h")
if [ "$b" -ge 15 ] && [ "$b" -le 17 ]; then pass wt-hist-bucket-50ms
else fail wt-hist-bucket-50ms "bucket $b: $h"; fi
# A wait that ends with a block counts too.
mempoolctl alloc wh --timeout 30000 >"$T/waiter" 2>&1 &
waiter=$!
i=0
while ! alloc_asleep $waiter && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check wt-hist-waiter-asleep test "$i" -lt 100
mempoolctl free wh "$off" >/dev/null
wait "$waiter"
check wt-hist-waiter-got-block test $? = 0
h=$(hist wh)
eq wt-hist-sum-two "$(hsum "$h") $(sval wh waits)" "2 2"
# stats --json: the same buckets, keyed by their lower bounds
mempoolctl stats wh --json >"$T/json"
j=$(sed -n 's/.*"wait_us_hist": {\([^}]*\)}.*/\1/p' "$T/json")
want=$(echo $h | awk '{ lb = 0; s = ""; for (i = 1; i <= NF; i++) { s = s (i > 1 ? ", " : "") "\"" lb "\": " $i; lb = lb ? lb * 2 : 2 }; print s }')
eq wt-hist-json "$j" "$want"
# stats text is debugfs's
mempoolctl stats wh >"$T/ctl"
if cmp -s "$T/ctl" "$D/wh/stats"; then pass wt-hist-text-is-debugfs
else fail wt-hist-text-is-debugfs "$(diff "$T/ctl" "$D/wh/stats" | tr '\n' '|')"; fi
# reset zeroes it
mempoolctl reset wh
eq wt-hist-reset "$(hsum "$(hist wh)")" 0
mempoolctl destroy wh --force >/dev/null

# ---- mempoolctl watch ---------------------------------------------------------
mempoolctl create ww --block-size 64 --blocks 4 >/dev/null
mempoolctl watch ww --below 2 --count 2 >"$T/out" 2>"$T/err" &
watcher=$!
# The watcher is in place once the pool's watermark is set: the first
# allocation of 3 (free 1 < 2) is then seen.
i=0
while ! grep -q . "$T/out" && [ $i -lt 100 ]; do
	offs=$(mempoolctl alloc ww --count 3)
	mempoolctl free ww $offs >/dev/null
	sleep 0.1
	i=$((i + 1))
done
wait "$watcher"
rc=$?
sed 's/^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]\{6\}Z /TIME /' "$T/out" >"$T/got"
eq wt-cli-watch-count "$rc|$(tr '\n' '|' <"$T/got")" \
	"0|TIME low free=1 below=2|TIME recovered free=4 below=2|"
# --count 2 ends it even if the watch began mid-way: two lines, no more
eq wt-cli-watch-lines "$(wc -l <"$T/out")" 2

# destroyed while watched: a message and exit status 3.  A watermark
# above the pool's 4 blocks gives a LOW event at once: then it watches.
mempoolctl watch ww --below 5 >"$T/out" 2>"$T/err" &
watcher=$!
i=0
while ! grep -q . "$T/out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check wt-cli-watch-set-low test "$i" -lt 100
mempoolctl destroy ww >/dev/null
wait "$watcher"
rc=$?
eq wt-cli-watch-destroyed "$rc|$(sed 's/^[^ ]* //' "$T/out")|$(cat "$T/err")" \
	"3|low free=4 below=5|mempoolctl: watch 'ww': the pool was destroyed"

# errors
expect wt-cli-watch-enoent 1 "mempoolctl: watch 'nx': no such pool" mempoolctl watch nx --below 1
expect wt-cli-watch-no-below 2 "watch: missing --below" mempoolctl watch nx
expect wt-cli-watch-bad-count 2 "" mempoolctl watch nx --below 1 --count 0

# Figures, not checks: the cost of a watermark on ALLOC + FREE (not on
# the debug kernels, where 84000 pairs take minutes and say nothing).
case $MPTEST_KERNEL in
debug*) ;;
*) [ -x /bin/mpool_watch ] && /bin/mpool_watch --cost ;;
esac

check wt-rmmod unload_module
rm -rf "$T"
