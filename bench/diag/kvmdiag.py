#!/usr/bin/env python3
"""Read bench/diag/idle-kvm-dev.scn's lines out of a Host A console log:
a table of per-VMM medians on stdout, and with --json FILE each run's
vmmrun figures and KVMDIAG lines added to FILE as one session (FILE keeps
the sessions already in it).

    bench/diag/kvmdiag.py build/e2e/console-A.log \
        [--json OUT --session NAME --note TEXT]
"""
import argparse
import json
import re
import statistics
import sys


def parse(text):
    runs, cur, host = [], None, []
    for line in text.splitlines():
        line = line.replace("\r", "")
        m = re.match(r"BENCH (\S+) (\S+) (\d+)$", line)
        if m:
            cur = {"row": m.group(1), "vmm": m.group(2),
                   "round": int(m.group(3)), "threads": [], "kvm": {},
                   "vmstat": {}, "irq": {}, "ram": {}, "trace": {}}
            runs.append(cur)
            continue
        if line.startswith("KVMDIAG host "):
            host.append(line[len("KVMDIAG host "):])
            continue
        if cur is None:
            continue
        if line.startswith("vmmrun-thread: "):
            cur["threads"].append(dict(kv.split("=", 1)
                                       for kv in line.split()[1:]))
        elif line.startswith("vmmrun: "):
            cur["vmmrun"] = dict(kv.split("=", 1) for kv in line.split()[1:])
        elif line.startswith("KVMDIAG "):
            f = line.split()
            if len(f) < 5 or f[1] != cur["vmm"] or f[2] != str(cur["round"]):
                continue
            kind = f[3]
            if kind == "trace" and len(f) == 7:
                cur["trace"].setdefault(f[4], {})[f[5]] = int(f[6])
            elif kind in ("kvm", "vmstat", "irq", "ram") and len(f) == 6:
                cur[kind][f[4]] = int(f[5])
            elif kind in ("vm", "buffer"):
                cur[kind] = " ".join(f[4:])
            else:
                cur.setdefault("other", []).append(" ".join(f[3:]))
    return {"host": host, "runs": runs}


def vcpu(run):
    """The vCPU thread's (cpu_ms, switches) over vmmrun's window."""
    for t in run["threads"]:
        if "vcpu" in t["name"] or "KVM" in t["name"]:
            return float(t["cpu_ms"]), int(t["switches"])
    return None, None


def summary(d):
    order = []
    for r in d["runs"]:
        if r["vmm"] not in order:
            order.append(r["vmm"])
    keys = set()
    for r in d["runs"]:
        for comm, evs in r["trace"].items():
            keys |= {"trace " + e for e in evs}
        keys |= {"kvm " + k for k in r["kvm"]}
        keys |= {"ram " + k for k in r["ram"]}
        keys |= {"vmstat " + k for k in r["vmstat"]}

    def value(r, key):
        kind, k = key.split(" ", 1)
        if kind == "trace":
            return sum(evs.get(k, 0) for evs in r["trace"].values())
        return r[kind].get(k, 0)

    rows = [("vCPU cpu_ms in vmmrun's 20 s", lambda r: vcpu(r)[0]),
            ("vCPU switch-ins in 20 s", lambda r: vcpu(r)[1]),
            ("vCPU cpu_ms per switch-in",
             lambda r: vcpu(r)[0] / vcpu(r)[1] if vcpu(r)[1] else None)]
    rows += [(k + " (in 16 s)", lambda r, k=k: value(r, k))
             for k in sorted(keys)]
    print("%-60s %s" % ("median [min-max] of the runs",
                        "  ".join("%-24s" % v for v in order)))
    for label, fn in rows:
        cells = []
        for v in order:
            vals = [fn(r) for r in d["runs"] if r["vmm"] == v]
            vals = [x for x in vals if x is not None]
            if not vals:
                cells.append("%-24s" % "-")
                continue
            cells.append("%-24s" % ("%.4g [%.4g-%.4g]" % (
                statistics.median(vals), min(vals), max(vals))))
        print("%-60s %s" % (label[:60], "  ".join(cells)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log")
    ap.add_argument("--json")
    ap.add_argument("--session", default="")
    ap.add_argument("--note", default="")
    ap.add_argument("--what", default="")
    a = ap.parse_args()
    d = parse(open(a.log, errors="replace").read())
    if not d["runs"]:
        sys.exit("kvmdiag: no runs in %s" % a.log)
    summary(d)
    if a.json:
        try:
            with open(a.json) as f:
                out = json.load(f)
        except FileNotFoundError:
            out = {"what": a.what, "sessions": {}}
        d["note"] = a.note
        out["sessions"][a.session or str(len(out["sessions"]))] = d
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
