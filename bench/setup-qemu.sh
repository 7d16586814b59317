#!/usr/bin/env bash
# The comparison baselines for `make bench`: Debian's ppc64el
# qemu-system-ppc64 with the shared libraries it loads and its SLOF and VOF
# firmware, as a tree that bench.py adds to Host A's initramfs.
#
#   bench/setup-qemu.sh        bookworm's QEMU (7.2): .cache/qemu/root, at /
#   bench/setup-qemu.sh sid    Debian unstable's, the newest QEMU:
#                              .cache/qemu-sid/root, under /opt/qemu-sid in
#                              Host A (its own glibc and loader, so the two
#                              closures do not mix; benchvmm starts it
#                              through that loader)
#
# Needs scripts/setup.sh first (its private ppc64el apt lists; for sid the
# private state it keeps for the kernel matrix, .cache/apt-sid, updated here
# only if it is missing).  Idempotent: a second run only checks the
# package version.
#
# The packages (the dependency closure of qemu-system-ppc) are fetched with
# apt-get download and unpacked with dpkg -x, never installed; the tree
# keeps only what `readelf -d` NEEDED says the binary loads.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=$top/.cache
suite=${1:-}
arch=powerpc64le-linux-gnu

log() { printf 'bench-setup%s: %s\n' "${suite:+ $suite}" "$*"; }

case $suite in
"")
	q=$cache/qemu prefix=
	lists=$cache/apt/lists
	ppc_apt=(-o APT::Architecture=ppc64el -o APT::Architectures::=ppc64el
		 -o Dir::State::Lists="$lists"
		 -o Dir::Cache="$cache/apt/cache" -o Dir::State::status=/dev/null)
	;;
sid)
	q=$cache/qemu-sid prefix=opt/qemu-sid
	sdir=$cache/apt-sid lists=$cache/apt-sid/lists
	# Downloads go to our own cache: .cache/ may be hardlinked between
	# worktrees, so nothing in apt-sid is written unless it is missing.
	ppc_apt=(-o APT::Architecture=ppc64el -o APT::Architectures::=ppc64el
		 -o Dir::State::Lists="$lists" -o Dir::Cache="$q/apt"
		 -o Dir::State::status=/dev/null
		 -o Dir::Etc::SourceList="$sdir/sources.list"
		 -o Dir::Etc::SourceParts=/dev/null)
	if ! ls "$lists"/*_sid_main_binary-ppc64el_Packages* >/dev/null 2>&1; then
		mkdir -p "$lists/partial"
		[ -f "$sdir/sources.list" ] ||
			echo "deb [arch=ppc64el] http://deb.debian.org/debian sid main" \
				>"$sdir/sources.list"
		apt-get "${ppc_apt[@]}" -qq update || true
	fi
	;;
*) log "unknown suite (none for bookworm, or sid)"; exit 2 ;;
esac
mkdir -p "$q/apt/archives/partial"

[ -d "$lists" ] || { log "run scripts/setup.sh first"; exit 1; }
version=$(apt-cache "${ppc_apt[@]}" show --no-all-versions qemu-system-ppc \
	2>/dev/null | sed -n 's/^Version: //p')
[ -n "$version" ] || { log "qemu-system-ppc (ppc64el) does not resolve"; exit 1; }
if [ -f "$q/done" ] && [ "$(cat "$q/done")" = "$version" ] &&
   [ -x "$q/root/$prefix/usr/bin/qemu-system-ppc64" ] &&
   { [ -n "$suite" ] || [ -x "$q/root/usr/bin/strace" ]; }; then
	log "up to date (qemu-system-ppc $version)"
	exit 0
fi

log "fetching the ppc64el qemu-system-ppc $version closure"
rm -rf "$q/debs" "$q/full" "$q/root" "$q/done"
mkdir -p "$q/debs" "$q/full" "$q/root/$prefix"
t=$q/root/$prefix
mapfile -t pkgs < <(apt-cache "${ppc_apt[@]}" depends --recurse \
	--no-recommends --no-suggests --no-conflicts --no-breaks \
	--no-replaces --no-enhances qemu-system-ppc 2>/dev/null |
	grep -v '^[ <]' | sort -u)
# strace for the hcall path check (bench/scenarios/hcall.scn): it needs
# only libc, which the QEMU closure brings.
[ -z "$suite" ] && pkgs+=(strace)
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
	mkdir -p "$t/$(dirname "$1")"
	cp -L "$q/full/$1" "$t/$1"
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
# The loader: /lib/ARCH in bookworm, /usr/lib/ARCH in merged-/usr sid.
ld=lib/$arch/ld64.so.2
[ -e "$q/full/$ld" ] || ld=usr/$ld
keep "$ld"
mkdir -p "$t/lib64"
ln -sfn "../$ld" "$t/lib64/ld64.so.2"
[ -z "$suite" ] && keep usr/bin/strace
keep usr/share/qemu/slof.bin
keep usr/share/qemu/vof.bin

# It must start: run it under user-mode emulation against the tree alone.
qemu-ppc64le-static -L "$t" "$t/usr/bin/qemu-system-ppc64" \
	--version | head -n1
rm -rf "$q/full"
echo "$version" >"$q/done"
log "done: $(find "$q/root" -type f | wc -l) files, $(du -sh "$q/root" | cut -f1)"
