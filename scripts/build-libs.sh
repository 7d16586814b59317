#!/usr/bin/env bash
# Build the static libraries pvmm links (musl, zlib, libfdt, liburing,
# cJSON) for size, from their Debian source packages, into
# .cache/oslibs/{lib,include} (issue #16: the binary under 300 KiB).
#
# Why not Debian's ppc64el archives: they are built -O2 (musl with the
# hardening flags: stack protector, fortify) and without per-function
# sections, so the link cannot drop the unused half of an object.  Here:
# -Os, -ffunction-sections -fdata-sections, no unwind tables, no stack
# protector, no fortify (musl has no __*_chk functions).
#
# Sources come from the Debian archive only, through a private apt state
# with deb-src lines for the machine's own mirror (the system's apt never
# learns of it); apt checks them against the signed index.  A suite whose
# files the mirror lacks is skipped for the next one (bookworm's
# device-tree-compiler 1.6.1 orig tarball is not on every mirror: trixie's
# libfdt 1.7.2 is then built, its headers installed with it).
#
# Usage: build-libs.sh CACHE SYSROOT.  Built once: a second run finds the
# stamp (this script's revision and the sources' versions) and returns.
set -euo pipefail

cache=$1 sysroot=$2
out=$cache/oslibs
src=$cache/oslibs-src
cross=powerpc64le-linux-gnu-
rev=7

log() { printf 'setup: oslibs: %s\n' "$*" >&2; }

# The flags every library gets (musl adds its own to these).
libcflags="-Os -ffunction-sections -fdata-sections -fno-pie -fno-plt
	-fno-asynchronous-unwind-tables -fno-unwind-tables
	-fno-stack-protector -U_FORTIFY_SOURCE -g0"
libcflags=$(echo $libcflags)

# Source packages and the suites tried, in order.
pkgs=(musl zlib device-tree-compiler liburing cjson)
suites="bookworm-security bookworm trixie"

# mirror URIs, as setup.sh finds them (its mirror_uri is exported).
src_apt() {
	local dir=$src/apt s uri
	sapt=(-o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache"
	      -o Dir::State::status=/dev/null
	      -o Dir::Etc::SourceList="$dir/sources.list"
	      -o Dir::Etc::SourceParts=/dev/null)
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	rm -f "$dir/sources.list.tmp"
	for s in $suites; do
		case $s in
		*-security) uri=$(mirror_uri security) ;;
		*) uri=$(mirror_uri main) ;;
		esac
		[ -n "$uri" ] || continue
		echo "deb-src $uri $s main" >>"$dir/sources.list.tmp"
	done
	mv "$dir/sources.list.tmp" "$dir/sources.list"
	rm -f "$dir/update.log"
	apt-get "${sapt[@]}" -qq update >"$dir/update.log" 2>&1 || true
}

