#!/usr/bin/env python3
"""Kernel modules for an initramfs, in the order the kernel's own
dependency data gives.

    tests/kmods.py MODDIR DEST NAME...

MODDIR is a kernel's lib/modules/VERSION with modules.dep (Debian's .debs
do not ship it: scripts/setup.sh runs depmod on each kernel it fetches)
and modules.builtin.  Each NAME (a module name; '-' and '_' are the same,
as for modprobe) is resolved with everything it depends on; a module
built into the kernel is skipped, one the kernel knows neither way is an
error.  The modules land in DEST as plain NAME.ko (.ko.xz/.gz/.zst are
decompressed here: busybox insmod may not read them), and DEST/modules.load
lists them, dependencies first, one name a line, for the init scripts
(tests/e2e/l1-init.sh, tests/l2/virtio.sh) to insmod in that order.

Why not a fixed list: module dependencies move between kernel releases
(Debian's 6.1.0-57 made virtio.ko depend on virtio_ring.ko, which 6.1.0-50's
did not; 7.2 builds virtio and virtio_pci in), and a fixed insmod order
breaks with "unknown symbol".
"""
import gzip
import lzma
import os
import subprocess
import sys


class KmodError(Exception):
    pass


def modname(path):
    """Module name of a modules.dep path or a requested NAME."""
    base = os.path.basename(path)
    for ext in (".xz", ".gz", ".zst"):
        if base.endswith(ext):
            base = base[:-len(ext)]
    if base.endswith(".ko"):
        base = base[:-3]
    return base.replace("-", "_")


def read_deps(moddir):
    """{name: (relative path, [dependency names])} from modules.dep."""
    path = os.path.join(moddir, "modules.dep")
    if not os.path.isfile(path):
        raise KmodError("%s missing (scripts/setup.sh runs depmod)" % path)
    deps = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            mod, sep, rest = line.partition(":")
            if not sep:
                raise KmodError("%s:%d: no ':'" % (path, n))
            deps[modname(mod)] = (mod, [modname(d) for d in rest.split()])
    return deps


def read_builtin(moddir):
    path = os.path.join(moddir, "modules.builtin")
    if not os.path.isfile(path):
        return set()
    with open(path) as f:
        return {modname(l.strip()) for l in f if l.strip()}


def load_order(moddir, names):
    """(modules to load, dependencies first; requested names built in)."""
    deps = read_deps(moddir)
    builtin = read_builtin(moddir)
    order, done, skipped = [], set(), []

    def visit(name, chain):
        if name in done:
            return
        if name in chain:
            raise KmodError("dependency loop: %s" % " -> ".join(chain + [name]))
        if name not in deps:
            raise KmodError("%s: not in %s/modules.dep" % (name, moddir))
        for d in deps[name][1]:
            visit(d, chain + [name])
        done.add(name)
        order.append(name)

    for raw in names:
        name = modname(raw)
        if name in deps:
            visit(name, [])
        elif name in builtin:
            skipped.append(name)
        else:
            raise KmodError("%s: neither a module nor built into the kernel "
                            "(%s)" % (raw, moddir))
    return [(n, deps[n][0]) for n in order], skipped


def decompressed(path):
    """A module file's ELF bytes."""
    if path.endswith(".xz"):
        with lzma.open(path) as f:
            return f.read()
    if path.endswith(".gz"):
        with gzip.open(path) as f:
            return f.read()
    if path.endswith(".zst"):
        return subprocess.run(["zstd", "-dc", path], check=True,
                              capture_output=True).stdout
    with open(path, "rb") as f:
        return f.read()


def install(moddir, dest, names):
    """Copy NAMES and their dependencies into DEST with DEST/modules.load;
    returns (loaded names in order, built-in names skipped)."""
    order, skipped = load_order(moddir, names)
    os.makedirs(dest, exist_ok=True)
    for name, rel in order:
        data = decompressed(os.path.join(moddir, rel))
        if data[:4] != b"\x7fELF":
            raise KmodError("%s: not an ELF module after decompression" % rel)
        with open(os.path.join(dest, name + ".ko"), "wb") as f:
            f.write(data)
    with open(os.path.join(dest, "modules.load"), "w") as f:
        f.write("".join(n + "\n" for n, _ in order))
    return [n for n, _ in order], skipped


def main(argv):
    if len(argv) < 4:
        sys.stderr.write("usage: kmods.py MODDIR DEST NAME...\n")
        return 2
    try:
        loaded, skipped = install(argv[1], argv[2], argv[3:])
    except (KmodError, OSError, lzma.LZMAError,
            subprocess.CalledProcessError) as e:
        sys.stderr.write("kmods: %s\n" % e)
        return 1
    print("kmods: load %s%s" % (" ".join(loaded) or "nothing",
                                "; built in: " + " ".join(skipped)
                                if skipped else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
