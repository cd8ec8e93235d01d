#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the many-files suite: FILES files (default 10000; a matrix line's FILES=N, seen here as
# FSC_ARG_FILES) of 1 KiB of random data, spread evenly over 10 directories.
set -euo pipefail
files=${FSC_ARG_FILES:-10000}
[[ $files =~ ^[1-9][0-9]{0,6}$ ]] || { echo "many-files: FILES=$files is not a count (1-9999999)" >&2; exit 1; }
dirs=10
for d in $(seq 0 $((dirs - 1))); do
	# The first files % dirs directories get one more.
	n=$((files / dirs + (d < files % dirs)))
	mkdir -p "$1/d$d"
	[ "$n" -gt 0 ] || continue
	head -c $((n * 1024)) /dev/urandom | split -b 1024 -a 6 -d - "$1/d$d/f"
done
