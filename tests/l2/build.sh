#!/usr/bin/env bash
# Build the L2 guest payload for e2e tests: Debian's vmlinux and a busybox
# initramfs running tests/l2/init, into build/l2/.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/.cache/env"
out=$top/build/l2
stage=$top/build/l2-root
rm -rf "$stage"
mkdir -p "$out" "$stage"/{bin,dev,proc,sys,tmp}
cp "$BUSYBOX" "$stage/bin/busybox"
cp "$top/tests/l2/init" "$stage/init"
cp "$top/tests/l2/virtio.sh" "$stage/virtio.sh"
# virtio drivers: PCI transport, blk, net, rng, vsock, with what they need,
# in the order the kernel's modules.dep gives (virtio.sh loads them)
python3 "$top/tests/kmods.py" "$KMODS" "$stage/lib/modules" \
	virtio_pci virtio_blk virtio_net virtio_rng vmw_vsock_virtio_transport
# test programs built from tests/l2/*.c (make l2)
for f in "$top"/build/l2-bin/*; do
	[ -x "$f" ] && [ -f "$f" ] && cp "$f" "$stage/bin/"
done
chmod +x "$stage/init"
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1 >"$out/initrd.cpio.gz")
cp -u "$VMLINUX" "$out/vmlinux"
[ "$out/vmlinux.gz" -nt "$out/vmlinux" ] || gzip -1 -c "$out/vmlinux" >"$out/vmlinux.gz"
echo "l2: $(du -h "$out/initrd.cpio.gz" | cut -f1) initrd, vmlinux $(du -h "$out/vmlinux" | cut -f1)"
