#!/usr/bin/env bash
# Run every unit-test binary under DIR/native/tests, show their output, and
# close with "N passed, M failed" summed over all of them.  A binary that
# crashes (ASan/UBSan abort) or prints no cmocka summary counts as failed.
set -u
dir=${1:-build}/native/tests
pass=0 fail=0 ran=0
# The disk tests once more on tmpfs where there is one: a host file system
# without fallocate's ZERO_RANGE, so virtio-blk's fallbacks run.
runs=$(ls "$dir"/test_* 2>/dev/null)
[ -d /dev/shm ] && [ -x "$dir/test_virtio_blk" ] &&
	runs="$runs tmpfs:$dir/test_virtio_blk"
for t in $runs; do
	tmp=${TMPDIR:-/tmp}
	case $t in tmpfs:*) t=${t#tmpfs:} tmp=/dev/shm ;; esac
	[ -x "$t" ] || continue
	ran=$((ran + 1))
	out=$(TMPDIR=$tmp "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
	if [ -z "$p" ] && [ -z "$f" ]; then
		echo "run.sh: ${t##*/} crashed or printed no summary (exit $rc)"
		fail=$((fail + 1))
		continue
	fi
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-0}))
	if [ "$rc" -ne 0 ] && [ -z "$f" ]; then
		echo "run.sh: ${t##*/} exited $rc"
		fail=$((fail + 1))
	fi
done
[ "$ran" -gt 0 ] || { echo "run.sh: no unit tests in $dir"; fail=$((fail + 1)); }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
