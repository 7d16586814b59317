#!/usr/bin/env python3
"""bench/bench.py's parser and verdict: a failed guest must fail the bench
loudly, never turn into a row without data or a crash that loses results."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))
import bench  # noqa: E402

GOOD = ("BENCH blk pvmm 1\nvmmrun: status=0 marker_ms=12 cpu_ms=3\n"
        "BLKBENCH seq_read_mbs=10.5 ios=100\nBENCH-REPORT {\"a\": 1}\n")


class Parse(unittest.TestCase):
    def test_good_run(self):
        runs = bench.parse(GOOD)
        run = runs["blk"]["pvmm"][0]
        self.assertTrue(bench.ok(run))
        self.assertEqual(run["blk"]["seq_read_mbs"], 10.5)
        self.assertEqual(run["report"], {"a": 1})

    def test_empty_report_fails_the_run_only(self):
        out = GOOD + "BENCH blk pvmm 2\nvmmrun: status=0 marker_ms=12\nBENCH-REPORT \n"
        runs = bench.parse(out)
        first, second = runs["blk"]["pvmm"]
        self.assertTrue(bench.ok(first))
        self.assertFalse(bench.ok(second))
        self.assertIn("bad --report JSON", second["error"])

    def test_failed_status(self):
        runs = bench.parse("BENCH boot pvmm 1\nvmmrun: status=123 marker_ms=-1\n")
        self.assertFalse(bench.ok(runs["boot"]["pvmm"][0]))

    def test_failures_name_failed_runs_and_empty_rows(self):
        runs = bench.parse("BENCH blk pvmm 1\nvmmrun: status=123 marker_ms=-1\n")
        rows = [("head",), ("virtio-blk sequential read (MB/s)", "n/a", "1")]
        why = bench.failures(runs, rows)
        self.assertEqual(len(why), 2)
        self.assertIn("status 123", why[0])
        self.assertIn("no pvmm data", why[1])

    def test_subset_shows_only_rows_that_ran(self):
        runs = bench.parse(GOOD)
        rows = bench.table(runs, {v: 1024 for v in bench.VMMS}, only=("blk",))
        labels = [r[0] for r in rows[1:]]
        self.assertIn("virtio-blk sequential read (MB/s)", labels)
        self.assertNotIn("start -> Linux userspace marker (ms)", labels)
        # Needs boot runs too, which a blk-only run does not have.
        self.assertNotIn("VMM CPU per guest I/O (us)", labels)
        # The full bench shows (and so requires) every row.
        full = bench.table(runs, {v: 1024 for v in bench.VMMS})
        self.assertIn("no pvmm data for 'start -> Linux userspace marker (ms)'",
                      bench.failures(runs, full))

    def test_iommu_ratio_against_the_same_vmm_without(self):
        out = GOOD.replace("blk pvmm 1", "blk-iommu pvmm 1").replace(
            "seq_read_mbs=10.5", "seq_read_mbs=5.25") + GOOD
        rows = bench.table(bench.parse(out), {v: 1024 for v in bench.VMMS})
        row = next(r for r in rows if r[0].startswith(
            "--iommu / without: virtio-blk sequential read"))
        self.assertEqual(row[1], "0.5x")
        self.assertEqual(row[2], "-")

    def test_no_failures(self):
        runs = bench.parse(GOOD)
        self.assertEqual(bench.failures(runs, [("head",), ("x", "1 [1-1]")]), [])


if __name__ == "__main__":
    res = unittest.main(exit=False).result
    bad = len(res.failures) + len(res.errors)
    print("%d passed, %d failed" % (res.testsRun - bad, bad))
    sys.exit(1 if bad else 0)
