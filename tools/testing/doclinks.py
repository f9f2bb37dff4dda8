#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every relative link of README.md and docs/*.md names a file that exists,
and its #anchor, if any, a heading of that file (GitHub's anchors).

Usage: doclinks.py [REPO]; prints "ok docs-links" or one
"not ok docs-links: FILE: LINK: why" line per broken link; exit 1 then.
"""
import glob
import os
import re
import sys

LINK = re.compile(r'(?<!!)\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^()\s]+)(?:\s+"[^"]*")?\)')
FENCE = re.compile(r'^\s*(```|~~~)')


def text_lines(path):
    """The file's lines outside fenced code blocks."""
    out, fenced = [], False
    with open(path, encoding='utf-8') as f:
        for line in f:
            if FENCE.match(line):
                fenced = not fenced
                continue
            if not fenced:
                out.append(line)
    return out


def slug(heading):
    """GitHub's anchor of a heading: its text, lower case, without
    punctuation, spaces as hyphens."""
    s = heading.strip().lower()
    s = re.sub(r'\\(.)', r'\1', s)          # markdown escapes
    s = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', s)  # links: their text
    s = re.sub(r'[^\w\- ]', '', s)
    return s.replace(' ', '-')


def anchors(path):
    seen, out = {}, set()
    for line in text_lines(path):
        m = re.match(r'^#{1,6}\s+(.*?)\s*#*\s*$', line)
        if not m:
            continue
        a = slug(m.group(1))
        n = seen.get(a, 0)
        seen[a] = n + 1
        out.add(a if n == 0 else '%s-%d' % (a, n))
    return out


def main():
    repo = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), '..', '..'))
    files = [os.path.join(repo, 'README.md')] + \
        sorted(glob.glob(os.path.join(repo, 'docs', '*.md')))
    bad = []
    for md in files:
        # a link's text may run over two lines; inline code is no link
        text = re.sub(r'`[^`\n]*`', '', ''.join(text_lines(md)))
        for target in LINK.findall(text):
            if re.match(r'^[a-z][a-z0-9+.-]*:', target):
                continue        # http:, https:, mailto:
            path, _, frag = target.partition('#')
            dest = os.path.normpath(os.path.join(os.path.dirname(md), path)) \
                if path else md
            rel = os.path.relpath(md, repo)
            if not os.path.exists(dest):
                bad.append('%s: %s: no such file' % (rel, target))
            elif frag and (os.path.isdir(dest) or not dest.endswith('.md')):
                bad.append('%s: %s: an anchor in a non-markdown file' % (rel, target))
            elif frag and frag not in anchors(dest):
                bad.append('%s: %s: no heading with that anchor' % (rel, target))
    for b in bad:
        print('not ok docs-links: %s' % b)
    if not bad:
        print('ok docs-links')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
