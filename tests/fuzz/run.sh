#!/usr/bin/env bash
# Run every fuzz target under DIR/fuzz/bin for SECONDS each, from a copy
# of its seed corpus (tests/fuzz/corpus/NAME/; the tree's stays as it is),
# and close with "N passed, M failed": a target passes if libFuzzer ran
# its time out with no crash, leak, timeout or sanitizer report.  A
# finding's input is kept under DIR/fuzz/findings/NAME/ for a unit test.
set -u
cd "$(dirname "$0")/../.."
dir=${1:-build}/fuzz
secs=${2:-10}
pass=0 fail=0 ran=0
for t in "$dir"/bin/fuzz_*; do
	[ -x "$t" ] || continue
	name=${t##*/fuzz_}
	ran=$((ran + 1))
	work=$(mktemp -d)
	find=$dir/findings/$name
	mkdir -p "$find"
	[ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$work/"
	dict=
	[ -f "tests/fuzz/$name.dict" ] && dict=-dict=tests/fuzz/$name.dict
	out=$("$t" -max_total_time="$secs" -timeout=5 -rss_limit_mb=1024 \
		-artifact_prefix="$find/" -print_final_stats=1 $dict "$work" 2>&1)
	rc=$?
	rm -rf "$work"
	runs=$(printf '%s\n' "$out" | sed -n 's/^stat::number_of_executed_units: *//p')
	if [ "$rc" -eq 0 ]; then
		echo "fuzz $name: ok, ${runs:-?} runs in ${secs}s"
		pass=$((pass + 1))
	else
		printf '%s\n' "$out" | tail -n 40
		echo "fuzz $name: FAILED (exit $rc), input in $find/"
		fail=$((fail + 1))
	fi
done
[ "$ran" -gt 0 ] || { echo "fuzz: no targets in $dir/bin"; fail=$((fail + 1)); }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
