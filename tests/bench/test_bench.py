#!/usr/bin/env python3
"""bench/bench.py's parser and verdict: a failed guest must fail the bench
loudly, never turn into a row without data or a crash that loses results."""
import glob
import json
import os
import sys
import tempfile
import unittest
from unittest import mock

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

    def test_figures_in_the_console_before_the_result(self):
        runs = bench.parse("BENCH hcall pvmm 1\n[A] HCALL-LOOP-START\n"
                           "[A] HCALL-LOOP calls=200 median_ticks=5120 "
                           "min_ticks=2560 tb_hz=512000000\n"
                           "[A] vmmrun: status=0 marker_ms=5\n")
        run = runs["hcall"]["pvmm"][0]
        self.assertTrue(bench.ok(run))
        self.assertEqual(bench.hcall_ns("median_ticks")(run), 50)

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


BOOT_OK = ("BENCH boot pvmm %d\nvmmrun: status=0 marker_ms=900 exit_ms=950 "
           "guest_uptime_s=0.5 peak_rss_ex_guest_kib=100 timeout=0\n"
           "BENCH-REPORT {\"phases_ns\": {\"first_guest_entry\": 5e6}}\n")


class Failed(unittest.TestCase):
    """Each way a run fails has its own reason, and only that run fails."""

    def reason(self, text):
        runs = bench.parse(BOOT_OK % 1 + text + BOOT_OK % 3)
        first, bad, last = runs["boot"]["pvmm"]
        self.assertTrue(bench.ok(first))
        self.assertTrue(bench.ok(last))
        self.assertFalse(bench.ok(bad))
        return bench.why_failed(bad)

    def test_timeout(self):
        self.assertIn("timeout", self.reason(
            "BENCH boot pvmm 2\nvmmrun: status=137 marker_ms=-1 "
            "exit_ms=300000 timeout=1\n"))

    def test_run_that_never_ended(self):
        self.assertIn("no vmmrun result", self.reason("BENCH boot pvmm 2\n"))

    def test_guest_crash(self):
        self.assertIn("guest crash: Kernel panic - not syncing: x",
                      self.reason("BENCH boot pvmm 2\n[A] Kernel panic - "
                                  "not syncing: x\nvmmrun: status=0 "
                                  "marker_ms=-1 timeout=0\n"))

    def test_no_marker(self):
        self.assertEqual("no marker", self.reason(
            "BENCH boot pvmm 2\nvmmrun: status=0 marker_ms=-1 timeout=0\n"))

    def test_exit_status_with_the_last_console_line(self):
        self.assertEqual(
            "exit status 2 (last line: benchvmm: unknown VMM)", self.reason(
                "BENCH boot pvmm 2\n[A] benchvmm: unknown VMM\n[A] \n"
                "vmmrun: status=2 marker_ms=-1\n"))

    def test_status_after_the_idle_window_is_not_the_measurement(self):
        runs = bench.parse("BENCH idle qemu11-vof 1\nvmmrun: status=139 "
                           "marker_ms=9 idle_cpu_pct=0.65 idle_ms=20000 "
                           "stopped=1\n")
        self.assertTrue(bench.ok(runs["idle"]["qemu11-vof"][0]))

    def test_signal(self):
        self.assertEqual("killed by signal 11", self.reason(
            "BENCH boot pvmm 2\nvmmrun: status=139 marker_ms=-1\n"))

    def test_cut_vmmrun_line(self):
        self.assertIn("bad vmmrun line", self.reason(
            "BENCH boot pvmm 2\nvmmrun: status=0 marker_ms=12 exit_ms=\n"))

    def test_failed_rows_are_named_and_counted(self):
        out = BOOT_OK % 1 + "BENCH boot pvmm 2\n" + BOOT_OK % 3
        runs = bench.parse(out)
        rows = bench.table(runs, {v: 1024 for v in bench.VMMS}, only=("boot",))
        row = next(r for r in rows if r[0].startswith("start -> Linux"))
        self.assertEqual(row[1], "900 [900-900] (1 failed)")
        why = bench.failures(runs, rows)
        self.assertEqual(len(why), 1)
        self.assertIn("'start -> Linux userspace marker (ms)'", why[0])
        self.assertIn("pvmm round 2: no vmmrun result", why[0])

    def test_scenario_failure_from_the_harness(self):
        out = BOOT_OK % 1 + ("FAIL A boot (960.2 s): timeout: host stopped "
                             "responding\n")
        self.assertEqual(bench.scenario_results(out),
                         {"boot": "timeout: host stopped responding"})


