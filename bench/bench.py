#!/usr/bin/env python3
"""make bench: pvmm against QEMU's pseries machine, in one boot of Host A.

bench/scenarios/ run pvmm, QEMU with VOF and QEMU with SLOF in turn (and
the newest QEMU, Debian unstable's, with VOF), each several times, on the
same guests (bench/l1/bin/benchvmm); this script reads what they print,
shows one table of medians with [min-max] and the pvmm/QEMU ratio of the
medians, and writes the raw results to bench/results/.  Figures are taken
under emulation (QEMU TCG): only the ratios mean anything.

A run that fails (no result line, non-zero exit, timeout, no marker, a
guest crash, a bad --report) is kept with its reason and left out of the
figures; the other runs still count, the raw results are always written,
and the bench exits non-zero naming the rows that lost runs.
"""
import argparse
import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import traceback

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU_ROOT = os.path.join(TOP, ".cache", "qemu", "root")
# Debian unstable's QEMU (bench/setup-qemu.sh sid), under /opt/qemu-sid.
QEMU11_TREE = os.path.join(TOP, ".cache", "qemu-sid", "root")
QEMU11_ROOT = os.path.join(QEMU11_TREE, "opt", "qemu-sid")
PVMM = os.path.join(TOP, "build", "pvmm.stripped")
# Host A's RAM for the bench: room for 16 Linux guests and their VMMs at
# once (the density rows); the e2e tests give it 2 GiB.
HOST_MEM = "6G"
RESULTS = os.path.join(TOP, "bench", "results")
VMMS = ("pvmm", "qemu-vof", "qemu-slof", "qemu11-vof")
HEADS = ("pvmm", "QEMU+VOF", "QEMU+SLOF", "QEMU-new+VOF")
RATIOS = ("pvmm/VOF", "pvmm/SLOF", "pvmm/new VOF")
FIRMWARE = {"qemu-vof": (QEMU_ROOT, "vof.bin"),
            "qemu-slof": (QEMU_ROOT, "slof.bin"),
            "qemu11-vof": (QEMU11_ROOT, "vof.bin")}
# A console line in a run that means the guest crashed.
CRASH = re.compile(r"Kernel panic|Oops: |BUG: |Unable to handle kernel|"
                   r"pvmm: guest crash")


def bench_conf(rounds):
    """A tree for Host A's initramfs with /etc/bench.conf, which the
    scenarios read: BENCH_ROUNDS, at most that many rounds (0: each
    scenario's own count)."""
    d = os.path.join(TOP, "build", "bench-conf.%d" % os.getpid())
    os.makedirs(os.path.join(d, "etc"), exist_ok=True)
    with open(os.path.join(d, "etc", "bench.conf"), "w") as f:
        f.write("BENCH_ROUNDS=%d\n" % rounds)
    return d


def run_host(only, rounds=0):
    """Boot Host A with the QEMU trees and the bench scenarios (those whose
    name contains one of @only, if given); its output.  The harness's own
    lines (not the console's) show progress."""
    conf = bench_conf(rounds)
    cmd = [sys.executable, os.path.join(TOP, "tests", "e2e", "run.py"),
           "--host", "A", "--scenarios", os.path.join(TOP, "bench", "scenarios"),
           "--pvmm", PVMM, "--add-tree", QEMU_ROOT,
           "--add-tree", os.path.join(TOP, "bench", "l1"),
           "--add-tree", conf, "--host-mem", HOST_MEM, "-v"]
    if os.path.isdir(QEMU11_ROOT):
        cmd += ["--add-tree", QEMU11_TREE]
    for o in only:
        cmd += ["--only", o]
    out = []
    try:
        with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True,
                              errors="replace") as p:
            for line in p.stdout:
                out.append(line)
                if not line.startswith("[A] "):
                    print(line, end="", flush=True)
        out.append("bench: harness exit status %d\n" % p.returncode)
    finally:
        shutil.rmtree(conf, ignore_errors=True)
    return "".join(out)


def scenario_results(out):
    """What the harness said of each bench scenario: name -> reason for
    those that failed (a timeout there stops the host: runs are lost)."""
    return {m.group(1): m.group(2) or "failed" for m in re.finditer(
        r"^FAIL A (\S+) \([\d.]+ s\)(?:: (.*))?$", out, re.M)}


