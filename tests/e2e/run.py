#!/usr/bin/env python3
"""Run pvmm's e2e scenarios inside emulated POWER hosts.

Each requested host boots once (QEMU TCG) with an initramfs holding KVM,
busybox, pvmm, the test guests, the Linux payload and the scenarios; its
/init (l1-init.sh) runs every scenario meant for it and reports through
@@ markers on the console, which this script reads.  QEMU is always
stopped: on success, hang, timeout, error or Ctrl-C.

The guest-kernel matrix: each template in tests/e2e/matrix/ runs once per
kernel scripts/setup.sh fetched (.cache/kernels.tsv) and per variant
(plain, and with pvmm's --iommu), as scenarios named
kernel-NAME-TEMPLATE[-iommu].  A kernel that could not be fetched, or a
variant this pvmm cannot run, is a SKIP line with the reason.

Ends with one line "N passed, M failed" (", K skipped" after it when there
are skips); exits non-zero on any failure.
"""
import argparse
import glob
import hashlib
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests"))
import kmods  # noqa: E402
E2E = os.path.join(TOP, "tests", "e2e")
BUILD = os.path.join(TOP, "build", "e2e")
L2 = os.path.join(TOP, "build", "l2")

# QEMU 7.2's powernv machines refuse a larger initrd ("Could not load
# initial ram disk"; 127 MiB loads, 129 MiB does not, measured 2026-12-04).
POWERNV_INITRD_MAX = 128 << 20
PSERIES_CAPS = ("cap-ccf-assist=off,cap-cfpc=broken,cap-sbbc=broken,"
                "cap-ibs=broken")
HOSTS = {
    # Host A: pseries with nested KVM-HV: radix guests.
    "A": {
        "machine": ["-M", "pseries,cap-nested-hv=on," + PSERIES_CAPS,
                    "-m", "2G", "-smp", "2"],
        "append": "console=hvc0 quiet",
        "boot_timeout": 180,
        "disk": True,
    },
    # Host B: powernv9 in hash mode: HPT guests.  It does not exit on
    # power-off, so the harness stops it at @@ALL DONE.
    "B": {
        "machine": ["-M", "powernv9", "-m", "3G", "-smp", "1"],
        "append": "console=hvc0 quiet disable_radix",
        "boot_timeout": 400,
        "initrd_max": POWERNV_INITRD_MAX,
    },
    # Host C: powernv10 in radix mode, whose KVM offers both radix and
    # hash guests: where a legacy (hash-only) guest meets a radix host.
    "C": {
        "machine": ["-M", "powernv10", "-m", "3G", "-smp", "1"],
        "cpu": "POWER10",
        "append": "console=hvc0 quiet",
        "boot_timeout": 400,
        "initrd_max": POWERNV_INITRD_MAX,
    },
}
# Host A's data disk: an ext2 filesystem on a file on the x86 side, so
# disk tests run on a real block device in L1 (O_DIRECT, flushes) and what
# reached it can be checked here after the host is gone.
DISK_MB = 64
DISK_IMAGE_MB = 16      # /data/disk.img: what pvmm's --disk tests use
# Modules every host loads (KVM; tun for --net tests), and Host A's data
# disk drivers: names only, tests/kmods.py adds what they depend on in the
# order the kernel's modules.dep gives.  crc32c_generic is only a soft
# dependency of ext4 (modules.softdep), so it is named.
HOST_MODULES = ["kvm_hv", "tun"]
DATA_DISK_MODULES = ["virtio_pci", "virtio_blk", "crc32c_generic", "ext4"]
SLACK = 60          # seconds beyond a scenario's own TIMEOUT
TAIL_LINES = 40

print_lock = threading.Lock()


def say(*args):
    with print_lock:
        print(*args, flush=True)


def load_env():
    env = {}
    path = os.path.join(TOP, ".cache", "env")
    if not os.path.exists(path):
        sys.exit("e2e: .cache/env missing: run scripts/setup.sh first")
    with open(path) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            env[k] = v
    return env


