#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the cf-enospc suite: FILES files (default 10) of 12 MiB of random data, far more than the
# suite's 96 MiB cache disk can hold above its floor.
set -euo pipefail
n=${FSC_ARG_FILES:-10}
[[ $n =~ ^[1-9][0-9]{0,2}$ ]] || { echo "cf-enospc: FILES=$n is not 1-999" >&2; exit 1; }
for ((i = 0; i < n; i++)); do
	head -c 12582912 /dev/urandom >"$(printf '%s/e%03d' "$1" "$i")"
done
