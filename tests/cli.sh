#!/usr/bin/env bash
# Command-line behaviour of a pvmm binary on this (non-POWER) host: bad
# user input gets one clear line and exit 125; a good invocation gets as far
# as the KVM check and says why this host cannot run a guest.
#   tests/cli.sh PVMM GUEST_ELF
set -u
. "$(dirname "$0")/lib.sh"
pvmm=$1
guest=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect NAME STATUS PATTERN -- ARGS...: stderr is one line matching PATTERN
expect() {
	local name=$1 status=$2 pattern=$3 rc lines
	shift 4
	"$pvmm" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ "$rc" -eq "$status" ] && [ "$lines" -eq 1 ] &&
	   grep -qE -- "$pattern" "$tmp/err"; then
		ok "$name"
	else
		not_ok "$name: exit $rc (want $status), stderr:"
		sed 's/^/    /' "$tmp/err"
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
# Numbers are range-checked before anything narrows them, and only digits
# count: strtoull alone takes blanks and a sign.
expect "cpus wraps to 1" 125 "--cpus 4294967297: must be 1 to" -- --kernel "$guest" --cpus 4294967297
expect "cpus with sign" 125 "--cpus \+2: must be 1 to" -- --kernel "$guest" --cpus +2
expect "threads wraps to 2" 125 "--threads-per-core 4294967298: must be" -- --kernel "$guest" --threads-per-core 4294967298
expect "negative memory" 125 "not a size" -- --kernel "$guest" --mem " -18446744073709486080M"
expect "timeout with blank" 125 "--shutdown-timeout  5: must be" -- --kernel "$guest" --shutdown-timeout " 5"
expect "missing initrd" 125 "/nonexistent.cpio: No such file" -- --kernel "$guest" --initrd /nonexistent.cpio
expect "initrd too large" 125 "initrd too large" -- --kernel "$guest" --mem 64M --initrd "$tmp/big.cpio"
expect "cmdline too long" 125 "--cmdline: longer than" -- --kernel "$guest" --cmdline "$(printf 'x%.0s' $(seq 5000))"
expect "stray argument" 125 "unexpected argument" -- --kernel "$guest" stray
expect "seccomp violation kind" 125 "^pvmm: --debug-seccomp-violation vcpus: must be main, vcpu, io or api$" -- --kernel "$guest" --debug-seccomp-violation vcpus
# --restore: the snapshot is checked whole before anything else is built
# (the fuzz seed without its leading mode byte: a 64 KiB-RAM snapshot)
snapfile=$tmp/snap
tail -c +2 "$(dirname "$0")/fuzz/corpus/snapshot/file" >"$snapfile"
head -c 150 "$snapfile" >"$tmp/snap-truncated"
expect "restore missing" 125 "^pvmm: --restore /nonexistent: No such file" -- --restore /nonexistent
expect "restore not a snapshot" 125 "--restore .*: not a pvmm snapshot" -- --restore "$tmp/text"
expect "restore empty" 125 "--restore .*: not a snapshot \(empty file\)" -- --restore "$tmp/empty"
expect "restore truncated" 125 "--restore .*: truncated" -- --restore "$tmp/snap-truncated"
expect "restore with reboot restart" 125 "--on-reboot restart: not with --restore" -- --restore "$snapfile" --on-reboot restart
expect "restore other RAM size" 125 "--restore .*: snapshot of a 0 MiB guest, this one has 512 MiB" -- --restore "$snapfile"
# --incoming: its syntax checked before anything is built
expect "incoming bad spec" 125 "^pvmm: --incoming bogus: give uds=PATH or fd:N" -- --incoming bogus
expect "incoming empty path" 125 "^pvmm: --incoming uds=: give uds=PATH or fd:N" -- --incoming uds=
expect "incoming bad fd" 125 "^pvmm: --incoming fd:x: give uds=PATH or fd:N" -- --incoming fd:x
expect "incoming path too long" 125 "^pvmm: --incoming uds=.*: path too long" -- --incoming "uds=/$(printf 'x%.0s' $(seq 120))"
expect "incoming and restore" 125 "^pvmm: --incoming and --restore: one or the other" -- --incoming uds=/tmp/x --restore "$snapfile"
truncate -s 1M "$tmp/disk.img"
: >"$tmp/tiny.img"
expect "missing disk" 125 "^pvmm: --disk /nonexistent.img: No such file" -- --kernel "$guest" --disk /nonexistent.img
expect "disk option" 125 "^pvmm: --disk: unknown option 'rw'" -- --kernel "$guest" --disk "$tmp/disk.img,rw"
expect "disk is a directory" 125 "not a file or block device|Is a directory" -- --kernel "$guest" --disk /tmp,ro
expect "disk too small" 125 "smaller than one sector" -- --kernel "$guest" --disk "$tmp/tiny.img"
expect "too many disks" 125 "too many disks" -- --kernel "$guest" $(for i in $(seq 9); do printf -- '--disk %s ' "$tmp/disk.img,ro"; done)
expect "net without tap" 125 "tap=NAME is required" -- --kernel "$guest" --net mac=02:00:00:00:00:01
expect "net bad mac" 125 "bad MAC address" -- --kernel "$guest" --net tap=t0,mac=01:00:00:00:00:01
for mac in 02:00:00:00:00 02:00:00:00:00:01:02 " 2:00:00:00:00:01" 02:00:00:00:00:100 \
	   02:00:00:00:00:-1 02:00:00:00:00:1g 02:00:00:00::01 02:00:00:00:00:01: +2:00:00:00:00:01; do
	expect "net bad mac '$mac'" 125 "bad MAC address" -- --kernel "$guest" --net "tap=t0,mac=$mac"