class Scenario:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)[:-4]
        with open(path) as f:
            text = f.read()
        m = re.search(r'^HOSTS="([^"]*)"', text, re.M)
        self.hosts = m.group(1).split() if m else ["A"]
        m = re.search(r"^TIMEOUT=(\d+)", text, re.M)
        self.timeout = int(m.group(1)) if m else 60
        m = re.search(r'^VARIANTS="([^"]*)"', text, re.M)
        self.variants = m.group(1).split() if m else ["plain"]
        self.kernel = None      # a matrix kernel's payload it needs in L1


def find_scenarios(folder, only):
    found = [Scenario(p) for p in sorted(glob.glob(os.path.join(folder, "*.scn")))]
    if only:
        found = [s for s in found if any(o in s.name for o in only)]
    return found


def load_matrix(env):
    """The kernels scripts/setup.sh recorded: dicts with name, status ("ok"
    or "skip"), version, reason; default is True for the one everything
    else uses (build/l2, the L1 kernel)."""
    path = env.get("KMATRIX")
    if not path or not os.path.isfile(path):
        sys.exit("e2e: .cache/kernels.tsv missing: run scripts/setup.sh")
    kernels = []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            col = line.rstrip("\n").split("\t")
            k = {"name": col[0], "status": col[1], "version": "",
                 "reason": "", "default": False}
            if k["status"] == "ok" and len(col) >= 6:
                k["version"] = col[3]
                k["default"] = col[3] == env.get("KVER")
            else:
                k["status"] = "skip"
                k["reason"] = col[2] if len(col) > 2 else "no reason recorded"
            kernels.append(k)
    return kernels


def pvmm_has_option(path, name):
    """Whether pvmm knows --NAME: getopt_long's table holds the bare name
    as a string of its own."""
    try:
        with open(path, "rb") as f:
            return (b"\0" + name.encode() + b"\0") in f.read()
    except OSError:
        return False


def matrix_scenarios(kernels, only, args):
    """(scenarios generated from tests/e2e/matrix/*.scn for each fetched
    kernel and variant, [(hosts, name, reason)] of those skipped)."""
    stage = os.path.join(BUILD, "matrix.%d" % os.getpid())
    shutil.rmtree(stage, ignore_errors=True)
    os.makedirs(stage)
    iommu = pvmm_has_option(args.pvmm, "iommu")
    out, skipped = [], []
    for tpath in sorted(glob.glob(os.path.join(E2E, "matrix", "*.scn"))):
        tmpl = Scenario(tpath)
        with open(tpath) as f:
            first, _, body = f.read().partition("\n")
        for k in kernels:
            for v in tmpl.variants:
                name = "kernel-%s-%s%s" % (k["name"], tmpl.name,
                                           "" if v == "plain" else "-" + v)
                if only and not any(o in name for o in only):
                    continue
                if k["status"] != "ok":
                    skipped.append((tmpl.hosts, name, "kernel not fetched: " +
                                    k["reason"]))
                    continue
                if v == "iommu" and not iommu:
                    skipped.append((tmpl.hosts, name, "this pvmm has no "
                                    "--iommu"))
                    continue
                kdir = "/l2" if k["default"] else "/l2/k/" + k["name"]
                if not k["default"] and not os.path.isfile(
                        os.path.join(L2, "k", k["name"], "vmlinux.gz")):
                    sys.exit("e2e: build/l2/k/%s missing: run make l2" %
                             k["name"])
                path = os.path.join(stage, name + ".scn")
                with open(path, "w") as f:
                    f.write("%s (kernel %s %s%s)\n" % (
                        first, k["name"], k["version"],
                        ", --iommu" if v == "iommu" else ""))
                    f.write("KERNEL=%s\nKVERSION='%s'\nKDIR=%s\nIOMMU=%s\n" % (
                        k["name"], k["version"], kdir,
                        "--iommu" if v == "iommu" else ""))
                    f.write(body)
                scn = Scenario(path)
                scn.kernel = None if k["default"] else k["name"]
                out.append(scn)
    return out, skipped


