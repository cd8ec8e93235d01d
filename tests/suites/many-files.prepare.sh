#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the many-files suite: 10000 files of 1 KiB in 10 directories.
set -euo pipefail
for d in $(seq 0 9); do
	mkdir -p "$1/d$d"
	head -c $((1000 * 1024)) /dev/urandom | split -b 1024 -a 3 -d - "$1/d$d/f"
done
