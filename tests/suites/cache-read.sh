# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# cache-read: data read through a 9p cache=fscache mount goes into the cache, and after an unmount and a
# drop of the page cache it comes back out of the cache, unchanged.
#
#   pass 1: read each file through the fscache mount (cache empty: downloads, written to the cache)
#   unmount (waits for the cache writes still in flight), drop caches, mount again
#   pass 2: read each file again (served from the cache)
#
# Checks: both passes' MD5 sums equal what the server holds (read uncached through share-raw); the cache
# write counter grew over pass 1 and its read counter did not; the cache read counter grew while reading each non-empty file in pass 2;
# the empty file reads as empty.  Host side: cache-read.prepare.sh.
#
# Argument: BIG_MIB=N, the size of the largest file, f-big, in MiB (default 100; the debug matrix reads
# less).  Busybox has all the suite runs, so the guest runs from its initramfs: on the debug kernel an
# exec from the 9p root costs seconds, and the suite took 3.3 times as long (164 s against 48 s).
# vm-root: initramfs
# vm-timeout: 600

files="f-0 f-1 f-4k f-1m f-big"
nonempty="f-1 f-4k f-1m f-big"
tap_plan 22
tap_diag "f-big: ${FSC_ARG_BIG_MIB:-100} MiB"

fsc_bind_cache
bind_rc=$?
if [ "$bind_rc" -ne 0 ]; then
	if [ "$bind_rc" -eq 2 ]; then
		tap_skip "bind a cache ($FSC_BACKEND backend)" "$FSC_BIND_REASON"
		tap_skip_rest 21 "no cache bound"
	else
		tap_ok 1 "bind a cache ($FSC_BACKEND backend): $FSC_BIND_REASON"
		tap_skip_rest 21 "no cache bound"
	fi
	exit 0
fi
tap_ok 0 "bind a cache ($FSC_BACKEND backend), tag $FSC_CACHE_TAG active"

if ! tap_ok "fsc_mount_share" "mount the share with cache=fscache"; then
	tap_skip_rest 20 "no fscache mount"
	exit 0
fi

declare -A want
for f in $files; do
	want[$f]=$(fsc_sum "$FSC_RAW/$f")
done

# Pass 1.
read -r rd0 wr0 < <(fsc_io_counters)
for f in $files; do
	tap_is "$(fsc_sum "$FSC_SHARE/$f")" "${want[$f]}" "pass 1: $f reads right"
done
tap_ok "fsc_umount_share" "unmount (waits for the cache writes)"
read -r rd1 wr1 < <(fsc_io_counters)
tap_diag "pass 1: cache reads $rd0 -> $rd1, cache writes $wr0 -> $wr1"
tap_ok "fsc_gt '$wr1' '$wr0'" "pass 1 wrote to the cache (wr $wr0 -> $wr1)"
tap_is "$rd1" "$rd0" "pass 1 read nothing from the (empty) cache"

tap_ok "fsc_drop_caches && fsc_mount_share" "drop caches, mount again"

# Pass 2, each file on its own so that each one's cache reads are seen.
for f in $files; do
	read -r rd_before _ < <(fsc_io_counters)
	tap_is "$(fsc_sum "$FSC_SHARE/$f")" "${want[$f]}" "pass 2: $f reads right"
	read -r rd_after _ < <(fsc_io_counters)
	case " $nonempty " in
	*" $f "*)
		tap_ok "fsc_gt '$rd_after' '$rd_before'" "pass 2: $f came from the cache (rd $rd_before -> $rd_after)" ||
			missed=1
		;;
	esac
done
# A miss: show the core's view, for the log.
[ -z "${missed:-}" ] || tap_diag "$(cat /proc/fs/fscache/stats /proc/fs/fscache/caches /proc/fs/fscache/volumes /proc/fs/fscache/cookies; dmesg | grep -iE 'fscache|cachefiles' | tail -20)"
tap_is "$(stat -c %s "$FSC_SHARE/f-0"):$(wc -c <"$FSC_SHARE/f-0")" "0:0" "the empty file is empty (stat and read)"

tap_diag "cache contents: $(find "$FSC_CACHE_DIR" -type f | wc -l) files, $(du -sk "$FSC_CACHE_DIR" | cut -f1) KiB"
tap_ok "fsc_umount_share" "unmount"