# fetch_src PKG: download and unpack PKG's source from the first suite
# that has all its files; prints the unpacked directory.  If no suite's
# files are all on the mirror, the upstream tarball alone (.orig.tar.*)
# of the first suite that has it, checked against the SHA256 the signed
# index gives: libfdt needs none of Debian's patches (they touch dtc).
# A suite skipped for a newer version than the one built is named: a
# security update's fixes must be checked against what pvmm links
# (README "Footprint").
fetch_src() {
	local p=$1 s dsc d line url name sum ver skipped=()
	mkdir -p "$src/dl"
	for s in $suites; do
		rm -rf "$src/dl/try"
		mkdir -p "$src/dl/try"
		if ! (cd "$src/dl/try" &&
		      apt-get "${sapt[@]}" -qq --download-only source "$p/$s") \
			>>"$src/fetch.log" 2>&1; then
			line=$(apt-get "${sapt[@]}" -qq --print-uris source \
				"$p/$s" 2>/dev/null | grep -m1 '\.dsc ') || true
			read -r _ name _ <<<"$line"
			[ -z "$name" ] || skipped+=("$s ${name%.dsc}")
			continue
		fi
		dsc=$(ls "$src/dl/try/"*.dsc 2>/dev/null | head -n1) || true
		[ -n "$dsc" ] || continue
		d=$src/$(basename "$dsc" .dsc)
		rm -rf "$d"
		dpkg-source --no-check -x "$dsc" "$d" >>"$src/fetch.log" 2>&1 ||
			continue
		skipped_newer "$(basename "$dsc" .dsc)" "${skipped[@]}"
		echo "$d"
		return 0
	done
	for s in $suites; do
		line=$(apt-get "${sapt[@]}" -qq --print-uris source "$p/$s" \
			2>>"$src/fetch.log" | grep "\.orig\.tar\." | head -n1) || true
		[ -n "$line" ] || continue
		read -r url name _ sum <<<"$line"
		url=${url//\'/}
		sum=${sum#SHA256:}
		rm -f "$src/dl/$name"
		curl -fsS -o "$src/dl/$name" "$url" >>"$src/fetch.log" 2>&1 ||
			continue
		echo "$sum  $src/dl/$name" | sha256sum -c --quiet - \
			>>"$src/fetch.log" 2>&1 || { log "$name: bad SHA256"; return 1; }
		d=$src/${name%.orig.tar.*}
		d=${d/_/-}
		rm -rf "$d"
		mkdir -p "$d"
		tar -xf "$src/dl/$name" -C "$d" --strip-components=1
		skipped_newer "${name%.orig.tar.*}" "${skipped[@]}"
		echo "$d"
		return 0
	done
	log "no suite's mirror has the source of $p (see $src/fetch.log)"
	return 1
}

# skipped_newer BUILT "SUITE PKG_VERSION"...: name each skipped suite
# whose version is newer than BUILT (PKG_VERSION, as in file names).
skipped_newer() {
	local built=${1#*_} e
	shift
	for e in "$@"; do
		dpkg --compare-versions "${e##*_}" gt "$built" || continue
		log "${e#* }: ${e%% *}'s source is not on the mirror:" \
			"$built is built instead"
	done
}

objs_to_ar() { # objs_to_ar ARCHIVE OBJ...
	local a=$1
	shift
	rm -f "$a"
	"${cross}ar" rcsD "$a" "$@"
}

xcc() { # the cross compiler on musl's headers (the sysroot's: same 1.2.3)
	# (__FILE__ in any assert relative to $src: the binary is the same
	# in every checkout)
	"${cross}gcc" -nostdinc -fmacro-prefix-map="$src/=" \
		-isystem "$sysroot/usr/include/powerpc64le-linux-musl" \
		-isystem "$("${cross}gcc" -print-file-name=include)" \
		$libcflags "$@"
}

build_musl() {
	local d=$1
	(cd "$d" &&
	 ./configure --target=powerpc64le-linux-gnu --prefix=/ \
		--disable-shared CROSS_COMPILE="$cross" \
		CFLAGS="$libcflags -mlong-double-64" >build.log 2>&1 &&
	 make -j2 lib/libc.a lib/crt1.o lib/crti.o lib/crtn.o \
		>>build.log 2>&1) ||
		{ log "musl build failed: $d/build.log"; return 1; }
	cp "$d/lib/libc.a" "$d/lib/crt1.o" "$d/lib/crti.o" "$d/lib/crtn.o" \
		"$out/lib/"
}

build_zlib() {
	local d=$1 f objs=()
	mkdir -p "$d/os"
	# The gz* file API needs stdio and is never linked: left out.
	# DYNAMIC_CRC_TABLE: crc32's 5 KiB of tables are computed at the
	# first call into .bss (once(), on C11 atomics: thread-safe).
	# BUILDFIXED: inflate's 2 KiB of fixed Huffman tables likewise, at
	# the first fixed block, without a lock: safe because pvmm inflates
	# on main's thread only (loader.c, the gzip kernel and initrd).
	for f in adler32 crc32 inffast inflate inftrees zutil uncompr \
		 compress deflate trees infback; do
		xcc -DDYNAMIC_CRC_TABLE -DBUILDFIXED -I"$d" \
			-c -o "$d/os/$f.o" "$d/$f.c"
		objs+=("$d/os/$f.o")
	done
	objs_to_ar "$out/lib/libz.a" "${objs[@]}"
	cp "$d/zlib.h" "$d/zconf.h" "$out/include/"
}

build_libfdt() {
	local d=$1/libfdt f objs=()
	mkdir -p "$d/os"
	for f in "$d"/fdt*.c; do
		xcc -I"$d" -c -o "$d/os/$(basename "$f" .c).o" "$f"
		objs+=("$d/os/$(basename "$f" .c).o")
	done
	objs_to_ar "$out/lib/libfdt.a" "${objs[@]}"
	cp "$d/libfdt.h" "$d/libfdt_env.h" "$d/fdt.h" "$out/include/"
}

build_liburing() {
	local d=$1 f objs=()
	# configure writes compat.h and config-host.h (its probes compile
	# against the musl headers through --cc).
	(cd "$d" && ./configure --cc="${cross}gcc -nostdinc -isystem $sysroot/usr/include/powerpc64le-linux-musl -isystem $("${cross}gcc" -print-file-name=include)" \
		>"$d/os.log" 2>&1) ||
		{ log "liburing configure failed: $d/os.log"; return 1; }
	mkdir -p "$d/os"
	for f in setup queue register syscall; do
		xcc -include "$d/config-host.h" -I"$d/src/include" \
			-D_GNU_SOURCE -DLIBURING_INTERNAL \
			-c -o "$d/os/$f.o" "$d/src/$f.c"
		objs+=("$d/os/$f.o")
	done
	objs_to_ar "$out/lib/liburing.a" "${objs[@]}"
	mkdir -p "$out/include/liburing"
	cp "$d/src/include/liburing.h" "$out/include/"
	cp "$d/src/include/liburing/"*.h "$out/include/liburing/"
}

build_cjson() {
	local d=$1
	# cJSON.c alone (cJSON_Utils, JSON Patch and Pointer, is not used);
	# its header where Debian's libcjson-dev puts it, <cjson/cJSON.h>.
	mkdir -p "$d/os" "$out/include/cjson"
	xcc -c -o "$d/os/cJSON.o" "$d/cJSON.c"
	objs_to_ar "$out/lib/libcjson.a" "$d/os/cJSON.o"
	cp "$d/cJSON.h" "$out/include/cjson/"
}

# The archives must not call what musl lacks: no fortified __*_chk (a
# glibc-ism) and, built without the stack protector, no
# __stack_chk_fail either.
check_syms() {
	local chk
	chk=$("${cross}nm" -A -u "$out"/lib/*.a |
		awk '$NF ~ /^__.*_chk(_fail)?$/ {print $NF}' | sort -u)
	[ -z "$chk" ] ||
		{ log "archives need symbols musl lacks: $chk"; return 1; }
}

main() {
	local want have p d v b
	src_apt
	want="rev=$rev flags=$libcflags"
	for p in "${pkgs[@]}"; do
		v=$(apt-cache "${sapt[@]}" showsrc "$p" 2>/dev/null |
			sed -n 's/^Version: //p' | sort -V | tr '\n' ' ')
		want="$want $p=$v"
	done
	have=$(cat "$out/stamp" 2>/dev/null || true)
	if [ "$have" = "$want" ] && [ -f "$out/lib/libc.a" ] &&
	   [ -f "$out/lib/libcjson.a" ]; then
		log "up to date"
		return 0
	fi
	log "building musl, zlib, libfdt, liburing, cJSON for size"
	rm -rf "$out" "$src/fetch.log"
	mkdir -p "$out/lib" "$out/include"
	for p in "${pkgs[@]}"; do
		d=$(fetch_src "$p") || exit 1
		log "$(basename "$d")"
		case $p in
		musl) build_musl "$d" ;;
		zlib) build_zlib "$d" ;;
		device-tree-compiler) build_libfdt "$d" ;;
		liburing) build_liburing "$d" ;;
		cjson) build_cjson "$d" ;;
		esac
		# "LIBRARY VERSION" for --version (scripts/build-info.sh)
		b=$(basename "$d")
		case $b in
		*_*) v=${b#*_} ;;
		*) v="${b##*-} (upstream tarball)" ;;
		esac
		case $p in
		device-tree-compiler) echo "libfdt $v" ;;
		*) echo "$p $v" ;;
		esac >>"$out/sources"
	done
	check_syms
	echo "$want" >"$out/stamp"
	log "done"
}

main
