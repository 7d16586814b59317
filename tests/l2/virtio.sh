# Sourced by /init when the command line has pvmm.virtio=T1,T2,...: load
# the virtio modules, then run each test.  Every test prints L2-<T>-OK or
# L2-<T>-BAD and adds to $fails.
#   pci       the devices pvmm put on the PCI bus, with their drivers,
#             and each virtio device's negotiated feature bits
#   blk-sum   sha256 of all of /dev/vda (the scenario compares)
#   blk-write write 1 MiB pattern at 1 MiB into /dev/vda, fsync, print
#             L2-BLK-FLUSHED, then hang (the scenario kills pvmm)
#   blk-ro    /dev/vda must refuse writes
#   blk-id    /dev/vda's serial is the image's file name
#   rng       /dev/hwrng is virtio-rng and gives bytes
#   net       10.0.2.15/24 on eth0: ping 10.0.2.2 and fetch
#             http://10.0.2.2:8000/blob, printing its sha256
#   vsock     echo server on vsock port 1234, client to CID 2 port 4321
#   blkbench  blkbench /dev/vda: sequential MB/s and 4 KiB random IOPS
#   ddw       (--iommu) Linux created a dynamic DMA window and maps all
#             RAM through it: its ibm,create-pe-dma-window returned 0
#   noddw     (--iommu, disable_ddw) no dynamic window: the default one

# In /lib/modules/modules.load's order (tests/kmods.py, from the kernel's
# modules.dep; built-in drivers are not there).  A module that does not
# load is a failure, with insmod's message; returns non-zero then.
virtio_modules() {
	bad=0
	while read -r m; do
		msg=$(insmod "/lib/modules/$m.ko" 2>&1) || {
			echo "L2-INSMOD-FAILED $m: $(echo $msg)"
			bad=$((bad + 1))
		}
	done </lib/modules/modules.load
	fails=$((fails + bad))
	[ "$bad" -eq 0 ]
}

vt_ok() { echo "L2-$1-OK $2"; }
vt_bad() { echo "L2-$1-BAD $2"; fails=$((fails + 1)); }

# Wait up to 5 s for a device node the drivers create.
vt_wait() {
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ -e "$1" ] && return 0
		sleep 0.5
	done
	return 1
}

vt_pci() {
	for d in /sys/bus/pci/devices/*; do
		[ -e "$d/vendor" ] || continue
		drv=$(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)
		echo "L2-PCI $(basename "$d") $(cat "$d/vendor"):$(cat "$d/device") ${drv:-none} irq=$(cat "$d/irq")"
	done
	n=$(ls /sys/bus/pci/devices | wc -l)
	[ "$n" -gt 0 ] && vt_ok PCI "$n" || vt_bad PCI none
	# negotiated feature bits, bit 0 first (33: VIRTIO_F_ACCESS_PLATFORM)
	for v in /sys/bus/virtio/devices/virtio*; do
		[ -e "$v/features" ] &&
			echo "L2-VIRTIO ${v##*/} $(cat "$v/features")"
	done
	grep -i virtio /proc/interrupts | sed 's/^/L2-IRQ /'
}

vt_blk_sum() {
	vt_wait /dev/vda || { vt_bad BLK-SUM "no /dev/vda"; return; }
	echo "L2-BLK-SIZE $(cat /sys/block/vda/size)"
	vt_ok BLK-SUM "$(sha256sum /dev/vda | cut -d' ' -f1)"
}

vt_blk_write() {
	vt_wait /dev/vda || { vt_bad BLK-WRITE "no /dev/vda"; return; }
	# 1 MiB of a pattern no image starts with.
	yes "pvmm flush test $(cat /proc/sys/kernel/random/boot_id)" |
		head -c 1048576 >/tmp/pattern
	dd if=/tmp/pattern of=/dev/vda bs=65536 seek=16 conv=fsync 2>/dev/null &&
		echo "L2-BLK-FLUSHED $(sha256sum /tmp/pattern | cut -d' ' -f1)" ||
		vt_bad BLK-WRITE "dd failed"
	echo "L2-HANGING"
	sleep 600
}

