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

# A start-up step that fails stops the host with its message: run.py turns
# "@@L1 FAIL" into a failed result for every scenario.
l1_fail() {
	echo "@@L1 FAIL $*"
	poweroff -f
	sleep 30
}

# Modules (kvm-hv, tun, Host A's data disk drivers) in the order the
# kernel's modules.dep gives, computed on x86 by tests/kmods.py.
while read -r m; do
	msg=$(insmod "/lib/modules/l1/$m.ko" 2>&1) ||
		l1_fail "insmod $m: $(echo $msg)"
done </lib/modules/l1/modules.load
[ -c /dev/kvm ] || { echo "@@L1 NOKVM"; poweroff -f; }
# Host A's data disk (tests/e2e/run.py, pvmm.data=1): an ext2 filesystem on
# a file on the x86 side, mounted at /data.  Only what is flushed may
# reach it: no periodic writeback, and no sync at power-off.
if [ "$(arg data)" = 1 ]; then
	mkdir -p /data
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ -b /dev/vda ] && break
		usleep 300000
	done
	[ -b /dev/vda ] || l1_fail "data disk: no /dev/vda"
	echo 0 >/proc/sys/vm/dirty_writeback_centisecs
	msg=$(mount -t ext2 /dev/vda /data 2>&1) ||
		l1_fail "mount /data: $(echo $msg)"
	echo "@@L1 DATA $(ls /data | tr '\n' ' ')"
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
		. /scn-lib.sh
		. "$scn"
		echo "@@SCN BEGIN $name"
		rm -f /tmp/rc
		: >/tmp/out
		start=$(cut -d' ' -f1 /proc/uptime)
		# Its own session, so a hang is killed with everything it started.
		setsid sh -c ". /scn-lib.sh; . '$scn'; run; echo \$? >/tmp/rc" \
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
		killall -9 pvmm ptyrun vsock-host httpd 2>/dev/null
		# Taps a scenario left behind keep their address and route: the
		# next scenario's tap with the same 10.0.2.2/24 would lose the
		# route to the stale one (vmm-memory's net failed after virtio-net).
		for dev in /sys/class/net/*; do
			[ -e "$dev/tun_flags" ] && tunctl -d "${dev##*/}" >/dev/null 2>&1
		done
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
