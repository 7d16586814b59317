#!/usr/bin/env bash
# The comparison baseline for `make bench`: Debian's ppc64el
# qemu-system-ppc64 with the shared libraries it loads and its SLOF and VOF
# firmware, as a tree (.cache/qemu/root) that bench.py adds to Host A's
# initramfs.  Needs scripts/setup.sh first (its private ppc64el apt lists).
# Idempotent: a second run only checks the package version.
#
# The packages (the dependency closure of qemu-system-ppc) are fetched with
# apt-get download and unpacked with dpkg -x, never installed; the tree
# keeps only what `readelf -d` NEEDED says the binary loads.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=$top/.cache
q=$cache/qemu
arch=powerpc64le-linux-gnu

log() { printf 'bench-setup: %s\n' "$*"; }

ppc_apt=(-o APT::Architecture=ppc64el -o APT::Architectures::=ppc64el
	 -o Dir::State::Lists="$cache/apt/lists"
	 -o Dir::Cache="$cache/apt/cache" -o Dir::State::status=/dev/null)

[ -d "$cache/apt/lists" ] || { log "run scripts/setup.sh first"; exit 1; }
version=$(apt-cache "${ppc_apt[@]}" show --no-all-versions qemu-system-ppc \
	2>/dev/null | sed -n 's/^Version: //p')
[ -n "$version" ] || { log "qemu-system-ppc (ppc64el) does not resolve"; exit 1; }
if [ -f "$q/done" ] && [ "$(cat "$q/done")" = "$version" ] &&
   [ -x "$q/root/usr/bin/qemu-system-ppc64" ]; then
	log "up to date (qemu-system-ppc $version)"
	exit 0
fi

log "fetching the ppc64el qemu-system-ppc $version closure"
rm -rf "$q"
mkdir -p "$q/debs" "$q/full" "$q/root"
mapfile -t pkgs < <(apt-cache "${ppc_apt[@]}" depends --recurse \
	--no-recommends --no-suggests --no-conflicts --no-breaks \
	--no-replaces --no-enhances qemu-system-ppc 2>/dev/null |
	grep -v '^[ <]' | sort -u)
(cd "$q/debs" && apt-get "${ppc_apt[@]}" -qq download "${pkgs[@]}" 2>&1 |
	grep -v unsandboxed || true)
for p in qemu-system-ppc qemu-system-data; do
	ls "$q/debs/${p}"_*.deb >/dev/null 2>&1 ||
		{ log "could not download $p"; exit 1; }
done
for deb in "$q"/debs/*.deb; do
	dpkg -x "$deb" "$q/full"
done

# keep FILE: copy one file of the unpacked closure into the tree.
keep() {
	mkdir -p "$q/root/$(dirname "$1")"
	cp -L "$q/full/$1" "$q/root/$1"
}

# The binary and, transitively, every shared object it names.
todo=(usr/bin/qemu-system-ppc64)
seen=" "
while [ ${#todo[@]} -gt 0 ]; do
	f=${todo[0]}
	todo=("${todo[@]:1}")
	keep "$f"
	for so in $(readelf -d "$q/full/$f" |
		    sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		case $seen in *" $so "*) continue ;; esac
		seen="$seen$so "
		for d in lib/$arch usr/lib/$arch; do
			if [ -e "$q/full/$d/$so" ]; then
				todo+=("$d/$so")
				continue 2
			fi
		done
		log "$so (needed by $f) is not in the closure"
		exit 1
	done
done
keep "lib/$arch/ld64.so.2"
mkdir -p "$q/root/lib64"
ln -sfn "../lib/$arch/ld64.so.2" "$q/root/lib64/ld64.so.2"
keep usr/share/qemu/slof.bin
keep usr/share/qemu/vof.bin

# It must start: run it under user-mode emulation against the tree alone.
qemu-ppc64le-static -L "$q/root" "$q/root/usr/bin/qemu-system-ppc64" \
	--version | head -n1
rm -rf "$q/full"
echo "$version" >"$q/done"
log "done: $(find "$q/root" -type f | wc -l) files, $(du -sh "$q/root" | cut -f1)"
