#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mempoolctl's observability (issue #11): --version, top (--once, piped,
# on a pseudo-terminal through ptyrun), stats --prometheus checked by an
# awk checker of the exposition format, list/stats --json with every
# statistic, and alloc --count above the 1024 of one ioctl.
. "$(dirname "$0")/lib.sh"

T=/tmp/test_25_obs.$$
mkdir -p "$T"

# eq NAME GOT WANT
eq() {
	if [ "$2" = "$3" ]; then pass "$1"
	else fail "$1" "got '$2', wanted '$3'"; fi
}
lines() { echo $(($(wc -l <"$1"))); }
sval() { mempoolctl stats "$1" | sed -n "s/^$2: //p"; }
nap() { sleep "$1" 2>/dev/null || sleep 1; }

# prom_check FILE: the Prometheus text format as node_exporter's textfile
# collector reads it: HELP then TYPE before a metric's samples, each metric
# in one block, counters named *_total, samples NAME{pool="..."} DIGITS;
# a histogram's NAME_bucket{pool="...",le="..."} and NAME_count{pool="..."}.
# Prints the number of samples; exits 1 (reasons on stdout) if invalid.
prom_check() {
	awk '
	/^# HELP / {
		if ($3 in seen) { print "metric " $3 " in two blocks"; bad = 1 }
		seen[$3] = 1; help = $3; cur = ""; next
	}
	/^# TYPE / {
		if ($3 != help) { print "TYPE " $3 " not right after its HELP"; bad = 1 }
		if ($4 != "gauge" && $4 != "counter" && $4 != "histogram") { print "type " $4; bad = 1 }
		hist = $4 == "histogram"
		if ($4 == "counter" && $3 !~ /_total$/) { print "counter " $3 " without _total"; bad = 1 }
		cur = $3; next
	}
	{
		if ($0 !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*[{]pool="[^"]*"(,le="([0-9]+|[+]Inf)")?[}] [0-9]+$/) {
			print "bad sample line: " $0; bad = 1; next
		}
		m = $0; sub(/[{].*/, "", m)
		if (hist && $0 ~ /,le="/) { if (m != cur "_bucket") { print "bucket of " m " outside its block"; bad = 1 } }
		else if (hist) { if (m != cur "_count") { print "sample of " m " in a histogram"; bad = 1 } }
		else if (m != cur || $0 ~ /,le="/) { print "sample of " m " outside its block"; bad = 1 }
		n++
	}
	END { if (bad) exit 1; print n + 0 }' "$1"
}

# ---- --version without the module -----------------------------------------
expect obs-version-nomod 0 "" mempoolctl --version
eq obs-version-nomod-out "$(sed -n 1p "$T/out" | sed 's/^mempoolctl [0-9][0-9A-Za-z.~+-]* (ABI '"$MPTEST_ABI"')$/OK/')|$(sed -n 2p "$T/out")|$(lines "$T/out")" \
	"OK|module not loaded (no /dev/mempool)|2"
expect obs-version-cmd-nomod 1 "the mempool module is not loaded" mempoolctl version

check obs-insmod load_module || exit 0

expect obs-version 0 "" mempoolctl --version
eq obs-version-out "$(sed 's/^mempoolctl [0-9][0-9A-Za-z.~+-]* (ABI '"$MPTEST_ABI"')$/OK/' "$T/out" | tr '\n' '|')" \
	"OK|module ABI version $MPTEST_ABI|"
v1=$(sed -n 1p "$T/out")
expect obs-version-cmd 0 "" mempoolctl version
eq obs-version-cmd-out "$(tr '\n' '|' <"$T/out")" "$v1|module ABI version $MPTEST_ABI|"

# ---- pools to look at ------------------------------------------------------
mempoolctl create ob_big --block-size 16 --blocks 4096 >/dev/null &&
mempoolctl create ob_mid --block-size 64 --blocks 100 >/dev/null &&
mempoolctl create ob_small --block-size 8 --blocks 10 >/dev/null &&
mempoolctl alloc ob_mid --count 50 >/dev/null &&
mempoolctl alloc ob_small --count 3 >/dev/null
check obs-setup [ $? -eq 0 ]

# ---- top --once ------------------------------------------------------------
expect obs-top-once 0 "" timeout 20 mempoolctl top --once --delay 0.2
eq obs-top-once-totals "$(sed -n 1p "$T/out" | cut -d';' -f1)" \
	"mempool: 3 pools, 4206 blocks, 53 in use, 4153 free"
eq obs-top-once-header "$(sed -n 2p "$T/out" | awk '{ $1 = $1; print }')" \
	"NAME BLOCKS IN_USE FREE HWM ALLOC/S FAIL/S"
# sorted by in-use (largest first); columns as in stats
eq obs-top-once-rows "$(awk 'NR > 2 { printf "%s %s %s %s %s|", $1, $2, $3, $4, $5 }' "$T/out")" \
	"ob_mid 100 50 50 50|ob_small 10 3 7 3|ob_big 4096 0 4096 0|"
eq obs-top-once-lines "$(lines "$T/out")" 5
# nothing happened in the interval: every rate 0.0
eq obs-top-once-idle "$(awk 'NR > 2 { printf "%s %s|", $6, $7 }' "$T/out")" "0.0 0.0|0.0 0.0|0.0 0.0|"

# rates measured over the interval: 100 allocations in ob_big and one
# failure in ob_small (a partial allocation) while top waits
(nap 0.3; mempoolctl alloc ob_big --count 100 >/dev/null
 mempoolctl alloc ob_small --count 20 >/dev/null) &
expect obs-top-rates 0 "" timeout 20 mempoolctl top --once --delay 2 --sort allocs
wait
eq obs-top-rates-first "$(sed -n 3p "$T/out" | awk '{ print $1 }')" ob_big
if awk 'NR > 2 { if ($6 < 0 || $7 < 0) bad = 1 }
	NR > 2 && $1 == "ob_big" { if ($6 < 30 || $6 > 110) bad = 1 }
	NR > 2 && $1 == "ob_small" { if ($6 < 1 || $7 <= 0) bad = 1 }
	END { exit bad }' "$T/out"; then
	pass obs-top-rates-values
else
	fail obs-top-rates-values "$(tr '\n' '|' <"$T/out")"
fi
grep -q "sort: allocs$" "$T/out" && pass obs-top-rates-sort-shown ||
	fail obs-top-rates-sort-shown "$(sed -n 1p "$T/out")"

# ---- top with stdout not a terminal: one frame, even without --once -------
mempoolctl reset ob_big >/dev/null
timeout 20 mempoolctl top --sort name --delay 0.2 | cat >"$T/piped"
eq obs-top-piped-lines "$(lines "$T/piped")" 5
eq obs-top-piped-sorted "$(awk 'NR > 2 { printf "%s ", $1 }' "$T/piped")" "ob_big ob_mid ob_small "
awk 'NR > 2 && ($6 < 0 || $7 < 0) { bad = 1 } END { exit bad }' "$T/piped" &&
	pass obs-top-piped-rates || fail obs-top-piped-rates "$(tr '\n' '|' <"$T/piped")"
expect obs-top-file 0 "" timeout 20 mempoolctl top --sort free --delay 0.1
eq obs-top-file-sorted "$(awk 'NR > 2 { printf "%s ", $1 }' "$T/out")" "ob_big ob_mid ob_small "
expect obs-top-bad-sort 2 "unknown sort field 'size'" mempoolctl top --sort size

# ---- top on a terminal ---------------------------------------------------------
if ! command -v ptyrun >/dev/null; then
	skip obs-top-pty "no ptyrun in this initramfs"
else
	[ -e /dev/pts/ptmx ] || { mkdir -p /dev/pts && mount -t devpts devpts /dev/pts; }
	# q quits (exit 0); ptyrun exits 125 if the terminal's modes stay changed
	expect obs-top-pty 0 "" ptyrun -d 1500 mempoolctl top --delay 0.2
	tr -d '\r' <"$T/out" >"$T/pty"
	n=$(grep -c '^NAME  *BLOCKS  *IN_USE' "$T/pty")
	c=$(grep -c "$(printf '\033')\[H$(printf '\033')\[2J" "$T/pty")
	if [ "$n" -ge 2 ] && [ "$c" -ge 2 ] && grep -q '^ob_mid  *100  *50 ' "$T/pty"; then
		pass obs-top-pty-frames
	else
		fail obs-top-pty-frames "$n headers, $c clears: $(head -c 300 "$T/pty" | tr '\n\033' '|E')"
	fi
	# s: the next sort field (in-use -> free), redrawn; then q
	expect obs-top-pty-s 0 "" ptyrun -d 1000 -k sq mempoolctl top --delay 5
	tr -d '\r' <"$T/out" >"$T/pty"
	grep -q 'sort: in-use$' "$T/pty" && grep -q 'sort: free$' "$T/pty" &&
		pass obs-top-pty-s-sorts || fail obs-top-pty-s-sorts "$(grep 'sort:' "$T/pty" | tr '\n' '|')"
	# SIGTERM and SIGINT: the terminal restored, then the signal's status
	expect obs-top-pty-sigterm 143 "" ptyrun -d 800 -s 15 mempoolctl top --delay 0.2
	expect obs-top-pty-sigint 130 "" ptyrun -d 800 -s 2 mempoolctl top --delay 0.2
	# ^Z: the terminal restored for the stop and set again after it (here
	# the stop is ignored: ptyrun's child is an orphaned process group);
	# q without Enter still quits, so the keys are read raw again
	expect obs-top-pty-sigtstp 0 "" ptyrun -d 800 -s 20 -k q mempoolctl top --delay 0.2
	# ^Z under a shell with job control: top stops with the terminal
	# restored (the shell's stty sees icanon and echo), and after fg it
	# reads q raw again and exits 0.  The q comes after 10 s: before
	# the fg on a slow guest (debug-smp4), it went to the shell instead
	expect obs-top-pty-stop 0 "" ptyrun -d 10000 -k q -t 60 sh -m -c '
		(sleep 1; kill -TSTP $(pidof mempoolctl)) &
		mempoolctl top --delay 0.2
		echo "stopped $?"
		echo "modes $(stty -a | tr " ;" "\n\n" | grep -x -- "-*icanon\|-*echo" | tr "\n" " ")"
		fg
		echo "resumed $?"'
	tr -d '\r' <"$T/out" >"$T/pty"
	eq obs-top-pty-stop-out "$(grep -E '^(stopped|modes|resumed) ' "$T/pty" | tr '\n' '|')" \
		"stopped 148|modes icanon echo |resumed 0|"
	# --once on a terminal: one frame, no clearing
	expect obs-top-pty-once 0 "" ptyrun -d 5000 mempoolctl top --once --delay 0.2
	if grep -q "$(printf '\033')" "$T/out"; then fail obs-top-pty-once-plain "escape sequences in --once"
	else pass obs-top-pty-once-plain; fi
fi

# ---- stats --prometheus ------------------------------------------------------
# the checker must be able to fail
printf '# HELP mempool_x h\n# TYPE mempool_x counter\nmempool_x{pool="a"} 1\n' >"$T/bad1"
printf '# HELP mempool_x h\n# TYPE mempool_x gauge\nmempool_y{pool="a"} 1\n' >"$T/bad2"
printf '# HELP mempool_x h\n# TYPE mempool_x gauge\nmempool_x{pool="a"} 1\n# HELP mempool_x h\n# TYPE mempool_x gauge\n' >"$T/bad3"
printf 'mempool_x{pool="a"} -1\n' >"$T/bad4"
printf '# HELP mempool_h h\n# TYPE mempool_h histogram\nmempool_h{pool="a"} 1\n' >"$T/bad5"
nbad=0
for f in bad1 bad2 bad3 bad4 bad5; do prom_check "$T/$f" >/dev/null || nbad=$((nbad + 1)); done
eq obs-prom-checker-fails "$nbad" 5

expect obs-prom-one 0 "" mempoolctl stats ob_mid --prometheus
cp "$T/out" "$T/prom1"
# 19 statistics, and the 24 buckets and count of wait_us_hist
eq obs-prom-one-valid "$(prom_check "$T/prom1" | tr '\n' ' ')" "44 "
# the same numbers as stats: counters as NAME_total
mempoolctl stats ob_mid | grep -v '^wait_us_hist:' | while read -r k v; do
	k=${k%:}
	case $k in
	allocs|alloc_failures|frees|invalid_frees|waits|timeouts|poison_errors|drain_ipis|reclaimed_on_close) k=${k}_total ;;
	esac
	echo "mempool_$k{pool=\"ob_mid\"} $v"
done >"$T/want"
grep -v -e '^#' -e '^mempool_wait_us_hist_' "$T/prom1" >"$T/got"
cmp -s "$T/got" "$T/want" && pass obs-prom-one-values ||
	fail obs-prom-one-values "$(diff "$T/want" "$T/got" 2>&1 | head -5 | tr '\n' '|')"
grep -qx '# TYPE mempool_allocs_total counter' "$T/prom1" &&
grep -qx '# TYPE mempool_blocks_in_use gauge' "$T/prom1" &&
grep -q '^# HELP mempool_allocs_total [A-Za-z]' "$T/prom1" &&
	pass obs-prom-one-types || fail obs-prom-one-types "$(grep '^#' "$T/prom1" | head -4 | tr '\n' '|')"

expect obs-prom-all 0 "" mempoolctl stats --prometheus
cp "$T/out" "$T/prom"
eq obs-prom-all-valid "$(prom_check "$T/prom" | tr '\n' ' ')" "132 "
eq obs-prom-all-pools "$(grep '^mempool_blocks_total{' "$T/prom" | tr '\n' '|')" \
	'mempool_blocks_total{pool="ob_big"} 4096|mempool_blocks_total{pool="ob_mid"} 100|mempool_blocks_total{pool="ob_small"} 10|'
eq obs-prom-all-help-once "$(grep -c '^# HELP ' "$T/prom") $(grep -c '^# TYPE ' "$T/prom")" "20 20"
expect obs-prom-enoent 1 "mempoolctl: stats 'nx': no such pool" mempoolctl stats nx --prometheus
expect obs-stats-no-name 2 "stats: missing NAME" mempoolctl stats

# ---- list --json / stats --json: every statistic, the name first -----------
expect obs-list-json 0 "" mempoolctl list --json
cp "$T/out" "$T/list"
eq obs-list-json-as-stats "$(cat "$T/list")" \
	"[$(mempoolctl stats ob_big --json), $(mempoolctl stats ob_mid --json), $(mempoolctl stats ob_small --json)]"
missing=
for k in $(mempoolctl stats ob_mid | cut -d: -f1) name; do
	[ "$(grep -o "\"$k\": " "$T/list" | wc -l)" -eq 3 ] || missing="$missing $k"
done
eq obs-list-json-every-field "${missing:-none}" none
eq obs-list-json-names "$(grep -o '{"name": "[^"]*"' "$T/list" | tr '\n' ' ')" \
	'{"name": "ob_big" {"name": "ob_mid" {"name": "ob_small" '
expect obs-stats-json 0 "" mempoolctl stats ob_mid --json
grep -q '^{"name": "ob_mid", "block_size": 64, "stride": 64, .*"blocks_in_use": 50, .*"allocs": 50, .*"bytes_reserved": [0-9]*, "drain_ipis": [0-9]*, "reclaimed_on_close": [0-9]*, "wait_us_hist": {[^}]*}, "quarantined": [0-9]*}$' "$T/out" &&
	pass obs-stats-json-out || fail obs-stats-json-out "$(oneline "$T/out")"

# ---- alloc --count above one ioctl's 1024 ------------------------------------
mempoolctl create ob_4k --block-size 8 --blocks 4096 >/dev/null
expect obs-alloc-3000 0 "" mempoolctl alloc ob_4k --count 3000
eq obs-alloc-3000-lines "$(lines "$T/out") $(sort -u "$T/out" | wc -l | tr -d ' ')" "3000 3000"
eq obs-alloc-3000-in-use "$(sval ob_4k blocks_in_use)" 3000
# the rest: 1096 of 3000 asked, exit 0 as a partial allocation
expect obs-alloc-partial 0 "" mempoolctl alloc ob_4k --count 3000
eq obs-alloc-partial-lines "$(lines "$T/out")" 1096
expect obs-alloc-enospc 1 "mempoolctl: alloc 'ob_4k': the pool is exhausted" mempoolctl alloc ob_4k --count 2000
expect obs-alloc-timeout 1 "no block became free within the timeout" mempoolctl alloc ob_4k --count 2000 --timeout 50
expect obs-alloc-too-many 2 "--count must be from 1 to 16777216" mempoolctl alloc ob_4k --count 16777217

for p in ob_big ob_mid ob_small ob_4k; do mempoolctl destroy $p --force >/dev/null; done
check obs-rmmod unload_module
rm -rf "$T"
