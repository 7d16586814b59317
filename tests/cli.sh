#!/usr/bin/env bash
# Command-line behaviour of a pvmm binary on this (non-POWER) host: bad
# user input gets one clear line and exit 125; a good invocation gets as far
# as the KVM check and says why this host cannot run a guest.
#   tests/cli.sh PVMM GUEST_ELF
set -u
pvmm=$1
guest=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# expect NAME STATUS PATTERN -- ARGS...: stderr is one line matching PATTERN
expect() {
	local name=$1 status=$2 pattern=$3 rc lines
	shift 4
	"$pvmm" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ "$rc" -eq "$status" ] && [ "$lines" -eq 1 ] &&
	   grep -qE -- "$pattern" "$tmp/err"; then
		echo "ok - $name"
		pass=$((pass + 1))
	else
		echo "not ok - $name: exit $rc (want $status), stderr:"
		sed 's/^/    /' "$tmp/err"
		fail=$((fail + 1))
	fi
}

printf 'not an elf' >"$tmp/text"
head -c 100 "$guest" >"$tmp/truncated"
: >"$tmp/empty"
truncate -s 80M "$tmp/big.cpio"

expect "missing kernel" 125 "^pvmm: /nonexistent: No such file" -- --kernel /nonexistent
expect "no --kernel" 125 "^pvmm: no --kernel given" --
expect "not ELF" 125 "not an ELF file" -- --kernel "$tmp/text"
expect "empty kernel" 125 "empty file" -- --kernel "$tmp/empty"
expect "truncated ELF" 125 "truncated ELF" -- --kernel "$tmp/truncated"
expect "x86 ELF" 125 "not a PowerPC64 executable" -- --kernel /bin/sh
expect "kernel is a directory" 125 "not a regular file" -- --kernel /
expect "memory malformed" 125 "--mem 12Q: not a size" -- --kernel "$guest" --mem 12Q
expect "memory too large" 125 "more than" -- --kernel "$guest" --mem 900T
expect "memory beyond host" 125 "more than this host" -- --kernel "$guest" --mem 1000G
expect "memory too small" 125 "minimum" -- --kernel "$guest" --mem 1M
expect "memory misaligned" 125 "not a multiple" -- --kernel "$guest" --mem 65537K
expect "too many cpus" 125 "--cpus 9999: must be 1 to" -- --kernel "$guest" --cpus 9999
expect "missing initrd" 125 "/nonexistent.cpio: No such file" -- --kernel "$guest" --initrd /nonexistent.cpio
expect "initrd too large" 125 "initrd too large" -- --kernel "$guest" --mem 64M --initrd "$tmp/big.cpio"
expect "cmdline too long" 125 "--cmdline: longer than" -- --kernel "$guest" --cmdline "$(printf 'x%.0s' $(seq 5000))"
expect "stray argument" 125 "unexpected argument" -- --kernel "$guest" stray
expect "no KVM-HV here" 125 "(KVM_CAP_PPC_PAPR|/dev/kvm)" -- --kernel "$guest"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
