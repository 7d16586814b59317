#!/bin/sh
# tests/e2e/scn-lib.sh's text helpers, natively: a guest paused in the
# middle of a console line and restored from that snapshot.
set -u
cd "$(dirname "$0")"
. ./scn-lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
is() {
	if [ "$1" = "$2" ]; then
		echo "ok - $3"
		pass=$((pass + 1))
	else
		echo "not ok - $3: got '$1', want '$2'"
		fail=$((fail + 1))
	fi
}

# The original stopped after 16 bytes of its count line 6 ...
printf 'boot\r\nL2-COUNT 5 up=14.10 blk=a29d59032f67cd2a\r\nL2-COUNT 6 up=15.70 blk=a2' \
	>"$tmp/paused.out"
# ... and the restored guest prints the rest of it, then goes on.
printf '9d59032f67cd2a\r\nL2-COUNT 7 up=16.90 blk=a29d59032f67cd2a\r\n' >"$tmp/r.out"

is "$(counts "$tmp/paused.out" | tail -n 1)" \
	"L2-COUNT 5 up=14.10 blk=a29d59032f67cd2a" \
	"the snapshot's last count line is its last complete one"
is "$(counts_after 5 "$tmp/paused.out" "$tmp/r.out" | head -n 1)" \
	"L2-COUNT 6 up=15.70 blk=a29d59032f67cd2a" \
	"the line cut by the pause is whole across both outputs"
is "$(counts "$tmp/paused.out" "$tmp/r.out" | tail -n 1)" \
	"L2-COUNT 7 up=16.90 blk=a29d59032f67cd2a" \
	"the last line of the restored output"
is "$(counts "$tmp/r.out" | wc -l | tr -d ' ')" 1 \
	"the restored output alone has one whole count line"
printf 'L2-COUNT 1 up=1.00 blk=00\r\n' >"$tmp/done.out"
is "$(done_lines "$tmp/done.out")" "L2-COUNT 1 up=1.00 blk=00" \
	"a terminated last line is kept, its carriage return gone"
: >"$tmp/empty.out"
is "$(done_lines "$tmp/empty.out" | wc -c | tr -d ' ')" 0 "an empty file"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