def parse(out):
    """runs[figure][vmm] = list of dicts, one per VMM run."""
    runs, cur = {}, None
    for line in out.splitlines():
        if line.startswith("    | "):
            # The harness's replay of a failed scenario's tail: lines
            # already parsed as they came, not more runs.
            continue
        m = re.search(r"BENCH ([\w-]+) ([\w-]+) (\d+)$", line)
        if m:
            cur = {"round": int(m.group(3))}
            runs.setdefault(m.group(1), {}).setdefault(m.group(2), []).append(cur)
            continue
        if cur is None:
            continue
        text = re.sub(r"^\[A\] ", "", line).strip()
        if "status" not in cur and text and not text.startswith("vmmrun"):
            # The console's last words before a run ends: the clue when
            # it fails (benchvmm's or the VMM's error, a kernel message).
            cur["last_line"] = text[-160:]
        if "vmmrun-thread: " in line:
            t = dict(kv.partition("=")[::2] for kv in
                     line.split("vmmrun-thread: ", 1)[1].split())
            try:
                cur.setdefault("threads", []).append(
                    {"name": t["name"], "cpu_ms": float(t["cpu_ms"]),
                     "switches": int(t["switches"])})
            except (KeyError, ValueError):
                cur.setdefault("error", "bad vmmrun-thread line: %s" %
                               line[-200:])
        elif "vmmrun: " in line:
            for kv in line.split("vmmrun: ", 1)[1].split():
                k, _, v = kv.partition("=")
                try:
                    cur[k] = float(v)
                except ValueError:
                    cur.setdefault("error", "bad vmmrun line: %s" % line[-200:])
        elif "BENCH-API " in line or "BENCH-QMP " in line:
            # A snapshot's or migration's answer: pvmm's control socket
            # or QEMU's last query-migrate.
            key = "api" if "BENCH-API " in line else "qmp"
            text = line.split("BENCH-%s " % key.upper(), 1)[1].strip()
            try:
                cur[key] = json.loads(text)
            except ValueError:
                cur[key] = {"not_json": text[:200]}
        elif "BENCH-DST " in line:
            cur["dst"] = line.split("BENCH-DST ", 1)[1].strip()
        elif "BENCH-FAIL " in line:
            cur.setdefault("fail", line.split("BENCH-FAIL ", 1)[1].strip())
        elif "BENCH-SNAP " in line:
            for k, v in re.findall(r"(\w+)=(-?\d+)", line):
                cur[k] = int(v)
        elif "crash" not in cur and "status" not in cur and CRASH.search(line):
            cur["crash"] = line[CRASH.search(line).start():].strip()[:160]
        elif "BENCH-REPORT " in line:
            # A guest that failed leaves an empty or cut report: the run
            # fails (below), the other runs' results are still kept.
            try:
                cur["report"] = json.loads(line.split("BENCH-REPORT ", 1)[1])
            except ValueError as e:
                cur["error"] = "bad --report JSON: %s" % e
        elif "BLKBENCH " in line:
            cur["blk"] = {k: float(v) for k, v in
                          re.findall(r"(\w+)=([\d.]+)", line)}
        elif "BENCH-STRACE " in line:
            m = STRACE_ROW.match(line.split("BENCH-STRACE ", 1)[1])
            if m:
                cur.setdefault("syscalls", {})[m.group(2)] = int(m.group(1))
        elif "HCALL-LOOP calls=" in line:
            cur["hcall"] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
    return runs


def saved_state_failed(run):
    """Why a snapshot or migration run's answer does not count: pvmm's
    control socket answer not ok, QEMU's migration not completed (with
    QEMU's own error: a build that cannot migrate this guest says so
    here), or no answer."""
    if "api" in run:
        a = run["api"]
        if "not_json" in a:
            return "pvmm's answer is not JSON: %s" % a["not_json"]
        return None if a.get("ok") is True else "pvmm: %s" % a.get(
            "error", "no \"ok\" in its answer")
    if "qmp" in run:
        q = run["qmp"]
        if "not_json" in q:
            return "QEMU's query-migrate is not JSON: %s" % q["not_json"]
        r = q.get("return", {})
        st = r.get("status") if isinstance(r, dict) else None
        if st == "completed":
            return None
        return "QEMU migration %s%s" % (
            st or "without a status", ": " + r["error-desc"]
            if isinstance(r, dict) and "error-desc" in r else "")
    return "no snapshot or migration answer"