done
# A good one (hex digits of either case, one digit a byte) passes the
# parser: what stops this run is the missing KVM.
expect "net good mac" 125 "(KVM_CAP_PPC_PAPR|/dev/kvm)" -- --kernel "$guest" --net tap=t0,mac=02:aA:0:00:00:01
expect "vsock bad cid" 125 "bad cid" -- --kernel "$guest" --vsock cid=2,uds=/tmp/v
expect "vsock without uds" 125 "uds=PATH is required" -- --kernel "$guest" --vsock cid=5
expect "irqchip bad" 125 "^pvmm: --irqchip xive2: must be auto, xive or xics$" -- --kernel "$guest" --irqchip xive2
expect "irqchip checked before the host" 125 "^pvmm: --irqchip XICS: must be" -- --kernel "$guest" --irqchip XICS
expect "no KVM-HV here" 125 "(KVM_CAP_PPC_PAPR|/dev/kvm)" -- --kernel "$guest"
expect "--iommu accepted" 125 "(KVM_CAP_PPC_PAPR|/dev/kvm)" -- \
	--kernel "$guest" --iommu --rng

# --nvram: an image pvmm cannot use is refused and left as it was.
printf 'not an nvram' >"$tmp/nv-short.bin"
head -c 65536 /dev/zero >"$tmp/nv-zero.bin"
expect "nvram wrong size" 125 "^pvmm: --nvram .*/nv-short.bin: not an NVRAM image \(must be 65536 bytes" -- --kernel "$guest" --nvram "$tmp/nv-short.bin"
expect "nvram corrupt" 125 "^pvmm: --nvram .*/nv-zero.bin: corrupt partition table at offset 0" -- --kernel "$guest" --nvram "$tmp/nv-zero.bin"
expect "nvram is a directory" 125 "^pvmm: --nvram /tmp: Is a directory" -- --kernel "$guest" --nvram /tmp
expect "nvram nowhere" 125 "^pvmm: --nvram /nonexistent/nv.bin: No such file" -- --kernel "$guest" --nvram /nonexistent/nv.bin
expect "nvram not a file" 125 "^pvmm: --nvram /dev/null: not a regular file" -- --kernel "$guest" --nvram /dev/null
exec 9<>"$tmp/nv-held.bin"
flock -x 9
expect "nvram in use" 125 "^pvmm: --nvram .*/nv-held.bin: in use by another process" -- --kernel "$guest" --nvram "$tmp/nv-held.bin"
# --rtc-base: a base pvmm cannot place is refused before anything starts.
expect "rtc-base word" 125 "^pvmm: --rtc-base local: must be utc, localtime, YYYY-MM-DD" -- --kernel "$guest" --rtc-base local
expect "rtc-base no such day" 125 "^pvmm: --rtc-base 2031-02-29: must be" -- --kernel "$guest" --rtc-base 2031-02-29
expect "rtc-base zone suffix" 125 "^pvmm: --rtc-base 2031-01-01T00:00:00Z: must be" -- --kernel "$guest" --rtc-base 2031-01-01T00:00:00Z
exec 9>&-
# A new file is created and formatted before the run (here: refused later
# for want of KVM); the refused ones are untouched.
expect "nvram created" 125 "(KVM_CAP_PPC_PAPR|/dev/kvm)" -- --kernel "$guest" --nvram "$tmp/nv-new.bin"
check "nvram created 64 KiB" '[ "$(stat -c %s "$tmp/nv-new.bin" 2>/dev/null)" = 65536 ]'
byte() { od -An -tx1 -j"$2" -N1 "$1" | tr -d ' '; }
check "nvram created formatted" '[ "$(byte "$tmp/nv-new.bin" 0)" = 70 ] && [ "$(byte "$tmp/nv-new.bin" 4096)" = 7f ] && [ "$(dd if="$tmp/nv-new.bin" bs=1 skip=4 count=6 2>/dev/null)" = common ]'
check "nvram refused left alone" '[ "$(cat "$tmp/nv-short.bin")" = "not an nvram" ] && cmp -s "$tmp/nv-zero.bin" <(head -c 65536 /dev/zero)'

