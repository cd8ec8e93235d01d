#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the cf-ioerror suite: c0..c5, cached before the disk fails, and n0..n3, read only after
# it failed; 4 MiB of random data each.
set -euo pipefail
for f in c0 c1 c2 c3 c4 c5 n0 n1 n2 n3; do
	head -c 4194304 /dev/urandom >"$1/$f"
done
