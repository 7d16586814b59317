#!/usr/bin/env bash
# Install and fetch everything pvmm's build, tests and benchmarks need on a
# bare Debian 12 x86_64 machine.  Idempotent: a second run only checks.
#
# Host tools come from apt.  ppc64el packages (kernel, busybox, musl, libfdt,
# liburing) are fetched with apt-get download into .cache/ and unpacked with
# dpkg -x; the system's own apt state never learns about ppc64el.  Then the
# guest-kernel matrix (see kernels= below), each kernel recorded in
# .cache/kernels.tsv as fetched or skipped with why.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=$top/.cache
stamp=$cache/setup.done
mkdir -p "$cache"

# Bump when the fetched package set changes, so caches are refreshed.
setup_rev=6

log() { printf 'setup: %s\n' "$*"; }

host_pkgs=(make gcc libc6-dev qemu-system-ppc gcc-powerpc64le-linux-gnu
	   qemu-user-static device-tree-compiler cpio gzip xz-utils file
	   libfdt-dev liburing-dev libcmocka-dev zlib1g-dev pkg-config python3
	   cppcheck clang-format binutils e2fsprogs kmod libcjson-dev scdoc lintian
	   clang libclang-rt-14-dev	# these two: make fuzz (libFuzzer)
	   libseccomp-dev	# the sandbox's filters, made at build time
	   dpkg-dev curl)	# the libraries' sources (scripts/build-libs.sh)

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
	for p in musl musl-dev libfdt-dev liburing-dev zlib1g-dev \
		 linux-libc-dev; do
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
	# The archives pvmm links are not these (glibc builds, -O2) but
	# scripts/build-libs.sh's, which checks they need no fortified
	# symbol musl lacks; these packages give the sysroot its headers.
}

# --- the guest-kernel matrix ----------------------------------------------
# Kernels the e2e tests boot under pvmm: NAME, the suites whose index
# names it ("-": the machine's own suites, i.e. the default kernel fetched
# above) and the metapackage that names the current ABI there.  Versions
# are never written down: they move.
kernels=(
	"debian12 bookworm linux-image-powerpc64le"
	"debian12-security - linux-image-powerpc64le"
	"debian13 trixie,trixie-security linux-image-powerpc64le"
	"unstable sid linux-image-powerpc64le"
	"unstable-64k sid linux-image-powerpc64le-64k"
)
default_kernel=debian12-security

# mirror_uri main|security: the Debian archive URI this machine's apt uses
# (one-line .list or deb822 .sources), reused for suites it does not list.
mirror_uri() {
	{
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
			2>/dev/null | sed -n 's/\[[^]]*\]//; s/^deb[ \t]\+//p' |
			awk '{ print $1, $2 }'
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			# paragraphs: every URI with every suite
			awk 'BEGIN { RS = "" } {
				u = ""; s = ""; n = split($0, l, "\n")
				for (i = 1; i <= n; i++) {
					if (l[i] ~ /^URIs:/) u = substr(l[i], 6)
					if (l[i] ~ /^Suites:/) s = substr(l[i], 8)
				}
				nu = split(u, us, " "); ns = split(s, ss, " ")
				for (i = 1; i <= nu; i++)
					for (j = 1; j <= ns; j++) print us[i], ss[j]
			}' "$f"
		done
	} | awk -v want="$1" '$1 ~ /debian/ &&
		((want == "security" && $2 ~ /-security$/) ||
		 (want == "main" && $2 !~ /-/)) { print $1; exit }'
}

# suite_apt SUITES: apt options for a private ppc64el state holding only
# SUITES (comma-separated), in sapt; its index is updated once per run.
declare -A suite_updated=()
suite_apt() {
	local dir=$cache/apt-${1//,/+} s uri
	sapt=(-o APT::Architecture=ppc64el -o APT::Architectures::=ppc64el
	      -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache"
	      -o Dir::State::status=/dev/null
	      -o Dir::Etc::SourceList="$dir/sources.list"
	      -o Dir::Etc::SourceParts=/dev/null)
	[ -n "${suite_updated[$1]:-}" ] && return 0
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	rm -f "$dir/sources.list.tmp"
	for s in ${1//,/ }; do
		case $s in
		*-security) uri=$(mirror_uri security) ;;
		*) uri=$(mirror_uri main) ;;
		esac
		[ -n "$uri" ] || { sapt_err="no Debian mirror for $s in /etc/apt"; return 1; }
		echo "deb [arch=ppc64el] $uri $s main" >>"$dir/sources.list.tmp"
	done
	mv "$dir/sources.list.tmp" "$dir/sources.list"
	rm -f "$dir/update.log"
	apt-get "${sapt[@]}" -qq update >"$dir/update.log" 2>&1 || true
	suite_updated[$1]=1
}

