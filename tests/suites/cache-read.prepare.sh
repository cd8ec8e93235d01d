#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the cache-read suite: files of 0 B, 1 B, 4 KiB, 1 MiB and BIG_MIB MiB (default 100; a
# matrix line's BIG_MIB=N, seen here as FSC_ARG_BIG_MIB) of random data.
set -euo pipefail
share=$1
big=${FSC_ARG_BIG_MIB:-100}
[[ $big =~ ^[1-9][0-9]{0,4}$ ]] || { echo "cache-read: BIG_MIB=$big is not a size in MiB (1-99999)" >&2; exit 1; }
: >"$share/f-0"
head -c 1 /dev/urandom >"$share/f-1"
head -c 4096 /dev/urandom >"$share/f-4k"
head -c 1048576 /dev/urandom >"$share/f-1m"
head -c $((big * 1048576)) /dev/urandom >"$share/f-big"