def copy_into(src, dst, executables_only=False):
    if os.path.isdir(src):
        for name in sorted(os.listdir(src)):
            s = os.path.join(src, name)
            if os.path.isfile(s) and (not executables_only or
                                      os.access(s, os.X_OK)):
                shutil.copy2(s, dst)
    elif os.path.isfile(src):
        shutil.copy2(src, dst)


def build_initramfs(host, scenarios, env, args):
    """An uncompressed newc cpio for one host, built from a staging tree."""
    # Per process: two runs at once (a bench and a test) must not share.
    root = os.path.join(BUILD, "root-%s.%d" % (host, os.getpid()))
    shutil.rmtree(root, ignore_errors=True)
    for d in ("bin", "lib/modules", "guests", "l2", "scenarios", "dev",
              "proc", "sys", "tmp"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    shutil.copy2(env["BUSYBOX"], os.path.join(root, "bin", "busybox"))
    if not os.path.isfile(args.pvmm):
        sys.exit("e2e: %s missing: run make first" % args.pvmm)
    shutil.copy2(args.pvmm, os.path.join(root, "bin", "pvmm"))
    copy_into(os.path.join(TOP, "build", "tools"), os.path.join(root, "bin"),
              executables_only=True)
    mods = HOST_MODULES + (DATA_DISK_MODULES if HOSTS[host].get("disk")
                           else [])
    kmods.install(env["KMODS"], os.path.join(root, "lib", "modules", "l1"),
                  mods)
    copy_into(args.guests, os.path.join(root, "guests"))
    copy_into(L2, os.path.join(root, "l2"))
    # matrix kernels: only those this host's scenarios boot
    for k in sorted({s.kernel for s in scenarios if s.kernel}):
        dst = os.path.join(root, "l2", "k", k)
        os.makedirs(dst)
        for f in ("vmlinux.gz", "initrd.cpio.gz"):
            shutil.copy2(os.path.join(L2, "k", k, f), dst)
    for s in scenarios:
        shutil.copy2(s.path, os.path.join(root, "scenarios"))
    for tree in args.add_tree or []:
        shutil.copytree(tree, root, symlinks=True, dirs_exist_ok=True)
    shutil.copy2(os.path.join(E2E, "l1-init.sh"), os.path.join(root, "init"))
    shutil.copy2(os.path.join(E2E, "scn-lib.sh"), root)
    os.chmod(os.path.join(root, "init"), 0o755)
    cpio = os.path.join(BUILD, "l1-%s.%d.cpio" % (host, os.getpid()))
    files = subprocess.run(["find", "."], cwd=root, check=True,
                           capture_output=True).stdout
    with open(cpio, "wb") as out:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root,
                       input=files, stdout=out, check=True)
    shutil.rmtree(root, ignore_errors=True)
    # Too large for the machine (the matrix kernels add up): compressed,
    # which costs the emulated host some seconds of unpacking.
    limit = HOSTS[host].get("initrd_max")
    if limit and os.path.getsize(cpio) > limit:
        subprocess.run(["gzip", "-1", "-f", cpio], check=True)
        cpio += ".gz"
        if os.path.getsize(cpio) > limit:
            raise RuntimeError("host %s: initramfs %d MiB compressed, QEMU "
                               "loads at most %d MiB" % (
                                   host, os.path.getsize(cpio) >> 20,
                                   limit >> 20))
    return cpio


