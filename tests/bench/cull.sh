# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# cull: a cache held to a capacity of 256 MiB while 2 GiB stream through it, with a hot set read again
# between the streams.  Ours is bound with "capacity 256M" and culls in the kernel, on a disk of 1 GiB
# so that the capacity, not the disk, is the limit (on the 288 MiB disk ext4 leaves 255 MiB free:
# writes ran out of disk before usage reached the high watermark, and nothing was ever culled); stock
# is Debian's cachefiles with cachefilesd and its default thresholds (cull when less than 7 % of the
# disk is free), on a cache disk of 288 MiB, whose free-space thresholds then emulate the same limit.  Host side:
# cull.prepare.sh (HOT=N 8 MiB hot files, COLD_MIB=N of 16 MiB cold files).
#
#   the hot set is read once (cold), then ROUNDS times: 1/ROUNDS of the cold files are read (a scan
#   larger than the cache is spread over the rounds), and each hot file, its pages dropped, is read
#   again; it counts as a hit if reading it downloaded nothing (netfs's DL counter in
#   /proc/fs/fscache/stats did not move).  At the end every hot file is checked against the server.
#
#   hot-hit-ratio     hot files read wholly from the cache / hot files read again (higher is better)
#   fill-read         MB/s of the cold files' reads, all of them misses (culling keeps pace, or not)
#   over-limit        MiB the cache disk's used space rose above 256 MiB at worst (sampled every 0.2 s;
#                     includes the filesystem's own metadata, alike for both)
#   cull-cpu          ms of CPU spent culling: ours, the culler's counter; stock, cachefilesd's user and
#                     system time
# vm-timeout: 1800
# vm-disk: 288M
# vm-disk-ours: 1G

# shellcheck source=tests/bench/bench-lib.sh
. "$FSC_REPO/tests/bench/bench-lib.sh"

CAP_MIB=256
ROUNDS=8
# shellcheck disable=SC2034  # read by fsc_bind_cache_ours (guest-lib.sh)
FSC_BIND_ARGS="capacity ${CAP_MIB}M"

# used_bytes: bytes in use on the cache disk's filesystem.
used_bytes() { stat -f -c '%b %f %S' /mnt/cache | awk '{ printf "%d", ($1 - $2) * $3 }'; }

