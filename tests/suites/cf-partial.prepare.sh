#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the cf-partial suite: random data in p-big (SIZE_MIB MiB, default 48), p-odd (half that
# plus 4097 bytes: a short last granule) and p-small (2 MiB + 1 byte: eight granules and one byte).
set -euo pipefail
share=$1
mib=${FSC_ARG_SIZE_MIB:-48}
if [[ ! $mib =~ ^[1-9][0-9]{0,4}$ ]] || ((mib < 4)); then
	echo "cf-partial: SIZE_MIB=$mib is not 4-99999" >&2
	exit 1
fi
head -c $((mib * 1048576)) /dev/urandom >"$share/p-big"
head -c $((mib / 2 * 1048576 + 4097)) /dev/urandom >"$share/p-odd"
head -c $((2 * 1048576 + 1)) /dev/urandom >"$share/p-small"
