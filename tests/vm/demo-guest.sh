# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The guest half of scripts/demo.sh: bind a cache, mount a 9p share with cache=fscache, read a file twice,
# and show from /proc/fs/fscache/stats and the cache directory that the second read came from the cache.
# Prints a narrative (stdout is shown live on the user's terminal), then "DEMO: OK" or "DEMO: FAILED ...".
# vm-timeout: 600

step() { printf '\n==> %s\n' "$*"; }
show() {
	printf '  $ %s\n' "$*"
	eval "$*" 2>&1 | sed 's/^/    /'
}
io_line() { grep '^IO ' /proc/fs/fscache/stats | sed 's/^/    /'; }
failed() {
	echo
	echo "DEMO: FAILED: $*"
	exit 1
}
now() { date +%s.%N; }
mbps() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f MB/s", n / 1e6 / (b - a) }'; }

step "Guest kernel $(uname -r), mode '$FSC_MODE'"
show "grep -E '^(netfs|fscache|cachefiles) ' /proc/modules | cut -d' ' -f1-3"
echo "    fscache.ko:    $FSC_FSCACHE_KO"
echo "    cachefiles.ko: $FSC_CACHEFILES_KO"

step "Binding a cache on $FSC_CACHE_DIR (an ext4 disk, /dev/vda) with tag '$FSC_CACHE_TAG'"
if [ "$FSC_BACKEND" = stock ]; then
	echo "    (cachefilesd opens /dev/cachefiles, writes 'dir $FSC_CACHE_DIR', 'tag $FSC_CACHE_TAG', 'bind')"
else
	FSC_BIND_ARGS="capacity 256M"
	echo "  \$ fscachectl cache bind $FSC_CACHE_DIR tag $FSC_CACHE_TAG $FSC_BIND_ARGS"
	echo "    (over the fscache netlink family; no daemon: the kernel keeps the cache until unbound)"
fi
fsc_bind_cache || failed "binding the cache: $FSC_BIND_REASON"
show "cat /proc/fs/fscache/caches"
[ "$FSC_BACKEND" = stock ] || show "$FSC_FSCACHECTL cache show"

step "Mounting the host's share with cache=fscache"
fsc_mount_share || failed "mount -t 9p ... cache=fscache"
show "grep ' $FSC_SHARE ' /proc/mounts"
show "ls -l $FSC_SHARE"
show "cat $FSC_SHARE/hello.txt"
bytes=$(stat -c %s "$FSC_SHARE/data.bin")

step "Cache I/O counters before reading (/proc/fs/fscache/stats)"
io_line
read -r rd0 wr0 < <(fsc_io_counters)

step "First read of data.bin ($((bytes >> 20)) MiB): from the server, copied into the cache on the way"
fsc_drop_caches
t0=$(now)
dd if="$FSC_SHARE/data.bin" of=/dev/null bs=1M status=none || failed "reading data.bin"
t1=$(now)
sum1=$(fsc_sum "$FSC_SHARE/data.bin")
echo "    read in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s ($(mbps "$bytes" "$t0" "$t1")), md5 ${sum1:0:16}..."
echo "    unmounting (this waits for the writes to the cache to finish)"
fsc_umount_share || failed "umount"
io_line
read -r rd1 wr1 < <(fsc_io_counters)

step "Dropping the page cache and mounting again: nothing of data.bin is left in memory"
fsc_drop_caches
fsc_mount_share || failed "mount again"

step "Second read of data.bin: from the local cache"
t0=$(now)
dd if="$FSC_SHARE/data.bin" of=/dev/null bs=1M status=none || failed "reading data.bin"
t1=$(now)
sum2=$(fsc_sum "$FSC_SHARE/data.bin")
echo "    read in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s ($(mbps "$bytes" "$t0" "$t1")), md5 ${sum2:0:16}..."
io_line
read -r rd2 _ < <(fsc_io_counters)
sum_server=$(fsc_sum "$FSC_RAW/data.bin")
echo "    the server's copy (read uncached over share-raw): md5 ${sum_server:0:16}..."

step "The cache directory on /mnt/cache"
show "ls -R $FSC_CACHE_DIR | head -n 12"
show "find $FSC_CACHE_DIR -type f -printf '%10s %p\\n'"
show "du -sh $FSC_CACHE_DIR"

if [ "$FSC_BACKEND" != stock ]; then
	step "What the kernel says about the cache (fscachectl, over netlink)"
	show "$FSC_FSCACHECTL cache show tag $FSC_CACHE_TAG"
fi

step "Summary"
echo "    first read:  $((wr1 - wr0)) writes to the cache, $((rd1 - rd0)) reads from it"
echo "    second read: $((rd2 - rd1)) reads from the cache"
if [ "$sum1" != "$sum_server" ] || [ "$sum2" != "$sum_server" ]; then
	failed "the data read does not match the server's"
fi
fsc_gt "$((wr1 - wr0))" 0 || failed "the first read wrote nothing to the cache"
fsc_gt "$((rd2 - rd1))" 0 || failed "the second read did not read from the cache"
echo "    both reads returned the server's data, and the second one was served by the cache."
echo
echo "DEMO: OK"