# downloads: netfs's count of reads from the server, read with builtins only: the guest's root is a 9p
# mount too, and an exec's reads of its binary and libraries count as downloads.
downloads() {
	local l
	while read -r l; do
		[[ $l == "RdHelp : DL="* ]] || continue
		l=${l#*DL=}
		echo "${l%% *}"
	done </proc/fs/fscache/stats
}

# read_counted FILE: read FILE; print the downloads it caused.  The reader is a copy of cat outside
# the 9p root, and what its exec alone downloads (its libraries) is measured first and taken off.
BENCH_CAT=/tmp/bench-cat
read_counted() {
	local d0 d1 d2
	d0=$(downloads)
	"$BENCH_CAT" /dev/null
	d1=$(downloads)
	"$BENCH_CAT" "$1" >/dev/null || return 1
	d2=$(downloads)
	echo $(((d2 - d1) - (d1 - d0)))
}

# cull_cpu_ms: CPU spent culling so far.
cull_cpu_ms() {
	local pid
	if [ "$FSC_BACKEND" = ours ]; then
		# A cache's line starts with its tag; its counters follow on an indented line.
		awk -v tag="$FSC_CACHE_TAG" '/^[^ ]/ { cur = $1 }
			cur == tag { for (i = 1; i <= NF; i++) if ($i ~ /^cull_cpu_ns=/) {
				sub(/^cull_cpu_ns=/, "", $i); printf "%d", $i / 1000000 } }' /proc/fs/cachefiles
	else
		pid=$(pidof cachefilesd | awk '{ print $1 }')
		[ -n "$pid" ] || { echo 0; return; }
		awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%d", ($12 + $13) * 1000 / hz }' "/proc/$pid/stat"
	fi
}

cp /usr/bin/cat "$BENCH_CAT" || tap_bail "cannot copy cat to $BENCH_CAT"
bench_bind_and_mount
[ -n "$(downloads)" ] || tap_bail "no RdHelp DL counter in /proc/fs/fscache/stats"
fsc_mount_raw || tap_bail "cannot mount share-raw"
mapfile -t hot < <(cd "$FSC_RAW/hot" && ls)
mapfile -t cold < <(cd "$FSC_RAW/cold" && ls)
((${#hot[@]} && ${#cold[@]} >= ROUNDS)) || tap_bail "the share has no hot or too few cold files"
base=$(used_bytes)
echo "# note: ${#hot[@]} hot files, ${#cold[@]} cold files; disk used at bind: $((base >> 20)) MiB"

# Sampling is measurement, not synchronisation: the worst value seen is the figure.
samples=/tmp/cull-samples
# One write per sample (echo of the whole line), so that a kill cuts at most the last one.
# shellcheck disable=SC2005
(while :; do echo "$(used_bytes)"; sleep 0.2; done) >"$samples" 2>/dev/null &
sampler=$!

for f in "${hot[@]}"; do cat "$FSC_SHARE/hot/$f" >/dev/null || tap_bail "reading hot/$f failed"; done
cpu0=$(cull_cpu_ms)
hits=0 rereads=0 fill_bytes=0 fill_secs=0 per_round=$(( ${#cold[@]} / ROUNDS ))
for ((r = 0; r < ROUNDS; r++)); do
	t0=$(bench_now)
	for f in "${cold[@]:r * per_round:per_round}"; do
		cat "$FSC_SHARE/cold/$f" >/dev/null || tap_bail "reading cold/$f failed"
		fill_bytes=$((fill_bytes + $(stat -c %s "$FSC_RAW/cold/$f")))
	done
	fill_secs=$(awk -v a="$fill_secs" -v b="$(bench_since "$t0")" 'BEGIN { printf "%.3f", a + b }')
	for f in "${hot[@]}"; do
		# Drop only this file's pages (dd's nocache is POSIX_FADV_DONTNEED): drop_caches would also
		# drop the tools' pages, whose reloading over the 9p root counts as downloads too.
		dd if="$FSC_SHARE/hot/$f" iflag=nocache count=0 status=none || tap_bail "cannot drop hot/$f's pages"
		dl=$(read_counted "$FSC_SHARE/hot/$f") || tap_bail "reading hot/$f failed"
		rereads=$((rereads + 1))
		[ "$dl" -gt 0 ] || hits=$((hits + 1))
	done
done
cpu1=$(cull_cpu_ms)
for f in "${hot[@]}"; do
	[ "$(fsc_sum "$FSC_SHARE/hot/$f")" = "$(fsc_sum "$FSC_RAW/hot/$f")" ] || tap_bail "hot/$f read wrong"
done
kill "$sampler" && wait "$sampler" 2>/dev/null
# A line the kill cut short ends without a newline: start the last sample on a line of its own.
printf '\n%s\n' "$(used_bytes)" >>"$samples"
worst=$(grep -xE '[0-9]+' "$samples" | sort -n | tail -n1)

bench_figure hot-hit-ratio "$(bench_ratio "$hits" "$rereads")" x
bench_figure fill-read "$(awk -v b="$fill_bytes" -v s="$fill_secs" 'BEGIN { if (s > 0) printf "%.1f", b / s / 1e6 }')" MB/s
bench_figure over-limit "$(awk -v w="$worst" -v b="$base" -v c="$CAP_MIB" 'BEGIN { o = (w - b) / 1048576 - c; printf "%.1f", (o > 0 ? o : 0) }')" MiB
bench_figure cull-cpu "$((cpu1 - cpu0))" ms
[ "$FSC_BACKEND" = ours ] && echo "# note: counters: $(awk -v tag="$FSC_CACHE_TAG" '/^[^ ]/ { cur = $1 } cur == tag && /culls=/' /proc/fs/cachefiles)"
echo "# note: $hits of $rereads hot re-reads wholly from the cache; disk used at worst $(((worst - base) >> 20)) MiB over the bind's"
fsc_umount_share
