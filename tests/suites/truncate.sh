# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# truncate: local writes, shrinks and extensions through the cache=fscache mount leave the file equal to
# the server's copy, and after a remount the cache serves no data from beyond a shrink (the extension
# reads as zeros).
# vm-timeout: 600

tap_plan 9

fsc_bind_cache || { tap_ok 1 "bind a cache: $FSC_BIND_REASON"; tap_skip_rest 8 "no cache"; exit 0; }
tap_ok 0 "bind a cache ($FSC_BACKEND backend)"
fsc_mount_share || { tap_ok 1 "mount"; tap_skip_rest 7 "no mount"; exit 0; }
f=$FSC_SHARE/t
raw=$FSC_RAW/t

# same_as_server DESC: the client's view equals the server's.
same_as_server() {
	sync "$f"
	tap_is "$(fsc_sum "$f")" "$(fsc_sum "$raw")" "$1"
}

head -c 3145728 /dev/urandom >"$f"
same_as_server "write 3 MiB"
fsc_sum "$f" >/dev/null
truncate -s 100000 "$f"
same_as_server "shrink to 100000 bytes"
truncate -s 2097152 "$f"
same_as_server "extend to 2 MiB"
head -c 4096 /dev/urandom | dd of="$f" bs=4096 seek=300 conv=notrunc status=none
same_as_server "write 4 KiB inside the extension"

tap_ok fsc_umount_share "unmount"
fsc_drop_caches
fsc_mount_share
tap_is "$(fsc_sum "$f")" "$(fsc_sum "$raw")" "after a remount: equal to the server"
zeros=$(dd if="$f" bs=4096 skip=100 count=100 status=none | tr -d '\0' | wc -c)
tap_is "$zeros" 0 "after a remount: the extension past the old shrink reads as zeros"
tap_is "$(stat -c %s "$f")" 2097152 "after a remount: the size is right"
