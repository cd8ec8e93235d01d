# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# cf-stale: a cached file that the server changed is never served from its old cache object; the new
# content is read from the server, cached, and served from the cache afterwards.
#
#   fill: read every file through the cache; unmount
#   changed while unmounted (through the uncached mount): s-same overwritten in place (same size),
#   s-grow appended to, s-shrink truncated; mount again, read them, and "keep", which did not change
#   changed while mounted: read m-same and m-size (from the cache), change them on the server (m-same in
#   place, m-size shrunk and regrown to another size), drop caches (the inodes, with their cookies, go),
#   read them again
#   unmount, drop caches, mount: read every changed file once more
#
# Checks: every read equals the server's bytes, and sizes too; reading a changed file read nothing from
# the cache while "keep" and the unchanged m-* files did come from it; on our backend the stale and
# invalidations counters of /proc/fs/cachefiles grew by at least the number of changed files; after the
# last remount every changed file comes from the cache, with the new data.  Host side:
# cf-stale.prepare.sh.
# vm-timeout: 600

# shellcheck source=tests/suites/cf-lib.sh
. "$FSC_REPO/tests/suites/cf-lib.sh"

tap_plan 30
cf_start 30

# discards: stale + invalidations, our backend's count of objects whose old content it dropped.
discards() {
	local s i
	s=$(cf_stat stale) && i=$(cf_stat invalidations) && echo $((s + i))
}

# read_changed FILE WHEN: FILE reads as the server's bytes and size, and nothing came from the cache.
read_changed() {
	local rd_a rd_b
	read -r rd_a _ < <(fsc_io_counters)
	tap_is "$(fsc_sum "$FSC_SHARE/$1"):$(stat -c %s "$FSC_SHARE/$1")" \
		"$(fsc_sum "$FSC_RAW/$1"):$(stat -c %s "$FSC_RAW/$1")" "$2: $1 reads as the server's new bytes and size"
	read -r rd_b _ < <(fsc_io_counters)
	tap_is "$rd_b" "$rd_a" "$2: nothing of $1 was read from its stale cache object" || cf_diag_cache
}

# read_cached FILE WHEN: FILE reads as the server's bytes, and came from the cache.
read_cached() {
	local rd_a rd_b
	read -r rd_a _ < <(fsc_io_counters)
	tap_is "$(fsc_sum "$FSC_SHARE/$1")" "$(fsc_sum "$FSC_RAW/$1")" "$2: $1 reads right"
	read -r rd_b _ < <(fsc_io_counters)
	tap_ok "fsc_gt $rd_b $rd_a" "$2: $1 came from the cache (rd $rd_a -> $rd_b)" || cf_diag_cache
}

for f in s-same s-grow s-shrink m-same m-size keep; do
	fsc_sum "$FSC_SHARE/$f" >/dev/null
done
tap_ok "fsc_umount_share && fsc_gt $(fsc_io_counters | cut -d' ' -f2) 0" "fill the cache, unmount"

# Changed while unmounted.
head -c 65536 /dev/urandom | dd of="$FSC_RAW/s-same" bs=65536 seek=16 conv=notrunc status=none
head -c 100000 /dev/urandom >>"$FSC_RAW/s-grow"
truncate -s 1048579 "$FSC_RAW/s-shrink"
d0=$(discards)
fsc_drop_caches
fsc_mount_share
for f in s-same s-grow s-shrink; do
	read_changed $f "changed while unmounted"
done
read_cached keep "unchanged"
d1=$(discards)
cf_ours_ok "[ -n '$d0' ] && ((d1 >= d0 + 3))" \
	"stale + invalidations grew by 3 or more for the files changed while unmounted ($d0 -> $d1)"

# Changed while mounted.
read -r rd_a _ < <(fsc_io_counters)
for f in m-same m-size; do
	fsc_sum "$FSC_SHARE/$f" >/dev/null
done
read -r rd_b _ < <(fsc_io_counters)
tap_ok "fsc_gt $rd_b $rd_a" "m-same and m-size read before the change, from the cache (rd $rd_a -> $rd_b)"
head -c 4096 /dev/urandom | dd of="$FSC_RAW/m-same" bs=4096 seek=700 conv=notrunc status=none
truncate -s 1000000 "$FSC_RAW/m-size"
truncate -s 2500000 "$FSC_RAW/m-size"
fsc_drop_caches
read_changed m-same "changed while mounted"
read_changed m-size "changed while mounted"
tap_is "$(stat -c %s "$FSC_SHARE/m-size")" 2500000 "changed while mounted: m-size has its new size"
d2=$(discards)
cf_ours_ok "[ -n '$d1' ] && ((d2 >= d1 + 2))" \
	"stale + invalidations grew by 2 or more for the files changed while mounted ($d1 -> $d2)"

# The new content was cached.
tap_ok cf_remount "unmount, drop caches, mount"
for f in s-same s-grow s-shrink m-same m-size; do
	read_cached $f "after a remount"
done
tap_ok fsc_umount_share "unmount"
