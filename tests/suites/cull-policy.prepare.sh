#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the cull-policy suite: HOT hot files and COLD cold ones (FSC_ARG_HOT, FSC_ARG_COLD), of
# MIB MiB each (FSC_ARG_MIB).  Each starts with 64 KiB of random data, so that every file differs and a
# read of the wrong one shows; the rest is sparse (zeroes cost the host no disk, the guest's cache
# stores them like any data).
set -euo pipefail
hot=${FSC_ARG_HOT:-8} cold=${FSC_ARG_COLD:-480} mib=${FSC_ARG_MIB:-4}
for v in "$hot" "$cold" "$mib"; do
	[[ $v =~ ^[1-9][0-9]{0,4}$ ]] || { echo "cull-policy: '$v' is not a count" >&2; exit 1; }
done
mkfile() {
	head -c 65536 /dev/urandom >"$1"
	truncate -s $((mib << 20)) "$1"
}
for i in $(seq -w 1 "$hot"); do mkfile "$1/hot$i"; done
mkdir "$1/cold"
for i in $(seq -w 1 "$cold"); do mkfile "$1/cold/c$i"; done
