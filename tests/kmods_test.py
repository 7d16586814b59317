#!/usr/bin/env python3
"""Unit tests of tests/kmods.py on made-up module trees (no kernel needed).
Ends with "N passed, M failed"."""
import atexit
import gzip
import lzma
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kmods  # noqa: E402

ELF = b"\x7fELF-fake-module-"
ROOT = tempfile.mkdtemp(prefix="kmods-test-")
atexit.register(shutil.rmtree, ROOT, True)


def tree(dep, builtin="", files=None, compress=""):
    """A MODDIR with modules.dep text DEP; every .ko it names exists."""
    d = tempfile.mkdtemp(dir=ROOT)
    with open(os.path.join(d, "modules.dep"), "w") as f:
        f.write(dep)
    if builtin is not None:
        with open(os.path.join(d, "modules.builtin"), "w") as f:
            f.write(builtin)
    paths = files if files is not None else {
        p for line in dep.splitlines() for p in line.replace(":", " ").split()}
    for p in paths:
        full = os.path.join(d, p)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        body = ELF + kmods.modname(p).encode()
        if p.endswith(".xz"):
            body = lzma.compress(body)
        elif p.endswith(".gz"):
            body = gzip.compress(body)
        with open(full, "wb") as f:
            f.write(body)
    return d


# Debian 6.1.0-57: virtio.ko needs virtio_ring.ko (6.1.0-50 had it the
# other way round); modules.dep lists a module's whole closure.
DEP_57 = """kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_ring.ko:
kernel/drivers/virtio/virtio_pci_modern_dev.ko:
kernel/drivers/virtio/virtio_pci_legacy_dev.ko:
kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/char/hw_random/virtio-rng.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
"""


def before(order, a, b):
    return order.index(a) < order.index(b)


class LoadOrder(unittest.TestCase):
    def test_dependencies_first_whatever_the_request_order(self):
        d = tree(DEP_57)
        order, skipped = kmods.load_order(d, ["virtio_blk", "virtio_pci"])
        names = [n for n, _ in order]
        self.assertEqual(skipped, [])
        self.assertEqual(sorted(names), sorted(
            ["virtio", "virtio_ring", "virtio_pci_modern_dev",
             "virtio_pci_legacy_dev", "virtio_pci", "virtio_blk"]))
        self.assertTrue(before(names, "virtio_ring", "virtio"))
        self.assertTrue(before(names, "virtio", "virtio_blk"))
        self.assertTrue(before(names, "virtio_pci_modern_dev", "virtio_pci"))

    def test_order_follows_the_data_not_the_names(self):
        # the same modules with the dependency the other way round
        d = tree(DEP_57.replace(
            "virtio.ko: kernel/drivers/virtio/virtio_ring.ko\n"
            "kernel/drivers/virtio/virtio_ring.ko:",
            "virtio.ko:\nkernel/drivers/virtio/virtio_ring.ko: "
            "kernel/drivers/virtio/virtio.ko"))
        names = [n for n, _ in kmods.load_order(d, ["virtio_blk"])[0]]
        self.assertTrue(before(names, "virtio", "virtio_ring"))

    def test_each_module_once(self):
        d = tree(DEP_57)
        names = [n for n, _ in kmods.load_order(
            d, ["virtio_blk", "virtio-rng", "virtio", "virtio_blk"])[0]]
        self.assertEqual(len(names), len(set(names)))
        self.assertEqual(names.count("virtio_rng"), 1)

    def test_dash_and_underscore_are_one_name(self):
        d = tree(DEP_57)
        names = [n for n, _ in kmods.load_order(d, ["virtio_rng"])[0]]
        self.assertEqual(names[-1], "virtio_rng")

    def test_builtin_skipped(self):
        # 7.2: virtio and virtio_pci built in, virtio-rng a module
        d = tree("kernel/drivers/char/hw_random/virtio-rng.ko.xz:\n",
                 builtin="kernel/drivers/virtio/virtio.ko\n"
                         "kernel/drivers/virtio/virtio_pci.ko\n")
        order, skipped = kmods.load_order(d, ["virtio_pci", "virtio-rng"])
        self.assertEqual([n for n, _ in order], ["virtio_rng"])
        self.assertEqual(skipped, ["virtio_pci"])

    def test_unknown_module_is_an_error(self):
        d = tree(DEP_57)
        with self.assertRaisesRegex(kmods.KmodError, "no_such_mod"):
            kmods.load_order(d, ["virtio_blk", "no_such_mod"])

    def test_unknown_dependency_is_an_error(self):
        d = tree("kernel/a.ko: kernel/b.ko\n", files=["kernel/a.ko"])
        with self.assertRaisesRegex(kmods.KmodError, "b: not in"):
            kmods.load_order(d, ["a"])

    def test_loop_is_an_error(self):
        d = tree("kernel/a.ko: kernel/b.ko\nkernel/b.ko: kernel/a.ko\n")
        with self.assertRaisesRegex(kmods.KmodError, "loop"):
            kmods.load_order(d, ["a"])

    def test_no_modules_dep(self):
        d = tempfile.mkdtemp(dir=ROOT)
        with self.assertRaisesRegex(kmods.KmodError, "modules.dep missing"):
            kmods.load_order(d, ["a"])

    def test_malformed_line(self):
        d = tree("kernel/a.ko kernel/b.ko\n", files=[])
        with self.assertRaisesRegex(kmods.KmodError, ":1: no ':'"):
            kmods.load_order(d, ["a"])


class Install(unittest.TestCase):
    def test_files_decompressed_and_load_list(self):
        d = tree("kernel/x/virtio_ring.ko.xz:\n"
                 "kernel/x/virtio.ko.gz: kernel/x/virtio_ring.ko.xz\n"
                 "kernel/x/virtio-rng.ko: kernel/x/virtio.ko.gz "
                 "kernel/x/virtio_ring.ko.xz\n")
        dest = tempfile.mkdtemp(dir=ROOT)
        loaded, _ = kmods.install(d, dest, ["virtio-rng"])
        self.assertEqual(loaded, ["virtio_ring", "virtio", "virtio_rng"])
        with open(os.path.join(dest, "modules.load")) as f:
            self.assertEqual(f.read(), "virtio_ring\nvirtio\nvirtio_rng\n")
        for n in loaded:
            with open(os.path.join(dest, n + ".ko"), "rb") as f:
                self.assertEqual(f.read(), ELF + n.encode())

    def test_not_elf_refused(self):
        d = tree("kernel/a.ko:\n", files=[])
        os.makedirs(os.path.join(d, "kernel"))
        with open(os.path.join(d, "kernel", "a.ko"), "wb") as f:
            f.write(b"garbage")
        with self.assertRaisesRegex(kmods.KmodError, "not an ELF"):
            kmods.install(d, tempfile.mkdtemp(dir=ROOT), ["a"])

    def test_cli_exit_status(self):
        d = tree(DEP_57)
        dest = tempfile.mkdtemp(dir=ROOT)
        self.assertEqual(kmods.main(["k", d, dest, "virtio_blk"]), 0)
        self.assertEqual(kmods.main(["k", d, dest, "nope"]), 1)
        self.assertEqual(kmods.main(["k", d]), 2)


if __name__ == "__main__":
    res = unittest.main(exit=False, verbosity=2).result
    failed = len(res.failures) + len(res.errors)
    print("%d passed, %d failed" % (res.testsRun - failed, failed))
    sys.exit(1 if failed else 0)
