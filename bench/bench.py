#!/usr/bin/env python3
"""make bench: pvmm against QEMU's pseries machine, in one boot of Host A.

bench/scenarios/ run pvmm, QEMU with VOF and QEMU with SLOF in turn, each
several times, on the same guests (bench/l1/bin/benchvmm); this script
reads what they print, shows one table of medians with [min-max] and the
pvmm/QEMU ratio of the medians, and writes the raw results to
bench/results/.  Figures are taken under emulation (QEMU TCG): only the
ratios mean anything.
"""
import datetime
import json
import os
import re
import statistics
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU_ROOT = os.path.join(TOP, ".cache", "qemu", "root")
PVMM = os.path.join(TOP, "build", "pvmm.stripped")
VMMS = ("pvmm", "qemu-vof", "qemu-slof")
FIRMWARE = {"qemu-vof": "vof.bin", "qemu-slof": "slof.bin"}


def run_host(only):
    """Boot Host A with the QEMU tree and the bench scenarios (those whose
    name contains one of @only, if given); its output.  The harness's own
    lines (not the console's) show progress."""
    cmd = [sys.executable, os.path.join(TOP, "tests", "e2e", "run.py"),
           "--host", "A", "--scenarios", os.path.join(TOP, "bench", "scenarios"),
           "--pvmm", PVMM, "--add-tree", QEMU_ROOT,
           "--add-tree", os.path.join(TOP, "bench", "l1"), "-v"]
    for o in only:
        cmd += ["--only", o]
    out = []
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) as p:
        for line in p.stdout:
            out.append(line)
            if not line.startswith("[A] "):
                print(line, end="", flush=True)
    return "".join(out)


def parse(out):
    """runs[figure][vmm] = list of dicts, one per VMM run."""
    runs, cur = {}, None
    for line in out.splitlines():
        m = re.search(r"BENCH ([\w-]+) ([\w-]+) (\d+)$", line)
        if m:
            cur = {"round": int(m.group(3))}
            runs.setdefault(m.group(1), {}).setdefault(m.group(2), []).append(cur)
        elif cur is None:
            continue
        elif "vmmrun: " in line:
            cur.update((k, float(v)) for k, v in (kv.split("=") for kv in
                       line.split("vmmrun: ", 1)[1].split()))
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
        elif "HCALL-LOOP calls=" in line:
            cur["hcall"] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
    return runs


def ok(run):
    """A run counts if it ended as it should and saw its marker."""
    return (run.get("status") == 0 and run.get("marker_ms", -1) >= 0
            and "error" not in run)


def hcall_ns(which):
    """ns per call of the median or the fastest batch of hcall_loop."""
    def value(run):
        h = run.get("hcall")
        return h[which] * 1e9 / h["tb_hz"] / h["calls"] if h else None
    return value


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
    ("idle guest 20 s: host CPU (% of a core)", "idle",
     lambda r: r["idle_cpu_pct"], 2),
    ("  same, guest polling (powersave=off)", "idle-poll",
     lambda r: r["idle_cpu_pct"], 2),
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


def disk_bytes():
    """Binary + shared libraries + firmware, as each VMM needs them."""
    shared = 0
    for d, _, files in os.walk(QEMU_ROOT):
        if os.path.relpath(d, QEMU_ROOT) != os.path.join("usr", "share", "qemu"):
            shared += sum(os.path.getsize(os.path.join(d, f)) for f in files
                          if not os.path.islink(os.path.join(d, f)))
    fw = os.path.join(QEMU_ROOT, "usr", "share", "qemu")
    sizes = {v: shared + os.path.getsize(os.path.join(fw, f))
             for v, f in FIRMWARE.items()}
    sizes["pvmm"] = os.path.getsize(PVMM)
    return sizes


def cell(vals, digits):
    if not vals:
        return "n/a"
    f = "%%.%df" % digits
    return (f + " [" + f + "-" + f + "]") % (statistics.median(vals),
                                            min(vals), max(vals))


def ratio(a, b):
    return "%.3gx" % (a / b) if a is not None and b else "-"


