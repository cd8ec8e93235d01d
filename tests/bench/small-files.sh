# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# small-files: many 4 KiB files (2000 by default; argument FILES=N; host side: small-files.prepare.sh),
# each opened, read whole and closed, directory by directory (find + cat), from a dropped page, dentry
# and inode cache.  Files per second, wall clock of the whole walk.  (No uncached reference: with
# cache=none every stat and read is a round trip to the server, and that pass took longer than the
# other two together.)
#   cold-files        through the cache=fscache mount, cache empty (each file is looked up in the cache,
#                     created there, downloaded and written to the cache)
#   cold-umount       the unmount after it (waits for the cache writes to finish)
#   warm-files        after unmount, drop_caches and mount again (each file is looked up in the cache and
#                     read from it)
#   warm-vs-cold      warm-files / cold-files (target: > 1)
# vm-timeout: 900

# shellcheck source=tests/bench/bench-lib.sh
. "$FSC_REPO/tests/bench/bench-lib.sh"

# read_files DIR: read every file under DIR from dropped caches; print files per second.  find and cat
# run once before the clock starts, so that their execs inside it do not reload them over the 9p root.
read_files() {
	local t0 secs
	fsc_drop_caches
	{ find / -maxdepth 0 >/dev/null && cat --version >/dev/null; } || return 1
	t0=$(bench_now)
	find "$1" -type f -exec cat {} + >/dev/null || return 1
	secs=$(bench_since "$t0")
	bench_per_sec "$nfiles" "$secs"
}

# files_sum DIR: one checksum over every file's name and content (as small-files.prepare.sh computes).
files_sum() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs md5sum | md5sum | cut -d' ' -f1); }

fsc_mount_raw || tap_bail "cannot mount share-raw"
want=$(cat "$FSC_RAW/files.md5")
nfiles=$(find "$FSC_RAW/files" -type f | wc -l)
[ "$nfiles" -gt 0 ] || tap_bail "no files in the share"
echo "# note: $nfiles files of 4 KiB"

bench_bind_and_mount
read -r rd0 wr0 < <(fsc_io_counters)
cold=$(read_files "$FSC_SHARE/files")
bench_figure cold-files "$cold" files/s
t0=$(bench_now)
fsc_umount_share || tap_bail "umount failed"
bench_figure cold-umount "$(bench_since "$t0")" s
bench_note_counters "cold pass" "$rd0" "$wr0"

fsc_mount_share || tap_bail "cannot mount the share again"
read -r rd1 wr1 < <(fsc_io_counters)
warm=$(read_files "$FSC_SHARE/files")
bench_figure warm-files "$warm" files/s
bench_note_counters "warm pass" "$rd1" "$wr1"
read -r rd2 _ < <(fsc_io_counters)
bench_figure warm-vs-cold "$(bench_ratio "$warm" "$cold")" x

# The warm pass left every file in the page cache: checking them costs CPU only.
[ "$(files_sum "$FSC_SHARE/files")" = "$want" ] || tap_bail "the warm pass returned wrong data"
[ $((rd2 - rd1)) -ge "$nfiles" ] ||
	echo "# note: $((rd2 - rd1)) cache reads for $nfiles files: some were not read from the cache"
fsc_umount_share
