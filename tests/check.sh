#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: every test of the project, then one closing line "N passed, N failed[, N skipped]".
#   tests/check.sh           build, host ABI checks, KUnit (UML), VM integration matrix on Debian's kernel
#   tests/check.sh --debug   build the debug kernel and our modules for it, check their CRCs, run the
#                            debug VM matrix (tests/vm/matrix-debug) on it
# Each part prints its own closing line; this script adds them up.  A part that dies without one counts
# as one failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"
cd "$top"

debug=0
[ "${1:-}" = "--debug" ] && debug=1

total_pass=0 total_fail=0 total_skip=0
declare -a summary

# run_part NAME COMMAND...: run it, echo its output, and add its closing line to the totals.
run_part() {
	local name=$1 out line p f s rc start
	shift
	start=$SECONDS
	echo "=== $name: $*"
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$out" | tail -n1)
	rm -f "$out"
	if [ -z "$line" ]; then
		p=0 f=1 s=0
	else
		p=$(sed -E 's/.*\b([0-9]+) passed.*/\1/' <<<"$line")
		f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
		s=$(sed -nE 's/.* ([0-9]+) skipped.*/\1/p' <<<"$line")
		s=${s:-0}
		[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
	fi
	total_pass=$((total_pass + p)) total_fail=$((total_fail + f)) total_skip=$((total_skip + s))
	summary+=("$(printf '%-12s %4d passed, %d failed, %d skipped  (%ds)' "$name" "$p" "$f" "$s" $((SECONDS - start)))")
}

# step NAME COMMAND...: a build step, not a test: counts one failure if it fails.
step() {
	local name=$1 start=$SECONDS
	shift
	echo "=== $name: $*"
	if "$@"; then
		summary+=("$(printf '%-12s ok  (%ds)' "$name" $((SECONDS - start)))")
	else
		total_fail=$((total_fail + 1))
		summary+=("$(printf '%-12s FAILED  (%ds)' "$name" $((SECONDS - start)))")
	fi
}

# tap_count COMMAND...: run a plain TAP producer and print its closing line.
tap_count() {
	local out rc
	out=$(mktemp)
	"$@" | tee "$out"
	rc=${PIPESTATUS[0]}
	local p f s
	s=$(grep -cE '^ok [0-9]+ .*# SKIP' "$out")
	p=$(( $(grep -cE '^ok [0-9]+' "$out") - s ))
	f=$(grep -cE '^not ok [0-9]+' "$out")
	rm -f "$out"
	[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
	echo "$p passed, $f failed, $s skipped"
}

if [ "$debug" -eq 1 ]; then
	step debug-kernel bash scripts/debug-kernel.sh
	step build make --no-print-directory KDIR="$(debug_kernel_dir)/build" modules
	run_part abi-debug tap_count bash tests/host/abi.sh debug
	run_part vm-debug bash tests/vm/run.sh --kernel debug --matrix tests/vm/matrix-debug
else
	step build make --no-print-directory modules
	run_part abi tap_count bash tests/host/abi.sh
	run_part nl-spec bash tests/host/nl-spec.sh
	run_part fscachectl bash tests/host/fscachectl-unit.sh
	run_part kunit bash tests/kunit.sh
	run_part vm bash tests/vm/run.sh --matrix tests/vm/matrix
fi

echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
