#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the nl-fuzz suite: a file to read through the cached mount before and after the fuzzing.
set -euo pipefail
head -c 1048576 /dev/urandom >"$1/data"
