#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the cf-holes suite: sparse files (truncate) with random data and runs of written zeros put
# at chosen offsets (dd conv=notrunc), many of them at or across 256 KiB granule boundaries.
#
#   h-mixed  40 MiB: data at 0, across the first granule boundary, one whole aligned granule, a few bytes
#            inside a granule, 12 MiB of written zeros between two pieces of data, two bytes across a
#            boundary, 8 KiB islands every 3 MiB in a 17 MiB hole, and data up to EOF
#   h-alt    16 MiB of random data, every odd granule then punched back to a hole: data, hole, data...
#   h-tail   10 MiB + 12345 bytes: a hole, 4 KiB of data at 5 MiB, data in the short last granule
set -euo pipefail
share=$1
G=262144 M=1048576

# put FILE OFFSET LEN [zero]: LEN bytes of random data (or of zeros) at OFFSET, in place.
put() {
	local src=/dev/urandom
	[ "${4:-}" != zero ] || src=/dev/zero
	dd if=$src of="$1" bs=65536 iflag=count_bytes oflag=seek_bytes seek="$2" count="$3" conv=notrunc \
		status=none
}

f=$share/h-mixed
truncate -s $((40 * M)) "$f"
put "$f" 0 102400
put "$f" $((G - 4096)) 8192
put "$f" $((3 * G)) $G
put "$f" $((5 * G + 100)) 100
put "$f" $((2 * M)) 4096
put "$f" $((2 * M + 4096)) $((12 * M)) zero
put "$f" $((14 * M + 4096)) 65536
put "$f" $((20 * M - 1)) 2
for o in 24 27 30 33 36; do
	put "$f" $((o * M)) 8192
done
put "$f" $((40 * M - 5000)) 5000

f=$share/h-alt
head -c $((16 * M)) /dev/urandom >"$f"
for ((g = 1; g < 64; g += 2)); do
	fallocate -p -o $((g * G)) -l $G "$f"
done

f=$share/h-tail
truncate -s $((10 * M + 12345)) "$f"
put "$f" $((5 * M)) 4096
put "$f" $((10 * M)) 12345
