#!/bin/busybox sh
# /init of the emulated POWER host (L1): load KVM, then run every scenario
# in /scenarios, reporting through @@ markers on the console that
# tests/e2e/run.py reads.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /tmp
mount -t devpts devpts /dev/pts
mount -t tmpfs tmp /tmp
export PATH=/bin

arg() { sed -n "s/.*\bpvmm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }

# The emulated host has no battery-backed clock: take the x86 host's time.
epoch=$(arg epoch)
[ -n "$epoch" ] && date -u -s "@$epoch" >/dev/null

insmod /lib/modules/kvm.ko
insmod /lib/modules/kvm-hv.ko
insmod /lib/modules/tun.ko 2>/dev/null
if [ ! -c /dev/kvm ]; then
	echo "@@L1 NOKVM"
	poweroff -f
fi
# Host A's data disk (tests/e2e/run.py): an ext2 filesystem on a file on
# the x86 side, mounted at /data.  Only what is flushed may reach it:
# no periodic writeback, and no sync at power-off.
if [ -e /sys/bus/pci ] && [ -d /lib/modules/data ]; then
	for m in virtio virtio_ring virtio_pci_modern_dev \
		 virtio_pci_legacy_dev virtio_pci virtio_blk crc16 mbcache \
		 jbd2 crc32c_generic ext4; do
		insmod /lib/modules/data/$m.ko 2>/dev/null
	done
	mkdir -p /data
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ -b /dev/vda ] && break
		usleep 300000
	done
	echo 0 >/proc/sys/vm/dirty_writeback_centisecs
	mount -t ext2 /dev/vda /data && echo "@@L1 DATA $(ls /data | tr '\n' ' ')"
fi
echo "@@L1 READY $(cut -d' ' -f1 /proc/uptime)"

# check NAME: compare /tmp/out and /tmp/rc with the scenario's promises.
check() {
	rc=$(cat /tmp/rc 2>/dev/null)
	[ -n "$rc" ] || { echo "timeout after ${TIMEOUT}s"; return; }
	[ "$rc" = "$EXPECT_EXIT" ] || { echo "exit $rc, expected $EXPECT_EXIT"; return; }
	printf '%s\n' "$EXPECT_OUT" | while IFS= read -r pat; do
		[ -z "$pat" ] || grep -qF -- "$pat" /tmp/out ||
			echo "missing output: $pat"
	done | head -n 1
	printf '%s\n' "$REJECT_OUT" | while IFS= read -r pat; do
		[ -z "$pat" ] || ! grep -qF -- "$pat" /tmp/out ||
			echo "unwanted output: $pat"
	done | head -n 1
}

for scn in /scenarios/*.scn; do
	name=${scn##*/}
	name=${name%.scn}
	(
		TIMEOUT=60 EXPECT_EXIT=0 EXPECT_OUT= REJECT_OUT=
		. "$scn"
		echo "@@SCN BEGIN $name"
		rm -f /tmp/rc
		: >/tmp/out
		start=$(cut -d' ' -f1 /proc/uptime)
		# Its own session, so a hang is killed with everything it started.
		setsid sh -c ". '$scn'; run; echo \$? >/tmp/rc" \
			</dev/null >/tmp/out 2>&1 &
		pid=$!
		tail -f /tmp/out &
		tailpid=$!
		waited=0
		while kill -0 "$pid" 2>/dev/null; do
			if [ "$waited" -ge $((TIMEOUT * 5)) ]; then
				kill -9 -- "-$pid" 2>/dev/null
				kill -9 "$pid" 2>/dev/null
				break
			fi
			usleep 200000
			waited=$((waited + 1))
		done
		wait "$pid" 2>/dev/null
		usleep 1200000	# let tail print the last lines
		kill "$tailpid" 2>/dev/null
		killall -9 pvmm ptyrun 2>/dev/null
		end=$(cut -d' ' -f1 /proc/uptime)
		why=$(check)
		if [ -z "$why" ]; then
			echo "@@SCN PASS $name $start $end"
		else
			echo "@@SCN FAIL $name $start $end: $why"
		fi
	)
done
echo "@@ALL DONE"
poweroff -f -n
