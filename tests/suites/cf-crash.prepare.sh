#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the cf-crash suite: a00..a03 (4 MiB each) and b00..b(FILES-1) (FILES, default 24, of 3 MiB
# each) of random data.
set -euo pipefail
n=${FSC_ARG_FILES:-24}
if [[ ! $n =~ ^[1-9][0-9]{0,2}$ ]] || ((n < 3)); then
	echo "cf-crash: FILES=$n is not 3-999" >&2
	exit 1
fi
for i in 0 1 2 3; do
	head -c 4194304 /dev/urandom >"$1/a0$i"
done
for ((i = 0; i < n; i++)); do
	head -c 3145728 /dev/urandom >"$(printf '%s/b%02d' "$1" "$i")"
done