class Threads(unittest.TestCase):
    def test_vcpu_and_other_threads(self):
        out = ("BENCH idle pvmm 1\n[A] L2-WAITING\n"
               "[A] vmmrun-thread: name=pvmm cpu_ms=0.00 switches=0\n"
               "[A] vmmrun-thread: name=pvmm-io cpu_ms=10.00 switches=20\n"
               "[A] vmmrun-thread: name=pvmm-vcpu0 cpu_ms=150.00 switches=60\n"
               "[A] vmmrun: status=0 marker_ms=5 idle_cpu_pct=0.8 "
               "idle_ms=20000 stopped=1\n"
               "BENCH idle qemu11-vof 1\n"
               "vmmrun-thread: name=CPU_0/KVM cpu_ms=100.00 switches=40\n"
               "vmmrun-thread: name=call_rcu cpu_ms=2.00 switches=2\n"
               "vmmrun: status=0 marker_ms=5 idle_cpu_pct=0.5 idle_ms=20000\n")
        runs = bench.parse(out)
        pvmm, new = runs["idle"]["pvmm"][0], runs["idle"]["qemu11-vof"][0]
        self.assertEqual(pvmm["last_line"], "L2-WAITING")
        self.assertAlmostEqual(bench.idle_threads(True, "cpu_ms")(pvmm), 0.75)
        self.assertAlmostEqual(bench.idle_threads(False, "cpu_ms")(pvmm), 0.05)
        self.assertAlmostEqual(bench.idle_threads(True, "switches")(new), 2.0)
        self.assertAlmostEqual(bench.idle_threads(False, "switches")(new), 0.1)

    def test_bad_thread_line_fails_the_run(self):
        runs = bench.parse("BENCH idle pvmm 1\nvmmrun-thread: name=x "
                           "cpu_ms=?\nvmmrun: status=0 marker_ms=5\n")
        self.assertIn("bad vmmrun-thread line",
                      bench.why_failed(runs["idle"]["pvmm"][0]))


class Density(unittest.TestCase):
    def test_rows_and_a_copy_that_did_not_get_up(self):
        out = ("BENCH density-linux-4 pvmm 1\n"
               "vmmrun: status=0 marker_ms=8000.5 n=4 up=4 "
               "mem_used_kib=409600 pss_kib=512000 timeout=0\n"
               "BENCH density-linux-4 qemu-vof 1\n"
               "densityrun-fail: copy=2 status=137 last=Kernel panic - x\n"
               "vmmrun: status=1 marker_ms=-1.0 n=4 up=3 "
               "mem_used_kib=1 pss_kib=1 timeout=0\n")
        runs = bench.parse(out)
        self.assertIn("guest crash: Kernel panic",
                      bench.why_failed(runs["density-linux-4"]["qemu-vof"][0]))
        rows = bench.table(runs, {"pvmm": 1}, only=("density",))
        got = {r[0]: r[1:3] for r in rows[1:]}
        self.assertEqual(got["4 Linux guests (256 MiB) at once: all up (ms)"],
                         ("8000 [8000-8000]",
                          "n/a (1 failed: guest crash: Kernel panic - x)"))
        self.assertEqual(got["  4 Linux: host memory used (MiB)"][0],
                         "400 [400-400]")
        self.assertEqual(got["  4 Linux: VMMs' summed PSS (MiB)"][0],
                         "500 [500-500]")


class Strace(unittest.TestCase):
    def test_syscalls_per_hcall_exit(self):
        out = ("BENCH hcall-strace pvmm 1\n[A] HCALL-LOOP-START\n"
               "[A] vmmrun: status=0 marker_ms=40\n"
               "BENCH-STRACE % time     seconds  usecs/call     calls    "
               "errors syscall\n"
               "BENCH-STRACE ------ ----------- ----------- --------- "
               "--------- ----------------\n"
               "BENCH-STRACE  98.00    1.000000         238      4204"
               "         3 ioctl\n"
               "BENCH-STRACE   1.00    0.010000          10        21"
               "           mmap\n"
               "BENCH-STRACE 100.00    1.020000         242      4225"
               "         3 total\n"
               "BENCH-REPORT {\"exits\": {\"hcall\": 4200}}\n")
        run = bench.parse(out)["hcall-strace"]["pvmm"][0]
        self.assertEqual(run["syscalls"], {"ioctl": 4204, "mmap": 21,
                                           "total": 4225})
        self.assertAlmostEqual(bench.syscalls_per_exit(run), 0.005)
        self.assertAlmostEqual(bench.ioctls_per_exit(run), 1.001, places=3)


