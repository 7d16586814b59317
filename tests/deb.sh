#!/usr/bin/env bash
# The Debian package: scripts/deb.sh builds pvmm_VERSION_ppc64el.deb on
# this x86 machine; check its fields, its exact contents, that its
# binary is the static ppc64le pvmm (run under qemu-ppc64le-static), that
# its man page is pvmm.1, and lintian (as far as lintian on x86 checks a
# foreign-architecture .deb).
set -u
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

deb=$("$top/scripts/deb.sh" "$tmp/out" 2>"$tmp/err")
check "deb builds" '[ -f "$deb" ] || { cat "$tmp/err"; false; }'
check "deb name" '[[ "$(basename "$deb")" =~ ^pvmm_[0-9][^_]*_ppc64el\.deb$ ]]'
field() { dpkg-deb -f "$deb" "$1"; }
check "Package, Architecture" '[ "$(field Package)" = pvmm ] && [ "$(field Architecture)" = ppc64el ]'
check "Version is the file's" '[ "pvmm_$(field Version)_ppc64el.deb" = "$(basename "$deb")" ]'
check "no run-time Depends (static)" '[ -z "$(field Depends)" ]'
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $1, $2, $NF }' | sort -k3 >"$tmp/list"
cat >"$tmp/want" <<'EOT'
-rwxr-xr-x root/root ./usr/bin/pvmm
-rw-r--r-- root/root ./usr/share/bash-completion/completions/pvmm
-rw-r--r-- root/root ./usr/share/doc/pvmm/changelog.gz
-rw-r--r-- root/root ./usr/share/doc/pvmm/copyright
-rw-r--r-- root/root ./usr/share/lintian/overrides/pvmm
-rw-r--r-- root/root ./usr/share/man/man1/pvmm.1.gz
EOT
check "contents, modes, owners" 'diff -u "$tmp/want" "$tmp/list"'
dpkg-deb -x "$deb" "$tmp/x"
check "binary: static ppc64le, stripped" 'file -b "$tmp/x/usr/bin/pvmm" | grep -q "64-bit LSB executable, 64-bit PowerPC.*statically linked.*stripped" && ! file -b "$tmp/x/usr/bin/pvmm" | grep -q "not stripped"'
if command -v qemu-ppc64le-static >/dev/null; then
	check "binary runs: --version" 'qemu-ppc64le-static "$tmp/x/usr/bin/pvmm" --version | grep -q "^build: ppc64le, static (musl)"'
fi
check "man page is pvmm.1" 'scdoc <"$top/doc/pvmm.1.scd" | cmp -s - <(gzip -dc "$tmp/x/usr/share/man/man1/pvmm.1.gz")'
check "completion is the tree's" 'cmp -s "$top/doc/pvmm.bash-completion" "$tmp/x/usr/share/bash-completion/completions/pvmm"'
if command -v lintian >/dev/null; then
	lintian --tag-display-limit 0 "$deb" >"$tmp/lintian" 2>&1
	check "lintian clean" '! grep -E "^[EW]: " "$tmp/lintian" || { cat "$tmp/lintian"; false; }'
fi

finish
