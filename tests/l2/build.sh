#!/usr/bin/env bash
# Build the L2 guest payloads for e2e tests: a vmlinux and a busybox
# initramfs running tests/l2/init with that kernel's own modules.
#   build/l2/        the default kernel (.cache/env), plus vmlinux.gz
#   build/l2/k/NAME/ each other kernel of the matrix scripts/setup.sh
#                    fetched (.cache/kernels.tsv), with a file "version"
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/.cache/env"

# initrd OUT MODULES_DIR: OUT/initrd.cpio.gz with that kernel's modules
initrd() {
	local out=$1 stage=$1.root f
	rm -rf "$stage"
	mkdir -p "$out" "$stage"/{bin,dev,proc,sys,tmp}
	cp "$BUSYBOX" "$stage/bin/busybox"
	cp "$top/tests/l2/init" "$stage/init"
	cp "$top/tests/l2/virtio.sh" "$stage/virtio.sh"
	# virtio drivers: PCI transport, blk, net, rng, vsock, with what they
	# need, in the order the kernel's modules.dep gives (virtio.sh loads
	# them); built-in ones are left out
	python3 "$top/tests/kmods.py" "$2" "$stage/lib/modules" virtio_pci \
		virtio_blk virtio_net virtio_rng vmw_vsock_virtio_transport
	# test programs built from tests/l2/*.c (make l2)
	for f in "$top"/build/l2-bin/*; do
		[ -x "$f" ] && [ -f "$f" ] && cp "$f" "$stage/bin/"
	done
	chmod +x "$stage/init"
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1 >"$out/initrd.cpio.gz")
	rm -rf "$stage"
}

# gz IMAGE OUT.gz: compressed again only when the image changed
gz() {
	[ "$2" -nt "$1" ] || gzip -1 -c "$1" >"$2"
}

out=$top/build/l2
initrd "$out" "$KMODS"
cp -u "$VMLINUX" "$out/vmlinux"
gz "$out/vmlinux" "$out/vmlinux.gz"
echo "l2: $(du -h "$out/initrd.cpio.gz" | cut -f1) initrd, vmlinux $(du -h "$out/vmlinux" | cut -f1)"

# The matrix: the default kernel is build/l2 itself; a skipped one has none.
# Compressed (pvmm takes gzip): the emulated hosts' initramfs must stay
# small, powernv's QEMU refuses an initrd of 256 MiB or more.
keep=
if [ -f "${KMATRIX:-}" ]; then
	while IFS=$'\t' read -r name status _pkg ver vmlinux mods; do
		[ "$status" = ok ] && [ "$ver" != "$KVER" ] || continue
		initrd "$out/k/$name" "$mods"
		gz "$vmlinux" "$out/k/$name/vmlinux.gz"
		echo "$ver" >"$out/k/$name/version"
		keep="$keep $name"
		echo "l2 k/$name: $ver, $(du -h "$out/k/$name/vmlinux.gz" | cut -f1) vmlinux.gz"
	done <"$KMATRIX"
fi
for d in "$out"/k/*; do
	[ -d "$d" ] || continue
	case " $keep " in *" ${d##*/} "*) ;; *) rm -rf "$d" ;; esac
done
