#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run integration suites in QEMU guests, one VM per (suite, mode).
#
#   tests/vm/run.sh [--mode MODE] [--kernel debian|debug] [--timeout SECS] [--keep] [--root ROOT]
#                   [--arg NAME=VALUE]... SUITE[:MODE] ...
#   tests/vm/run.sh [options] --matrix tests/vm/matrix
#
# SUITE is tests/suites/SUITE.sh, or a path to a guest script of your own.  MODE picks the modules (default: stock):
#   stock                     the kernel's fscache.ko and cachefiles.ko (cache bound by cachefilesd)
#   ours                      our fscache.ko and cachefiles.ko (build: make, or make KDIR=... for debug)
#   ours-core+stock-backend   our fscache.ko under the kernel's cachefiles.ko
#   stock-core+ours-backend   the kernel's fscache.ko under our cachefiles.ko
# A matrix file has one "suite mode [NAME=VALUE]..." per line; '#' starts a comment.  NAME=VALUE words are
# suite arguments (e.g. "many-files ours FILES=1000"): the suite's prepare hook and the guest script see
# them as FSC_ARG_NAME.  --arg gives the suites named on the command line arguments the same way.
#
# --kernel debian (default) boots Debian's kernel unpacked by scripts/deps.sh; --kernel debug boots the
# debug kernel (KASAN, lockdep, kmemleak) from scripts/debug-kernel.sh.  --timeout kills a guest after SECS
# (default: the suite's "# vm-timeout:" header, else 600 s; both x4 on the debug kernel).  --keep leaves
# the run directories (logs, disk image, shares) under $(cache_dir)/runs/.  --root hostroot|initramfs
# overrides the suites' "# vm-root:" header (default hostroot: the host's / over 9p; initramfs: the guest
# runs from its initramfs alone, so that 9p, netfs and fscache can be unloaded).
#
# A suite with a "# vm-crash: MARKER" header boots twice on the same cache disk: QEMU is killed with
# SIGKILL when the guest prints "# MARKER", then the suite runs again with FSC_BOOT=2 (FSC_BOOT=1 the
# first time); the TAP of both boots makes one subtest.
#
# Output is TAP: one subtest per VM holding the guest's own TAP, then "ok N - suite [mode]".  A VM fails
# on a failed case, a plan mismatch, a bail-out, a timeout, a panic, or a kernel report on its console
# (see VM_REPORT_PATTERNS in tests/vm/host-lib.sh).  The last line counts leaf test cases over all VMs,
# "N passed, N failed[, N skipped]", where a VM-level failure that no failed case accounts for counts one.
# Exit status 0 iff nothing failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/../../scripts/lib.sh"
# shellcheck source=tests/vm/host-lib.sh
. "$here/host-lib.sh"

usage() {
	awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0" >&2
	exit "${1:-1}"
}

opt_mode=stock opt_kernel=debian opt_timeout="" opt_keep=0 opt_root=""
opt_args=()
jobs=()
# is_suite_arg WORD: WORD is NAME=VALUE as host-lib.sh accepts it.
is_suite_arg() { [[ $1 == *=* && ${1%%=*} =~ $VM_ARG_NAME_RE && ${1#*=} =~ $VM_ARG_VALUE_RE ]]; }
add_matrix() {
	local line suite mode rest a
	local -a args
	[ -r "$1" ] || die "cannot read matrix $1"
	while read -r line; do
		line=${line%%#*}
		read -r suite mode rest <<<"$line" || true
		[ -n "$suite" ] || continue
		[ -n "$mode" ] || die "$1: bad line '$line' (want: suite mode [NAME=VALUE]...)"
		read -r -a args <<<"$rest"
		for a in ${args[@]+"${args[@]}"}; do
			is_suite_arg "$a" || die "$1: bad suite argument '$a' in '$line' (want NAME=VALUE)"
		done
		jobs+=("$suite $mode${args[*]:+ ${args[*]}}")
	done <"$1"
}
pending=()
while (($#)); do
	case $1 in
	--mode) opt_mode=${2:?--mode needs a value}; shift 2 ;;
	--kernel) opt_kernel=${2:?--kernel needs a value}; shift 2 ;;
	--timeout) opt_timeout=${2:?--timeout needs a value}; shift 2 ;;
	--keep) opt_keep=1; shift ;;
	--root) opt_root=${2:?--root needs a value}; shift 2 ;;
	--arg)
		is_suite_arg "${2:?--arg needs NAME=VALUE}" || die "bad --arg '$2' (want NAME=VALUE)"
		opt_args+=("$2")
		shift 2
		;;
	--matrix) add_matrix "${2:?--matrix needs a file}"; shift 2 ;;
	-h | --help) usage 0 ;;
	-*) log "unknown option $1"; usage ;;
	*) pending+=("$1"); shift ;;
	esac
done
for s in ${pending[@]+"${pending[@]}"}; do
	if [[ $s == *:* ]]; then s="${s%%:*} ${s#*:}"; else s="$s $opt_mode"; fi
	jobs+=("$s${opt_args[*]:+ ${opt_args[*]}}")