class HostRun:
    """One boot of one emulated host, and what its scenarios reported."""

    def __init__(self, host, scenarios, env, args):
        self.host = host
        self.scenarios = scenarios
        self.env = env
        self.args = args
        self.results = {}       # name -> (ok, reason, seconds)
        self.failures = []      # FAIL messages with console tails, in order
        self.lines = []
        self.begin_line = {}
        self.boot_s = None
        self.error = None
        self.proc = None
        self.disk = None

    def qemu_cmd(self, cpio):
        h = HOSTS[self.host]
        append = "%s pvmm.epoch=%d" % (h["append"], int(time.time()))
        disk = []
        if h.get("disk"):
            append += " pvmm.data=1"
            self.disk = make_data_disk(self.host)
            disk = ["-drive", "file=%s,format=raw,if=none,id=data,"
                    "cache=writeback" % self.disk,
                    "-device", "virtio-blk-pci,drive=data"]
        machine = list(h["machine"])
        if self.args.host_mem:      # the density bench's many guests
            machine[machine.index("-m") + 1] = self.args.host_mem
        return (["qemu-system-ppc64"] + machine +
                ["-cpu", h.get("cpu", "POWER9"), "-nographic", "-nodefaults",
                 "-serial", "mon:stdio", "-kernel", self.env["VMLINUX"],
                 "-initrd", cpio, "-append", append] + disk)

    def record(self, name, ok, reason, secs):
        if name in self.results:
            return
        self.results[name] = (ok, reason, secs)
        status = "PASS" if ok else "FAIL"
        msg = "%s %s %s (%.1f s)" % (status, self.host, name, secs)
        if not ok:
            msg += ": " + reason
            start = self.begin_line.get(name, max(0, len(self.lines) - TAIL_LINES))
            tail = self.lines[start:][-TAIL_LINES:]
            msg += "\n" + "\n".join("    | " + l for l in tail)
            self.failures.append(msg)
        say(msg)

    def on_line(self, line, state):
        self.lines.append(line)
        if self.args.verbose:
            say("[%s] %s" % (self.host, line))
        m = re.search(r"@@L1 (READY|NOKVM|FAIL (.*))", line)
        if m:
            if m.group(1) == "NOKVM":
                self.error = "no /dev/kvm in the emulated host"
                return "stop"
            if m.group(2):
                self.error = "host start-up failed: " + m.group(2)
                return "stop"
            self.boot_s = time.monotonic() - state["t0"]
            say("host %s: up in %.1f s" % (self.host, self.boot_s))
            state["deadline"] = time.monotonic() + SLACK
            return None
        m = re.search(r"@@SCN BEGIN (\S+)", line)
        if m:
            name = m.group(1)
            state["current"] = name
            state["started"] = time.monotonic()
            self.begin_line[name] = len(self.lines)
            t = next((s.timeout for s in self.scenarios if s.name == name), 60)
            state["deadline"] = time.monotonic() + t + SLACK
            return None
        m = re.search(r"@@SCN (PASS|FAIL) (\S+)(?: [\d.]+ [\d.]+)?(?:: (.*))?", line)
        if m:
            name = m.group(2)
            secs = time.monotonic() - state.get("started", time.monotonic())
            self.record(name, m.group(1) == "PASS", m.group(3) or "", secs)
            state["current"] = None
            state["deadline"] = time.monotonic() + SLACK
            return None
        if "@@ALL DONE" in line:
            return "stop"
        return None

    def run(self):
        try:
            self._run()
        except Exception as e:      # report, never leave QEMU behind
            self.error = "harness error: %r" % e
        for s in self.scenarios:
            if s.name not in self.results:
                why = self.error or "no result: host hung or timed out"
                self.record(s.name, False, why, 0.0)
        if self.disk:
            x86_checks(self)
        for path in glob.glob(os.path.join(BUILD, "*-%s.%d.*" % (self.host, os.getpid()))):
            os.unlink(path)

    def _run(self):
        cpio = build_initramfs(self.host, self.scenarios, self.env, self.args)
        log_path = os.path.join(BUILD, "console-%s.log" % self.host)
        t0 = time.monotonic()
        state = {"t0": t0, "current": None,
                 "deadline": t0 + HOSTS[self.host]["boot_timeout"]}
        proc = subprocess.Popen(self.qemu_cmd(cpio), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.proc = proc
        buf = b""
        try:
            with open(log_path, "wb") as log:
                while True:
                    if time.monotonic() > state["deadline"]:
                        cur = state["current"]
                        self.error = ("timeout in %s" % cur if cur else
                                      "timeout waiting for the host")
                        if cur:
                            self.record(cur, False, "timeout: host stopped "
                                        "responding", time.monotonic() -
                                        state.get("started", t0))
                        break
                    ready, _, _ = select.select([proc.stdout], [], [], 1.0)
                    if not ready:
                        if proc.poll() is not None:
                            self.error = "QEMU exited (%d)" % proc.returncode
                            break
                        continue
                    chunk = os.read(proc.stdout.fileno(), 65536)
                    if not chunk:
                        if proc.poll() is None:
                            proc.wait(5)
                        if len(self.results) < len(self.scenarios):
                            self.error = "QEMU exited early"
                        break
                    log.write(chunk)
                    buf += chunk
                    *lines, buf = buf.split(b"\n")
                    verdict = None
                    for raw in lines:
                        line = raw.decode("utf-8", "replace").rstrip("\r")
                        verdict = self.on_line(line, state) or verdict
                    if verdict == "stop":
                        break
        finally:
            stop_qemu(proc)
        say("host %s: %d scenarios in %.1f s (console log %s)" %
            (self.host, len(self.scenarios), time.monotonic() - t0,
             os.path.relpath(log_path, TOP)))


def disk_pattern(size):
    """Deterministic bytes for /data/disk.img (blk-sum compares them)."""
    out, block = bytearray(), b"pvmm"
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block * 128
    return bytes(out[:size])


def make_data_disk(host):
    stage = os.path.join(BUILD, "disk-%s.%d" % (host, os.getpid()))
    shutil.rmtree(stage, ignore_errors=True)
    os.makedirs(stage)
    data = disk_pattern(DISK_IMAGE_MB << 20)
    with open(os.path.join(stage, "disk.img"), "wb") as f:
        f.write(data)
    with open(os.path.join(stage, "disk.sha256"), "w") as f:
        f.write(hashlib.sha256(data).hexdigest() + "\n")
    # Written by virtio-blk-flush-kill; allocated, so no block is a hole.
    with open(os.path.join(stage, "flush.img"), "wb") as f:
        f.write(b"\xa5" * (4 << 20))
    img = os.path.join(BUILD, "data-%s.%d.img" % (host, os.getpid()))
    if os.path.exists(img):
        os.unlink(img)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-d", stage, img,
                    "%dM" % DISK_MB], check=True)
    shutil.rmtree(stage, ignore_errors=True)
    return img


