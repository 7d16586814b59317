# Shell helpers every scenario may use: l1-init.sh sources this file
# (/scn-lib.sh in the emulated host) before a scenario's own text.

# wait_for FILE STRING SECONDS: wait until FILE holds STRING (fixed string);
# status 1 when it did not within SECONDS.
wait_for() {
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		grep -qF "$2" "$1" 2>/dev/null && return 0
		usleep 100000
		i=$((i + 1))
	done
	return 1
}

# done_lines FILE...: the files' text, one stream, without carriage returns
# and without an unterminated last line.  A paused guest can stop in the
# middle of a line (Linux's hvc console writes at most 16 bytes per
# H_PUT_TERM_CHAR), and the guest restored from that snapshot prints the
# rest: the whole line is its output and the original's together.
done_lines() {
	n=$(cat "$@" | wc -l)
	cat "$@" | head -n "$n" | tr -d '\r'
}

# counts FILE...: the complete "L2-COUNT N up=U blk=B" lines of the test
# guest's pvmm.end=count loop (tests/l2/init).
counts() {
	done_lines "$@" | grep '^L2-COUNT [0-9]* up=[0-9.]* blk=[0-9a-f]*$'
}

# counts_after N FILE...: the count lines numbered above N.
counts_after() {
	n=$1
	shift
	counts "$@" | awk -v n="$n" '$2 > n'
}
