#!/usr/bin/env python3
"""Where pvmm's bytes are: sum a GNU ld link map (-Wl,-Map) per input.

Usage: size-map.py MAP [ARCHIVE...]

Counts what the binary's file holds of each input section: text, read-only
data and initialised data (not .bss, not debug or comment sections).
Prints pvmm's own objects one per line, then each archive as a whole, the
total, and for every ARCHIVE named (e.g. libc.a) its largest members.
`make size-map` writes the map and runs this (README "Footprint").
"""
import collections
import re
import sys

KEEP_OUT = re.compile(r'^\.(bss|tbss|comment|debug|gnu\.attributes|note\.GNU-stack)')


def parse(path):
    text = open(path, encoding='utf-8', errors='replace').read()
    text = text[text.index('Linker script and memory map'):]
    sizes = collections.Counter()
    out = pend = None
    for line in text.splitlines():
        m = re.match(r'^(\.\S+)', line)
        if m:
            out = m.group(1)
            continue
        m = re.match(r'^ (\.\S+|COMMON)\s*$', line)
        if m:
            pend = m.group(1)
            continue
        m = re.match(r'^ (\.\S+|COMMON)?\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)',
                     line)
        pend = None
        if not m or out is None or KEEP_OUT.match(out):
            continue
        sizes[re.sub(r'.*/', '', m.group(3))] += int(m.group(2), 16)
    return sizes


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sizes = parse(sys.argv[1])
    groups = collections.Counter()
    for inp, n in sizes.items():
        groups[inp.split('(')[0]] += n
    own = {k: v for k, v in groups.items() if not k.endswith('.a')}
    print(f'{sum(own.values()):8d} pvmm own objects')
    for k, v in sorted(own.items(), key=lambda kv: -kv[1]):
        print(f'    {v:8d} {k}')
    for k, v in sorted(groups.items(), key=lambda kv: -kv[1]):
        if k.endswith('.a'):
            print(f'{v:8d} {k}')
    print(f'{sum(groups.values()):8d} total')
    for ar in sys.argv[2:]:
        print(f'{ar}:')
        members = [(v, k) for k, v in sizes.items() if k.startswith(ar + '(')]
        for v, k in sorted(members, reverse=True)[:25]:
            print(f'    {v:8d} {k}')


if __name__ == '__main__':
    main()