def hcall_run(fig, vmm, median_ticks, report=None):
    """One hcall_loop run: @median_ticks per batch of 200 at 512 MHz."""
    return ("BENCH %s %s 1\n[A] HCALL-LOOP-START\n[A] HCALL-LOOP calls=200 "
            "tb_hz=512000000 median_ticks=%d min_ticks=1\n"
            "[A] vmmrun: status=0 marker_ms=5\n" % (fig, vmm, median_ticks) +
            ("BENCH-REPORT %s\n" % json.dumps(report) if report else ""))


class HcallFloor(unittest.TestCase):
    """pvmm's own time per exit and the rest of its round trip, against
    QEMU's whole round trip."""

    REPORT = {"vcpu_stats": [{"user_ns": 8000, "user_exits": 4000}]}

    def test_own_time_and_the_kernels_part(self):
        # 51200 ticks / 200 calls at 512 MHz: 500 ns per call.
        run = bench.parse(hcall_run("hcall", "pvmm", 51200,
                                    self.REPORT))["hcall"]["pvmm"][0]
        self.assertEqual(bench.own_ns(run), 2)
        self.assertEqual(bench.kernel_ns(run), 498)

    def test_no_report_no_figure(self):
        run = bench.parse(hcall_run("hcall", "pvmm", 51200))["hcall"]["pvmm"][0]
        self.assertIsNone(bench.own_ns(run))
        self.assertIsNone(bench.kernel_ns(run))
        run["report"] = {"vcpu_stats": [{"user_ns": 5, "user_exits": 0}]}
        self.assertIsNone(bench.own_ns(run))

    def test_floor_rows_against_each_qemu(self):
        out = (hcall_run("hcall", "pvmm", 51200, self.REPORT) +
               hcall_run("hcall-nosb", "pvmm", 40960, self.REPORT) +
               hcall_run("hcall", "qemu-vof", 61440) +
               hcall_run("hcall", "qemu-slof", 40960))
        rows = bench.table(bench.parse(out), {"pvmm": 1024},
                           only=("hcall", "hcall-nosb"))
        floor = next(r for r in rows if r[0].startswith("hcall: kernel's"))
        nosb = next(r for r in rows if r[0] == "  same, pvmm --no-seccomp")
        # 498 of QEMU+VOF's 600 and of SLOF's 400; without the sandbox
        # 400 - 2 = 398.
        self.assertEqual(floor[1:], ("498 [498-498]", "-", "-", "0.83x",
                                     "1.25x"))
        self.assertEqual(nosb[1], "398 [398-398]")
        self.assertEqual(nosb[-2:], ("0.663x", "0.995x"))
        own = next(r for r in rows if r[0].startswith("  pvmm's own time"))
        self.assertEqual(own[1], "2 [2-2]")


def idle_run(fig, vmm, rnd, pct, marker=3000):
    return ("BENCH %s %s %d\nvmmrun: status=0 marker_ms=%d "
            "exit_ms=24000 idle_cpu_pct=%.2f idle_ms=20000 stopped=1\n" %
            (fig, vmm, rnd, marker, pct))