def why_failed(run, fig=""):
    """None for a run that counts (ended as it should and saw its marker),
    else the reason it does not.  @fig: snapshot and migration runs need
    their answer too, migrations a destination that runs the guest on."""
    if "fail" in run:
        return run["fail"]
    if "status" not in run:
        return ("no vmmrun result: the run never ended (scenario timed out "
                "or the host stopped)")
    if run.get("timeout"):
        return "timeout: killed after %.0f s" % (run.get("exit_ms", 0) / 1e3)
    if "crash" in run:
        return "guest crash: " + run["crash"]
    if run["status"] != 0 and not (run.get("stopped") and
                                   run.get("idle_cpu_pct", -1) >= 0):
        st = int(run["status"])
        return (("killed by signal %d" % (st - 128) if st > 128 else
                 "exit status %d" % st) +
                (" (last line: %s)" % run["last_line"]
                 if "last_line" in run else ""))
    if run.get("marker_ms", -1) < 0:
        return "no marker"
    if run.get("error"):
        return run["error"]
    if fig.startswith(("snapshot-", "migrate-")):
        bad = saved_state_failed(run)
        if bad:
            return bad
    if fig.startswith("migrate-") and run.get("dst") != "ok":
        return "destination: %s" % run.get("dst", "not checked")
    return None


def ok(run, fig=""):
    return why_failed(run, fig) is None


def hcall_ns(which):
    """ns per call of the median or the fastest batch of hcall_loop."""
    def value(run):
        h = run.get("hcall")
        return h[which] * 1e9 / h["tb_hz"] / h["calls"] if h else None
    return value


def own_ns(run):
    """pvmm's own time per exit from its --report: KVM_RUN's return to the
    next KVM_RUN call (vCPU 0; the test guest has one), the exits in which
    it picked up a request left out."""
    vs = (run.get("report") or {}).get("vcpu_stats") or [{}]
    n = vs[0].get("user_exits")
    return vs[0]["user_ns"] / n if n and "user_ns" in vs[0] else None


def kernel_ns(run):
    """What of pvmm's hcall round trip is not pvmm's code: the median
    batch's ns per call minus pvmm's own time per exit (the kernel, the
    nested exit, and with the sandbox on, its seccomp filter)."""
    trip, own = hcall_ns("median_ticks")(run), own_ns(run)
    return trip - own if trip is not None and own is not None else None


def blk(key):
    """A blkbench figure of one run."""
    return lambda run: run.get("blk", {}).get(key)


def cpu_per_io(runs):
    """The VMM's CPU time for a blkbench run beyond what the same VMM's
    plain boot costs (median of its boot runs), per guest request."""
    for vmm, rs in runs.get("blk", {}).items():
        boot = [b["cpu_ms"] for b in runs.get("boot", {}).get(vmm, [])
                if ok(b) and "cpu_ms" in b]
        for r in rs:
            if boot and r.get("blk", {}).get("ios") and "cpu_ms" in r:
                r["cpu_per_io_us"] = ((r["cpu_ms"] - statistics.median(boot))
                                      * 1e3 / r["blk"]["ios"])


