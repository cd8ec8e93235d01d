#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the seq-read workload: one 256 MiB file of random data.
set -euo pipefail
head -c $((256 << 20)) /dev/urandom >"$1/big"
md5sum <"$1/big" | cut -d' ' -f1 >"$1/big.md5"
