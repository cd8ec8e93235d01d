#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the cull-bind suite: one small file (its read makes the volume directory) and the mkcache
# helper, built into the share (the guest runs it from the uncached mount).
set -euo pipefail
head -c 8192 /dev/urandom >"$1/one"
cc -O2 -Wall -o "$1/.mkcache" "$(dirname "$0")/helpers/mkcache.c"
