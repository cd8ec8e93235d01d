#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the bind-late suite: two files of random data.
set -euo pipefail
head -c 8388608 /dev/urandom >"$1/open-before"
head -c 8388608 /dev/urandom >"$1/open-after"
