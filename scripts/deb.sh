#!/usr/bin/env bash
# Build pvmm_VERSION_ppc64el.deb on this (x86) machine from the
# cross-built static ./pvmm: make install into a staged tree (PREFIX=/usr),
# Debian's conventions on top (man page gzipped, copyright, changelog,
# lintian overrides), control from debian/control, then dpkg-deb.
# Prints the .deb's path.
#   scripts/deb.sh [OUTDIR]     (default build/deb)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/deb}
stage=$out/stage

cd "$top"
make -s pvmm man >/dev/null
# Debian versions start with a digit: 0~gitDATE.HASH (git describe
# gives the hash while there is no release tag), +dirty for local edits.
desc=$(git describe --tags --always --dirty)
date=$(git log -1 --format=%cd --date=format:%Y%m%d)
if git describe --tags --abbrev=0 >/dev/null 2>&1; then
	version=${desc%-dirty}
	version=${version#v}
else
	version="0~git$date.${desc%-dirty}"
fi
case $desc in *-dirty) version="$version+dirty" ;; esac
version=${version//-/.}

rm -rf "$stage"
make -s install PREFIX=/usr DESTDIR="$stage" >/dev/null
doc=$stage/usr/share/doc/pvmm
install -d -m 755 "$doc" "$stage/usr/share/lintian/overrides" "$stage/DEBIAN"
gzip -9n "$stage/usr/share/man/man1/pvmm.1"
# Stripped, as Debian ships binaries (the build keeps its symbols).
powerpc64le-linux-gnu-strip --remove-section=.comment \
	--remove-section=.note "$stage/usr/bin/pvmm"
install -m 644 debian/copyright "$doc/copyright"
install -m 644 debian/pvmm.lintian-overrides \
	"$stage/usr/share/lintian/overrides/pvmm"
{
	echo "pvmm ($version) unstable; urgency=medium"
	echo
	echo "  * Built from $desc."
	echo
	echo " -- pvmm developers <pvmm@localhost.invalid>  $(git log -1 --format=%cD)"
} | gzip -9n >"$doc/changelog.gz"
{
	cat debian/control
	echo "Version: $version"
	echo "Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
} >"$stage/DEBIAN/control"
# Description goes last in debian/control: move the fields after it.
python3 - "$stage/DEBIAN/control" <<'PY'
import sys
p = sys.argv[1]
lines = open(p).read().splitlines()
i = next(k for k, l in enumerate(lines) if l.startswith("Description:"))
j = i + 1
while j < len(lines) and lines[j].startswith(" "):
    j += 1
desc, rest = lines[i:j], lines[:i] + lines[j:]
open(p, "w").write("\n".join(rest + desc) + "\n")
PY
chmod -R u+rwX,go+rX,go-w "$stage"
deb=$out/pvmm_${version}_ppc64el.deb
rm -f "$out"/pvmm_*_ppc64el.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
