#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the test guest, run by the host's bash once the initramfs has mounted the host's root
# (read-only, over 9p) and switched to it, or, for a script with "# vm-root: initramfs", by the initramfs
# itself, which then holds everything the guest runs.  The run's parameters are in the file named by
# fsc.run= on the kernel command line (tests/vm/host-lib.sh writes it).
#
# Sets up the machine (mounts, ext4, the mode's cachefiles.ko, the cache disk on /mnt/cache), then runs
# $FSC_SCRIPT with tests/vm/guest-lib.sh sourced first, its stdout on the second serial port (/dev/ttyS1,
# the host's result.tap) and its stderr on the console, and powers off.  Problems before the script runs
# are reported as "Bail out!" on ttyS1.  The last line written to ttyS1 is "# fsc-guest: end": without it
# the host knows the guest did not get there.
#
# Every exec costs: ~0.1 s on Debian's kernel under TCG, 2-3 s for a dynamically linked binary on the
# debug kernel.  So this script sticks to builtins where it can, the initramfs has already done the
# mounts below (they are only checked here), and the host worked out which modules to load.
#
# PID 1 must never exit: every path ends in poweroff.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 LC_ALL=C.UTF-8

# uptime_cs VAR: the guest's uptime in centiseconds, into VAR.
uptime_cs() {
	local u
	read -r u _ </proc/uptime
	u=${u/./}
	printf -v "$1" '%d' "$((10#$u))"
}
# secs CS: centiseconds as seconds with one decimal.
secs() { printf '%d.%d' "$(($1 / 100))" "$(($1 % 100 / 10))"; }

boot_cs=0 t0=0 t1=0 done_at=0
uptime_cs boot_cs

# shellcheck disable=SC2317  # run by the EXIT trap
poweroff_now() {
	/bin/busybox sync
	exec 3>&- 2>/dev/null
	exec /bin/busybox poweroff -f
}
trap poweroff_now EXIT

is_mounted() {
	local _d m _r
	while read -r _d m _r; do
		[ "$m" != "$1" ] || return 0
	done </proc/self/mounts 2>/dev/null
	return 1
}
mnt() { is_mounted "$3" || /bin/busybox mount -t "$1" ${4:+-o "$4"} "$2" "$3"; }
mnt proc proc /proc
mnt sysfs sysfs /sys
mnt devtmpfs devtmpfs /dev
for d in /tmp /run /mnt /var/tmp; do
	mnt tmpfs tmpfs "$d" mode=1777
done
[ ! -d /sys/kernel/debug ] || mnt debugfs debugfs /sys/kernel/debug
# devtmpfs lacks the /proc links that bash's process substitution (/dev/fd/N) and scripts expect.
for l in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 stderr:/proc/self/fd/2; do
	[ -e "/dev/${l%%:*}" ] || /bin/busybox ln -s "${l#*:}" "/dev/${l%%:*}"
done

# ttyS1 was set raw by the initramfs (no CR/LF translation, no echo).
exec 3>/dev/ttyS1

bail() {
	echo "fsc-guest-init: $*" >&2
	echo "Bail out! guest-init: $*" >&3
	echo "# fsc-guest: end" >&3
	exit 1
}

run=""
read -r -a words </proc/cmdline
for w in "${words[@]}"; do
	case $w in fsc.run=*) run=${w#fsc.run=} ;; esac
done
if [ -z "$run" ] || [ ! -r "$run/params" ]; then bail "no parameters (fsc.run= on the command line)"; fi
# shellcheck source=/dev/null
. "$run/params"
export FSC_REPO FSC_RUNDIR FSC_SCRIPT FSC_KIND FSC_KREL FSC_MODBASE FSC_MODE FSC_CORE FSC_BACKEND \
	FSC_FSCACHE_KO FSC_CACHEFILES_KO FSC_STOCK_FSCACHE_KO FSC_STOCK_CACHEFILES_KO \
	FSC_OURS_FSCACHE_KO FSC_OURS_CACHEFILES_KO FSC_HOST_SHARE FSC_ROOT
export FSC_BOOT_SECS
FSC_BOOT_SECS=$(secs "$boot_cs")
echo "# boot-to-init: $FSC_BOOT_SECS s (guest uptime when guest-init started)" >&3

# shellcheck source=tests/vm/guest-wait.sh
. "$FSC_REPO/tests/vm/guest-wait.sh"

# The modules the host found missing from this kernel (not built in, not loaded by the initramfs): the
# cache disk's, ext4's, and cachefiles' dependencies.
FSC_SETUP_MODULES=${FSC_SETUP_MODULES-virtio_blk ext4}
if [ -n "$FSC_SETUP_MODULES" ]; then
	# shellcheck disable=SC2086  # a list of names
	modprobe -d "$FSC_MODBASE" -S "$FSC_KREL" -a $FSC_SETUP_MODULES || bail "modprobe $FSC_SETUP_MODULES failed"
fi
insmod "$FSC_CACHEFILES_KO" || bail "insmod $FSC_CACHEFILES_KO failed"
fsc_wait_for 10 test -b /dev/vda || bail "no cache disk /dev/vda"
/bin/busybox mkdir -p /mnt/cache /mnt/share /mnt/raw
mount -t ext4 /dev/vda /mnt/cache || bail "cannot mount the cache disk"

uptime_cs t0
echo "# setup: $(secs $((t0 - boot_cs))) s (modules, cache disk)" >&3

# The script runs in a subshell (a fork, not an exec) with nothing of this file but the environment.
(
	set +u
	trap - EXIT
	unset -f uptime_cs secs poweroff_now is_mounted mnt bail
	# shellcheck source=tests/vm/guest-lib.sh
	. "$FSC_REPO/tests/vm/guest-lib.sh" && . "$FSC_SCRIPT"
) >&3 2>/dev/console </dev/null
rc=$?
uptime_cs t1
echo "# script: exit status $rc, $(secs $((t1 - t0))) s" >&3

# Teardown the script may have left: shares, then our caches (the kernel holds them until unbound), then
# the cache disk (the script's EXIT trap has already stopped the daemon it started).
for m in /mnt/share /mnt/raw /mnt/cache; do
	if [ "$m" = /mnt/cache ] && [ -r /proc/fs/cachefiles ]; then
		for tag in $(awk '/^[^ ]/ { print $1 }' /proc/fs/cachefiles); do
			"$FSC_REPO/tools/fscachectl/fscachectl" cache unbind tag "$tag" ||
				echo "# teardown: unbinding cache $tag failed" >&3
		done
	fi
	if is_mounted "$m"; then
		umount "$m" || echo "# teardown: umount $m failed" >&3
	fi
done

# Debug kernel: let kmemleak look once everything is torn down.  An object is only reported once it is
# 5 s old, so scan until the teardown is that old, then once more, and print what it found.
if [ -w /sys/kernel/debug/kmemleak ]; then
	uptime_cs done_at
	# shellcheck disable=SC2317  # called through fsc_wait_for
	old_enough() {
		local cs
		uptime_cs cs
		((cs > done_at + 600))
	}
	fsc_wait_for 120 old_enough || true
	echo scan >/sys/kernel/debug/kmemleak
	echo scan >/sys/kernel/debug/kmemleak
	leaks=0
	while read -r line; do
		case $line in "unreferenced object"*) leaks=$((leaks + 1)) ;; esac
		echo "$line" >/dev/console
	done </sys/kernel/debug/kmemleak
	echo "# kmemleak: $leaks unreferenced object(s)" >&3
fi

echo "# fsc-guest: end" >&3
exit 0
