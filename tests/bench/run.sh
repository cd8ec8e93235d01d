#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A/B benchmark in QEMU guests: ours against stock.
#
#   tests/bench/run.sh [WORKLOAD...] [--runs N] [--modes "stock ours"] [--kernel debian|debug]
#                      [--timeout SECS] [--arg NAME=VALUE] [--keep]
#
# WORKLOAD: seq-read, rand-read, small-files, cull (tests/bench/WORKLOAD.sh); all when none is named.
# Boots one VM per workload, run and mode, runs the workload in it (host-side hook WORKLOAD.prepare.sh on
# the share first; --arg NAME=VALUE reaches both as FSC_ARG_NAME: FILES=N for small-files, PASSES=N
# for rand-read, MSIZE=N the 9p msize for all) and collects its "FIGURE name value unit" lines.
# Prints each run's figures, then per workload, mode and figure min / median / max and the ratio
# ours/stock of the medians, and at the end the headline figures against their targets.  Modes
# alternate within each round.  Under TCG the figures vary by ~20 % from run to run on a quiet machine,
# and by 2x when other jobs share the CPU: compare medians of several runs (default 3) on a quiet
# machine; the load average is printed before and after.
# A run that times out, dies or shows a kernel report is left out of the figures and makes the exit
# status 1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/../../scripts/lib.sh"
# shellcheck source=tests/vm/host-lib.sh
. "$here/../vm/host-lib.sh"

BENCH_WORKLOADS="seq-read rand-read small-files cull"

# The figures the benchmarks exist for, and their targets: "ratio>=R" compares ours' median with
# stock's (ours/stock), "ours>=V" and "ours>V" ours' median with a bound; "-" is for reference only.
BENCH_HEADLINE="
seq-read	warm-read		ratio>=1
seq-read	warm-vs-odirect		ours>=0.9
seq-read	cold-read		-
seq-read	cold-vs-uncached	ours>=0.9
seq-read	warm-vs-local		-
seq-read	cold-vs-local		-
rand-read	warm-iops		ratio>=1
rand-read	warm-vs-odirect		ours>=0.9
small-files	cold-files		-
small-files	warm-files		ratio>=1.2
small-files	warm-vs-cold		ours>1
cull		hot-hit-ratio		ratio>=1
cull		fill-read		-
cull		over-limit		-
cull		cull-cpu		-
"

usage() {
	awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0" >&2
	exit "${1:-1}"
}

workloads="" runs=3 modes="stock ours" kernel=debian opt_timeout="" keep=0
while (($#)); do
	case $1 in
	--runs) runs=${2:?}; shift 2 ;;
	--modes) modes=${2:?}; shift 2 ;;
	--kernel) kernel=${2:?}; shift 2 ;;
	--timeout) opt_timeout=${2:?}; shift 2 ;;
	--arg) VM_SUITE_ARGS+=("${2:?}"); shift 2 ;;
	--keep) keep=1; shift ;;
	-h | --help) usage 0 ;;
	-*) log "unknown option $1"; usage ;;
	*) workloads="$workloads $1"; shift ;;
	esac
done
workloads=${workloads:-$BENCH_WORKLOADS}
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs wants a positive number"
for workload in $workloads; do
	if [ "$workload" = bench-lib ] || [ ! -r "$here/$workload.sh" ]; then
		die "no workload $here/$workload.sh"
	fi
done

vm_setup_kernel "$kernel"

