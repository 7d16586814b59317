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
chmod +x "$stage/init"
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1 >"$out/initrd.cpio.gz")
cp -u "$VMLINUX" "$out/vmlinux"
[ "$out/vmlinux.gz" -nt "$out/vmlinux" ] || gzip -1 -c "$out/vmlinux" >"$out/vmlinux.gz"
echo "l2: $(du -h "$out/initrd.cpio.gz" | cut -f1) initrd, vmlinux $(du -h "$out/vmlinux" | cut -f1)"
