# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# coherency: after the server's copy changes, a new mount never serves the cached, stale data.
#
#   fill the cache with "changed" and "grown", unmount; on the server (through share-raw) overwrite the
#   middle of "changed" in place (same size) and append to "grown"; mount again and read both: they must
#   match the server, and reading them again after a remount must still match (the replacement was cached,
#   not the stale copy).
# vm-timeout: 600

tap_plan 8

fsc_bind_cache || { tap_ok 1 "bind a cache: $FSC_BIND_REASON"; tap_skip_rest 7 "no cache"; exit 0; }
tap_ok 0 "bind a cache ($FSC_BACKEND backend)"
fsc_mount_share || { tap_ok 1 "mount"; tap_skip_rest 6 "no mount"; exit 0; }
fsc_sum "$FSC_SHARE/changed" >/dev/null
fsc_sum "$FSC_SHARE/grown" >/dev/null
tap_ok "fsc_umount_share && fsc_gt $(fsc_io_counters | cut -d' ' -f2) 0" "first reads filled the cache"

# The server changes behind the client's back.
head -c 65536 /dev/urandom | dd of="$FSC_RAW/changed" bs=65536 seek=8 conv=notrunc status=none
head -c 12345 /dev/urandom >>"$FSC_RAW/grown"
want_changed=$(fsc_sum "$FSC_RAW/changed")
want_grown=$(fsc_sum "$FSC_RAW/grown")

fsc_drop_caches
fsc_mount_share || { tap_ok 1 "mount again"; tap_skip_rest 5 "no mount"; exit 0; }
tap_is "$(fsc_sum "$FSC_SHARE/changed")" "$want_changed" "changed in place: the new content, not the cached one"
tap_is "$(fsc_sum "$FSC_SHARE/grown")" "$want_grown" "grown: the new content"
tap_is "$(stat -c %s "$FSC_SHARE/grown")" "$(stat -c %s "$FSC_RAW/grown")" "grown: the new size"
tap_ok fsc_umount_share "unmount"

fsc_drop_caches
fsc_mount_share
tap_is "$(fsc_sum "$FSC_SHARE/changed")" "$want_changed" "after another remount: still the new content"
tap_is "$(fsc_sum "$FSC_SHARE/grown")" "$want_grown" "after another remount: grown still right"
