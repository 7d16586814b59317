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
# virtio drivers: PCI transport, blk, net, rng, vsock (virtio.sh loads them)
mkdir -p "$stage/lib/modules"
for m in drivers/virtio/virtio drivers/virtio/virtio_ring \
	 drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci_legacy_dev \
	 drivers/virtio/virtio_pci drivers/block/virtio_blk net/core/failover \
	 drivers/net/net_failover drivers/net/virtio_net \
	 drivers/char/hw_random/virtio-rng net/vmw_vsock/vsock \
	 net/vmw_vsock/vmw_vsock_virtio_transport_common \
	 net/vmw_vsock/vmw_vsock_virtio_transport; do
	cp "$KMODS/kernel/$m.ko" "$stage/lib/modules/"
done
# test programs built from tests/l2/*.c (make l2)
for f in "$top"/build/l2-bin/*; do
	[ -x "$f" ] && [ -f "$f" ] && cp "$f" "$stage/bin/"
done
chmod +x "$stage/init"
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1 >"$out/initrd.cpio.gz")
cp -u "$VMLINUX" "$out/vmlinux"
[ "$out/vmlinux.gz" -nt "$out/vmlinux" ] || gzip -1 -c "$out/vmlinux" >"$out/vmlinux.gz"
echo "l2: $(du -h "$out/initrd.cpio.gz" | cut -f1) initrd, vmlinux $(du -h "$out/vmlinux" | cut -f1)"
