#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the build, the tests and the demo need on a fresh Debian 12 machine, and unpack
# Debian's current 6.1 kernel image (vmlinuz + modules) into the build cache.  Idempotent: a second run
# only checks.  Nothing is installed into the host's /boot or /lib/modules.
#
# Prints the resolved kernel ABI on stdout's last line as "ABI=<abi>".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

PKGS=(
	build-essential bc bison flex libelf-dev libssl-dev kmod cpio xz-utils rsync
	python3 python3-yaml pkg-config
	linux-headers-amd64 linux-source-6.1
	qemu-system-x86 busybox-static e2fsprogs
	libmnl-dev libnl-genl-3-dev
	cachefilesd fio
	dmsetup dosfstools
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if ((${#missing[@]})); then
	log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# cachefilesd's maintainer script would start the daemon on the host: keep it from doing so.
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d.fscache-iter
	chmod +x /usr/sbin/policy-rc.d.fscache-iter
	[ -e /usr/sbin/policy-rc.d ] || ln -s policy-rc.d.fscache-iter /usr/sbin/policy-rc.d
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
	[ "$(readlink /usr/sbin/policy-rc.d 2>/dev/null)" != policy-rc.d.fscache-iter ] || rm -f /usr/sbin/policy-rc.d
	rm -f /usr/sbin/policy-rc.d.fscache-iter
fi

abi=$(kernel_abi)
[ -n "$abi" ] || die "cannot resolve the kernel ABI from linux-headers-amd64"
[ -d "/usr/src/linux-headers-$abi" ] || die "linux-headers-$abi is not installed"

# Debian's kernel image, unpacked into the build cache.
img="$(cache_dir)/debian-$abi"
if [ ! -e "$img/.complete" ]; then
	log "fetching linux-image-$abi into $img"
	rm -rf "$img" && mkdir -p "$img/dl"
	(cd "$img/dl" && apt-get download -q "linux-image-$abi" >/dev/null)
	dpkg -x "$img"/dl/*.deb "$img"
	rm -rf "$img/dl"
	depmod -b "$img" "$abi"
	touch "$img/.complete"
fi

# linux-source-6.1, unpacked once (KUnit under UML and the debug kernel are built from it).
src="$(cache_dir)/linux-source-6.1"
if [ ! -e "$src/.complete" ]; then
	tarball=$(ls /usr/src/linux-source-6.1.tar.* | head -n1)
	log "unpacking $tarball into $src"
	rm -rf "$src" && mkdir -p "$src"
	tar -xf "$tarball" -C "$src" --strip-components=1
	touch "$src/.complete"
fi

echo "ABI=$abi"
