#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the small-files workload: FILES files (default 2000; FSC_ARG_FILES) of 4 KiB of random
# data, spread evenly over 10 directories under files/, and files.md5, the checksum the guest compares
# its warm read with.
set -euo pipefail
files=${FSC_ARG_FILES:-2000}
[[ $files =~ ^[1-9][0-9]{0,5}$ ]] || { echo "small-files: FILES=$files is not a count (1-999999)" >&2; exit 1; }
dirs=10
file_bytes=4096
for d in $(seq 0 $((dirs - 1))); do
	# The first files % dirs directories get one more.
	n=$((files / dirs + (d < files % dirs)))
	mkdir -p "$1/files/d$d"
	[ "$n" -gt 0 ] || continue
	head -c $((n * file_bytes)) /dev/urandom | split -b $file_bytes -a 6 -d - "$1/files/d$d/f"
done
# The same command the guest runs (small-files.sh: files_sum).
(cd "$1/files" && find . -type f | LC_ALL=C sort | xargs md5sum | md5sum | cut -d' ' -f1) >"$1/files.md5"