class RunToRun(unittest.TestCase):
    """QEMU+VOF twice a round: its runs against each other beside pvmm's."""

    def test_ratios_per_round(self):
        out = "".join(idle_run("idle-dev", v, n, pct) for n, v, pct in (
            (1, "pvmm", 0.60), (1, "qemu-vof", 0.50), (1, "qemu-vof-b", 0.75),
            (2, "pvmm", 0.40), (2, "qemu-vof", 0.80), (2, "qemu-vof-b", 0.40),
            (3, "pvmm", 0.90), (3, "qemu-vof", 0.60), (3, "qemu-vof-b", 0.60)))
        runs = bench.parse(out)
        lines = bench.run_to_run(runs)
        got = {name: c for _, name, c in lines}
        # A/A: 1.5, 0.5, 1.0; pvmm/first 1.2, 0.5, 1.5; pvmm/second
        # 0.8, 1.0, 1.5.
        self.assertEqual(got["QEMU+VOF's second run / its first"],
                         "1.00 [0.50-1.50], above 1 in 1 of 3 rounds")
        self.assertEqual(got["pvmm / QEMU+VOF's first run"],
                         "1.20 [0.50-1.50], above 1 in 2 of 3 rounds")
        self.assertEqual(got["pvmm / QEMU+VOF's second run"],
                         "1.00 [0.80-1.50], above 1 in 1 of 3 rounds")
        # The second runs stay out of the main table's columns.
        rows = bench.table(runs, {"pvmm": 1024}, only=("idle-dev",))
        self.assertEqual(len(rows[0]), 1 + 3 + 2)

    def test_a_failed_second_run_drops_its_round_and_fails_the_bench(self):
        out = (idle_run("idle", "pvmm", 1, 0.6) + idle_run("idle", "qemu-vof", 1, 0.5) +
               idle_run("idle", "qemu-vof-b", 1, 0.5, marker=-1) +
               idle_run("idle", "pvmm", 2, 0.6) + idle_run("idle", "qemu-vof", 2, 0.6) +
               idle_run("idle", "qemu-vof-b", 2, 0.3))
        runs = bench.parse(out)
        got = {name: c for _, name, c in bench.run_to_run(runs)}
        self.assertEqual(got["QEMU+VOF's second run / its first"],
                         "0.50 [0.50-0.50], above 1 in 0 of 1 rounds")
        rows = bench.table(runs, {"pvmm": 1024}, only=("idle",))
        why = bench.failures(runs, rows)
        self.assertTrue(any("qemu-vof-b round 1" in w for w in why), why)

    def test_nothing_without_second_runs(self):
        out = idle_run("idle", "pvmm", 1, 0.6) + idle_run("idle", "qemu-vof", 1, 0.5)
        self.assertEqual(bench.run_to_run(bench.parse(out)), [])


class Newest(unittest.TestCase):
    def test_column_and_ratio_only_when_it_ran(self):
        out = BOOT_OK % 1 + BOOT_OK.replace("pvmm", "qemu11-vof").replace(
            "900", "1800") % 1
        rows = bench.table(bench.parse(out), {"pvmm": 1024}, only=("boot",))
        self.assertIn("QEMU-new+VOF", rows[0])
        self.assertIn("pvmm/new VOF", rows[0])
        row = next(r for r in rows if r[0].startswith("start -> Linux"))
        self.assertEqual(row[-1], "0.5x")
        rows = bench.table(bench.parse(BOOT_OK % 1), {"pvmm": 1024},
                           only=("boot",))
        self.assertNotIn("QEMU-new+VOF", rows[0])


class Written(unittest.TestCase):
    """The raw results are written whatever happened."""

    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def tearDown(self):
        for f in glob.glob(os.path.join(self.dir, "*")):
            os.unlink(f)
        os.rmdir(self.dir)

    def written(self):
        (path,) = glob.glob(os.path.join(self.dir, "*-hostA.json"))
        with open(path) as f:
            return json.load(f)

    def test_no_results(self):
        failed = bench.finish("host start-up failed\n", (), {"pvmm": 1},
                              (0, 0, 0), self.dir)
        self.assertTrue(failed)
        self.assertIn("host start-up failed", self.written()["output_tail"])

    def test_table_error_keeps_runs(self):
        with mock.patch.object(bench, "table", side_effect=KeyError("x")):
            failed = bench.finish(BOOT_OK % 1, (), {"pvmm": 1}, (0, 0, 0),
                                  self.dir)
        raw = self.written()
        self.assertIn("KeyError", failed[0])
        self.assertEqual(raw["runs"]["boot"]["pvmm"][0]["marker_ms"], 900)
        self.assertEqual(raw["failed"], failed)

    def test_make_bench_exits_naming_failed_rows(self):
        out = BOOT_OK % 1 + "BENCH boot pvmm 2\nvmmrun: status=1\n"
        with mock.patch.object(bench, "run_host", return_value=out), \
                mock.patch.object(bench, "disk_bytes",
                                  return_value={"pvmm": 1}), \
                mock.patch.object(bench, "RESULTS", self.dir), \
                mock.patch.object(bench, "QEMU_ROOT", self.dir), \
                mock.patch.object(sys, "argv", ["bench.py", "boot"]):
            with self.assertRaises(SystemExit) as e:
                bench.main()
        self.assertIn("'start -> Linux userspace marker (ms)'",
                      str(e.exception.code))
        self.assertIn("exit status 1", str(e.exception.code))
        self.assertEqual(len(self.written()["runs"]["boot"]["pvmm"]), 2)


