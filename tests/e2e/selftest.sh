#!/usr/bin/env bash
# The fixture must be able to fail: run deliberately broken scenarios and
# check each is reported as it should be, the summary counts them, QEMU is
# gone afterwards, and the run exits non-zero.
set -u
cd "$(dirname "$0")/../.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
python3 tests/e2e/run.py --host A --scenarios tests/e2e/selftest >"$log" 2>&1 &
run=$!
wait "$run"
rc=$?
out=$(cat "$log")
printf '%s\n' "$out" | sed 's/^/    | /'
pass=0 fail=0
expect() {
	if printf '%s\n' "$out" | grep -qE -- "$1"; then
		echo "ok - $2"; pass=$((pass + 1))
	else
		echo "not ok - $2"; fail=$((fail + 1))
	fi
}
expect '^PASS A ok ' "a passing scenario passes"
expect '^FAIL A wrong-exit .*exit 1, expected 0' "a wrong exit status fails"
expect '^FAIL A missing-output .*missing output: never printed' "missing output fails"
expect '^FAIL A hang .*timeout' "a hang is killed and fails"
expect '^FAIL A unwanted .*unwanted output: Oops' "rejected output fails"
expect '^1 passed, 4 failed$' "the summary counts them"
# A CI log cut in the middle must still name the failures at its end.
last=$(printf '%s\n' "$out" | sed -n '/^host A: [0-9]* scenarios in/,$p')
if printf '%s\n' "$last" | grep -q '^FAIL A wrong-exit' &&
	printf '%s\n' "$last" | grep -q '^FAIL A hang'; then
	echo "ok - failures named again after the run"; pass=$((pass + 1))
else echo "not ok - failures not named after the run"; fail=$((fail + 1)); fi
if [ "$rc" -ne 0 ]; then echo "ok - non-zero exit"; pass=$((pass + 1));
else echo "not ok - exit 0 despite failures"; fail=$((fail + 1)); fi
# This run's QEMU only (others, e.g. a bench, may be running): its
# initramfs is named after the run's pid.
if pgrep -f "qemu-system-ppc64.*l1-A\.$run\.cpio" >/dev/null; then
	echo "not ok - QEMU still running"; fail=$((fail + 1))
else echo "ok - QEMU stopped"; pass=$((pass + 1)); fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
