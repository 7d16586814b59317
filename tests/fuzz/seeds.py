#!/usr/bin/env python3
"""Write the fuzz targets' seed corpora (tests/fuzz/corpus/NAME/): a few
small valid inputs per target, so the fuzzer starts past the first
checks.  Run it again after changing a target's input format."""
import gzip
import os
import struct
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def hpt():
    hdr = struct.pack(">I", 18)  # 256 KiB HPT
    end = struct.pack(">IHH", 0, 0, 0)
    chunk = struct.pack(">IHH", 8, 2, 3) + bytes(range(32))
    put("hpt_stream", "empty", hdr + end)
    put("hpt_stream", "one-chunk", hdr + chunk + end)
    put("hpt_stream", "radix", struct.pack(">I", 0xFFFFFFFF) + end)


def elf(be):
    e = ">" if be else "<"
    ident = b"\x7fELF" + bytes([2, 2 if be else 1, 1]) + bytes(9)
    phoff = 64
    data_off = phoff + 56
    eh = ident + struct.pack(e + "HHIQQQIHHHHHH", 2, 21, 1,
                             0xC000000000010004, phoff, 0, 0, 64, 56, 1,
                             0, 0, 0)
    ph = struct.pack(e + "IIQQQQQQ", 1, 7, data_off, 0xC000000000010000,
                     0x10000, 16, 64, 0x10000)
    return eh + ph + b"\xab" * 16


def loader():
    for be in (False, True):
        tag = "be" if be else "le"
        put("loader", "elf-" + tag, b"\x00" + elf(be))
        put("loader", "elf-fw-" + tag, b"\x05" + elf(be))
        put("loader", "gz-" + tag, b"\x00" + gzip.compress(elf(be), mtime=0))
    put("loader", "raw", b"\x02" + bytes(range(64)))


def virtq():
    # max_size, flags (size 8, indirect), desc, avail, used, last_avail
    size = 8
    cfg = struct.pack("<BBIIIH", 3, 3 | 0x10, 0x0, 0x1000, 0x2000, 0)
    ram = bytearray(0x3000)
    # a readable then a writable buffer, chained
    struct.pack_into("<QIHH", ram, 0, 0x2800, 16, 1, 1)
    struct.pack_into("<QIHH", ram, 16, 0x2900, 32, 2, 0)
    # an indirect table at 0x2a00 with two descriptors
    struct.pack_into("<QIHH", ram, 32, 0x2A00, 32, 4, 0)
    struct.pack_into("<QIHH", ram, 0x2A00, 0x2800, 8, 1, 1)
    struct.pack_into("<QIHH", ram, 0x2A10, 0x2900, 8, 2, 0)
    struct.pack_into("<HHHH", ram, 0x1000, 0, 2, 0, 2)
    put("virtq", "two-chains", cfg + bytes(ram))
    # the same behind the IOMMU: bus page i -> guest page i, read+write
    tces = b"".join(bytes([i | 0xC0, i]) for i in range(16))
    put("virtq", "two-chains-iommu",
        bytes([3, 3 | 0x10 | 0x80]) + tces + cfg[2:] + bytes(ram))
    del size


def rtas_call(sel, nargs, nret, args, shape=0):
    """One call as fuzz_rtas reads it; args are (hint, value) pairs."""
    b = bytes([sel, shape, nargs, nret])
    for hint, v in args:
        b += bytes([hint]) + struct.pack("<Q", v)
    return b + b"\x00"


def rtas():
    cfg = (7, 0)  # the device's config address, register 0
    hi, lo = (6, 0), (6, 1)  # the bridge's BUID halves
    put("rtas", "read-pci-config", rtas_call(22, 2, 2, [cfg, (0, 4)]))
    put("rtas", "ibm-read-pci-config",
        rtas_call(24, 4, 2, [cfg, hi, lo, (0, 4)]))
    put("rtas", "change-msi",
        rtas_call(26, 6, 3, [cfg, hi, lo, (0, 4), (0, 2), (0, 1)]))
    put("rtas", "query-ddw", rtas_call(28, 3, 5, [cfg, hi, lo]))
    put("rtas", "time", rtas_call(1, 0, 8, []) +
        rtas_call(2, 7, 1, [(0, 2026), (0, 12), (0, 5), (0, 1), (0, 2),
                            (0, 3), (0, 0)]))
    put("rtas", "nvram", rtas_call(9, 3, 2, [(0, 0), (3, 0x2000), (0, 64)]))


def hcall(sel, args):
    """One hcall as fuzz_hcall reads it: an index into pvmm's opcodes."""
    b = bytes([sel, 0])
    for hint, v in (args + [(0, 0)] * 9)[:9]:
        b += bytes([hint]) + struct.pack("<Q", v)
    return b


def hcalls():
    liobn = (5, 0)
    for i in range(24):
        put("hcall", "op%02d" % i, hcall(i, [liobn, (3, 0x1000),
                                             (3, 0x200003)]))


def vsock_hdr(op, src_port, dst_port, length=0, src=3, dst=2):
    return struct.pack("<QQIIIHHIII", src, dst, src_port, dst_port, length,
                       1, op, 0, 65536, 0)


