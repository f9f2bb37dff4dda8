#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo: the seed demonstration through mempoolctl.  A pool of ten
# 32-byte blocks, three allocations, a free of the second, and a fourth
# allocation that gets the freed block back (the free list is LIFO).
D=/sys/kernel/debug/mempool

# show CMD...: echo the command, then run it
show() {
	echo "# $*"
	"$@"
}

show mempoolctl version
show mempoolctl create demo --block-size 32 --blocks 10
echo "# mempoolctl alloc demo      (three times)"
a=$(mempoolctl alloc demo); echo "$a"
b=$(mempoolctl alloc demo); echo "$b"
c=$(mempoolctl alloc demo); echo "$c"
show cat $D/pools
show cat $D/demo/stats
show mempoolctl list
echo "# mempoolctl write demo $a 'hello, pool'"
mempoolctl write demo "$a" "hello, pool"
echo "# mempoolctl read demo $a --length 11"
mempoolctl read demo "$a" --length 11; echo
show mempoolctl free demo "$b"
echo "# mempoolctl alloc demo      (the freed block comes back first)"
d=$(mempoolctl alloc demo); echo "$d"
# A handle is the offset (bits 0-39) and the allocation's generation.
if [ $((d & 0xFFFFFFFFFF)) = $((b & 0xFFFFFFFFFF)) ]; then
	echo "reallocated offset $((d & 0xFFFFFFFFFF)) == freed offset $((b & 0xFFFFFFFFFF)); new handle $d, old $b"
else
	echo "reallocated offset $((d & 0xFFFFFFFFFF)) != freed offset $((b & 0xFFFFFFFFFF))"
fi
echo "# mempoolctl read demo $b      (the old handle is stale)"
mempoolctl read demo "$b"
show mempoolctl stats demo
echo "# mempoolctl destroy demo      (refused: blocks are still allocated)"
mempoolctl destroy demo
show mempoolctl destroy demo --force
show mempoolctl list
