#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the coherency suite.
set -euo pipefail
head -c 2097152 /dev/urandom >"$1/changed"
head -c 2097152 /dev/urandom >"$1/grown"
