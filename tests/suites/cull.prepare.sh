#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the cull suite: 16 files of 4 MiB, four times the cache's capacity.
set -euo pipefail
for i in $(seq -w 1 16); do
	head -c 4194304 /dev/urandom >"$1/f$i"
done
