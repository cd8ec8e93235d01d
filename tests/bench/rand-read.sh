# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# rand-read: random 4 KiB reads of a 256 MiB file (host side: rand-read.prepare.sh), replayed by fio
# from fixed logs: per pass one read in each 256 KiB granule, granules in random order, so every read
# of a pass misses the page cache and lands where no earlier read of the pass did.  The file's pages
# are dropped before each pass (4 passes of 1024 reads by default).  Synchronous reads (psync), one at
# a time, POSIX_FADV_RANDOM; IOPS by fio's clock over all passes.
#   odirect-iops      the reads, O_DIRECT, from a copy of the file on the cache disk itself (outside the
#                     cache directory, deleted before the cache is bound): the limit for warm reads
#   uncached-iops     through the cache=none mount (one 9p read per request)
#   warm-iops         through the cache=fscache mount, after one sequential read filled the cache and an
#                     unmount, drop_caches and mount
#   warm-vs-odirect   warm-iops / odirect-iops (target: >= 0.90)
#   warm-vs-uncached  warm-iops / uncached-iops
# vm-timeout: 900

# shellcheck source=tests/bench/bench-lib.sh
. "$FSC_REPO/tests/bench/bench-lib.sh"

# rand_iops PATH [FIO_ARG...]: replay every pass's log against PATH, one fio job per pass, one after
# the other; print reads per second over all passes.  Each job starts by dropping PATH's pages from
# the page cache (fio's invalidate=1, POSIX_FADV_DONTNEED), not the whole page cache: a cached file
# keeps its cookie, so the figure is about reads, not lookups.  And one fio run per figure: after a
# drop_caches, fio's exec reloads its 64 shared libraries over the 9p root, ~7 s under TCG.
rand_iops() {
	local path=$1 log out kb ms
	local -a jobs=()
	shift
	for log in "$FSC_RAW"/iolog/pass-*; do
		jobs+=(--name="${log##*/}" --read_iolog="$log")
	done
	out=$(fio --replay_redirect="$path" --replay_no_stall=1 --ioengine=psync --fadvise_hint=random \
		--invalidate=1 --stonewall --output-format=terse --terse-version=3 "$@" "${jobs[@]}" 2>&1) ||
		{ echo "rand-read: fio on $path failed: $out" >&2; return 1; }
	# Terse v3, a line per job: 3;fio-VERSION;jobname;groupid;error;read_kb;read_bw;read_iops;
	# read_runtime_ms;...
	read -r kb ms < <(awk -F';' -v want=${#jobs[@]} '$1 == 3 && $5 == 0 { kb += $6; ms += $9; n++ }
		END { if (n == want / 2) print kb, ms }' <<<"$out")
	[ -n "$ms" ] || { echo "rand-read: fio on $path did not run every pass: $out" >&2; return 1; }
	awk -v kb="$kb" -v ms="$ms" 'BEGIN { if (ms > 0) printf "%.0f", kb / 4 / (ms / 1000) }'
}

fsc_mount_raw || tap_bail "cannot mount share-raw"
command -v fio >/dev/null || tap_bail "fio is not installed (make deps installs it)"
passes=("$FSC_RAW"/iolog/pass-*)
reads=$(cat "${passes[@]}" | grep -c ' read ') || tap_bail "no fio logs in $FSC_RAW/iolog"
echo "# note: $reads reads of 4 KiB in ${#passes[@]} passes"

bench_odirect_make "$FSC_RAW/big" || tap_bail "cannot write $BENCH_ODIRECT_FILE on the cache disk"
odirect=$(rand_iops "$BENCH_ODIRECT_FILE" --direct=1)
bench_odirect_remove
bench_figure odirect-iops "$odirect" IOPS

uncached=$(rand_iops "$FSC_RAW/big")
bench_figure uncached-iops "$uncached" IOPS

bench_bind_and_mount
read -r rd0 wr0 < <(fsc_io_counters)
fsc_drop_caches
bench_dd_mbps "$FSC_SHARE/big" >/dev/null || tap_bail "reading the file to fill the cache failed"
bench_remount
bench_note_counters "fill" "$rd0" "$wr0"

read -r rd1 wr1 < <(fsc_io_counters)
warm=$(rand_iops "$FSC_SHARE/big")
bench_figure warm-iops "$warm" IOPS
bench_note_counters "warm random reads" "$rd1" "$wr1"
read -r rd2 wr2 < <(fsc_io_counters)
[ $((rd2 - rd1)) -ge "$reads" ] ||
	echo "# note: $((rd2 - rd1)) cache reads for $reads random reads: some did not come from the cache"
[ "$wr2" -eq "$wr1" ] || echo "# note: the warm reads wrote $((wr2 - wr1)) times to the cache"

bench_figure warm-vs-odirect "$(bench_ratio "$warm" "$odirect")" x
bench_figure warm-vs-uncached "$(bench_ratio "$warm" "$uncached")" x
fsc_umount_share
