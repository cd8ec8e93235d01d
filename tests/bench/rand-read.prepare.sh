#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the rand-read workload: the 256 MiB file of seq-read.prepare.sh, and PASSES (default 4;
# FSC_ARG_PASSES) fio replay logs in iolog/.  Each pass reads 4 KiB once from every 256 KiB granule of
# the file (the cache's unit), at a random 4 KiB slot, the granules in a random order: no read of a pass
# can be served by the page cache or by what an earlier read of the pass brought in.  The seed is fixed,
# so every run and every mode replays the same offsets.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
passes=${FSC_ARG_PASSES:-4}
[[ $passes =~ ^[1-9][0-9]?$ ]] || { echo "rand-read: PASSES=$passes is not a count (1-99)" >&2; exit 1; }
file_bytes=$((256 << 20))
granule=$((256 << 10))
block=4096

bash "$here/seq-read.prepare.sh" "$1"
mkdir -p "$1/iolog"
for ((p = 0; p < passes; p++)); do
	# fio's replay format, version 2; the file name is redirected at replay (--replay_redirect).
	awk -v seed=$((p + 1)) -v n=$((file_bytes / granule)) -v gran=$granule -v bs=$block 'BEGIN {
		srand(seed)
		for (i = 0; i < n; i++) g[i] = i
		for (i = n - 1; i > 0; i--) { j = int(rand() * (i + 1)); t = g[i]; g[i] = g[j]; g[j] = t }
		print "fio version 2 iolog"
		print "big add"
		print "big open"
		for (i = 0; i < n; i++) printf "big read %d %d\n", g[i] * gran + int(rand() * (gran / bs)) * bs, bs
		print "big close"
	}' >"$1/iolog/pass-$p"
done
