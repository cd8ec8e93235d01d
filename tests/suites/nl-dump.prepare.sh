#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the nl-dump suite: FILES empty files (default 100000; a matrix line's FILES=N), 1000 to
# a directory (only their lookups matter: each makes a cookie), and one file with data, "data".
set -euo pipefail
files=${FSC_ARG_FILES:-100000}
[[ $files =~ ^[1-9][0-9]{0,6}$ ]] || { echo "nl-dump: FILES=$files is not a count (1-9999999)" >&2; exit 1; }
per_dir=1000
for ((d = 0; d * per_dir < files; d++)); do
	n=$((files - d * per_dir))
	((n <= per_dir)) || n=$per_dir
	mkdir -p "$1/d$d"
	(cd "$1/d$d" && seq -f 'f%.0f' 1 "$n" | xargs touch)
done
head -c 65536 /dev/urandom >"$1/data"