done
((${#jobs[@]})) || usage
[[ -z $opt_timeout || $opt_timeout =~ ^[0-9]+$ ]] || die "--timeout wants seconds"
[[ -z $opt_root || " $VM_ROOTS " == *" $opt_root "* ]] || die "--root wants one of: $VM_ROOTS"
VM_ROOT_OVERRIDE=$opt_root

vm_setup_kernel "$opt_kernel"
# Guests bind our caches with the repo's fscachectl: make sure it is built (a no-op when it is).
make -s -C "$VM_REPO/tools/fscachectl" fscachectl >/dev/null || die "cannot build tools/fscachectl"

total_pass=0 total_fail=0 total_skip=0
current_run=""
cleanup() {
	if [ -n "$current_run" ] && [ "$opt_keep" -eq 0 ]; then rm -rf "$current_run"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# vm_case N SUITE MODE [NAME=VALUE]...: one VM; prints its subtest block and result line, adds to the
# totals.
vm_case() {
	local n=$1 suite=$2 mode=$3 script run timeout crash rc=0 out
	local pass=0 fail=0 skip=0 planned="" ran reports
	local -a problems=()
	shift 3
	VM_SUITE_ARGS=("$@")
	local name="$suite [$mode]${*:+ $*}"
	# A name is tests/suites/NAME.sh; a path (with a '/') is taken as is, for ad-hoc scripts.
	if [[ $suite == */* ]]; then script=$(realpath -- "$suite"); else script=$VM_REPO/tests/suites/$suite.sh; fi

	echo "    # Subtest: $name"
	if [ ! -r "$script" ]; then
		problems+=("no suite $script")
	elif ! (vm_setup_mode "$mode") 2>&1 | sed 's/^/    # /'; then
		problems+=("mode $mode is not available on $VM_RELEASE")
	fi
	if ((${#problems[@]})); then
		printf '    # vm: %s\n' "${problems[@]}"
		echo "not ok $n - $name"
		total_fail=$((total_fail + 1))
		return
	fi
	vm_setup_mode "$mode" 2>/dev/null

	run=$(vm_new_run "$(basename "$suite" .sh)-$mode")
	current_run=$run
	if ! vm_prepare "$run" "$script" 2>&1 | sed 's/^/    # /'; then
		echo "    # vm: preparing the run failed"
		echo "not ok $n - $name"
		total_fail=$((total_fail + 1))
		cleanup
		return
	fi
	timeout=$(vm_timeout_for "$script" "$opt_timeout")
	crash=$(vm_script_header "$script" crash)
	if [ -n "$crash" ]; then
		vm_boot_crash "$run" "$timeout" "$crash" || rc=$?
		[ -z "$VM_CRASH_PROBLEM" ] || problems+=("$VM_CRASH_PROBLEM")
	else
		vm_boot "$run" "$timeout" || rc=$?
	fi

	out=$(vm_guest_output "$run")
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/    /'

	pass=$(grep -cE '^ok [0-9]+' <<<"$out" || true)
	skip=$(grep -ciE '^ok [0-9]+.*#[[:space:]]*skip' <<<"$out" || true)
	pass=$((pass - skip))
	fail=$(grep -cE '^not ok [0-9]+' <<<"$out" || true)
	planned=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' <<<"$out" | head -n1)
	ran=$((pass + fail + skip))

	[ "$rc" -ne 124 ] || problems+=("timed out after ${timeout}s (--timeout)")
	[ "$rc" -eq 0 ] || [ "$rc" -eq 124 ] || problems+=("qemu exited with status $rc: $(tail -n3 "$run/qemu.log" | tr '\n' ' ')")
	! grep -q 'Kernel panic' "$run/console.log" || problems+=("kernel panic")
	! grep -q '^Bail out!' <<<"$out" || problems+=("bailed out: $(sed -n 's/^Bail out! *//p' <<<"$out" | head -n1)")
	if [ -z "$planned" ]; then
		problems+=("no plan")
	elif [ "$planned" -ne "$ran" ]; then
		problems+=("planned $planned cases, ran $ran")
	fi
	grep -qx '# fsc-guest: end' <<<"$out" || problems+=("the guest did not finish")
	reports=$(vm_reports "$run" "$script")
	[ -z "$reports" ] || problems+=("kernel reports on the console: $(wc -l <<<"$reports")")

	echo "    # time: vm $VM_WALL s wall (boot, suite, poweroff), timeout ${timeout}s"
	local skipped_all=""
	if [ "$planned" = 0 ] && ((${#problems[@]} == 0)); then
		skipped_all=$(sed -n 's/^1\.\.0 *#[[:space:]]*[Ss][Kk][Ii][Pp] *//p' <<<"$out" | head -n1)
		skipped_all=${skipped_all:-no cases}
		skip=1
	elif [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ] && [ "$skip" -gt 0 ] && ((${#problems[@]} == 0)); then
		skipped_all="all $skip cases skipped"
	fi
	if ((${#problems[@]})); then
		printf '    # vm: %s\n' "${problems[@]}"
		[ -z "$reports" ] || printf '%s\n' "$reports" | sed 's/^/    #   /' | head -n 40
		echo "    # console tail ($run/console.log):"
		vm_console_tail "$run" 40
		[ "$opt_keep" -eq 1 ] || echo "    # (--keep keeps the run directory)"
		# A VM-level failure that no failed case accounts for counts as one failure.
		[ "$fail" -gt 0 ] || fail=1
	fi
	total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail)) total_skip=$((total_skip + skip))
	if [ "$fail" -gt 0 ]; then
		echo "not ok $n - $name"
	elif [ -n "$skipped_all" ]; then
		echo "ok $n - $name # SKIP $skipped_all"
	else
		echo "ok $n - $name"
	fi
	if [ "$opt_keep" -eq 1 ]; then echo "# kept $run"; fi
	cleanup
	current_run=""
}

echo "TAP version 13"
echo "1..${#jobs[@]}"
i=0
for job in "${jobs[@]}"; do
	i=$((i + 1))
	read -r -a words <<<"$job"
	vm_case "$i" "${words[@]}"
done

if [ "$total_skip" -gt 0 ]; then
	echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
	echo "$total_pass passed, $total_fail failed"
fi
[ "$total_fail" -eq 0 ]
