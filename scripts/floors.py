#!/usr/bin/env python3
"""pvmm's floors: which folder may include (or call) which.

Each source file belongs to a part (README, "Architecture"):

    Root     the top-level files (main.c and the composition root)
    Migrate  migrate/    saved state, streams
    PAPR     papr/       hcalls, RTAS, device tree, console, events
    IO       io/         event loop, PCI host bridge, virtio devices
    MMU      hpt/        radix and hash: mode, sizes, HPT
    CPU      cpu/        vCPUs and the hypervisor backend
    Config   config.h    the compile-time machine

A file may use another part only along ARROWS (or a chain of them): an
#include of its file, or a call of a function that file alone defines.
Within and across parts, no files may call each other in a loop, and no
files may include each other in a loop.  Only cpu/kvm/ includes
<linux/kvm.h>.  Prints each offence on one line and exits 1; 0 if none.

    scripts/floors.py [DIR]     check the tree at DIR (default: .)
    scripts/floors.py --self-test
                                check that the check fails on an injected
                                back edge and an injected circle
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

FOLDERS = {"cpu": "CPU", "papr": "PAPR", "hpt": "MMU", "io": "IO",
           "migrate": "Migrate"}

ARROWS = {
    "Root": {"Migrate", "PAPR", "IO", "MMU", "CPU", "Config"},
    "Migrate": {"PAPR", "IO", "MMU", "CPU"},
    "PAPR": {"IO", "MMU", "CPU"},
    "IO": {"CPU", "Config"},
    "MMU": {"CPU"},
    "CPU": {"Config"},
    "Config": set(),
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# A function definition: a line starting a declaration, not static, whose
# parameter list is followed by a "{" line (pvmm's style, clang-format).
DEFINITION = re.compile(
    r'^(?!static\b)(?:[A-Za-z_][\w \t\*]*?[\s\*])(\w+)\(([^;{]*?)\)\s*\n\{',
    re.M)
CALL = re.compile(r'\b([A-Za-z_]\w*)\s*\(')
COMMENT = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\])*"', re.S)


def closure(arrows):
    out = {}
    for part in arrows:
        seen, todo = set(), list(arrows[part])
        while todo:
            p = todo.pop()
            if p not in seen:
                seen.add(p)
                todo.extend(arrows[p])
        out[part] = seen
    return out


ALLOWED = closure(ARROWS)


def part_of(path):
    top = path.split("/", 1)[0]
    if "/" not in path:
        return "Config" if path == "config.h" else "Root"
    return FOLDERS.get(top)


def sources(root):
    """Every .c/.h of the parts, as paths relative to @root."""
    found = []
    for name in sorted(os.listdir(root)):
        if name.endswith((".c", ".h")):
            found.append(name)
    for folder in FOLDERS:
        for dirpath, _, files in os.walk(os.path.join(root, folder)):
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    found.append(os.path.relpath(os.path.join(dirpath, f),
                                                 root))
    return found


def edges(root):
    """(from, to, why) for every include and every call of a function
    one file alone defines."""
    files = sources(root)
    text = {}
    for f in files:
        with open(os.path.join(root, f), encoding="utf-8") as fh:
            text[f] = fh.read()
    out = []
    for f in files:
        for inc in INCLUDE.findall(text[f]):
            if inc in text:
                out.append((f, inc, "#include \"%s\"" % inc))
    definers = {}
    for f in files:
        if f.endswith(".c"):
            for m in DEFINITION.finditer(text[f]):
                definers.setdefault(m.group(1), set()).add(f)
    for f in files:
        if not f.endswith(".c"):
            continue
        used = set(CALL.findall(COMMENT.sub(" ", text[f])))
        for name in sorted(used):
            where = definers.get(name, set())
            if len(where) == 1:
                (g,) = where
                if g != f:
                    out.append((f, g, "calls %s()" % name))
    return out


def circles(pairs):
    """Strongly connected groups of more than one file (Tarjan)."""
    graph = {}
    for a, b in pairs:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


KVM_HEADER = re.compile(r'^\s*#\s*include\s+<linux/kvm\.h>', re.M)


def check(root):
    bad = []
    for f in sources(root):
        if not f.startswith("cpu/kvm/"):
            with open(os.path.join(root, f), encoding="utf-8") as fh:
                if KVM_HEADER.search(fh.read()):
                    bad.append("%s: includes <linux/kvm.h> (only cpu/kvm/ "
                               "may)" % f)
    calls, includes = set(), set()
    for a, b, why in edges(root):
        pa, pb = part_of(a), part_of(b)
        if pa and pb and pa != pb and pb not in ALLOWED[pa]:
            bad.append("%s -> %s: %s (%s may not use %s)" %
                       (a, b, why, pa, pb))
        (calls if why.startswith("calls") else includes).add((a, b))
    for kind, pairs in (("call", calls), ("include", includes)):
        for group in circles(pairs):
            bad.append("%s circle: %s" % (kind, " <-> ".join(group)))
    return bad


def self_test():
    """The check must fail on a back edge and on a circle it is shown."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ok = True
    cases = [
        ("back edge cpu -> papr", "cpu/vm.c",
         '#include "papr/hcall.h"\n', "CPU may not use PAPR"),
        ("back edge io -> root", "io/iov.c",
         '#include "machine.h"\n', "IO may not use Root"),
        ("KVM outside cpu/kvm", "cpu/vm.c",
         '#include <linux/kvm.h>\n', "only cpu/kvm/ may"),
        ("include circle", "io/iov.h",
         '#include "io/loop.h"\n', "include circle: "),
        ("circle", "io/iov.c",
         '#include "io/loop.h"\nvoid floors_a(void);\n'
         'void floors_a(void)\n{\n\tloop_cpu_ns(0);\n}\n', "call circle: "),
    ]
    for name, path, inject, expect in cases:
        with tempfile.TemporaryDirectory() as tmp:
            for f in sources(here):
                os.makedirs(os.path.join(tmp, os.path.dirname(f)),
                            exist_ok=True)
                shutil.copy(os.path.join(here, f), os.path.join(tmp, f))
            if name == "include circle":
                # loop.h includes iov.h, which includes it back.
                with open(os.path.join(tmp, "io/loop.h"), "a") as fh:
                    fh.write('#include "io/iov.h"\n')
            if name == "circle":
                # loop.c calls back into iov.c: a loop of calls.
                with open(os.path.join(tmp, "io/loop.c"), "a") as fh:
                    fh.write('void floors_b(void);\nvoid floors_b(void)\n'
                             '{\n\tfloors_a();\n}\n')
            with open(os.path.join(tmp, path), "a") as fh:
                fh.write(inject)
            bad = check(tmp)
            hit = any(expect in line for line in bad)
            print("%s - self-test: %s is caught" %
                  ("ok" if hit else "not ok", name))
            ok = ok and hit
    clean = not check(here)
    print("%s - self-test: the tree itself passes" %
          ("ok" if clean else "not ok"))
    return ok and clean


def main():
    if sys.argv[1:] == ["--self-test"]:
        return 0 if self_test() else 1
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    bad = check(root)
    for line in bad:
        print("floors: " + line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