def table(runs, sizes, only=()):
    """Print the table; return its rows."""
    head = ("figure (median [min-max])", "pvmm", "QEMU+VOF", "QEMU+SLOF",
            "pvmm/VOF", "pvmm/SLOF")
    lines = []
    for label, fig, value, digits in shown(ROWS, runs, only):
        vals, med = [], []
        for v in VMMS:
            got = [value(r) for r in runs.get(fig, {}).get(v, []) if ok(r)]
            got = [x for x in got if x is not None and x >= 0]
            vals.append(cell(got, digits))
            med.append(statistics.median(got) if got else None)
        lines.append((label, *vals, ratio(med[0], med[1]),
                      ratio(med[0], med[2])))
    for label, fig in (r for r in IOMMU_ROWS if not only or r[1] in runs):
        value = next(v for l, f, v, _ in ROWS if l == label)
        cells = []
        for v in VMMS:
            on = [value(r) for r in runs.get(fig, {}).get(v, []) if ok(r)]
            off = [value(r) for r in runs.get("blk", {}).get(v, []) if ok(r)]
            on = [x for x in on if x is not None]
            off = [x for x in off if x is not None]
            cells.append(ratio(statistics.median(on), statistics.median(off))
                         if on and off else "-")
        lines.append((label.replace("--iommu:", "--iommu / without:"),
                      *cells, "-", "-"))
    kib = [sizes[v] / 1024 for v in VMMS]
    lines.append(("on disk: binary + libraries + firmware (KiB)",
                  *("%.0f" % k for k in kib), ratio(kib[0], kib[1]),
                  ratio(kib[0], kib[2])))
    widths = [max(len(l[i]) for l in [head] + lines) for i in range(len(head))]
    for l in [head] + lines:
        print("  ".join(c.ljust(w) for c, w in zip(l, widths)).rstrip())
    return [head] + lines


def main():
    if not os.path.isdir(QEMU_ROOT):
        sys.exit("bench: %s missing: run bench/setup-qemu.sh" % QEMU_ROOT)
    # make bench runs every figure; "bench.py blk" runs only the
    # scenarios whose name contains blk (and requires only their rows).
    only = sys.argv[1:]
    load0, sizes = os.getloadavg(), disk_bytes()
    out = run_host(only)
    runs = parse(out)
    if not runs:
        print(out[-3000:])
        sys.exit("bench: no results (see the console above)")
    counts = {f: {v: "%d/%d" % (sum(map(ok, rs)), len(rs))
                  for v, rs in vs.items()} for f, vs in runs.items()}
    print("pvmm vs QEMU %s (KVM, ic-mode=xics,kernel-irqchip=on), Host A "
          "(emulated POWER9 pseries, nested KVM-HV), 512 MiB, 1 vCPU" %
          open(os.path.join(TOP, ".cache", "qemu", "done")).read().strip())
    print("good runs: %s; x86 load average before %.1f, after %.1f" %
          (json.dumps(counts, sort_keys=True), load0[0], os.getloadavg()[0]))
    print("pvmm stripped binary: %d bytes (issue #16 goal: < 307200)" %
          sizes["pvmm"])
    cpu_per_io(runs)
    rows = table(runs, sizes, only)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y%m%dT%H%M%SZ")
    path = os.path.join(TOP, "bench", "results", "%s-hostA.json" % stamp)
    with open(path, "w") as f:
        json.dump({"date": stamp, "host": "A: qemu-system-ppc64 7.2 TCG "
                   "pseries POWER9, nested KVM-HV, on x86_64",
                   "x86_cpus": os.cpu_count(),
                   "x86_loadavg_before_after": [load0, os.getloadavg()],
                   "disk_bytes": sizes, "table": rows, "runs": runs}, f,
                  indent=1)
    print("raw results: %s" % os.path.relpath(path, TOP))
    failed = failures(runs, rows)
    if failed:
        sys.exit("bench: FAILED: " + "; ".join(failed))


def failures(runs, rows):
    """Why this bench run must not be taken as a result: failed runs, and
    rows with no pvmm figure at all (never a row without data)."""
    why = ["%s %s round %s: %s" % (f, v, r.get("round"),
                                   r.get("error", "status %s" % r.get("status")))
           for f, vs in sorted(runs.items()) for v, rs in sorted(vs.items())
           for r in rs if not ok(r)]
    why += ["no pvmm data for '%s'" % row[0] for row in rows[1:]
            if row[1] == "n/a"]
    return why


if __name__ == "__main__":
    main()
