#!/usr/bin/env bash
# The man page and the bash completion name exactly the options --help
# does (and pvmm.1 builds with scdoc); make install puts the binary, the
# man page and the completion where PREFIX and DESTDIR say.
#   tests/doc.sh PVMM
set -u
. "$(dirname "$0")/lib.sh"
pvmm=$1
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Long options, sorted, one a line.
help_opts() { "$pvmm" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z0-9-]+' | sort -u; }
man_opts() { grep -oE '^\*(-[a-zA-Z]\*, \*)?--[a-z][a-z0-9-]*\*' "$top/doc/pvmm.1.scd" | grep -oE -- '--[a-z0-9-]+' | sort -u; }
comp_opts() { sed -n '/local opts=/,/"$/p' "$top/doc/pvmm.bash-completion" | grep -oE -- '--[a-z0-9-]+' | sort -u; }

help_opts >"$tmp/help"
man_opts >"$tmp/man"
comp_opts >"$tmp/comp"
check "--help lists options" '[ "$(wc -l <"$tmp/help")" -gt 20 ]'
check "man page lists the options --help does" 'diff -u "$tmp/help" "$tmp/man"'
check "completion lists the options --help does" 'diff -u "$tmp/help" "$tmp/comp"'
# Short options too.
"$pvmm" --help | grep -oE '^ +-[a-zA-Z],' | tr -d ' ,' | sort >"$tmp/hs"
grep -oE '^\*-[a-zA-Z]\*,' "$top/doc/pvmm.1.scd" | tr -d '*,' | sort >"$tmp/ms"
check "man page has the short options --help has" 'diff -u "$tmp/hs" "$tmp/ms"'
check "pvmm.1 builds with scdoc" 'scdoc <"$top/doc/pvmm.1.scd" >"$tmp/pvmm.1" && grep -q "^\.TH \"pvmm\" \"1\"" "$tmp/pvmm.1"'
check "completion parses in bash" 'bash -n "$top/doc/pvmm.bash-completion"'
check "completion completes --mem-b" '(. "$top/doc/pvmm.bash-completion"; COMP_WORDS=(pvmm --mem-b); COMP_CWORD=1; _pvmm; [ "${COMPREPLY[*]}" = --mem-backing ])'
check "completion completes --mmu values" '(. "$top/doc/pvmm.bash-completion"; COMP_WORDS=(pvmm --mmu r); COMP_CWORD=2; _pvmm; [ "${COMPREPLY[*]}" = radix ])'

# make install into a staging directory.
make -s -C "$top" install PREFIX=/opt/pv DESTDIR="$tmp/root" >"$tmp/install.log" 2>&1
check "make install PREFIX DESTDIR" '[ -x "$tmp/root/opt/pv/bin/pvmm" ] && [ -f "$tmp/root/opt/pv/share/man/man1/pvmm.1" ] && [ -f "$tmp/root/opt/pv/share/bash-completion/completions/pvmm" ]'
check "installed pvmm is the build's" 'cmp -s "$tmp/root/opt/pv/bin/pvmm" "$top/pvmm"'
check "installed nothing else" '[ "$(cd "$tmp/root" && find . -type f | sort | tr "\n" " ")" = "./opt/pv/bin/pvmm ./opt/pv/share/bash-completion/completions/pvmm ./opt/pv/share/man/man1/pvmm.1 " ]'

finish
