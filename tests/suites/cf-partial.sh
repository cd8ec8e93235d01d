# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# cf-partial: a file read only in parts is cached in parts; a later whole read takes those parts from
# the cache and the rest from the server, and the read after that comes wholly from the cache.
#
#   pass 1: dd (bs=4k, skip/count) four ranges of each file: a few blocks a tenth of the way in, 77
#           blocks a third of the way in, 300 blocks from the middle, the last 3 blocks up to EOF
#   unmount (waits for the cache writes), drop caches, mount
#   pass 2: read each file whole
#   unmount, drop caches, mount
#   pass 3: read each file whole
#
# Checks: every range and every whole read equals the server's bytes (read through the uncached mount);
# pass 1 wrote to the cache; pass 2 read each file partly from the cache (its cache read counter grew)
# and wrote the parts pass 1 had not read; pass 3 read each file from the cache and wrote nothing; on
# our backend pass 3 had no miss at all (/proc/fs/cachefiles).  Host side: cf-partial.prepare.sh.
#
# Argument: SIZE_MIB=N, the size of p-big in MiB (default 48; p-odd is half of it plus 4097 bytes).
# vm-timeout: 600

# shellcheck source=tests/suites/cf-lib.sh
. "$FSC_REPO/tests/suites/cf-lib.sh"

files="p-big p-odd p-small"
tap_plan 23
cf_start 23

declare -A want blocks
for f in $files; do
	want[$f]=$(fsc_sum "$FSC_RAW/$f")
	blocks[$f]=$((($(stat -c %s "$FSC_RAW/$f") + 4095) / 4096))
done

# ranges FILE: "skip count" pairs of pass 1 for FILE, inside it and apart from each other.
ranges() {
	local b=${blocks[$1]}
	echo "$((b / 10 + 3)) 5 $((b / 3 + 1)) 77 $((b / 2 + 7)) 300 $((b - 3)) 3"
}

# Pass 1: the ranges only.
read -r _ wr0 < <(fsc_io_counters)
for f in $files; do
	got="" exp=""
	# shellcheck disable=SC2046  # a list of numbers
	set -- $(ranges "$f")
	while (($#)); do
		got+="$(cf_range_sum "$FSC_SHARE/$f" "$1" "$2") "
		exp+="$(cf_range_sum "$FSC_RAW/$f" "$1" "$2") "
		shift 2
	done
	tap_is "$got" "$exp" "pass 1: the ranges of $f ($(ranges "$f")) read right"
done
tap_ok cf_remount "unmount, drop caches, mount"
read -r _ wr1 < <(fsc_io_counters)
tap_ok "fsc_gt $wr1 $wr0" "pass 1 wrote to the cache (wr $wr0 -> $wr1)"

# Pass 2: whole files, each partly cached.
for f in $files; do
	read -r rd_a _ < <(fsc_io_counters)
	tap_is "$(fsc_sum "$FSC_SHARE/$f")" "${want[$f]}" "pass 2: $f reads right"
	read -r rd_b _ < <(fsc_io_counters)
	tap_ok "fsc_gt $rd_b $rd_a" "pass 2: $f came partly from the cache (rd $rd_a -> $rd_b)" || cf_diag_cache
done
tap_ok cf_remount "unmount, drop caches, mount"
read -r _ wr2 < <(fsc_io_counters)
tap_ok "fsc_gt $wr2 $wr1" "pass 2 wrote the parts pass 1 had not read (wr $wr1 -> $wr2)"

# Pass 3: all of it from the cache.
misses2=$(cf_stat misses)
for f in $files; do
	read -r rd_a _ < <(fsc_io_counters)
	tap_is "$(fsc_sum "$FSC_SHARE/$f")" "${want[$f]}" "pass 3: $f reads right"
	read -r rd_b _ < <(fsc_io_counters)
	tap_ok "fsc_gt $rd_b $rd_a" "pass 3: $f came from the cache (rd $rd_a -> $rd_b)" || cf_diag_cache
done
read -r _ wr3 < <(fsc_io_counters)
tap_is "$wr3" "$wr2" "pass 3 wrote nothing to the cache"
cf_ours_ok "[ '$(cf_stat misses)' = '$misses2' ] && [ -n '$misses2' ]" \
	"pass 3 had no cache miss (misses $misses2 -> $(cf_stat misses))"
tap_ok fsc_umount_share "unmount"