# matrix_kernel NAME SUITES META: resolve, fetch, unpack and index one
# kernel; prints its line for .cache/kernels.tsv (tab-separated):
#   NAME ok PACKAGE VERSION VMLINUX MODULES_DIR
#   NAME skip REASON
matrix_kernel() {
	local name=$1 suites=$2 meta=$3 img kver dir p deb vml mods reason
	local opts=("${ppc_apt[@]}") pkgs=()
	if [ "$suites" != - ]; then
		suite_apt "$suites" ||
			{ printf '%s\tskip\t%s\n' "$name" "$sapt_err"; return; }
		opts=("${sapt[@]}")
	fi
	img=$(apt-cache "${opts[@]}" depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' |
		head -n1) || true
	if [ -z "$img" ]; then
		printf '%s\tskip\t%s does not resolve in %s\n' "$name" "$meta" "$suites"
		return
	fi
	kver=${img#linux-image-}
	if [ "$suites" = - ]; then	# the default kernel, fetched by main
		printf '%s\tok\t%s\t%s\t%s\t%s\n' "$name" "$img" "$kver" \
			"$cache/kernel/boot/vmlinux-$kver" \
			"$cache/kernel/lib/modules/$kver"
		return
	fi
	# Unstable splits the image: linux-image-VER is 2 KB and depends on
	# linux-binary-VER (vmlinuz), linux-modules-VER and linux-base-VER.
	pkgs=("$img")
	while read -r p; do
		pkgs+=("$p")
	done < <(apt-cache "${opts[@]}" depends "$img" 2>/dev/null |
		awk -v v="-$kver" '$1 == "Depends:" && $2 ~ /^linux-/ &&
			substr($2, length($2) - length(v) + 1) == v { print $2 }' |
		sort -u)
	dir=$cache/kernels/$name
	if [ -f "$dir/.line" ] && [ "$(cat "$dir/.pkgs" 2>/dev/null)" = "${pkgs[*]}" ]; then
		cat "$dir/.line"
		return
	fi
	rm -rf "$dir"
	mkdir -p "$cache/debs"
	rm -f "$cache/kernels/$name.log"
	(cd "$cache/debs" && apt-get "${opts[@]}" -qq download "${pkgs[@]}") \
		>"$cache/kernels/$name.log" 2>&1 || true
	mkdir -p "$dir"
	for p in "${pkgs[@]}"; do
		deb=$(ls "$cache/debs/${p}"_*.deb 2>/dev/null | tail -n1) || true
		if [ -z "$deb" ]; then
			# "E: Failed to fetch URL  404  Not Found [IP: ...]"
			reason=$(sed -n 's/^E: Failed to fetch \([^ ]*\)\/pool\/[^ ]* \+\([0-9]\+\) \+\([^[]*\).*/\2 \3from \1/p' \
				"$cache/kernels/$name.log" | head -n1)
			printf '%s\tskip\t%s: download failed: %s\n' "$name" "$p" \
				"${reason:-see .cache/kernels/$name.log}"
			rm -rf "$dir"
			return
		fi
		dpkg -x "$deb" "$dir"
	done
	vml=$(ls "$dir/boot/vmlinux-$kver" "$dir/usr/lib/modules/$kver/vmlinuz" \
		"$dir/boot/vmlinuz-$kver" 2>/dev/null | head -n1) || true
	mods=$(ls -d "$dir/lib/modules/$kver" "$dir/usr/lib/modules/$kver" \
		2>/dev/null | head -n1) || true
	case "$(file -b "${vml:-/nonexistent}" 2>/dev/null)" in
	ELF*|gzip*) ;;
	*) printf '%s\tskip\tno ELF kernel image in %s\n' "$name" "${pkgs[*]}"
	   rm -rf "$dir"; return ;;
	esac
	if [ -z "$mods" ] || ! index_modules "${mods%/lib/modules/$kver}" "$kver" >&2; then
		printf '%s\tskip\tno usable modules in %s\n' "$name" "${pkgs[*]}"
		rm -rf "$dir"
		return
	fi
	printf '%s\tok\t%s\t%s\t%s\t%s\n' "$name" "$img" "$kver" "$vml" "$mods" \
		>"$dir/.line"
	echo "${pkgs[*]}" >"$dir/.pkgs"
	cat "$dir/.line"
}

kernel_matrix() {
	local k
	mkdir -p "$cache/kernels"
	{
		echo "# guest-kernel matrix (scripts/setup.sh); default: $default_kernel"
		echo "# NAME ok PACKAGE VERSION VMLINUX MODULES | NAME skip REASON"
		for k in "${kernels[@]}"; do
			# shellcheck disable=SC2086
			matrix_kernel $k
		done
	} >"$cache/kernels.tmp"
	mv "$cache/kernels.tmp" "$cache/kernels.tsv"
	awk -F'\t' '$1 !~ /^#/ { print "setup: kernel " $1 ": " \
		($2 == "ok" ? $4 : "SKIP " $3) }' "$cache/kernels.tsv"
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
	else
		fetch_default "$kpkg"
	fi
	# musl, zlib, libfdt, liburing and cJSON built for size from
	# their Debian sources (issue #16); once, then only checked.
	export -f mirror_uri
	"$top/scripts/build-libs.sh" "$cache" "$cache/sysroot"
	kernel_matrix
}

fetch_default() {
	local kpkg=$1 kver=${1#linux-image-}
	log "fetching ppc64el packages ($kpkg)"
	fetch "$kpkg" busybox-static musl musl-dev libfdt-dev liburing-dev \
		zlib1g-dev linux-libc-dev
	make_sysroot
	unpack "$kpkg" "$cache/kernel"
	index_modules "$cache/kernel" "$kver" || exit 1
	unpack busybox-static "$cache/busybox"
	{
		echo "SETUP_REV=$setup_rev"
		echo "KPKG=$kpkg"
		echo "KVER=$kver"
		echo "VMLINUX=$cache/kernel/boot/vmlinux-$kver"
		echo "KMODS=$cache/kernel/lib/modules/$kver"
		echo "BUSYBOX=$cache/busybox/bin/busybox"
		echo "SYSROOT=$cache/sysroot"
		echo "KMATRIX=$cache/kernels.tsv"
	} >"$cache/env.tmp"
	mv "$cache/env.tmp" "$cache/env"
	cp "$cache/env" "$stamp"
	log "done ($kpkg)"
}

main "$@"
