#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the load suite: a known file the guest can regenerate and compare.
set -euo pipefail
share=$1
seq 1 200000 >"$share/known.txt"
