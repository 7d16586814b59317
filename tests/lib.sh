# Shared by the shell test scripts (tests/cli.sh, doc.sh, deb.sh): count
# checks, print TAP-style lines and the closing "N passed, M failed".
pass=0 fail=0

# check NAME EXPR: EXPR (evaluated) holds.
check() {
	if eval "$2"; then
		ok "$1"
	else
		not_ok "$1"
	fi
}

ok() {
	echo "ok - $1"
	pass=$((pass + 1))
}

not_ok() {
	echo "not ok - $1"
	fail=$((fail + 1))
}

# The closing line; the script's status.
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