# A row of strace -c's table: % time, seconds, usecs/call, calls, errors
# (may be blank), syscall.
STRACE_ROW = re.compile(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$")


def syscalls_per_exit(run):
    """pvmm under strace -c -f running the hcall loop: system calls other
    than ioctl (KVM_RUN and set-up) per hcall exit; set-up's few dozen
    spread over thousands of exits."""
    sc, rep = run.get("syscalls"), run.get("report")
    exits = (rep or {}).get("exits", {}).get("hcall")
    if not sc or not exits:
        return None
    return (sc.get("total", 0) - sc.get("ioctl", 0)) / exits


def ioctls_per_exit(run):
    sc, rep = run.get("syscalls"), run.get("report")
    exits = (rep or {}).get("exits", {}).get("hcall")
    return sc.get("ioctl", 0) / exits if sc and exits else None


# A vCPU thread: pvmm's "pvmm-vcpuN", QEMU's "CPU N/KVM".
VCPU_THREAD = re.compile(r"^pvmm-vcpu\d+$|^CPU_\d+/KVM$")


def idle_threads(vcpu, key):
    """Over the idle window, the vCPU threads' (or all others': the main
    and I/O loop, console, timers, workers) CPU in % of a core, or their
    switch-ins (wakeups and preemptions) per second."""
    def value(run):
        ts, win = run.get("threads"), run.get("idle_ms", -1)
        if not ts or win <= 0:
            return None
        got = sum(t[key] for t in ts
                  if bool(VCPU_THREAD.match(t["name"])) == vcpu)
        return got * 100.0 / win if key == "cpu_ms" else got * 1e3 / win
    return value


def first_entry_ms(run):
    ns = run.get("report", {}).get("phases_ns", {}).get("first_guest_entry")
    return ns / 1e6 if ns is not None else None


# (label, figure, value of one run, digits); rows where only pvmm has a
# value are pvmm's own view.
ROWS = [
    ("start -> test guest's first line (ms)", "hcall",
     lambda r: r["marker_ms"], 0),
    ("main() -> first KVM_RUN, pvmm --report (ms)", "boot",
     first_entry_ms, 0),
    ("start -> Linux userspace marker (ms)", "boot",
     lambda r: r["marker_ms"], 0),
    ("start -> exit after power-off (ms)", "boot", lambda r: r["exit_ms"], 0),
    ("guest kernel uptime at marker (ms)", "boot",
     lambda r: r["guest_uptime_s"] * 1000, 0),
    ("VMM share: marker - guest uptime (ms)", "boot",
     lambda r: r["marker_ms"] - r["guest_uptime_s"] * 1000, 0),
    ("peak RSS without guest RAM (KiB)", "boot",
     lambda r: r["peak_rss_ex_guest_kib"], 0),
    ("hcall round trip, median batch (ns)", "hcall",
     hcall_ns("median_ticks"), 0),
    ("hcall round trip, fastest batch (ns)", "hcall",
     hcall_ns("min_ticks"), 0),
    ("  pvmm's own time per hcall exit, KVM_RUN to KVM_RUN (ns)", "hcall",
     own_ns, 0),
    ("hcall round trip, pvmm --no-seccomp, median batch (ns)", "hcall-nosb",
     hcall_ns("median_ticks"), 0),
    ("  --no-seccomp: pvmm's own time per hcall exit (ns)", "hcall-nosb",
     own_ns, 0),
    ("pvmm under strace -c: syscalls besides ioctl per hcall exit",
     "hcall-strace", syscalls_per_exit, 3),
    ("pvmm under strace -c: ioctls per hcall exit", "hcall-strace",
     ioctls_per_exit, 3),
    ("idle guest 20 s: host CPU (% of a core)", "idle",
     lambda r: r["idle_cpu_pct"], 2),
    ("  vCPU threads (% of a core)", "idle", idle_threads(True, "cpu_ms"),
     2),
    ("  other threads: loop, console, timers (% of a core)", "idle",
     idle_threads(False, "cpu_ms"), 2),
    ("  vCPU threads: switch-ins per s", "idle",
     idle_threads(True, "switches"), 1),
    ("  other threads: switch-ins per s", "idle",
     idle_threads(False, "switches"), 1),
    ("  same, guest polling (powersave=off)", "idle-poll",
     lambda r: r["idle_cpu_pct"], 2),
    ("idle guest with disk + rng: host CPU (% of a core)", "idle-dev",
     lambda r: r["idle_cpu_pct"], 2),
    ("  with devices: vCPU threads (% of a core)", "idle-dev",
     idle_threads(True, "cpu_ms"), 2),
    ("  with devices: other threads (% of a core)", "idle-dev",
     idle_threads(False, "cpu_ms"), 2),
    ("  with devices: vCPU threads: switch-ins per s", "idle-dev",
     idle_threads(True, "switches"), 1),
    ("  with devices: other threads: switch-ins per s", "idle-dev",
     idle_threads(False, "switches"), 1),
    ("1 Linux guests (256 MiB) at once: all up (ms)", "density-linux-1",
     lambda r: r["marker_ms"], 0),
    ("  1 Linux: host memory used (MiB)", "density-linux-1",
     lambda r: r.get("mem_used_kib", -1) / 1024, 0),
    ("  1 Linux: VMMs' summed PSS (MiB)", "density-linux-1",
     lambda r: r.get("pss_kib", -1) / 1024, 0),
    ("4 Linux guests (256 MiB) at once: all up (ms)", "density-linux-4",
     lambda r: r["marker_ms"], 0),
    ("  4 Linux: host memory used (MiB)", "density-linux-4",
     lambda r: r.get("mem_used_kib", -1) / 1024, 0),
    ("  4 Linux: VMMs' summed PSS (MiB)", "density-linux-4",
     lambda r: r.get("pss_kib", -1) / 1024, 0),
    ("16 Linux guests (256 MiB) at once: all up (ms)", "density-linux-16",
     lambda r: r["marker_ms"], 0),
    ("  16 Linux: host memory used (MiB)", "density-linux-16",
     lambda r: r.get("mem_used_kib", -1) / 1024, 0),
    ("  16 Linux: VMMs' summed PSS (MiB)", "density-linux-16",
     lambda r: r.get("pss_kib", -1) / 1024, 0),
    ("1 test guests at once: all up (ms)", "density-hcall-1",
     lambda r: r["marker_ms"], 0),
    ("  1 test: host memory used (MiB)", "density-hcall-1",
     lambda r: r.get("mem_used_kib", -1) / 1024, 0),
    ("  1 test: VMMs' summed PSS (MiB)", "density-hcall-1",
     lambda r: r.get("pss_kib", -1) / 1024, 0),
    ("4 test guests at once: all up (ms)", "density-hcall-4",
     lambda r: r["marker_ms"], 0),
    ("  4 test: host memory used (MiB)", "density-hcall-4",
     lambda r: r.get("mem_used_kib", -1) / 1024, 0),
    ("  4 test: VMMs' summed PSS (MiB)", "density-hcall-4",
     lambda r: r.get("pss_kib", -1) / 1024, 0),
    ("16 test guests at once: all up (ms)", "density-hcall-16",
     lambda r: r["marker_ms"], 0),
    ("  16 test: host memory used (MiB)", "density-hcall-16",
     lambda r: r.get("mem_used_kib", -1) / 1024, 0),
    ("  16 test: VMMs' summed PSS (MiB)", "density-hcall-16",
     lambda r: r.get("pss_kib", -1) / 1024, 0),
    ("virtio-blk sequential read (MB/s)", "blk", blk("seq_read_mbs"), 1),
    ("virtio-blk sequential write (MB/s)", "blk", blk("seq_write_mbs"), 1),
    ("virtio-blk 4 KiB random read (IOPS)", "blk", blk("rand_read_iops"), 0),
    ("virtio-blk 4 KiB random write (IOPS)", "blk", blk("rand_write_iops"),
     0),
    ("VMM CPU per guest I/O (us)", "blk", lambda r: r.get("cpu_per_io_us"),
     1),
    ("--iommu: virtio-blk sequential read (MB/s)", "blk-iommu",
     blk("seq_read_mbs"), 1),
    ("--iommu: virtio-blk sequential write (MB/s)", "blk-iommu",
     blk("seq_write_mbs"), 1),
    ("--iommu: virtio-blk 4 KiB random read (IOPS)", "blk-iommu",
     blk("rand_read_iops"), 0),
    ("--iommu: virtio-blk 4 KiB random write (IOPS)", "blk-iommu",
     blk("rand_write_iops"), 0),
]

def saved_ms(run):
    """A snapshot's time: pvmm's "ms" (pause to written), QEMU's
    query-migrate total-time (the stream to "exec:cat>FILE" of the guest
    it stopped just before)."""
    if "api" in run:
        return run["api"].get("ms")
    return run.get("qmp", {}).get("return", {}).get("total-time")


def mig(pvmm_key, qemu_value):
    """A live migration figure: pvmm's migrate answer @pvmm_key, or
    @qemu_value of QEMU's last query-migrate."""
    def value(run):
        if "api" in run:
            return run["api"].get(pvmm_key)
        r = run.get("qmp", {}).get("return", {})
        try:
            return qemu_value(r)
        except (KeyError, TypeError):
            return None
    return value


def restore_vs_cold(runs):
    """Each restore run's time to the guest's answer over the cold boot to
    L2-READY of the source it restored (same VMM, size and round)."""
    for sz in ("256", "1g"):
        for vmm, rs in runs.get("restore-" + sz, {}).items():
            cold = {s["round"]: s.get("marker_ms", -1) for s in
                    runs.get("snapshot-" + sz, {}).get(vmm, [])
                    if ok(s, "snapshot-" + sz)}
            for r in rs:
                if cold.get(r["round"], -1) > 0 and r.get("marker_ms", -1) >= 0:
                    r["of_cold"] = r["marker_ms"] / cold[r["round"]]


for _sz, _mem in (("256", "256 MiB"), ("1g", "1 GiB")):
    ROWS += [
        ("snapshot %s: pause -> file written (ms)" % _mem,
         "snapshot-" + _sz, saved_ms, 0),
        ("  snapshot %s: file on disk (KiB)" % _mem, "snapshot-" + _sz,
         lambda r: r.get("file_kib"), 0),
        ("  %s: cold boot -> L2-READY (ms)" % _mem, "snapshot-" + _sz,
         lambda r: r["marker_ms"], 0),
        ("restore %s -> guest answers (ms)" % _mem, "restore-" + _sz,
         lambda r: r["marker_ms"], 0),
        ("  restore %s / its cold boot" % _mem, "restore-" + _sz,
         lambda r: r.get("of_cold"), 4),
    ]
for _mode in ("idle", "busy"):
    ROWS += [
        ("live migration, %s guest: total (ms)" % _mode, "migrate-" + _mode,
         mig("total_ms", lambda r: r["total-time"]), 0),
        ("  %s: downtime (ms)" % _mode, "migrate-" + _mode,
         mig("downtime_ms", lambda r: r["downtime"]), 0),
        ("  %s: passes (QEMU: dirty-sync-count)" % _mode, "migrate-" + _mode,
         mig("passes", lambda r: r["ram"]["dirty-sync-count"]), 0),
        ("  %s: MB sent (QEMU: RAM transferred)" % _mode, "migrate-" + _mode,
         lambda r: (lambda b: b / 1e6 if b is not None else None)(mig(
             "bytes", lambda q: q["ram"]["transferred"])(r)), 1),
    ]

# Each VMM's median of one figure over its median of another (same row
# value): restore does not grow with RAM.
SCALE_ROWS = [("restore 1 GiB / 256 MiB (medians)", "restore-1g",
               "restore-256", lambda r: r["marker_ms"])]

# pvmm's value against each QEMU's median of another figure: what of
# pvmm's hcall round trip is not pvmm's own code, over QEMU's whole round
# trip (no VMM's userspace can take its round trip below that part).
FLOOR_ROWS = [
    ("hcall: kernel's part of pvmm's round trip (ns); ratios: of QEMU's "
     "median batch", "hcall", kernel_ns, "hcall", hcall_ns("median_ticks")),
    ("  same, pvmm --no-seccomp", "hcall-nosb", kernel_ns, "hcall",
     hcall_ns("median_ticks")),
]

# Figures a row needs beyond its own (cpu_per_io subtracts a plain boot).
NEEDS = {"VMM CPU per guest I/O (us)": ("boot",)}


def shown(rows, runs, only):
    """The rows a run can fill: all of them for make bench; with a subset
    (bench.py NAME), those whose figures ran, so no row is printed empty
    just because it was not asked for."""
    return [r for r in rows if not only or
            all(f in runs for f in (r[1],) + NEEDS.get(r[0], ()))]


# Each VMM's I/O through its IOMMU against the same VMM without it (blk).
IOMMU_ROWS = [(label, fig) for label, fig, _, _ in ROWS if fig == "blk-iommu"]


def tree_bytes(root, skip):
    """Bytes of the regular files under @root, outside its @skip folder
    (and the bench's own strace, which shares the 7.2 tree's libc)."""
    total = 0
    for d, _, files in os.walk(root):
        if os.path.relpath(d, root) != skip:
            total += sum(os.path.getsize(os.path.join(d, f)) for f in files
                         if not os.path.islink(os.path.join(d, f)) and
                         os.path.join(os.path.relpath(d, root), f) !=
                         os.path.join("usr", "bin", "strace"))
    return total


def disk_bytes():
    """Binary + shared libraries + firmware, as each VMM needs them (a
    QEMU that was not set up is left out)."""
    fw = os.path.join("usr", "share", "qemu")
    sizes = {}
    for v, (root, f) in FIRMWARE.items():
        if os.path.isdir(root):
            sizes[v] = (tree_bytes(root, fw) +
                        os.path.getsize(os.path.join(root, fw, f)))
    sizes["pvmm"] = os.path.getsize(PVMM)
    return sizes


def cell(vals, digits, failed=0, why=""):
    """median [min-max] of a row's good runs, and how many failed; with
    no good run, the first failed run's reason (never a bare n/a for a
    VMM that ran)."""
    bad = " (%d failed)" % failed if failed else ""
    if not vals:
        return "n/a" + (" (%d failed: %s)" % (failed, why[:90])
                        if failed and why else bad)
    f = "%%.%df" % digits
    return (f + " [" + f + "-" + f + "]") % (statistics.median(vals),
                                            min(vals), max(vals)) + bad


def ratio(a, b):
    return "%.3gx" % (a / b) if a is not None and b else "-"


def columns(runs):
    """The VMMs with a column: the three of 7.2 always, the newest QEMU
    when it ran."""
    return [v for v in VMMS if v != "qemu11-vof" or
            any(v in vs for vs in runs.values())]


def counted(runs, fig, vmm, value):
    """@value of each of @vmm's runs of @fig that counts, where it has one."""
    got = (value(r) for r in runs.get(fig, {}).get(vmm, []) if ok(r, fig))
    return [x for x in got if x is not None]


def median(vals):
    return statistics.median(vals) if vals else None


def table(runs, sizes, only=()):
    """Print the table; return its rows."""
    cols = columns(runs)
    head = (("figure (median [min-max])",) +
            tuple(HEADS[VMMS.index(v)] for v in cols) +
            tuple(RATIOS[VMMS.index(v) - 1] for v in cols[1:]))
    lines = []
    for label, fig, value, digits in shown(ROWS, runs, only):
        vals, med = [], []
        for v in cols:
            got = [x for x in counted(runs, fig, v, value) if x >= 0]
            bad = [why_failed(r, fig) for r in runs.get(fig, {}).get(v, [])
                   if not ok(r, fig)]
            vals.append(cell(got, digits, len(bad), bad[0] if bad else ""))
            med.append(median(got))
        lines.append((label, *vals, *(ratio(med[0], m) for m in med[1:])))
    for label, fig in (r for r in IOMMU_ROWS if not only or r[1] in runs):
        value = next(v for l, f, v, _ in ROWS if l == label)
        cells = []
        for v in cols:
            on, off = counted(runs, fig, v, value), counted(runs, "blk", v, value)
            cells.append(ratio(median(on), median(off)) if on and off else "-")
        lines.append((label.replace("--iommu:", "--iommu / without:"),
                      *cells, *("-" for _ in cols[1:])))
    for label, num, den, value in SCALE_ROWS:
        if only and not (num in runs and den in runs):
            continue
        cells = []
        for v in cols:
            a, b = counted(runs, num, v, value), counted(runs, den, v, value)
            cells.append(ratio(median(a), median(b)) if a and b else "-")
        lines.append((label, *cells, *("-" for _ in cols[1:])))
    for label, fig, value, qfig, qvalue in FLOOR_ROWS:
        if only and not (fig in runs and qfig in runs):
            continue
        got = counted(runs, fig, "pvmm", value)
        lines.append((label, cell(got, 0), *("-" for _ in cols[1:]),
                      *(ratio(median(got), median(counted(runs, qfig, v,
                                                          qvalue)))
                        for v in cols[1:])))
    kib = [sizes[v] / 1024 if v in sizes else None for v in cols]
    lines.append(("on disk: binary + libraries + firmware (KiB)",
                  *("%.0f" % k if k else "-" for k in kib),
                  *(ratio(kib[0], k) for k in kib[1:])))
    widths = [max(len(l[i]) for l in [head] + lines) for i in range(len(head))]
    for l in [head] + lines:
        print("  ".join(c.ljust(w) for c, w in zip(l, widths)).rstrip())
    return [head] + lines


def qemu_versions():
    """The packaged QEMU versions that were set up."""
    got = {}
    for v, d in (("7.2", "qemu"), ("newest", "qemu-sid")):
        path = os.path.join(TOP, ".cache", d, "done")
        if os.path.isfile(path):
            got[v] = open(path).read().strip()
    return got


def finish(out, only, sizes, load0, results=None):
    """Everything after the host ran: the table, the raw results (always
    written, whatever failed) and the list of what failed."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y%m%dT%H%M%SZ")
    raw = {"date": stamp, "host": "A: qemu-system-ppc64 7.2 TCG "
           "pseries POWER9, nested KVM-HV, on x86_64",
           "qemu": qemu_versions(), "x86_cpus": os.cpu_count(),
           "only": list(only), "disk_bytes": sizes}
    failed = []
    try:
        runs = parse(out)
        raw["runs"] = runs
        raw["failed_scenarios"] = scen = scenario_results(out)
        if not runs:
            raw["output_tail"] = out[-5000:]
            print(out[-3000:])
            failed.append("no results at all (see the console above)")
            return failed
        counts = {f: {v: "%d/%d" % (sum(ok(r, f) for r in rs), len(rs))
                      for v, rs in vs.items()} for f, vs in runs.items()}
        print("pvmm vs QEMU %s (KVM, ic-mode=xics,kernel-irqchip=on), Host A "
              "(emulated POWER9 pseries, nested KVM-HV), 512 MiB, 1 vCPU" %
              json.dumps(raw["qemu"]))
        print("good runs: %s; x86 load average before %.1f, after %.1f" %
              (json.dumps(counts, sort_keys=True), load0[0],
               os.getloadavg()[0]))
        print("pvmm stripped binary: %d bytes (issue #16 goal: < 307200)" %
              sizes["pvmm"])
        cpu_per_io(runs)
        restore_vs_cold(runs)
        rows = table(runs, sizes, only)
        raw["table"] = rows
        raw["run_to_run"] = run_to_run(runs)
        failed += failures(runs, rows, scen)
    except Exception:       # a bug here must not lose the runs
        raw["output_tail"] = out[-5000:]
        raw["bench_error"] = traceback.format_exc()
        print(raw["bench_error"], file=sys.stderr)
        failed.append("bench.py: " + raw["bench_error"].splitlines()[-1])
    finally:
        raw["x86_loadavg_before_after"] = [load0, os.getloadavg()]
        raw["failed"] = failed
        results = results or RESULTS
        os.makedirs(results, exist_ok=True)
        path = os.path.join(results, "%s-hostA.json" % stamp)
        with open(path, "w") as f:
            json.dump(raw, f, indent=1)
        print("raw results: %s" % path)
    return failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("only", nargs="*", help="run only the bench scenarios "
                    "whose name contains one of these (default: all)")
    ap.add_argument("--rounds", type=int, default=0, help="at most this "
                    "many rounds per scenario (default: each scenario's own)")
    args = ap.parse_args()
    if not os.path.isdir(QEMU_ROOT):
        sys.exit("bench: %s missing: run bench/setup-qemu.sh" % QEMU_ROOT)
    load0, sizes = os.getloadavg(), disk_bytes()
    out = ""
    try:
        out = run_host(args.only, args.rounds)
    finally:
        # Even when interrupted: what ran is written down.
        failed = finish(out, args.only, sizes, load0)
    if failed:
        sys.exit("bench: FAILED:\n  " + "\n  ".join(failed))


# The idle figures: each round runs QEMU+VOF twice (qemu-vof-b is the same
# VMM started again), so the bench shows how far one VMM's runs differ from
# each other beside how far pvmm's differ from QEMU's.
AA_FIGS = (("idle guest 20 s", "idle"), ("idle guest with disk + rng", "idle-dev"))


def per_round(runs, fig, a, b, value):
    """The ratio @a / @b of @value in each round where both runs count."""
    def by_round(vmm):
        got = ((r["round"], value(r)) for r in runs.get(fig, {}).get(vmm, [])
               if ok(r, fig))
        return {k: x for k, x in got if x}
    ra, rb = by_round(a), by_round(b)
    return [ra[k] / rb[k] for k in sorted(ra) if k in rb]


def run_to_run(runs):
    """Print and return, for each idle figure that ran QEMU+VOF twice a
    round, the per-round ratios of host CPU: QEMU+VOF's second run over its
    first (A/A) and pvmm over each of the two (A/B), as median [min-max]
    and how many rounds were above 1."""
    lines = []
    host_cpu = lambda r: r.get("idle_cpu_pct")  # noqa: E731
    for label, fig in AA_FIGS:
        if "qemu-vof-b" not in runs.get(fig, {}):
            continue
        for name, a, b in (("QEMU+VOF's second run / its first", "qemu-vof-b",
                            "qemu-vof"),
                           ("pvmm / QEMU+VOF's first run", "pvmm", "qemu-vof"),
                           ("pvmm / QEMU+VOF's second run", "pvmm",
                            "qemu-vof-b")):
            got = per_round(runs, fig, a, b, host_cpu)
            lines.append((label, name, cell(got, 2) + (
                ", above 1 in %d of %d rounds" % (sum(x > 1 for x in got),
                                                  len(got)) if got else "")))
    if lines:
        print("run to run, host CPU per round (median [min-max] of the "
              "rounds' ratios):")
        for l in lines:
            print("  %s: %s: %s" % l)
    return lines


def failures(runs, rows, scen=None):
    """Why this bench run must not be taken as a result: the rows that lost
    runs (with each failed run's reason), rows with no pvmm figure at all
    (never a row without data), and bench scenarios the harness failed."""
    why = []
    by_fig = {}
    for label, fig, _, _ in ROWS:
        by_fig.setdefault(fig, []).append(label)
    for f, vs in sorted(runs.items()):
        bad = ["%s round %s: %s" % (v, r.get("round"), why_failed(r, f))
               for v, rs in sorted(vs.items()) for r in rs if not ok(r, f)]
        if bad:
            labels = [l for l in by_fig.get(f, [f])
                      if any(row[0] == l for row in rows)] or [f]
            why.append("rows %s: %d run(s) failed: %s" % (
                ", ".join("'%s'" % l for l in labels), len(bad),
                "; ".join(bad)))
    why += ["no pvmm data for '%s'" % row[0] for row in rows[1:]
            if row[1].startswith("n/a")]
    why += ["scenario %s: %s" % (n, r) for n, r in sorted((scen or {}).items())]
    return why


if __name__ == "__main__":
    main()