# A snapshot run (the source: cold boot to L2-READY, then its answer) and
# its restore run, as bench/scenarios/snapshot.scn prints them.
SNAP = ("BENCH snapshot-256 %(vmm)s %(round)d\n[A] L2-READY\n"
        "[A] vmmrun: status=0 marker_ms=%(cold)d\n%(answer)s\n"
        "BENCH-SNAP file_kib=%(kib)d\n"
        "BENCH restore-256 %(vmm)s %(round)d\n[A] L2-GOT go\n"
        "[A] vmmrun: status=0 marker_ms=%(restore)d\n")
PVMM_SNAP = 'BENCH-API {"ok":true,"path":"/tmp/sn/snap","ms":800}'
QEMU_SNAP = ('BENCH-QMP {"return": {"status": "completed", "total-time": 2400,'
             ' "downtime": 5, "ram": {"transferred": 9000000,'
             ' "dirty-sync-count": 2}}}')


def snap(vmm="pvmm", answer=PVMM_SNAP, cold=4000, restore=100, kib=50000,
         round=1):
    return SNAP % {"vmm": vmm, "answer": answer, "cold": cold,
                   "restore": restore, "kib": kib, "round": round}


# A live migration run: the destination's check, its console's tail, the
# source's console and vmmrun line, then the answer.
MIG = ("BENCH migrate-%s %s 1\nBENCH-DST %s\ndst: L2-MEM r=9 ok\n"
       "[A] L2-MEM r=5 ok\n[A] vmmrun: status=0 marker_ms=3000\n%s\n")
PVMM_MIG = ('BENCH-API {"ok":true,"error":"","passes":9,"pass_bytes":[1,2],'
            '"hpt_passes":0,"hpt_pass_bytes":[],"bytes":746000000,'
            '"total_ms":18900,"downtime_ms":2250}')


