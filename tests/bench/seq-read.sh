# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# seq-read: sequential read of a 256 MiB file (host side: seq-read.prepare.sh), 1 MiB requests.
#   uncached-read   through the cache=none mount (the 9p server alone)
#   cold-read       through the cache=fscache mount, cache empty (downloads and fills the cache)
#   cold-umount     the unmount after it (waits for the cache writes to finish)
#   warm-read       after unmount, drop_caches and mount again (served by the cache)
# Prints "FIGURE name value unit" lines; tests/bench/run.sh aggregates them.
# vm-timeout: 900

FILE_BYTES=$((256 << 20))

now() { date +%s.%N; }

# read_mbps FILE: read FILE sequentially from a dropped page cache; print MB/s.
read_mbps() {
	local t0 t1
	fsc_drop_caches
	t0=$(now)
	dd if="$1" of=/dev/null bs=1M status=none || return 1
	t1=$(now)
	awk -v n="$FILE_BYTES" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", n / 1e6 / (b - a) }'
}

figure() { echo "FIGURE $1 $2 $3"; }

fsc_mount_raw || tap_bail "cannot mount share-raw"
want=$(cat "$FSC_RAW/big.md5")
figure uncached-read "$(read_mbps "$FSC_RAW/big")" MB/s

fsc_bind_cache
rc=$?
if [ "$rc" -ne 0 ]; then
	echo "# SKIP cached figures: $FSC_BIND_REASON"
	exit 0
fi
fsc_mount_share || tap_bail "cannot mount the share with cache=fscache"

read -r _ wr0 < <(fsc_io_counters)
figure cold-read "$(read_mbps "$FSC_SHARE/big")" MB/s
t0=$(now)
fsc_umount_share || tap_bail "umount failed"
t1=$(now)
figure cold-umount "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" s
read -r rd1 wr1 < <(fsc_io_counters)

fsc_mount_share || tap_bail "cannot mount the share again"
figure warm-read "$(read_mbps "$FSC_SHARE/big")" MB/s
read -r rd2 _ < <(fsc_io_counters)
echo "# cache writes during the cold read: $((wr1 - wr0)); cache reads during the warm read: $((rd2 - rd1))"
# The warm read left the file in the page cache: checking it costs CPU only (md5: the cheapest under TCG).
[ "$(md5sum <"$FSC_SHARE/big" | cut -d' ' -f1)" = "$want" ] || tap_bail "warm read returned wrong data"
[ $((rd2 - rd1)) -gt 0 ] || echo "# note: the warm read did not read from the cache"
fsc_umount_share