def disk_file(img, name):
    """A file's bytes from the ext2 image, read here after the host died."""
    out = "%s.%s" % (img, name)
    subprocess.run(["debugfs", "-R", "dump /%s %s" % (name, out), img],
                   check=True, capture_output=True)
    with open(out, "rb") as f:
        return f.read()


def check_flushed_write(run, name):
    """blk-flush-kill: the 1 MiB the guest wrote at 1 MiB and flushed
    before pvmm was SIGKILLed must be in the image on the x86 side."""
    start = run.begin_line.get(name, 0)
    shas = [m.group(1) for l in run.lines[start:]
            for m in [re.search(r"L2-BLK-FLUSHED ([0-9a-f]{64})", l)] if m]
    if not shas:
        return "the guest never reported its flushed write"
    data = disk_file(run.disk, "flush.img")
    got = hashlib.sha256(data[1 << 20:2 << 20]).hexdigest()
    return None if got == shas[-1] else \
        "flushed data not on the host's disk (sha %s, guest wrote %s)" % (
            got[:16], shas[-1][:16])


# Checks made on the x86 side once a host has stopped: scenario -> check.
X86_CHECKS = {"virtio-blk-flush-kill": check_flushed_write}


def x86_checks(run):
    for name, check in X86_CHECKS.items():
        ok, _, secs = run.results.get(name, (False, "", 0.0))
        if not ok:
            continue
        try:
            why = check(run, name)
        except (OSError, subprocess.CalledProcessError) as e:
            why = "x86 check failed: %r" % e
        key = name + " (x86 check)"
        run.record(key, why is None, why or "", 0.0)