figures=$(mktemp)
current_run="" snapshot=""
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
	rm -f "$figures"
	if [ -n "$current_run" ] && [ "$keep" -eq 0 ]; then rm -rf "$current_run"; fi
	[ -z "$snapshot" ] || rm -rf "$snapshot"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Ours is the build there is when the benchmark starts: a rebuild of build/ while it runs (the tree is
# shared) must not change the modules from one run to the next.  The VMs get copies, in a directory
# under the build cache (which guests see at its host path) that ours_module_dir names from now on.
snapshot=$(mktemp -d "$(cache_dir)/runs/bench-modules.XXXXXX")
for ko in fs/fscache/fscache.ko fs/cachefiles/cachefiles.ko; do
	src=$(ours_module_dir "$VM_RELEASE")/$ko
	[ -r "$src" ] || continue
	{ mkdir -p "$snapshot/${ko%/*}" && cp "$src" "$snapshot/$ko"; } || die "cannot copy $src"
done
# shellcheck disable=SC2329,SC2317  # called by host-lib.sh
ours_module_dir() { echo "$snapshot"; }

# The awk program behind both summaries.  Input: "workload mode figure value unit" lines.
# shellcheck disable=SC2016  # awk's $ fields
summary_awk='
function median(k,    i, j, t, a, c) {
	c = n[k]
	for (i = 1; i <= c; i++) a[i] = v[k, i]
	for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	mn[k] = a[1]; mx[k] = a[c]
	return c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
}
FILENAME == ARGV[1] {
	key = $1 SUBSEP $2 SUBSEP $3
	if (!(key in n)) { order[++nk] = key; unit[$1, $3] = $5 }
	v[key, ++n[key]] = $4
	next
}
{ want[++nw] = $0 }
END {
	for (i = 1; i <= nk; i++) med[order[i]] = median(order[i])
	if (what == "workload") {
		printf "%-26s %-18s %10s %10s %10s  %s\n", "mode", "figure", "min", "median", "max", "unit"
		for (i = 1; i <= nk; i++) {
			k = order[i]; split(k, p, SUBSEP)
			if (p[1] != wl) continue
			printf "%-26s %-18s %10.3f %10.3f %10.3f  %s (%d runs)\n", p[2], p[3], mn[k], med[k], mx[k], unit[p[1], p[3]], n[k]
		}
		printf "\n== %s: ratio ours/stock of the medians\n", wl
		for (i = 1; i <= nk; i++) {
			k = order[i]; split(k, p, SUBSEP)
			if (p[1] != wl || p[2] != "stock") continue
			o = wl SUBSEP "ours" SUBSEP p[3]
			if (o in med && med[k] != 0)
				printf "%-18s %6.2f  (%s; ours %.3f, stock %.3f)\n", p[3], med[o] / med[k], unit[wl, p[3]], med[o], med[k]
			else
				printf "%-18s %6s\n", p[3], "n/a"
		}
		exit
	}
	printf "%-12s %-17s %-8s %10s %10s %11s  %-11s %s\n", "workload", "figure", "unit", "ours", "stock", "ours/stock", "target", "met"
	for (i = 1; i <= nw; i++) {
		split(want[i], w, " ")
		o = w[1] SUBSEP "ours" SUBSEP w[2]; s = w[1] SUBSEP "stock" SUBSEP w[2]
		ov = (o in med) ? sprintf("%.3f", med[o]) : "n/a"
		sv = (s in med) ? sprintf("%.3f", med[s]) : "n/a"
		r = (o in med && s in med && med[s] != 0) ? sprintf("%.2f", med[o] / med[s]) : "n/a"
		met = "-"
		if (w[3] ~ /^ratio>=/) {
			b = substr(w[3], 8); met = r == "n/a" ? "n/a" : (r + 0 >= b + 0 ? "yes" : "no")
		} else if (w[3] ~ /^ours>=/) {
			b = substr(w[3], 7); met = ov == "n/a" ? "n/a" : (med[o] >= b + 0 ? "yes" : "no")
		} else if (w[3] ~ /^ours>/) {
			b = substr(w[3], 6); met = ov == "n/a" ? "n/a" : (med[o] > b + 0 ? "yes" : "no")
		}
		u = ((w[1], w[2]) in unit) ? unit[w[1], w[2]] : "?"
		printf "%-12s %-17s %-8s %10s %10s %11s  %-11s %s\n", w[1], w[2], u, ov, sv, r, w[3], met
	}
}'

t_start=$(date +%s)
echo "== workloads: $workloads; $kernel kernel ($VM_RELEASE); $runs run(s) per mode; modes: $modes"
echo "== host load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
echo "== ours: $(cd "$snapshot" && find fs -name '*.ko' | sort | xargs sha1sum | awk '{ printf "%s %.12s  ", $2, $1 }')"
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

for workload in $workloads; do
	script=$here/$workload.sh
	timeout=$(vm_timeout_for "$script" "$opt_timeout")
	echo
	echo "== $workload"
	# Modes alternate within each round, so that a change in the machine's load (the CPU is shared)
	# hits every mode alike instead of biasing whichever ran last.
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
			[ -n "$problem" ] || [ -z "$reports" ] ||
				problem="kernel reports on the console: $(head -n1 <<<"$reports")"
			line=$(awk '$1 == "FIGURE" { printf "%s=%s %s  ", $2, $3, $4 }' <<<"$out")
			echo "-- $mode run $r (${VM_WALL}s, load $(cut -d' ' -f1 /proc/loadavg)): ${line:-no figures}"
			grep -E '^# (SKIP|note)' <<<"$out" | sed 's/^/   /' || true
			if [ -n "$problem" ]; then
				echo "   FAILED: $problem (left out)"
				vm_console_tail "$run" 20
				failed=1
			else
				awk -v w="$workload" -v m="$mode" '$1 == "FIGURE" { print w, m, $2, $3, $4 }' <<<"$out" >>"$figures"
			fi
			[ "$keep" -eq 0 ] || echo "   kept $run"
			[ "$keep" -eq 1 ] || rm -rf "$run"
			current_run=""
		done
	done
	echo
	echo "== $workload: min / median / max over runs"
	awk -v what=workload -v wl="$workload" "$summary_awk" "$figures" /dev/null
done

echo
echo "== headline figures (medians) against the targets"
grep -v '^$' <<<"$BENCH_HEADLINE" | awk -v wls=" $workloads " 'index(wls, " " $1 " ")' |
	awk -v what=headline "$summary_awk" "$figures" -
t_end=$(date +%s)
echo
echo "== host load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); total $(((t_end - t_start) / 60)) min $(((t_end - t_start) % 60)) s"
exit "$failed"
