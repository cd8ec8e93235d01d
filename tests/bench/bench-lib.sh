# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034  # variables here are for the workloads that source this file
#
# Helpers for the benchmark workloads (tests/bench/WORKLOAD.sh), sourced by them inside the guest after
# tests/vm/guest-lib.sh.  Not a workload.
#
# Timing: every figure is timed inside the guest, either by the tool that does the I/O (dd's and fio's
# own clocks start once the file is open, so an exec -- ~0.1 s under TCG -- does not count) or with
# bash's $EPOCHREALTIME (a builtin: `date` would cost an exec at both ends).

# A scratch file on the cache disk, outside the cache's directory ($FSC_CACHE_DIR): what the disk
# itself delivers to O_DIRECT reads is the limit for reads served by the cache.
BENCH_ODIRECT_FILE=/mnt/cache/bench-odirect.dat
BENCH_DD_BS=1M		# request size of sequential reads through the shares (dd bs=)
# Request size of O_DIRECT sequential reads of the cache disk: the cache's own unit (a granule of our
# backend, the usual readahead of stock's), and what the figures quoted for stock (warm reads at
# ~0.74x of O_DIRECT) were measured with.  1 MiB requests go 3-4x faster under TCG: the transfer is
# QEMU's, the guest pays per request.
BENCH_ODIRECT_BS=256K

# Argument MSIZE=N (run.sh --arg): the 9p msize of both mounts instead of the harness's.  A 9p read
# carries at most msize - 24 bytes, so with the harness's 262144 a 256 KiB granule takes two reads
# (the second of 24 bytes); 266240 makes it one.
if [ -n "${FSC_ARG_MSIZE:-}" ]; then
	[[ $FSC_ARG_MSIZE =~ ^[1-9][0-9]{3,7}$ ]] || tap_bail "MSIZE=$FSC_ARG_MSIZE is not a size in bytes"
	# shellcheck disable=SC2001  # a regex
	FSC_9P_OPTS=$(sed "s/msize=[0-9]*/msize=$FSC_ARG_MSIZE/" <<<"$FSC_9P_OPTS")
	echo "# note: 9p options $FSC_9P_OPTS"
fi

# bench_figure NAME VALUE UNIT: one figure for tests/bench/run.sh; an empty VALUE ends the run.
bench_figure() {
	[ -n "$2" ] || tap_bail "no value for figure $1"
	echo "FIGURE $1 $2 $3"
}

# bench_ratio A B: A / B, three decimals (for the derived "x" figures); nothing if B is not positive.
bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.3f", a / b }'; }

# bench_now: wall-clock seconds, microsecond resolution, without an exec.
bench_now() { echo "$EPOCHREALTIME"; }

# bench_since T0: seconds since T0 (from bench_now), to the millisecond.
bench_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'; }

# bench_per_sec COUNT SECS: COUNT / SECS, one decimal.
bench_per_sec() { awk -v n="$1" -v s="$2" 'BEGIN { if (s + 0 > 0) printf "%.1f", n / s }'; }

# bench_dd_mbps FILE [DD_ARG...]: read FILE sequentially to /dev/null in $BENCH_DD_BS requests unless
# a DD_ARG says otherwise (the caller drops the caches first); print MB/s by dd's own clock and byte
# count.
bench_dd_mbps() {
	local file=$1 out
	shift
	out=$(LC_ALL=C dd if="$file" of=/dev/null bs="$BENCH_DD_BS" "$@" 2>&1) || {
		echo "dd of $file failed: $out" >&2
		return 1
	}
	# "268435456 bytes (268 MB, 256 MiB) copied, 0.402 s, 668 MB/s"
	awk '/ copied, / {
		for (i = 1; i <= NF; i++) if ($i == "copied,") s = $(i + 1)
		if (s + 0 > 0) printf "%.1f", $1 / 1e6 / s
	}' <<<"$out"
}

# bench_median3 VAR CMD...: run CMD (which prints one number) three times, set VAR to the median and
# print the three values in a note.  Worth it for every figure whose reads do not change what they
# measure (warm and reference reads): under TCG on a shared machine one read in a few takes several
# times as long as its neighbours.
bench_median3() {
	local var=$1 a b c
	shift
	printf -v "$var" '%s' ""
	a=$("$@") && b=$("$@") && c=$("$@") || return 1
	if [ -z "$a" ] || [ -z "$b" ] || [ -z "$c" ]; then return 1; fi
	echo "# note: $var: $a $b $c"
	printf -v "$var" '%s' "$(printf '%s\n' "$a" "$b" "$c" | sort -g | sed -n 2p)"
}

# bench_odirect_make SRC: copy SRC to $BENCH_ODIRECT_FILE, written with O_DIRECT and synced, so that
# its blocks are on the cache disk and none in the page cache.
bench_odirect_make() {
	dd if="$1" of="$BENCH_ODIRECT_FILE" bs="$BENCH_DD_BS" oflag=direct conv=fsync status=none
}

# bench_odirect_remove: delete the scratch file (before the cache is bound, so it never competes with
# the cache for space).
bench_odirect_remove() { rm -f "$BENCH_ODIRECT_FILE"; }

# bench_bind_and_mount: bind the mode's cache and mount the share with cache=fscache, or end the run
# with a bail-out that says why (a benchmark without its cache has nothing to measure).
bench_bind_and_mount() {
	fsc_bind_cache || tap_bail "cannot bind a cache ($FSC_BACKEND backend): $FSC_BIND_REASON"
	fsc_mount_share || tap_bail "cannot mount the share with cache=fscache"
}

# bench_remount: unmount the share (which waits for the cache writes in flight), drop the caches and
# mount it again: what follows is served by the cache, not the page cache.
bench_remount() {
	fsc_umount_share || tap_bail "unmounting the share failed"
	fsc_drop_caches
	fsc_mount_share || tap_bail "cannot mount the share again"
}

# bench_note_counters LABEL RD0 WR0: a note with the cache reads and writes since RD0 WR0
# (fsc_io_counters), and on our backend its hit/miss counters and bytes read and written so far.
bench_note_counters() {
	local rd wr extra=""
	read -r rd wr < <(fsc_io_counters)
	if [ -r /proc/fs/cachefiles ]; then
		extra=$(awk -v tag="$FSC_CACHE_TAG" '
			/^[^ ]/ { cur = $1 }
			cur == tag { for (i = 1; i <= NF; i++) if ($i ~ /^(rd_bytes|wr_bytes|hits|misses|partial)=/) printf " %s", $i }
		' /proc/fs/cachefiles)
	fi
	echo "# note: $1: cache reads $((rd - $2)), cache writes $((wr - $3))${extra:+; cachefiles:$extra}"
}
