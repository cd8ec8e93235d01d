#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the cache-read suite: files of 0 B, 1 B, 4 KiB, 1 MiB and 100 MiB of random data.
set -euo pipefail
share=$1
: >"$share/f-0"
head -c 1 /dev/urandom >"$share/f-1"
head -c 4096 /dev/urandom >"$share/f-4k"
head -c 1048576 /dev/urandom >"$share/f-1m"
head -c 104857600 /dev/urandom >"$share/f-100m"