# --version: the version, the build, the devices and the libraries.
"$pvmm" --version >"$tmp/version" 2>&1
check "--version exits 0" '"$pvmm" --version >/dev/null 2>&1'
check "--version says what it is" 'grep -qE "^pvmm [0-9a-zA-Z.]" "$tmp/version" && grep -q "^devices: .*--disk" "$tmp/version" && grep -qE "^limits: [0-9]+ vCPUs" "$tmp/version" && grep -qE "^libraries: .*libfdt [0-9].*cJSON [0-9]" "$tmp/version"'
check "-V is --version" '"$pvmm" -V | cmp -s - "$tmp/version"'
# The device modules in README's order (their rank, io/device.h), not the
# linker's: --version, --help (and the PCI slots) alike.
check "--version devices in order" 'grep -qx "devices: --disk --net --rng --vsock" "$tmp/version"'
check "--help devices in order" '[ "$("$pvmm" --help 2>&1 | sed -n "s/^ *--\(disk\|net\|rng\|vsock\) .*/\1/p" | tr "\n" " ")" = "disk net rng vsock " ]'

# --config FILE / --print-config: the effective options as JSON, read
# back to the same options; the command line overrides the file.
"$pvmm" --print-config --kernel "$guest" --mem 1G --cpus 2 --rng \
	--disk "$tmp/disk.img,ro" --disk "$tmp/disk.img,direct" \
	--cmdline 'console=hvc0 "quoted" \ back' --mmu hash --irqchip xics >"$tmp/c1.json" 2>"$tmp/err"
check "--print-config prints JSON" 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"cpus\"] == 2 and d[\"rng\"] is True and d[\"disk\"][1].endswith(\",direct\") and d[\"mem\"] == \"1G\" and d[\"net\"] == [] and d[\"initrd\"] is None" "$tmp/c1.json"'
"$pvmm" --config "$tmp/c1.json" --print-config >"$tmp/c2.json" 2>"$tmp/err"
check "config round trip" 'cmp -s "$tmp/c1.json" "$tmp/c2.json"'
# The sandbox is on unless said: the key is there, false; and it reads back.
check "no-seccomp defaults to false" 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"no-seccomp\"] is False and d[\"debug-seccomp-violation\"] is None" "$tmp/c1.json"'
"$pvmm" --print-config --kernel "$guest" --no-seccomp --debug-seccomp-violation io >"$tmp/s1.json" 2>"$tmp/err"
"$pvmm" --config "$tmp/s1.json" --print-config >"$tmp/s2.json" 2>"$tmp/err"
check "no-seccomp round trip" 'cmp -s "$tmp/s1.json" "$tmp/s2.json" && python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"no-seccomp\"] is True and d[\"debug-seccomp-violation\"] == \"io\"" "$tmp/s2.json"'
"$pvmm" --config "$tmp/c1.json" --cpus 4 --disk "$tmp/disk.img" --print-config >"$tmp/c3.json" 2>"$tmp/err"
check "command line overrides the file" 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"cpus\"] == 4 and d[\"disk\"] == [sys.argv[2]] and d[\"mmu\"] == \"hash\" and d[\"irqchip\"] == \"xics\"" "$tmp/c3.json" "$tmp/disk.img"'
# The README's example configuration is one pvmm takes.
python3 -c 'import re,sys; print(re.search(r"```json\n(.*?)```", open(sys.argv[1]).read(), re.S).group(1))' \
	"$(dirname "$0")/../README.md" >"$tmp/readme.json"
