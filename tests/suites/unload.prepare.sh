#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the unload suite: three files of random data, 4 KiB, 1 MiB and 8 MiB.
set -euo pipefail
share=$1
head -c 4096 /dev/urandom >"$share/f-4k"
head -c 1048576 /dev/urandom >"$share/f-1m"
head -c 8388608 /dev/urandom >"$share/f-8m"
