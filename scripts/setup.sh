#!/usr/bin/env bash
# Install and fetch everything pvmm's build, tests and benchmarks need on a
# bare Debian 12 x86_64 machine.  Idempotent: a second run only checks.
#
# Host tools come from apt.  ppc64el packages (kernel, busybox, musl, libfdt,
# liburing) are fetched with apt-get download into .cache/ and unpacked with
# dpkg -x; the system's own apt state never learns about ppc64el.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=$top/.cache
stamp=$cache/setup.done
mkdir -p "$cache"

# Bump when the fetched package set changes, so caches are refreshed.
setup_rev=4

log() { printf 'setup: %s\n' "$*"; }

host_pkgs=(make gcc libc6-dev qemu-system-ppc gcc-powerpc64le-linux-gnu
	   qemu-user-static device-tree-compiler cpio gzip xz-utils file
	   libfdt-dev liburing-dev libcmocka-dev zlib1g-dev pkg-config python3
	   cppcheck clang-format binutils e2fsprogs kmod)

install_host_pkgs() {
	local missing=()
	for p in "${host_pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return
	log "installing ${missing[*]}"
	local sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
		--no-install-recommends "${missing[@]}"
}

# apt options that keep ppc64el in a private state directory.
ppc_apt=(-o APT::Architecture=ppc64el -o APT::Architectures::=ppc64el
	 -o Dir::State::Lists="$cache/apt/lists"
	 -o Dir::Cache="$cache/apt/cache" -o Dir::State::status=/dev/null)

ppc_update() {
	mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial"
	# The security suite's ppc64el index is sometimes inconsistent on the
	# mirror and apt exits 100; what matters is that our packages resolve.
	# (rm first: the log may be a hard link shared with another checkout)
	rm -f "$cache/apt/update.log"
	apt-get "${ppc_apt[@]}" -qq update >"$cache/apt/update.log" 2>&1 || true
}

resolve_kernel() {
	# The metapackage names the current ABI's image package.
	apt-cache "${ppc_apt[@]}" depends linux-image-powerpc64le 2>/dev/null |
		sed -n 's/.*Depends: \(linux-image-[0-9].*-powerpc64le\)$/\1/p' |
		head -n1
}

fetch() { # fetch PKG... into .cache/debs
	mkdir -p "$cache/debs"
	(cd "$cache/debs" && apt-get "${ppc_apt[@]}" -qq download "$@" \
		2>&1 | grep -v 'unsandboxed' || true)
	for p in "$@"; do
		ls "$cache/debs/${p}"_*.deb >/dev/null 2>&1 ||
			{ log "could not download ppc64el package $p"; exit 1; }
	done
}

# depmod BASE VER: Debian's kernel .debs carry no modules.dep (their
# postinst runs depmod); the initramfs builders (tests/kmods.py) load
# modules in the order it gives, so make it here, as an installed kernel
# would have it.  BASE/lib/modules/VER holds the modules.
index_modules() {
	PATH=$PATH:/usr/sbin:/sbin depmod -b "$1" "$2" ||
		{ log "depmod failed for $1/lib/modules/$2"; return 1; }
	[ -s "$1/lib/modules/$2/modules.dep" ] ||
		{ log "depmod wrote no modules.dep for $2"; return 1; }
}

unpack() { # unpack PKG DIR
	rm -rf "$2"
	mkdir -p "$2"
	dpkg -x "$(ls "$cache/debs/${1}"_*.deb | tail -n1)" "$2"
}

make_sysroot() {
	local sr=$cache/sysroot inc
	rm -rf "$sr"
	for p in musl musl-dev libfdt-dev liburing-dev zlib1g-dev linux-libc-dev; do
		dpkg -x "$(ls "$cache/debs/${p}"_*.deb | tail -n1)" "$sr"
	done
	inc=$sr/usr/include/powerpc64le-linux-musl
	# Kernel ABI headers (KVM, io_uring) from ppc64el linux-libc-dev: the
	# cross compiler does not bring them without its recommends.
	for d in linux asm-generic; do
		ln -sfn "../$d" "$inc/$d"
	done
	ln -sfn ../powerpc64le-linux-gnu/asm "$inc/asm"
	[ -f "$inc/linux/kvm.h" ] && [ -f "$inc/asm/kvm.h" ] ||
		{ log "ppc64el kernel headers missing from the sysroot"; exit 1; }
	# Debian's libfdt.a, liburing.a and libz.a are glibc builds: refuse them if
	# they need a fortified symbol musl does not provide.
	local chk
	# zlib's gz* file API (gzprintf...) is never linked: only inflate is.
	chk=$(powerpc64le-linux-gnu-nm -A -u \
		"$sr/usr/lib/powerpc64le-linux-gnu/libfdt.a" \
		"$sr/usr/lib/powerpc64le-linux-gnu/liburing.a" \
		"$sr/usr/lib/powerpc64le-linux-gnu/libz.a" |
		grep -v 'libz.a:gz' |
		awk '$NF ~ /^__.*_chk$/ && $NF != "__stack_chk_fail" {print $NF}' |
		sort -u)
	if [ -n "$chk" ]; then
		log "libfdt.a/liburing.a/libz.a need symbols musl lacks: $chk"
		exit 1
	fi
}

main() {
	install_host_pkgs
	local kpkg
	ppc_update
	kpkg=$(resolve_kernel)
	[ -n "$kpkg" ] || { log "cannot resolve the ppc64el kernel package"; exit 1; }
	if [ -f "$stamp" ] && grep -qx "KPKG=$kpkg" "$stamp" &&
	   grep -qx "SETUP_REV=$setup_rev" "$stamp"; then
		log "up to date ($kpkg)"
		return
	fi
	log "fetching ppc64el packages ($kpkg)"
	fetch "$kpkg" busybox-static musl musl-dev libfdt-dev liburing-dev \
		zlib1g-dev linux-libc-dev
	make_sysroot
	unpack "$kpkg" "$cache/kernel"
	index_modules "$cache/kernel" "${kpkg#linux-image-}" || exit 1
	unpack busybox-static "$cache/busybox"
	local kver=${kpkg#linux-image-}
	{
		echo "SETUP_REV=$setup_rev"
		echo "KPKG=$kpkg"
		echo "KVER=$kver"
		echo "VMLINUX=$cache/kernel/boot/vmlinux-$kver"
		echo "KMODS=$cache/kernel/lib/modules/$kver"
		echo "BUSYBOX=$cache/busybox/bin/busybox"
		echo "SYSROOT=$cache/sysroot"
	} >"$cache/env.tmp"
	mv "$cache/env.tmp" "$cache/env"
	cp "$cache/env" "$stamp"
	log "done ($kpkg)"
}

main "$@"
