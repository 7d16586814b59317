#!/usr/bin/env python3
"""Unit tests of run.py's kernel matrix (no emulated host needed): how
.cache/kernels.tsv is read, which scenarios the templates in
tests/e2e/matrix/ become, and what is skipped and why.
Ends with "N passed, M failed"."""
import argparse
import atexit
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402

ROOT = tempfile.mkdtemp(prefix="matrix-test-")
atexit.register(shutil.rmtree, ROOT, True)

TSV = """# guest-kernel matrix (scripts/setup.sh); default: debian12-security
# NAME ok PACKAGE VERSION VMLINUX MODULES | NAME skip REASON
debian12\tok\tlinux-image-6.1.0-50-powerpc64le\t6.1.0-50-powerpc64le\t/x/vmlinux\t/x/mods
debian12-security\tok\tlinux-image-6.1.0-57-powerpc64le\t6.1.0-57-powerpc64le\t/y/vmlinux\t/y/mods
debian13\tskip\tlinux-image-6.12.118+deb13-powerpc64le: download failed: 404 Not Found from http://deb.debian.org/debian-security
unstable-64k\tok\tlinux-image-7.2.13+deb14-powerpc64le-64k\t7.2.13+deb14-powerpc64le-64k\t/z/vmlinuz\t/z/mods
"""
ENV = {"KVER": "6.1.0-57-powerpc64le"}


def read(path):
    with open(path) as f:
        return f.read()


def write(path, text, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(text)
    return path


class Matrix(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=ROOT)
        self.env = dict(ENV, KMATRIX=write(os.path.join(self.dir, "k.tsv"),
                                           TSV))
        self.saved = (run.L2, run.BUILD)
        run.L2 = os.path.join(self.dir, "l2")
        run.BUILD = os.path.join(self.dir, "e2e")
        for k in ("debian12", "unstable-64k"):
            write(os.path.join(run.L2, "k", k, "vmlinux.gz"), "gz")
        self.pvmm = write(os.path.join(self.dir, "pvmm"),
                          b"\0kernel\0rng\0", "wb")

    def tearDown(self):
        run.L2, run.BUILD = self.saved

    def args(self, iommu=False):
        if iommu:
            write(self.pvmm, b"\0kernel\0iommu\0rng\0", "wb")
        return argparse.Namespace(pvmm=self.pvmm)

    def test_tsv_read(self):
        ks = {k["name"]: k for k in run.load_matrix(self.env)}
        self.assertEqual(list(ks), ["debian12", "debian12-security",
                                    "debian13", "unstable-64k"])
        self.assertEqual(ks["debian12"]["version"], "6.1.0-50-powerpc64le")
        self.assertTrue(ks["debian12-security"]["default"])
        self.assertFalse(ks["debian12"]["default"])
        self.assertEqual(ks["debian13"]["status"], "skip")
        self.assertIn("404 Not Found", ks["debian13"]["reason"])

    def test_short_ok_line_is_a_skip(self):
        write(self.env["KMATRIX"], "broken\tok\tlinux-image-x\n")
        k = run.load_matrix(self.env)[0]
        self.assertEqual(k["status"], "skip")
        self.assertTrue(k["reason"])

    def test_no_tsv(self):
        with self.assertRaises(SystemExit):
            run.load_matrix({"KVER": "x"})

    def names(self, scns):
        return sorted(s.name for s in scns)

    def test_scenarios_and_skips_without_iommu(self):
        scns, skipped = run.matrix_scenarios(run.load_matrix(self.env), None,
                                             self.args())
        self.assertEqual(self.names(scns), [
            "kernel-debian12-devices", "kernel-debian12-hash",
            "kernel-debian12-panic",
            "kernel-debian12-security-devices",
            "kernel-debian12-security-hash",
            "kernel-debian12-security-panic",
            "kernel-unstable-64k-devices", "kernel-unstable-64k-hash",
            "kernel-unstable-64k-panic"])
        why = {name: (hosts, reason) for hosts, name, reason in skipped}
        self.assertIn("404 Not Found", why["kernel-debian13-devices"][1])
        self.assertIn("404 Not Found", why["kernel-debian13-hash"][1])
        self.assertEqual(why["kernel-debian13-hash"][0], ["B"])
        self.assertIn("--iommu", why["kernel-debian12-devices-iommu"][1])
        # the unfetched kernel is skipped in every variant, never dropped
        self.assertIn("kernel-debian13-devices-iommu", why)
        self.assertNotIn("kernel-debian12-hash-iommu", why)

    def test_iommu_variant_runs_when_pvmm_has_it(self):
        scns, skipped = run.matrix_scenarios(run.load_matrix(self.env),
                                             ["debian12-devices"],
                                             self.args(iommu=True))
        self.assertEqual(self.names(scns), ["kernel-debian12-devices",
                                            "kernel-debian12-devices-iommu"])
        self.assertEqual(skipped, [])
        text = read(next(s.path for s in scns if s.name.endswith("-iommu")))
        self.assertIn("\nIOMMU=--iommu\n", text)

    def test_generated_scenario(self):
        scns, _ = run.matrix_scenarios(run.load_matrix(self.env),
                                       ["unstable-64k-devices"], self.args())
        self.assertEqual(len(scns), 1)
        s = scns[0]
        text = read(s.path)
        self.assertTrue(text.startswith("# "))
        self.assertIn("(kernel unstable-64k 7.2.13+deb14-powerpc64le-64k)",
                      text.splitlines()[0])
        self.assertIn("\nKVERSION='7.2.13+deb14-powerpc64le-64k'\n", text)
        self.assertIn("\nKDIR=/l2/k/unstable-64k\n", text)
        self.assertIn("\nIOMMU=\n", text)
        self.assertEqual(s.hosts, ["A"])
        self.assertEqual(s.kernel, "unstable-64k")
        self.assertGreater(s.timeout, 60)

    def test_default_kernel_uses_build_l2(self):
        scns, _ = run.matrix_scenarios(run.load_matrix(self.env),
                                       ["security-hash"], self.args())
        self.assertEqual(len(scns), 1)
        self.assertIsNone(scns[0].kernel)
        self.assertIn("\nKDIR=/l2\n", read(scns[0].path))

    def test_payload_not_built(self):
        shutil.rmtree(os.path.join(run.L2, "k", "debian12"))
        with self.assertRaises(SystemExit):
            run.matrix_scenarios(run.load_matrix(self.env), ["debian12-hash"],
                                 self.args())

    def test_option_detection(self):
        self.assertFalse(run.pvmm_has_option(self.pvmm, "iommu"))
        self.assertTrue(run.pvmm_has_option(self.pvmm, "rng"))
        self.assertFalse(run.pvmm_has_option(self.pvmm, "rn"))
        self.assertFalse(run.pvmm_has_option("/nonexistent", "rng"))


if __name__ == "__main__":
    res = unittest.main(exit=False, verbosity=2).result
    failed = len(res.failures) + len(res.errors)
    print("%d passed, %d failed" % (res.testsRun - failed, failed))
    sys.exit(1 if failed else 0)
