# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# cf-holes: files with holes and long runs of zeros between data, partly read, then read whole after a
# remount, come back exactly as the server has them: a granule that was never read is fetched from the
# server, never served from the cache as zeros (nor as anything else), whatever the backing ext4 (at its
# default extent_max_zeroout_kb) did with the blocks around the granules that were written.
#
#   pass 1: read some 4 KiB blocks of each file (dd skip/count): granules holding data, holes and zeros,
#           next to granules left unread that hold data on the server
#   unmount, drop caches, mount; pass 2: read each file whole
#   unmount, drop caches, mount; pass 3: read each file whole (from the cache)
#
# Checks: pass 1's blocks, and passes 2 and 3 whole, equal the server's bytes (on a mismatch the first
# differing byte is logged); pass 1 and pass 2 wrote to the cache; pass 3 read each file from the cache
# and wrote nothing.  Host side: cf-holes.prepare.sh (the layout of each file).
# vm-timeout: 600

# shellcheck source=tests/suites/cf-lib.sh
. "$FSC_REPO/tests/suites/cf-lib.sh"

files="h-mixed h-alt h-tail"
# Pass 1, "skip count" in 4 KiB blocks (a granule is 64 blocks).
declare -A ranges=(
	# granule 0 (data, then data up to the boundary); granule 3 exactly; a block inside the 12 MiB of
	# zeros; the two blocks around the 20 MiB boundary; the island at 27 MiB; the last block.
	[h-mixed]="0 1 192 64 2560 1 5119 2 6912 2 10239 1"
	# the holes of granules 1, 3, 5 and 31 and the data of granules 40 and 42, one block each
	[h-alt]="64 1 192 1 320 1 1984 1 2560 1 2688 1"
	# the last, short granule only
	[h-tail]="2563 1"
)
tap_plan 19
cf_start 19

declare -A want
for f in $files; do
	want[$f]=$(fsc_sum "$FSC_RAW/$f")
done

# whole PASS FILE: the whole file equals the server's copy; say where it differs if not.
whole() {
	tap_is "$(fsc_sum "$FSC_SHARE/$2")" "${want[$2]}" "pass $1: $2 reads right" ||
		tap_diag "$(cmp "$FSC_SHARE/$2" "$FSC_RAW/$2" 2>&1 | head -n1)"
}

read -r _ wr0 < <(fsc_io_counters)
for f in $files; do
	got="" exp=""
	# shellcheck disable=SC2086  # a list of numbers
	set -- ${ranges[$f]}
	while (($#)); do
		got+="$(cf_range_sum "$FSC_SHARE/$f" "$1" "$2") "
		exp+="$(cf_range_sum "$FSC_RAW/$f" "$1" "$2") "
		shift 2
	done
	tap_is "$got" "$exp" "pass 1: blocks ${ranges[$f]} of $f read right"
done
tap_ok cf_remount "unmount, drop caches, mount"
read -r _ wr1 < <(fsc_io_counters)
tap_ok "fsc_gt $wr1 $wr0" "pass 1 wrote to the cache (wr $wr0 -> $wr1)"

for f in $files; do
	whole 2 "$f"
done
tap_ok cf_remount "unmount, drop caches, mount"
read -r _ wr2 < <(fsc_io_counters)
tap_ok "fsc_gt $wr2 $wr1" "pass 2 wrote what pass 1 had not read (wr $wr1 -> $wr2)"

for f in $files; do
	read -r rd_a _ < <(fsc_io_counters)
	whole 3 "$f"
	read -r rd_b _ < <(fsc_io_counters)
	tap_ok "fsc_gt $rd_b $rd_a" "pass 3: $f came from the cache (rd $rd_a -> $rd_b)" || cf_diag_cache
done
read -r _ wr3 < <(fsc_io_counters)
tap_is "$wr3" "$wr2" "pass 3 wrote nothing to the cache"
tap_diag "backing filesystem: $(df -k /mnt/cache | tail -n1)"
tap_ok fsc_umount_share "unmount"
