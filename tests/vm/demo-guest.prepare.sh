#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the demo: the files the guest reads through the cache.
set -euo pipefail
head -c $((64 << 20)) /dev/urandom >"$1/data.bin"
echo "Hello from the host: this file is served over 9p and cached by fscache." >"$1/hello.txt"