def stop_qemu(proc):
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(5)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", action="append", choices=sorted(HOSTS),
                    help="host to boot (repeatable; default all)")
    ap.add_argument("--only", action="append",
                    help="run only scenarios whose name contains this")
    ap.add_argument("--demo", action="store_true",
                    help="boot Host A and show pvmm booting Linux")
    ap.add_argument("--scenarios", help="scenario folder (default: "
                    "tests/e2e/scenarios, or tests/e2e/demo with --demo)")
    ap.add_argument("--pvmm", default=os.path.join(TOP, "pvmm"))
    ap.add_argument("--guests", default=os.path.join(TOP, "build", "guests"))
    ap.add_argument("--add-tree", action="append", metavar="DIR",
                    help="also copy DIR's contents into the hosts' "
                    "initramfs root (repeatable)")
    ap.add_argument("--host-mem", metavar="SIZE",
                    help="the emulated hosts' RAM instead of their own "
                    "(QEMU -m)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="stream the hosts' consoles")
    args = ap.parse_args()

    env = load_env()
    os.makedirs(BUILD, exist_ok=True)
    folder = args.scenarios or os.path.join(E2E, "demo" if args.demo
                                            else "scenarios")
    if args.demo:
        args.verbose = True
        args.host = ["A"]
    scenarios = find_scenarios(folder, args.only)
    hosts = args.host or sorted(HOSTS)
    skipped = []
    if not args.scenarios and not args.demo:
        kernels = load_matrix(env)
        say("kernels: L1 and default L2 %s; matrix: %s" % (
            env.get("KVER"), ", ".join(
                "%s %s" % (k["name"], k["version"] if k["status"] == "ok"
                           else "SKIP") for k in kernels)))
        more, skipped = matrix_scenarios(kernels, args.only, args)
        scenarios += more
        skipped = [(h, name, why) for hs, name, why in skipped
                   for h in hosts if h in hs]
        for h, name, why in skipped:
            say("SKIP %s %s: %s" % (h, name, why))
    runs = [HostRun(h, [s for s in scenarios if h in s.hosts], env, args)
            for h in hosts]
    runs = [r for r in runs if r.scenarios]
    if not runs:
        print("0 passed, 0 failed" + (", %d skipped" % len(skipped)
                                      if skipped else ""))
        if skipped:
            sys.exit(0)
        sys.exit("e2e: no scenario matched")

    # SIGTERM (a CI timeout, a killed make) ends like Ctrl-C: QEMU stopped.
    def on_term(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    threads = [threading.Thread(target=r.run) for r in runs]
    for t in threads:
        t.start()
    try:
        for t in threads:
            t.join()
    except KeyboardInterrupt:
        say("e2e: interrupted")
        for r in runs:
            if r.proc:
                stop_qemu(r.proc)
        sys.exit(130)

    shutil.rmtree(os.path.join(BUILD, "matrix.%d" % os.getpid()),
                  ignore_errors=True)
    results = [v for r in runs for v in r.results.values()]
    passed = sum(1 for ok, _, _ in results if ok)
    failed = len(results) - passed
    for h, name, why in skipped:
        print("SKIP %s %s: %s" % (h, name, why))
    # Failures again at the very end, with their console tails: a CI log
    # that is cut in the middle still ends by naming what failed.
    for r in runs:
        for msg in r.failures:
            head, *tail = msg.split("\n")
            print("\n".join([head] + tail[-20:]))
    print("%d passed, %d failed%s" % (passed, failed, ", %d skipped" %
                                      len(skipped) if skipped else ""))
    sys.exit(1 if failed or any(r.error for r in runs if not r.results) else 0)


if __name__ == "__main__":
    main()