vt_blk_ro() {
	vt_wait /dev/vda || { vt_bad BLK-RO "no /dev/vda"; return; }
	[ "$(cat /sys/block/vda/ro)" = 1 ] || vt_bad BLK-RO "not marked ro"
	if echo x | dd of=/dev/vda conv=fsync 2>/dev/null; then
		vt_bad BLK-RO "write accepted"
	else
		vt_ok BLK-RO refused
	fi
}

vt_blk_id() {
	vt_wait /dev/vda || { vt_bad BLK-ID "no /dev/vda"; return; }
	vt_ok BLK-ID "$(cat /sys/block/vda/serial 2>/dev/null)"
}

vt_rng() {
	cur=$(cat /sys/class/misc/hw_random/rng_current 2>/dev/null)
	case "$cur" in
	virtio*) ;;
	*) vt_bad RNG "current is '$cur'"; return ;;
	esac
	n=$(dd if=/dev/hwrng bs=256 count=4 2>/dev/null | wc -c)
	[ "$n" = 1024 ] && vt_ok RNG "$cur $n" || vt_bad RNG "read $n bytes"
}

vt_net() {
	ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up ||
		{ vt_bad NET "no eth0"; return; }
	echo "L2-MAC $(cat /sys/class/net/eth0/address)"
	ping -c 3 -W 5 10.0.2.2 >/tmp/ping 2>&1 &&
		vt_ok NET-PING "$(grep -c 'bytes from' /tmp/ping)" ||
		vt_bad NET-PING "$(tail -n 2 /tmp/ping | tr '\n' ' ')"
	wget -q -O /tmp/blob http://10.0.2.2:8000/blob &&
		vt_ok NET-TCP "$(sha256sum /tmp/blob | cut -d' ' -f1)" ||
		vt_bad NET-TCP "wget failed"
}

vt_vsock() {
	[ -x /bin/vsock-echo ] || { vt_bad VSOCK "no vsock-echo"; return; }
	vsock-echo listen 1234 &
	echo "L2-VSOCK-LISTENING"
	reply=$(vsock-echo connect 2 4321 from-guest)
	[ "$reply" = from-guest ] && vt_ok VSOCK-G2H "$reply" ||
		vt_bad VSOCK-G2H "reply '$reply'"
	wait
}

vt_blkbench() {
	vt_wait /dev/vda || { vt_bad BLKBENCH "no /dev/vda"; return; }
	# the whole disk, at most 64 MiB; 5 s of each random pattern
	blkbench /dev/vda 64 5 || vt_bad BLKBENCH "blkbench failed"
}

# What Linux's pseries iommu code said about the PE's DMA windows.
vt_dma_log() {
	dmesg | grep -iE 'pe-dma-window|ddw|dma window|iommu' |
		sed 's/^/L2-DMA /'
}

vt_ddw() {
	vt_dma_log
	dmesg | grep -q 'ibm,create-pe-dma-window.*returned 0' &&
		vt_ok DDW created || vt_bad DDW "no window created"
}

vt_noddw() {
	vt_dma_log
	if dmesg | grep -q 'ibm,create-pe-dma-window'; then
		vt_bad NODDW "a dynamic window was created"
	else
		vt_ok NODDW "default window only"
	fi
}

# Without their drivers the tests would only wait for devices (vsock
# forever): the failure is reported now instead.
virtio_modules || set --
for t in $(echo "$1" | tr ',' ' '); do
	case "$t" in
	pci) vt_pci ;;
	blk-sum) vt_blk_sum ;;
	blk-write) vt_blk_write ;;
	blk-ro) vt_blk_ro ;;
	blk-id) vt_blk_id ;;
	rng) vt_rng ;;
	net) vt_net ;;
	vsock) vt_vsock ;;
	blkbench) vt_blkbench ;;
	ddw) vt_ddw ;;
	noddw) vt_noddw ;;
	*) vt_bad UNKNOWN "$t" ;;
	esac
done
