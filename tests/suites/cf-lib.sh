# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers shared by the cf-* suites (the cachefiles backend's integration suites).  Not a suite: each
# cf-*.sh sources it after guest-lib.sh.

# shellcheck disable=SC2034  # for the suites
CF_GRANULE=262144	# bytes per content-map granule (CACHEFILES_GRANULE_SIZE)

# cf_start N: bind a cache and mount the share, or fail the first case and skip the N - 1 others (a
# backend that cannot be bound yet skips them all) and end the script.
cf_start() {
	local n=$1 rc
	fsc_bind_cache
	rc=$?
	if [ "$rc" -eq 2 ]; then
		tap_skip "bind a cache ($FSC_BACKEND backend)" "$FSC_BIND_REASON"
		tap_skip_rest $((n - 1)) "no cache bound"
		exit 0
	fi
	if [ "$rc" -ne 0 ]; then
		tap_ok 1 "bind a cache ($FSC_BACKEND backend): $FSC_BIND_REASON"
		tap_skip_rest $((n - 1)) "no cache bound"
		exit 0
	fi
	if ! fsc_mount_share; then
		tap_ok 1 "bind a cache ($FSC_BACKEND backend) and mount the share"
		tap_skip_rest $((n - 1)) "no fscache mount"
		exit 0
	fi
	tap_ok 0 "bind a cache ($FSC_BACKEND backend) and mount the share"
}

# cf_remount: unmount the share (waits for cache writes in flight), drop caches, mount it again.
cf_remount() { fsc_umount_share && fsc_drop_caches && fsc_mount_share; }

# cf_ours: the backend is ours, which has /proc/fs/cachefiles.
cf_ours() { [ "$FSC_BACKEND" = ours ]; }

# cf_stat NAME [TAG]: value NAME (a counter, or usage, capacity, objects) of cache TAG (default
# $FSC_CACHE_TAG) in /proc/fs/cachefiles; prints nothing (and fails) when there is no such cache or value.
cf_stat() {
	[ -r /proc/fs/cachefiles ] || return 1
	awk -v tag="${2:-$FSC_CACHE_TAG}" -v name="$1" '
		/^[^ ]/ { cur = $1 }
		cur == tag { for (i = 1; i <= NF; i++) if (split($i, kv, "=") == 2 && kv[1] == name) { print kv[2]; found = 1 } }
		END { exit !found }' /proc/fs/cachefiles
}

# cf_listed TAG: /proc/fs/cachefiles lists cache TAG.
cf_listed() { [ -r /proc/fs/cachefiles ] && awk -v tag="$1" '$1 == tag { f = 1 } END { exit !f }' /proc/fs/cachefiles; }

# cf_ours_ok COND DESC: tap_ok on our backend; a skip on stock's, which has no /proc/fs/cachefiles.
cf_ours_ok() {
	if cf_ours; then
		tap_ok "$1" "$2"
	else
		tap_skip "$2" "the stock backend has no /proc/fs/cachefiles"
	fi
}

# cf_range_sum FILE SKIP COUNT: MD5 of COUNT 4 KiB blocks of FILE from block SKIP (to EOF at most).
cf_range_sum() { dd if="$1" bs=4096 skip="$2" count="$3" status=none | md5sum | cut -d' ' -f1; }

# cf_diag_cache: the backend's and the core's view, for the log after a failure.
cf_diag_cache() {
	tap_diag "$(cat /proc/fs/cachefiles 2>/dev/null; grep -E '^(IO|NoSpace|Invals)' /proc/fs/fscache/stats)"
}

# cf_settled: no cookie is looking up, creating or invalidating, and none has an access (I/O: a write
# to the cache holds one until it completes) in flight, as /proc/fs/fscache/cookies shows.
cf_settled() {
	awk 'NR > 2 && ($5 != 0 || $6 ~ /^[LCI]$/) { busy = 1 } END { exit busy }' /proc/fs/fscache/cookies
}