class SavedState(unittest.TestCase):
    def row(self, rows, label):
        return next(r for r in rows if r[0] == label)

    def test_snapshot_and_restore_rows(self):
        out = snap() + snap("qemu-vof", QEMU_SNAP, 5000, 1000, 9000)
        runs = bench.parse(out)
        bench.restore_vs_cold(runs)
        for fig in ("snapshot-256", "restore-256"):
            for vmm in ("pvmm", "qemu-vof"):
                self.assertIsNone(bench.why_failed(runs[fig][vmm][0], fig))
        rows = bench.table(runs, {"pvmm": 1}, only=("snapshot",))
        self.assertEqual(self.row(rows, "snapshot 256 MiB: pause -> file "
                                  "written (ms)")[1:3],
                         ("800 [800-800]", "2400 [2400-2400]"))
        self.assertEqual(self.row(rows, "  snapshot 256 MiB: file on disk "
                                  "(KiB)")[1:3],
                         ("50000 [50000-50000]", "9000 [9000-9000]"))
        row = self.row(rows, "restore 256 MiB -> guest answers (ms)")
        self.assertEqual(row[1:3], ("100 [100-100]", "1000 [1000-1000]"))
        self.assertEqual(row[-2], "0.1x")          # pvmm/VOF
        self.assertEqual(self.row(rows, "  restore 256 MiB / its cold boot")
                         [1:3], ("0.0250 [0.0250-0.0250]",
                                 "0.2000 [0.2000-0.2000]"))
        self.assertEqual(bench.failures(runs, rows), [])

    def test_restore_scale_row(self):
        out = snap(restore=100) + snap(restore=130).replace("-256", "-1g")
        rows = bench.table(bench.parse(out), {"pvmm": 1},
                           only=("snapshot",))
        self.assertEqual(self.row(rows, "restore 1 GiB / 256 MiB (medians)")
                         [1], "1.3x")
        # Without the 1 GiB runs there is nothing to divide: no row.
        rows = bench.table(bench.parse(snap()), {"pvmm": 1},
                           only=("snapshot",))
        self.assertFalse([r for r in rows if r[0].startswith("restore 1 GiB")])

    def test_refused_snapshot_fails_with_pvmm_reason(self):
        bad = 'BENCH-API {"ok":false,"error":"cannot create /x.part: EROFS"}'
        runs = bench.parse(snap(answer=bad))
        run = runs["snapshot-256"]["pvmm"][0]
        self.assertEqual(bench.why_failed(run, "snapshot-256"),
                         "pvmm: cannot create /x.part: EROFS")
        # Its restore run, with no file, says so too (the scenario's line).
        runs = bench.parse(snap(answer=bad).replace(
            "[A] L2-GOT go\n[A] vmmrun: status=0 marker_ms=100\n",
            "BENCH-FAIL no snapshot file\n"))
        self.assertEqual(bench.why_failed(runs["restore-256"]["pvmm"][0],
                                          "restore-256"), "no snapshot file")
        bench.restore_vs_cold(runs)
        self.assertNotIn("of_cold", runs["restore-256"]["pvmm"][0])

    def test_answer_not_json_or_missing(self):
        runs = bench.parse(snap(answer="BENCH-API api-call: connection lost"))
        self.assertIn("not JSON: api-call: connection lost", bench.why_failed(
            runs["snapshot-256"]["pvmm"][0], "snapshot-256"))
        runs = bench.parse(snap(answer=""))
        self.assertEqual(bench.why_failed(runs["snapshot-256"]["pvmm"][0],
                                          "snapshot-256"),
                         "no snapshot or migration answer")

    def test_qemu_that_cannot_migrate_says_why_in_its_cell(self):
        failed = ('BENCH-QMP {"return": {"status": "failed", "error-desc": '
                  '"Unable to write to socket: Broken pipe"}}')
        out = snap() + snap("qemu-vof", failed)
        runs = bench.parse(out)
        bench.restore_vs_cold(runs)
        rows = bench.table(runs, {"pvmm": 1}, only=("snapshot",))
        cell = self.row(rows, "snapshot 256 MiB: pause -> file written "
                        "(ms)")[2]
        self.assertEqual(cell, "n/a (1 failed: QEMU migration failed: "
                         "Unable to write to socket: Broken pipe)")
        why = bench.failures(runs, rows)
        self.assertEqual(len(why), 1)
        self.assertIn("qemu-vof round 1: QEMU migration failed: Unable", why[0])
        # A migration still running when qmp-call gave up is no result.
        runs = bench.parse(snap("qemu-vof", 'BENCH-QMP {"return": '
                                '{"status": "active"}}'))
        self.assertEqual(bench.why_failed(runs["snapshot-256"]["qemu-vof"][0],
                                          "snapshot-256"),
                         "QEMU migration active")

    def test_harness_replay_of_a_failed_scenario_is_not_more_runs(self):
        out = snap() + "FAIL A snapshot (2460.3 s): timeout\n" + "".join(
            "    | " + l + "\n" for l in snap().splitlines())
        runs = bench.parse(out)
        self.assertEqual(len(runs["snapshot-256"]["pvmm"]), 1)
        self.assertEqual(len(runs["restore-256"]["pvmm"]), 1)

    def test_failure_repeated_at_the_end_of_the_harness_run(self):
        # run.py says a FAIL with its console tail when it happens and
        # again (the tail's last 20 lines) just before its total.
        fail = ("FAIL A snapshot (2460.3 s): timeout: host stopped "
                "responding\n" + "".join("    | " + l + "\n"
                                         for l in snap().splitlines()))
        out = snap() + fail + "0 passed, 1 failed\n" + fail
        runs = bench.parse(out)
        self.assertEqual(len(runs["snapshot-256"]["pvmm"]), 1)
        self.assertEqual(len(runs["restore-256"]["pvmm"]), 1)
        self.assertEqual(bench.scenario_results(out),
                         {"snapshot": "timeout: host stopped responding"})

    def test_the_scenario_reason_comes_first(self):
        runs = bench.parse("BENCH snapshot-1g pvmm 1\n"
                           "BENCH-FAIL no L2-READY within 300 s\n"
                           "vmmrun: status=137 marker_ms=-1 timeout=1\n")
        self.assertEqual(bench.why_failed(runs["snapshot-1g"]["pvmm"][0],
                                          "snapshot-1g"),
                         "no L2-READY within 300 s")

    def test_migration_rows(self):
        out = (MIG % ("busy", "pvmm", "ok", PVMM_MIG) +
               MIG % ("busy", "qemu-vof", "ok", QEMU_SNAP.replace(
                   "2400", "30000")))
        runs = bench.parse(out)
        rows = bench.table(runs, {"pvmm": 1}, only=("migrate",))
        self.assertEqual(self.row(rows, "live migration, busy guest: total "
                                  "(ms)")[1:3],
                         ("18900 [18900-18900]", "30000 [30000-30000]"))
        self.assertEqual(self.row(rows, "  busy: downtime (ms)")[1:3],
                         ("2250 [2250-2250]", "5 [5-5]"))
        self.assertEqual(self.row(rows, "  busy: passes (QEMU: "
                                  "dirty-sync-count)")[1:3],
                         ("9 [9-9]", "2 [2-2]"))
        self.assertEqual(self.row(rows, "  busy: MB sent (QEMU: RAM "
                                  "transferred)")[1:3],
                         ("746.0 [746.0-746.0]", "9.0 [9.0-9.0]"))
        self.assertEqual(bench.failures(runs, rows), [])

    def test_migration_whose_destination_did_not_go_on_fails(self):
        for dst, why in (("bad page", "destination: bad page"),
                         ("exit status 139 after stop",
                          "destination: exit status 139 after stop")):
            runs = bench.parse(MIG % ("busy", "pvmm", dst, PVMM_MIG))
            self.assertEqual(bench.why_failed(runs["migrate-busy"]["pvmm"][0],
                                              "migrate-busy"), why)
        # No check at all is no result either.
        runs = bench.parse(MIG.replace("BENCH-DST %s\n", "") %
                           ("idle", "pvmm", PVMM_MIG))
        self.assertEqual(bench.why_failed(runs["migrate-idle"]["pvmm"][0],
                                          "migrate-idle"),
                         "destination: not checked")

    def test_failed_pvmm_migration_names_its_error(self):
        bad = ('BENCH-API {"ok":false,"error":"destination refused HELLO: '
               'another machine","passes":0}')
        runs = bench.parse(MIG % ("idle", "pvmm", "the guest did not go on",
                                  bad))
        rows = bench.table(runs, {"pvmm": 1}, only=("migrate",))
        why = bench.failures(runs, rows)
        self.assertIn("pvmm round 1: pvmm: destination refused HELLO", why[0])
        self.assertIn("no pvmm data for 'live migration, idle guest: total "
                      "(ms)'", why)