"$pvmm" --config "$tmp/readme.json" --print-config >"$tmp/readme-out.json" 2>"$tmp/err"
check "README's example config" 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"cpus\"] == 4 and len(d[\"disk\"]) == 3 and d[\"rng\"] is True" "$tmp/readme-out.json"'
printf '{"kernel": "/nonexistent"}' >"$tmp/k.json"
expect "config file's kernel is used" 125 "^pvmm: /nonexistent: No such file" -- --config "$tmp/k.json"
expect "command line's kernel wins" 125 "^pvmm: /nonexistent2: No such file" -- --config "$tmp/k.json" --kernel /nonexistent2
# Every class of bad configuration: one line naming the key path, 125.
bad() { # bad NAME JSON PATTERN
	printf '%s' "$2" >"$tmp/bad.json"
	expect "config: $1" 125 "$3" -- --config "$tmp/bad.json" --kernel "$guest"
}
expect "config: missing file" 125 "^pvmm: --config /nonexistent.json: .*No such file" -- --config /nonexistent.json --kernel "$guest"
bad "empty file" '' "bad.json: line 1 column 0: "
bad "syntax error" '{"cpus": 1,}' "bad.json: line 1 column 12: "
bad "duplicate key" '{"cpus": 1, "cpus": 2}' "bad.json: cpus: duplicate object key$"
bad "not an object" '["--cpus", "2"]' "bad.json: not a JSON object"
bad "unknown key" '{"cpu": 2}' "bad.json: cpu: unknown key$"
bad "no nested config" '{"config": "x.json"}' "bad.json: config: unknown key$"
bad "flag not boolean" '{"rng": 1}' "bad.json: rng: must be true or false$"
bad "no-seccomp not boolean" '{"no-seccomp": "yes"}' "bad.json: no-seccomp: must be true or false$"
bad "seccomp aid's thread" '{"debug-seccomp-violation": "gpu"}' "bad.json: debug-seccomp-violation: --debug-seccomp-violation gpu: must be main, vcpu, io or api$"
bad "string not string" '{"initrd": 5}' "bad.json: initrd: must be a string$"
bad "number as string" '{"cpus": "2"}' "bad.json: cpus: must be an integer$"
bad "number not integer" '{"cpus": 2.5}' "bad.json: cpus: must be an integer$"
bad "list not array" '{"disk": "a.img"}' "bad.json: disk: must be an array of strings$"
bad "list element" "{\"disk\": [\"$tmp/disk.img\", 3]}" "bad.json: disk\[1\]: must be a string$"
bad "number out of range" '{"cpus": 9999}' "bad.json: cpus: --cpus 9999: must be 1 to"
bad "negative number" '{"shutdown-timeout": -1}' "bad.json: shutdown-timeout: --shutdown-timeout -1: must be"
bad "bad size" '{"mem": "12Q"}' "bad.json: mem: --mem 12Q: not a size$"
bad "size too small" '{"mem": "1M"}' "bad.json: mem: --mem 1M: less than the"
bad "bad choice" '{"mmu": "nested"}' "bad.json: mmu: --mmu nested: must be auto, radix or hash$"
bad "bad irqchip" '{"irqchip": "mpic"}' "bad.json: irqchip: --irqchip mpic: must be auto, xive or xics$"
bad "bad device option" "{\"disk\": [\"$tmp/disk.img\", \"$tmp/disk.img,rw\"]}" "bad.json: disk\[1\]: --disk: unknown option 'rw'"
bad "bad device value" '{"net": ["tap=t0,mac=01:00:00:00:00:01"]}' "bad.json: net\[0\]: --net: bad MAC address"
bad "missing device file" '{"disk": ["/nonexistent.img"]}' "^pvmm: --disk /nonexistent.img: No such file"
bad "NUL in a string" '{"cmdline": "a\u0000b"}' "bad.json: line 1 column [0-9]+: .*NUL"

