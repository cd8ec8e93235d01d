#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the cf-bind-errors suite: one file to read through the caches at the end.
set -euo pipefail
head -c 1048576 /dev/urandom >"$1/after"
