#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Which kernel file of mempool.ko calls which, from the built objects.

Usage: layers.py DIR   (a module build directory holding the .o files named
by Kbuild's mempool-y).  Prints one line per file, lowest layer first, with
the files it calls; exits 1 and names a cycle when the graph has one.
"""
import os
import re
import subprocess
import sys


def objects(d):
    text = open(os.path.join(d, "Kbuild")).read().replace("\\\n", " ")
    m = re.search(r"^mempool-y\s*:=(.*)$", text, re.M)
    return m.group(1).split()


def symbols(path):
    out = subprocess.run(["nm", path], capture_output=True, text=True,
                         check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) == 2 and f[0] == "U":
            undefined.add(f[1])
        elif len(f) == 3 and f[1] in "TDBRtdbr" and f[1].isupper():
            defined.add(f[2])
    return defined, undefined


def main():
    d = sys.argv[1]
    objs = objects(d)
    owner, needs = {}, {}
    for o in objs:
        defined, undefined = symbols(os.path.join(d, o))
        for s in defined:
            owner[s] = o
        needs[o] = undefined
    calls = {o: sorted({owner[s] for s in needs[o] if s in owner} - {o})
             for o in objs}
    # Kahn: peel off the files that call nothing left.
    order, left = [], dict(calls)
    while left:
        ready = sorted(o for o, c in left.items()
                       if all(x not in left for x in c))
        if not ready:
            break
        order += ready
        for o in ready:
            del left[o]
    for o in order:
        print(f"{o[:-2]}: {' '.join(c[:-2] for c in calls[o]) or '-'}")
    if left:
        # Name one cycle: walk callers that are still left until one repeats.
        o, seen = sorted(left)[0], []
        while o not in seen:
            seen.append(o)
            o = next(c for c in calls[o] if c in left)
        cyc = seen[seen.index(o):] + [o]
        print("cycle: " + " -> ".join(c[:-2] for c in cyc))
        for o in sorted(left):
            print(f"  {o[:-2]}: {' '.join(c[:-2] for c in calls[o] if c in left)}")
        return 1
    return 0


sys.exit(main())
