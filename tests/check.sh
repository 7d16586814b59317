#!/usr/bin/env bash
# Every test pvmm has: set-up, builds, lint, native unit tests (ASan+UBSan),
# the initramfs module-order and kernel-matrix tests, command-line tests,
# then the e2e scenarios inside the emulated POWER hosts.  Ends with one
# line "N passed, M failed" summed over all stages and exits non-zero if
# anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh || exit 1
make -j2 pvmm native guests tools fuzz || exit 1
make l2 || exit 1

total_pass=0 total_fail=0 broken=0
log=$(mktemp)
fails=$(mktemp)
trap 'rm -f "$log" "$fails"' EXIT

# stage NAME CMD...: run it, show its output, add its closing counts.
stage() {
	local name=$1 rc counts
	shift
	echo "=== $name"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	# Remember what failed, to name it again in the last lines (a long
	# log may reach a reader cut in the middle).
	grep -E '^(FAIL|not ok|\[  FAILED  \])' "$log" | sed "s/^/$name: /" >>"$fails"
	counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
	if [ -z "$counts" ]; then
		echo "=== $name: no result line (exit $rc)"
		broken=$((broken + 1))
		return
	fi
	total_pass=$((total_pass + ${counts%% passed*}))
	counts=${counts#*passed, }
	total_fail=$((total_fail + ${counts%% failed*}))
	[ "$rc" -eq 0 ] || [ "${counts%% failed*}" -ne 0 ] || broken=$((broken + 1))
}

stage lint make -s lint-report
stage size make -s size
stage unit tests/unit/run.sh build
stage fuzz tests/fuzz/run.sh build 10
stage kmods python3 tests/kmods_test.py
stage e2e-matrix python3 tests/e2e/matrix_test.py
stage cli tests/cli.sh build/native/pvmm build/guests/hello.elf
stage doc tests/doc.sh build/native/pvmm
stage deb tests/deb.sh
stage bench-parser python3 tests/bench/test_bench.py
stage e2e-lib tests/e2e/scn-lib-test.sh
stage e2e-fixture tests/e2e/selftest.sh
stage e2e python3 tests/e2e/run.py

if [ -s "$fails" ]; then
	echo "=== what failed"
	awk '!seen[$0]++' "$fails"
fi
echo "check: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ] && [ "$broken" -eq 0 ]