def vsock():
    line = b"CONNECT 1234\n"
    # dial, write the line, events, drain, read
    host = (bytes([0, 0]) + bytes([1, 0, len(line)]) + line +
            bytes([3, 0, 4, 0, 5, 0]))
    put("vsock", "host-connect", host)
    # the guest answers the host's REQUEST with RESPONSE, then data
    resp = bytes([2, 0, 0x04, 0]) + vsock_hdr(2, 1234, 1 << 30)
    data = bytes([2, 0, 0x00, 5]) + vsock_hdr(5, 1234, 1 << 30, 5) + b"hello"
    put("vsock", "host-stream", host + resp + data + bytes([3, 0, 5, 0]))
    # the guest connects to the host's port 5000 (nobody listens): RST
    req = bytes([2, 0, 0, 0]) + vsock_hdr(1, 40000, 5000)
    put("vsock", "guest-request", req + bytes([4, 0]))


def cfgfile():
    # The README's example, then one key of each kind and a few refusals
    # (wrong type, duplicate key, not an object, an unknown key).
    put("cfgfile", "example", b"""{
  "kernel": "/boot/vmlinux",
  "cmdline": "console=hvc0 root=/dev/vda",
  "mem": "2G",
  "cpus": 4,
  "shutdown-timeout": 30,
  "iommu": false,
  "disk": ["/var/lib/vm1/root.img", "/srv/base.img,ro"],
  "net": ["tap=tap-vm1,mac=02:00:00:00:01:01"],
  "rng": true,
  "vsock": ["uds=/run/vm1/vsock,cid=3"]
}
""")
    put("cfgfile", "nulls", b'{"kernel": null, "disk": [], "rng": null}')
    put("cfgfile", "escapes", b'{"cmdline": "a\\u00e9\\t\\"b\\"", "cpus": -1}')
    put("cfgfile", "wrong-type", b'{"cpus": "2", "rng": 1}')
    put("cfgfile", "duplicate", b'{"mem": "1G", "mem": "2G"}')
    put("cfgfile", "array", b'["kernel", "/boot/vmlinux"]')
    put("cfgfile", "unknown", b'{"kernal": "/boot/vmlinux"}')


def snap_section(typ, inst, payload):
    hdr = struct.pack(">IIQ", typ, inst, len(payload))
    return hdr + struct.pack(">II", zlib.crc32(hdr + payload), 0) + payload


def snapshot():
    ram = 64 << 10
    # RAM size, radix, no HPT, 2 vCPUs, 1 per core, no flags, one device
    cfg = struct.pack(">QIIIIII", ram, 1, 0, 2, 1, 0, 1) + struct.pack(">HH", 2, 1)
    body = b"PVMMSNAP" + struct.pack(">II", 1, 16 + len(cfg) + 4) + cfg
    head = body + struct.pack(">I", zlib.crc32(body))
    secs = snap_section(1, 0, bytes(16)) + snap_section(2, 0, bytes(8))
    end = snap_section(0xFFFFFFFF, 0, b"")
    # byte 0: 0 = checksums as they are (the target can fix them: 1)
    put("snapshot", "stream", b"\0" + head + secs + end)
    # byte 0 bit 1: also read back through a pipe (snap_read_stream)
    put("snapshot", "stream-pipe", b"\3" + head + secs + end)
    at = len(head) + len(secs) + 2 * 24 + 16
    at = (at + (64 << 10) - 1) & ~((64 << 10) - 1)
    ramsec = snap_section(5, 0, struct.pack(">QQ", at, ram))
    f = head + secs + ramsec + end
    put("snapshot", "file", b"\0" + f + bytes(at - len(f)) + bytes(ram))
    # "machine", a stream of the target's own machine, is written by the
    # target: FUZZ_SNAPSHOT_SEED=tests/fuzz/corpus/snapshot/machine \
    #     build/fuzz/bin/fuzz_snapshot


def mig_rec(typ, arg, payload):
    return struct.pack(">BBI", typ, arg, len(payload)) + payload


def migrate():
    # fuzz_migrate: mode byte (1: good greeting + HELLO first, 2: records
    # framed with good checksums), then the stream.
    put("migrate", "hello-only", b"\x01")
    put("migrate", "raw", b"\x00PVMMMIGR" + struct.pack(">II", 1, 0))
    recs = (mig_rec(2, 0, struct.pack(">Q", 0x10000) + bytes(range(64))) +
            mig_rec(3, 0, struct.pack(">QQ", 0x20000, 0x10000)) +
            mig_rec(5, 0, struct.pack(">Q", 100)) +
            mig_rec(7, 0, b""))
    put("migrate", "records", b"\x03" + recs)
    # The fuzz machine's own state (the snapshot target's seed, without
    # its mode byte), then DONE: a stream the destination accepts.
    mach = os.path.join(ROOT, "snapshot", "machine")
    if os.path.exists(mach):
        with open(mach, "rb") as f:
            state = f.read()[1:]
        put("migrate", "state", b"\x03" + mig_rec(5, 0, struct.pack(">Q", 0)) +
            mig_rec(6, 0, state) + mig_rec(7, 0, b""))


def api():
    put("api", "pause", b'{"request":"pause"}')
    put("api", "snapshot", b'{"request":"snapshot","path":"/tmp/s"}')
    put("api", "migrate", b'{"request":"migrate","uds":"/tmp/m"}')


hpt()
loader()
virtq()
rtas()
hcalls()
vsock()
cfgfile()
snapshot()
migrate()
api()
