#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# /init of the harness's initramfs (tests/vm/host-lib.sh fills in the @...@ values): load the module
# chain that mounts the host's root over 9p (virtio transport, netfs, the mode's fscache, 9p), mount it
# read-only and hand over to tests/vm/guest-init.sh run by the host's bash.
#
# With an initramfs root (@ROOT@ = initramfs) there is no host root: the initramfs holds bash, the
# scripts and the modules (host-lib.sh's vm_stage_initramfs_root), the same set-up happens on it, and
# guest-init.sh runs without a switch_root.
bb=/bin/busybox
root=/newroot
# shellcheck disable=SC2050  # host-lib.sh fills it in
[ @ROOT@ != initramfs ] || root=""
$bb mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys

fail() {
	echo "fsc-init: $*"
	# ttyS1 carries the results: say why there are none.
	echo "Bail out! initramfs: $*" >/dev/ttyS1
	$bb poweroff -f
}

for ko in /modules/*.ko; do
	[ -e "$ko" ] || continue
	$bb insmod "$ko" || fail "insmod ${ko#/modules/???} failed"
done

# The virtio devices are probed when their drivers load; wait (bounded) until the root's tag is there.
has_root_tag() {
	for t in /sys/bus/virtio/devices/*/mount_tag; do
		[ -e "$t" ] && [ "$($bb tr -d '\000' <"$t")" = hostroot ] && return 0
	done
	return 1
}
if [ -n "$root" ]; then
	i=0
	until has_root_tag; do
		i=$((i + 1))
		[ $i -le 200 ] || fail "no 9p device tagged hostroot after 20 s"
		$bb usleep 100000
	done
	$bb mount -t 9p -o @ROOT_OPTS@ hostroot $root || fail "mount of the host root failed"
fi

# What guest-init would otherwise do with the host's (dynamically linked, on a debug kernel slow to
# start) tools: scratch tmpfs mounts, debugfs, the /dev/fd links, a raw ttyS1 for the results.
masked="tmp run mnt var/tmp"
# Host paths the guest needs that a tmpfs below would hide: set them aside, then put them back on top.
n=0
for p in @KEEP@; do
	# (An initramfs root holds only the parts of them that the guest uses.)
	[ -d "$root$p" ] || continue
	for d in $masked; do
		case "$p/" in
		"/$d/"*)
			$bb mkdir -p "/keep/$n" && $bb mount --bind "$root$p" "/keep/$n" ||
				fail "cannot keep $p visible"
			echo "$p" >"/keep/$n.path"
			n=$((n + 1))
			;;
		esac
	done
done
for d in $masked; do
	$bb mount -t tmpfs -o mode=1777 tmpfs "$root/$d" || fail "mount tmpfs on /$d failed"
done
i=0
while [ $i -lt $n ]; do
	p=$($bb cat "/keep/$i.path")
	$bb mkdir -p "$root$p" && $bb mount --move "/keep/$i" "$root$p" || fail "cannot put $p back"
	i=$((i + 1))
done
$bb mkdir -p $root/mnt/cache $root/mnt/share $root/mnt/raw
[ ! -d /sys/kernel/debug ] || $bb mount -t debugfs debugfs /sys/kernel/debug
$bb ln -s /proc/self/fd /dev/fd
$bb ln -s /proc/self/fd/0 /dev/stdin
$bb ln -s /proc/self/fd/1 /dev/stdout
$bb ln -s /proc/self/fd/2 /dev/stderr
$bb stty -F /dev/ttyS1 raw -echo || fail "cannot set up /dev/ttyS1"
[ -n "$root" ] || exec /bin/bash @GUEST_INIT@
# Our stdio is open on /dev/console: carry the mounts over rather than unmount them.
$bb mount --move /dev /newroot/dev
$bb mount --move /proc /newroot/proc
$bb mount --move /sys /newroot/sys
exec $bb switch_root /newroot /bin/bash @GUEST_INIT@
