#!/usr/bin/env python3
"""make bench: boot Host A once, run pvmm several times, print figures.

Figures are measured under emulation (QEMU TCG): absolute times are not
hardware times.  Nothing here is asserted; the table is printed and the
raw results are written to bench/results/.
"""
import datetime
import json
import os
import re
import statistics
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def spread(values):
    if not values:
        return "n/a"
    return "%.1f [%.1f-%.1f]" % (statistics.median(values), min(values),
                                  max(values))


def main():
    cmd = [sys.executable, os.path.join(TOP, "tests", "e2e", "run.py"),
           "--host", "A", "--scenarios", os.path.join(TOP, "bench", "scenarios"),
           "-v"]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    runs, reports, idle, mode = [], [], {}, None
    for line in out.splitlines():
        m = re.search(r"BENCH-IDLE-MODE (\w+)", line)
        if m:
            mode = m.group(1)
        m = re.search(r"vmmrun: (.*)", line)
        if m:
            run = {k: float(v) for k, v in
                   (kv.split("=") for kv in m.group(1).split())}
            if mode:
                idle[mode] = run
                mode = None
            else:
                runs.append(run)
        m = re.search(r"BENCH-REPORT (\{.*\})", line)
        if m:
            reports.append(json.loads(m.group(1)))
    if not runs or len(reports) != len(runs):
        print(out[-3000:])
        sys.exit("bench: no complete results (see the console above)")

    def phase(r, name):
        v = r["phases_ns"].get(name)
        return v / 1e6 if v is not None else None

    rows = [
        ("start -> VM created (ms)", [phase(r, "vm_created") for r in reports]),
        ("start -> first guest entry (ms)",
         [phase(r, "first_guest_entry") for r in reports]),
        ("start -> first console byte (ms)", [r["first_byte_ms"] for r in runs]),
        ("start -> userspace marker (ms)", [r["marker_ms"] for r in runs]),
        ("start -> exit (ms)", [r["exit_ms"] for r in runs]),
        ("guest kernel uptime at marker (ms)",
         [r["guest_uptime_s"] * 1000 for r in runs]),
        ("VMM share: marker - guest uptime (ms)",
         [r["marker_ms"] - r["guest_uptime_s"] * 1000 for r in runs]),
        ("exits to userspace", [r["exits"]["total"] for r in reports]),
        ("peak RSS, all (KiB)", [r["peak_rss_kib"] for r in runs]),
        ("peak RSS without guest RAM (KiB)",
         [r["peak_rss_ex_guest_kib"] for r in runs]),
    ]
    size = os.path.getsize(os.path.join(TOP, "build", "pvmm.stripped"))
    print("pvmm benchmark, Host A (emulated POWER9 pseries, nested KVM-HV), "
          "%d runs, median [min-max]" % len(runs))
    for name, vals in rows:
        vals = [v for v in vals if v is not None]
        print("  %-40s %s" % (name, spread(vals)))
    print("  %-40s %d" % ("stripped binary (bytes)", size))
    for mode, label in (("cede", "idle guest, H_CEDE (% of a core)"),
                        ("poll", "idle guest, powersave=off (% of a core)")):
        r = idle.get(mode)
        print("  %-40s %s" % (label, "%.2f" % r["idle_cpu_pct"] if r
                                else "n/a"))
    print("  %-40s %s" % ("QEMU comparison", "not yet (issue: benchmarks "
                          "side by side with QEMU)"))
    stamp = datetime.datetime.utcnow().strftime("%Y%m%dT%H%M%SZ")
    path = os.path.join(TOP, "bench", "results", "%s-hostA.json" % stamp)
    with open(path, "w") as f:
        json.dump({"date": stamp, "host": "A: qemu-system-ppc64 7.2 TCG "
                   "pseries POWER9, nested KVM-HV, on x86_64",
                   "binary_bytes": size, "runs": runs, "reports": reports,
                   "idle": idle},
                  f, indent=1)
    print("raw results: %s" % os.path.relpath(path, TOP))


if __name__ == "__main__":
    main()