class VmmrunIdleWindow(unittest.TestCase):
    """vmmrun (tests/tools/vmmrun.c, built natively here) must stay off the
    host it measures during the idle window: no smaps sampling every
    5 ms, at most a wakeup a second."""

    def switches(self, pid):
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("voluntary_ctxt_switches:"):
                    return int(line.split()[1])
        return 0

    def test_quiet_in_the_idle_window(self):
        import shutil
        import subprocess
        import time
        cc = shutil.which("cc")
        if not cc:
            self.skipTest("no C compiler")
        src = os.path.join(os.path.dirname(__file__), "..", "tools",
                           "vmmrun.c")
        with tempfile.TemporaryDirectory() as d:
            exe = os.path.join(d, "vmmrun")
            subprocess.run([cc, "-O2", "-o", exe, src], check=True)
            p = subprocess.Popen([exe, "-m", "READY", "-i", "3", "--",
                                  "sh", "-c", "echo READY; exec sleep 10"],
                                 stdout=subprocess.PIPE, text=True)
            try:
                self.assertEqual(p.stdout.readline().strip(), "READY")
                time.sleep(0.5)
                before = self.switches(p.pid)
                time.sleep(1.5)
                woke = self.switches(p.pid) - before
                out = p.stdout.read()
            finally:
                p.kill()
                p.wait()
        # 5 ms sampling would be about 300 wakeups in 1.5 s.
        self.assertLessEqual(woke, 5)
        self.assertIn("stopped=1", out)
        self.assertRegex(out, r"idle_ms=(29|30)\d\d\.")


if __name__ == "__main__":
    res = unittest.main(exit=False).result
    bad = len(res.failures) + len(res.errors)
    print("%d passed, %d failed" % (res.testsRun - bad, bad))
    sys.exit(1 if bad else 0)
