# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# load: the modules running are exactly the mode's files, and a 9p share mounted with cache=fscache
# reads and writes correctly on them; cachefiles unloads and loads again.  No caching assertions (a
# skeleton fscache caches nothing).  Host side: load.prepare.sh.
# vm-timeout: 300

tap_plan 15

# The loaded NAME is the file WANT_KO (same build ID) and is ours or the kernel's as the mode says.
check_identity() {
	local name=$1 want_ko=$2 got want ours_var
	ours_var=FSC_OURS_${name^^}_KO
	got=$(fsc_module_build_id "$name")
	want=$(fsc_ko_build_id "$want_ko")
	tap_is "$got" "$want" "loaded $name has the build ID of $want_ko"
	if [ "$want_ko" = "${!ours_var}" ]; then
		tap_ok "fsc_module_is_ours $name" "$name is out of tree (ours), taint '$(cat "/sys/module/$name/taint")'"
	else
		tap_ok "! fsc_module_is_ours $name" "$name is in tree (the kernel's)"
	fi
}

tap_ok "fsc_module_loaded netfs && fsc_module_loaded fscache && fsc_module_loaded cachefiles" \
	"netfs, fscache and cachefiles are in /proc/modules"
check_identity fscache "$FSC_FSCACHE_KO"
check_identity cachefiles "$FSC_CACHEFILES_KO"

# Read and write through cache=fscache (no cache bound: the mount must work regardless).
tap_ok "fsc_mount_share" "mount the share with cache=fscache"
tap_is "$(fsc_sum "$FSC_SHARE/known.txt")" "$(seq 1 200000 | md5sum | cut -d' ' -f1)" \
	"a file prepared on the host reads back right through the fscache mount"

head -c 3000000 /dev/urandom >/tmp/written
want=$(fsc_sum /tmp/written)
tap_ok "cp /tmp/written $FSC_SHARE/written && sync" "write a 3 MB file through the fscache mount"
tap_is "$(fsc_sum "$FSC_RAW/written")" "$want" "the server holds what was written"
tap_is "$(fsc_sum "$FSC_SHARE/written")" "$want" "it reads back right through the fscache mount"

tap_ok "fsc_umount_share && fsc_drop_caches && fsc_mount_share" "unmount, drop caches, mount again"
tap_is "$(fsc_sum "$FSC_SHARE/written")" "$want" "it reads back right after the remount"
tap_ok "fsc_umount_share" "unmount the share"

# The backend unloads cleanly and loads again.
tap_ok "rmmod cachefiles && ! fsc_module_loaded cachefiles" "rmmod cachefiles"
tap_ok "insmod $FSC_CACHEFILES_KO && fsc_module_loaded cachefiles" "insmod cachefiles again"
