# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# seq-read: sequential read of a 256 MiB file (host side: seq-read.prepare.sh), 1 MiB requests, each
# from a dropped page cache.  Every figure but the cold ones is the median of three reads (a note
# lists all three).
#   odirect-read      the same data from a file on the cache disk itself (outside the cache directory,
#                     deleted before the cache is bound), O_DIRECT in 256 KiB requests: the limit for
#                     warm reads
#   local-read        that file read through the page cache (a local read, with the guest's copy to
#                     user space that O_DIRECT and uncached 9p reads do not pay)
#   uncached-read     through the cache=none mount (the 9p server alone)
#   cold-read         through the cache=fscache mount, cache empty (downloads and fills the cache)
#   cold-umount       the unmount after it (waits for the cache writes to finish)
#   warm-read         after unmount, drop_caches and mount again (served by the cache)
#   warm-vs-odirect   warm-read / odirect-read (target: >= 0.90)
#   cold-vs-uncached  cold-read / uncached-read (target: >= 0.90)
#   warm-vs-local     warm-read / local-read, and
#   cold-vs-local     cold-read / local-read: O_DIRECT and uncached 9p reads (which pins the user's
#                     pages: zero copy) leave the data to QEMU, while reads through the page cache, as
#                     every read of a cache=fscache mount is, pay the guest's own copy, emulated under
#                     TCG; local-read is what that copy allows
# Prints "FIGURE name value unit" lines; tests/bench/run.sh aggregates them.
# vm-timeout: 900

# shellcheck source=tests/bench/bench-lib.sh
. "$FSC_REPO/tests/bench/bench-lib.sh"

# read_mbps FILE [DD_ARG...]: drop the caches, read FILE; MB/s.
read_mbps() {
	fsc_drop_caches
	bench_dd_mbps "$@"
}

odirect="" localrd="" uncached="" warm=""	# set by bench_median3
fsc_mount_raw || tap_bail "cannot mount share-raw"
want=$(cat "$FSC_RAW/big.md5")

bench_odirect_make "$FSC_RAW/big" || tap_bail "cannot write $BENCH_ODIRECT_FILE on the cache disk"
bench_median3 odirect read_mbps "$BENCH_ODIRECT_FILE" bs="$BENCH_ODIRECT_BS" iflag=direct
bench_figure odirect-read "$odirect" MB/s
bench_median3 localrd read_mbps "$BENCH_ODIRECT_FILE"
bench_figure local-read "$localrd" MB/s
bench_odirect_remove
bench_median3 uncached read_mbps "$FSC_RAW/big"
bench_figure uncached-read "$uncached" MB/s

bench_bind_and_mount
read -r rd0 wr0 < <(fsc_io_counters)
cold=$(read_mbps "$FSC_SHARE/big")
bench_figure cold-read "$cold" MB/s
t0=$(bench_now)
fsc_umount_share || tap_bail "umount failed"
bench_figure cold-umount "$(bench_since "$t0")" s
bench_note_counters "cold read" "$rd0" "$wr0"

fsc_drop_caches
fsc_mount_share || tap_bail "cannot mount the share again"
read -r rd1 wr1 < <(fsc_io_counters)
bench_median3 warm read_mbps "$FSC_SHARE/big"
bench_figure warm-read "$warm" MB/s
bench_note_counters "warm reads (3)" "$rd1" "$wr1"
read -r rd2 _ < <(fsc_io_counters)

bench_figure warm-vs-odirect "$(bench_ratio "$warm" "$odirect")" x
bench_figure cold-vs-uncached "$(bench_ratio "$cold" "$uncached")" x
bench_figure warm-vs-local "$(bench_ratio "$warm" "$localrd")" x
bench_figure cold-vs-local "$(bench_ratio "$cold" "$localrd")" x

# The warm read left the file in the page cache: checking it costs CPU only (md5: the cheapest under TCG).
[ "$(fsc_sum "$FSC_SHARE/big")" = "$want" ] || tap_bail "warm read returned wrong data"
[ $((rd2 - rd1)) -gt 0 ] || echo "# note: the warm read did not read from the cache"
fsc_umount_share