# Harness controls: refused with one line before anything starts.
expect "affinity not a CPU" 125 "^pvmm: --cpu-affinity 0,x: 'x' is not a CPU number" -- --kernel "$guest" --cpu-affinity 0,x
expect "affinity io twice" 125 "'io=1' is not a CPU number or io=CPU \(given once\)" -- --kernel "$guest" --cpu-affinity io=0,io=1
expect "affinity count" 125 "^pvmm: --cpu-affinity: 1 CPUs for 2 vCPUs" -- --kernel "$guest" --cpus 2 --cpu-affinity 0
expect "affinity CPU not allowed" 125 "^pvmm: --cpu-affinity: CPU 1000 \(vCPU 0\) is not in this process's allowed set" -- --kernel "$guest" --cpu-affinity 1000
expect "affinity io not allowed" 125 "CPU 1000 \(io\) is not in this process's allowed set" -- --kernel "$guest" --cpu-affinity io=1000
real=$pvmm pvmm=$tmp/pinned
printf '#!/bin/sh\nexec taskset -c 0 "%s" "$@"\n' "$real" >"$pvmm"
chmod +x "$pvmm"
expect "affinity outside taskset" 125 "CPU 1 \(vCPU 0\) is not in this process's allowed set of 1 CPUs" -- --kernel "$guest" --cpu-affinity 1
pvmm=$real
expect "affinity accepted" 125 "(KVM_CAP_PPC_PAPR|/dev/kvm)" -- --kernel "$guest" --cpus 2 --cpu-affinity 0,0,io=0
expect "mem-backing bad" 125 "^pvmm: --mem-backing huge: must be normal, thp, hugetlb" -- --kernel "$guest" --mem-backing huge
expect "mem-backing bad size" 125 "^pvmm: --mem-backing hugetlb:3M: must be" -- --kernel "$guest" --mem-backing hugetlb:3M
expect "mem-backing no such size" 125 "^pvmm: --mem-backing hugetlb: this host has no 32 KiB huge pages" -- --kernel "$guest" --mem-backing hugetlb:32K
if [ "$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)" = 0 ]; then
	expect "hugetlb, none reserved" 125 "^pvmm: --mem-backing hugetlb: the guest needs 256 huge pages of [0-9]+ KiB, this host has 0 free" -- --kernel "$guest" --mem 512M --mem-backing hugetlb
fi
expect "thp accepted" 125 "(KVM_CAP_PPC_PAPR|/dev/kvm)" -- --kernel "$guest" --mem-backing thp
expect "events bad fd" 125 "^pvmm: --events fd:99: not an open file descriptor" -- --kernel "$guest" --events fd:99
expect "events read-only fd" 125 "^pvmm: --events fd:0: not open for writing" -- --kernel "$guest" --events fd:0
expect "events bad spec" 125 "^pvmm: --events fd:x: not fd:N" -- --kernel "$guest" --events fd:x
expect "events nowhere" 125 "^pvmm: --events /nonexistent/ev: No such file" -- --kernel "$guest" --events /nonexistent/ev
expect "events accepted" 125 "(KVM_CAP_PPC_PAPR|/dev/kvm)" -- --kernel "$guest" --events "$tmp/ev.jsonl"
check "events: start line before the refusal" 'grep -qE "^\{\"event\": \"start\", \"mono_ns\": [0-9]+, \"since_start_ns\": 0\}$" "$tmp/ev.jsonl"'

# --entry: firmware-style placement and entry, or Linux's.
expect "entry bad" 125 "^pvmm: --entry bios: must be linux, firmware or firmware:ADDR" -- --kernel "$guest" --entry bios
expect "entry bad address" 125 "^pvmm: --entry firmware:0x1234: must be" -- --kernel "$guest" --entry firmware:0x1234
expect "entry with --raw" 125 "^pvmm: --entry firmware: not with --raw" -- --kernel "$guest" --raw --entry firmware
expect "entry beyond RAM" 125 "segment outside usable RAM|outside" -- --kernel "$guest" --mem 64M --entry firmware:0x8000000
expect "entry firmware accepted" 125 "(KVM_CAP_PPC_PAPR|/dev/kvm)" -- --kernel "$guest" --entry firmware:0x800000

# Debugging aids live under --debug-*; the old names are gone, and so are
# the two checks snapshot and restore replaced.
for old in --check-vcpu-state --check-hpt-migration "--dump-hpt $tmp/h" \
	--debug-check-vcpu-state --debug-check-hpt-migration; do
	# shellcheck disable=SC2086
	"$pvmm" --kernel "$guest" $old >/dev/null 2>"$tmp/err"
	rc=$?
	check "old test aid ${old%% *} refused" '[ $rc -eq 125 ] && grep -q "unrecognized option" "$tmp/err"'
done
expect "--debug-dump-hpt accepted" 125 "(KVM_CAP_PPC_PAPR|/dev/kvm)" -- \
	--kernel "$guest" --debug-dump-hpt "$tmp/h"

finish
