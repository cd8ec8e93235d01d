#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fscachectl without a kernel, on the host: build it (make -C tools/fscachectl, every object
# rebuilt so that warnings show; the VM harness runs the binary this leaves), run its C unit
# tests (parsing, formatting, cachefilesd.conf import, message building, canned replies), then
# check the binary's own behaviour that needs no netlink family: version, help, usage errors and
# their exit status, import, the man page and the bash completion.  TAP on stdout, then
# "N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)

n=0
fails=0
ok() {	# ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
	fi
}
finish() {
	echo "1..$n"
	echo "$((n - fails)) passed, $fails failed"
	[ "$fails" -eq 0 ]
	exit
}

echo "TAP version 13"
log=$(mktemp)
tmp=$(mktemp -d)
trap 'rm -rf "$log" "$tmp"' EXIT
src=$top/tools/fscachectl
bin=$src/fscachectl

make -C "$src" -B -j2 >"$log" 2>&1
rc=$?
warnings=$(grep -c 'warning:' "$log")
ok $rc "make -C tools/fscachectl builds fscachectl and the unit tests"
if [ "$rc" -ne 0 ]; then
	sed 's/^/# /' "$log"
	finish
fi
[ "$warnings" -eq 0 ]
ok $? "the build has no compiler warnings (-Wall -Wextra)"
[ "$warnings" -eq 0 ] || grep 'warning:' "$log" | sed 's/^/# /'

# The C unit tests, renumbered into this script's TAP stream.
"$src/tests/fscachectl-test" >"$tmp/unit" 2>"$tmp/unit.err"
unit_rc=$?
unit_n=0
while IFS= read -r line; do
	case $line in
	"ok "*)
		ok 0 "unit: ${line#ok * - }"
		unit_n=$((unit_n + 1))
		;;
	"not ok "*)
		ok 1 "unit: ${line#not ok * - }"
		unit_n=$((unit_n + 1))
		;;
	"#"*) echo "$line" ;;
	esac
done <"$tmp/unit"
plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tmp/unit")
[ "$unit_rc" -le 1 ] && [ -n "$plan" ] && [ "$plan" -eq "$unit_n" ]
ok $? "unit: the test binary ran to its plan ($unit_n of ${plan:-?}), exit status $unit_rc"
[ -s "$tmp/unit.err" ] && sed 's/^/# stderr: /' "$tmp/unit.err"

# run NAME ARGS...: run the binary; status in $st, output in $tmp/NAME.{out,err}
run() {
	local name=$1
	shift
	"$bin" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	st=$?
}

run version -V
[ $st -eq 0 ] && grep -qx 'fscachectl (fscache-iter) [0-9.]*, netlink family "fscache" version 1' \
	"$tmp/version.out"
ok $? "-V prints the version and exits 0"

run help help
[ $st -eq 0 ] && grep -q '^Usage: fscachectl \[-j \[-p\]\] \[-V\] OBJECT' "$tmp/help.out" &&
	[ ! -s "$tmp/help.err" ]
ok $? "'help' prints the usage on stdout and exits 0"

bad=0
for obj in cache volume cookie handle stats monitor import bind limit; do
	run objhelp "$obj" help
	if [ $st -ne 0 ] || ! grep -q "^Usage: fscachectl " "$tmp/objhelp.out"; then
		echo "# $obj help: status $st"
		bad=1
	fi
done
ok $bad "'OBJECT help' prints that object's usage and exits 0, for every object"

# usage_error NAME PATTERN ARGS...: exit 1, one line on stderr matching PATTERN, nothing on stdout
usage_error() {
	local name=$1 pattern=$2
	shift 2
	run "$name" "$@"
	[ $st -eq 1 ] && [ "$(wc -l <"$tmp/$name.err")" -eq 1 ] && grep -q -- "$pattern" "$tmp/$name.err" &&
		[ ! -s "$tmp/$name.out" ]
	ok $? "usage error exits 1 with one line: fscachectl $*" ||
		{ echo "# status $st"; sed 's/^/# stderr: /' "$tmp/$name.err" | head -n3; }
}

usage_error noobj "no object given (see 'fscachectl help')"
usage_error badobj "unknown object 'frob' (see 'fscachectl help')" frob
usage_error badopt "unknown option '-x'" -x cache show
usage_error badcmd "unknown command 'frob' (see 'fscachectl cache help')" cache frob
usage_error abbrev "unknown command 'sh'" cache sh
usage_error badsize "invalid capacity '1.5.5G'" cache bind /srv/cache capacity 1.5.5G
usage_error negsize "capacity '-1G': a size cannot be negative" limit CacheFiles -1G
usage_error bigsize "capacity '16E' is too large" cache bind /srv/cache capacity 16E
usage_error floor "floor '51%' is outside 0..50%" cache bind /srv/cache floor 51%
usage_error wmarks "low watermark 90% must be below high watermark 80%" \
	cache set tag t high 80 low 90
usage_error noset "nothing to set" cache set tag t
usage_error notag "set needs 'tag TAG'" cache set capacity 1G
usage_error longtag "longer than 63 characters" cache unbind \
	tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt
usage_error cull "'volume' and 'cookie' go together" cache cull tag t volume v
usage_error cullkey "invalid cookie key 'xyz'" cache cull tag t volume v cookie xyz
usage_error novalue "'capacity' needs a value" bind /srv/cache capacity
usage_error monitor "unexpected 'now'" monitor now

# import: Debian's default cachefilesd.conf, and a file that is not there.
run import import /etc/cachefilesd.conf
[ $st -eq 0 ] && [ "$(cat "$tmp/import.out")" = \
	"fscachectl cache bind /var/cache/fscache tag mycache floor 3%" ] &&
	[ "$(wc -l <"$tmp/import.err")" -eq 8 ]
ok $? "import /etc/cachefilesd.conf prints the bind line, and one note a directive on stderr"
[ $st -eq 0 ] || sed 's/^/# /' "$tmp/import.err"

run importmissing import "$tmp/no-such.conf"
[ $st -eq 1 ] && grep -q 'No such file or directory' "$tmp/importmissing.err"
ok $? "import of a missing file exits 1"

printf 'dir /srv/c\nfrobnicate 3\n' >"$tmp/bad.conf"
run importbad import "$tmp/bad.conf"
[ $st -eq 1 ] && grep -q "bad.conf:2: unknown directive 'frobnicate'" "$tmp/importbad.err" &&
	[ ! -s "$tmp/importbad.out" ]
ok $? "import of a file with an unknown directive exits 1 naming the line"

# The man page and the completion.
if command -v groff >/dev/null; then
	groff -man -ww -z "$src/fscachectl.8" 2>"$tmp/groff.err" && [ ! -s "$tmp/groff.err" ]
	ok $? "the man page formats without groff warnings"
	sed 's/^/# /' "$tmp/groff.err"
else
	ok 1 "the man page formats without groff warnings (groff is missing)"
fi

complete_words() {	# complete_words WORD...: what the completion offers for the last word
	bash -c 'complete() { :; }
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_fscachectl; echo "${COMPREPLY[*]}"' _ "$src/bash-completion/fscachectl" "$@"
}
[ "$(complete_words fscachectl ca)" = cache ] &&
	[ "$(complete_words fscachectl cache '')" = "bind set show unbind cull help" ] &&
	[ "$(complete_words fscachectl -j cache bind /srv/c c)" = capacity ] &&
	[ "$(complete_words fscachectl cookie show '')" = "cache volume" ]
ok $? "bash completion offers objects, commands and keywords"

finish
