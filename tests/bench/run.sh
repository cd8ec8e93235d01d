#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A/B benchmark in QEMU guests: ours against stock.
#
#   tests/bench/run.sh WORKLOAD [--runs N] [--modes "stock ours"] [--kernel debian|debug] [--timeout SECS]
#                      [--keep]
#
# Boots one VM per run and mode, runs tests/bench/WORKLOAD.sh in it (host-side hook WORKLOAD.prepare.sh
# on the share first) and collects its "FIGURE name value unit" lines.  Prints each run's figures, then
# per mode and figure min / median / max, then the ratio ours/stock of the medians.  Modes alternate
# within each round.  Under TCG the figures vary by ~20 % from run to run on a quiet machine, and by 2x
# when other jobs share the CPU: compare medians of several runs (default 3) on a quiet machine.
# A run that times out, dies or shows a kernel report is left out of the figures and makes the exit
# status 1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/../../scripts/lib.sh"
# shellcheck source=tests/vm/host-lib.sh
. "$here/../vm/host-lib.sh"

usage() {
	awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0" >&2
	exit "${1:-1}"
}

workload="" runs=3 modes="stock ours" kernel=debian opt_timeout="" keep=0
while (($#)); do
	case $1 in
	--runs) runs=${2:?}; shift 2 ;;
	--modes) modes=${2:?}; shift 2 ;;
	--kernel) kernel=${2:?}; shift 2 ;;
	--timeout) opt_timeout=${2:?}; shift 2 ;;
	--keep) keep=1; shift ;;
	-h | --help) usage 0 ;;
	-*) log "unknown option $1"; usage ;;
	*) [ -z "$workload" ] || usage; workload=$1; shift ;;
	esac
done
[ -n "$workload" ] || usage
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs wants a positive number"
script=$here/$workload.sh
[ -r "$script" ] || die "no workload $script"

vm_setup_kernel "$kernel"
timeout=$(vm_timeout_for "$script" "$opt_timeout")

figures=$(mktemp)
current_run=""
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
	rm -f "$figures"
	if [ -n "$current_run" ] && [ "$keep" -eq 0 ]; then rm -rf "$current_run"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== $workload on the $kernel kernel ($VM_RELEASE): $runs run(s) per mode, modes: $modes"
failed=0
available=""
for mode in $modes; do
	if vm_setup_mode "$mode"; then
		available="$available $mode"
	else
		echo "-- $mode: not available, left out"
		failed=1
	fi
done
# Modes alternate within each round, so that a change in the machine's load (the CPU is shared) hits
# every mode alike instead of biasing whichever ran last.
for ((r = 1; r <= runs; r++)); do
	for mode in $available; do
		vm_setup_mode "$mode"
		run=$(vm_new_run "bench-$workload-$mode")
		current_run=$run
		vm_prepare "$run" "$script" >/dev/null || die "preparing $run failed"
		rc=0
		vm_boot "$run" "$timeout" || rc=$?
		out=$(vm_guest_output "$run")
		reports=$(vm_reports "$run" "$script")
		problem=""
		[ "$rc" -ne 124 ] || problem="timed out after ${timeout}s"
		[ -n "$problem" ] || grep -qx '# fsc-guest: end' <<<"$out" || problem="the guest did not finish"
		[ -n "$problem" ] || ! grep -q '^Bail out!' <<<"$out" || problem=$(grep -m1 '^Bail out!' <<<"$out")
		[ -n "$problem" ] || [ -z "$reports" ] || problem="kernel reports on the console: $(head -n1 <<<"$reports")"
		line=$(awk '$1 == "FIGURE" { printf "%s=%s %s  ", $2, $3, $4 }' <<<"$out")
		echo "-- $mode run $r (${VM_WALL}s): ${line:-no figures}"
		grep -E '^# (SKIP|note)' <<<"$out" | sed 's/^/   /' || true
		if [ -n "$problem" ]; then
			echo "   FAILED: $problem (left out)"
			vm_console_tail "$run" 20
			failed=1
		else
			awk -v m="$mode" '$1 == "FIGURE" { print m, $2, $3, $4 }' <<<"$out" >>"$figures"
		fi
		[ "$keep" -eq 0 ] || echo "   kept $run"
		[ "$keep" -eq 1 ] || rm -rf "$run"
		current_run=""
	done
done

echo
echo "== summary (min / median / max over runs)"
# Per mode and figure, in the order figures first appear.
awk '
{
	key = $1 SUBSEP $2
	if (!(key in n)) { order[++nk] = key; unit[key] = $4 }
	v[key, ++n[key]] = $3
}
function median(k,    i, j, t, a, c) {
	c = n[k]
	for (i = 1; i <= c; i++) a[i] = v[k, i]
	for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	mn[k] = a[1]; mx[k] = a[c]
	return c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
}
END {
	printf "%-26s %-16s %10s %10s %10s  %s\n", "mode", "figure", "min", "median", "max", "unit"
	for (i = 1; i <= nk; i++) {
		k = order[i]; split(k, p, SUBSEP)
		med[k] = median(k)
		printf "%-26s %-16s %10.2f %10.2f %10.2f  %s (%d runs)\n", p[1], p[2], mn[k], med[k], mx[k], unit[k], n[k]
	}
	printf "\n== ratio ours/stock of the medians\n"
	for (i = 1; i <= nk; i++) {
		k = order[i]; split(k, p, SUBSEP)
		if (p[1] != "stock") continue
		o = "ours" SUBSEP p[2]
		if (o in med && med[k] != 0)
			printf "%-16s %6.2f  (%s; ours %.2f, stock %.2f)\n", p[2], med[o] / med[k], unit[k], med[o], med[k]
		else
			printf "%-16s %6s\n", p[2], "n/a"
	}
}' "$figures"
exit "$failed"
