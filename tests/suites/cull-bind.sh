# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# cull-bind: a cache of many objects binds from its culler state without walking its tree, and that
# state is the tree's.  A read through the share makes the volume directory; the volume is emptied and
# helpers/mkcache.c fills the unbound cache with OBJECTS synthetic objects (default 100000; empty files
# with version 2 metadata naming slot i, a slot record each, a compacted complete policy log of them
# in the small FIFO, slot 0 oldest, and a clean usage record), written from the on-disk format
# (Documentation/filesystems/caching/cachefiles-iter-format.rst).
#
# Checks: the bind walks nothing (rescans=0) and takes its counts from the state (tracked, objects and
# usage as written); a cull to half the usage deletes files, the oldest first (slot 0's file is gone,
# the newest slot's is there), and leaves as many object files on disk as the policy tracks, with the
# usage at most the target; an unbind and a rebind keep that, again without a walk.  The bind's wall
# time is reported (a figure, not a check: timing lives in benchmarks).  The cache disk is 2 GiB for
# its inodes (mke2fs gives 1 GiB 65536).  Our backend only.
# vm-timeout: 1200
# vm-disk: 2G

. "$FSC_REPO/tests/suites/cf-lib.sh"

N=${FSC_ARG_OBJECTS:-100000}
tap_plan 5

ctl() { "$FSC_FSCACHECTL" "$@"; }
# name_of SLOT: mkcache's object file name for a slot (key 0xfc000000 + slot, 8 bytes little-endian).
name_of() {
	local k i out=X
	k=$((0xfc000000 + $1))
	for ((i = 0; i < 8; i++)); do out+=$(printf '%02x' $(((k >> (8 * i)) & 0xff))); done
	echo "$out"
}
count_objects() { find "$FSC_CACHE_DIR/$vol" -mindepth 2 -maxdepth 2 -type f -name 'X*' ! -name '*.map' | wc -l; }
now_ms() { local t; read -r t _ </proc/uptime; echo "${t/./}0"; }

if [ "$FSC_BACKEND" != ours ]; then
	tap_skip_rest 5 "the culler's state is our backend's"
	exit 0
fi
fsc_bind_cache || { tap_ok 1 "bind: $FSC_BIND_REASON"; tap_skip_rest 4 "no cache"; exit 0; }
if ! { fsc_mount_share && cat "$FSC_SHARE/one" >/dev/null && fsc_umount_share && fsc_mount_raw &&
	fsc_unbind_cache; }; then
	tap_ok 1 "make the volume"
	tap_skip_rest 4 "no volume"
	exit 0
fi
vol=$(find "$FSC_CACHE_DIR" -mindepth 1 -maxdepth 1 -type d -name 'V*' -printf '%f\n' | head -n1)
find "$FSC_CACHE_DIR/$vol" -mindepth 2 -maxdepth 2 -type f -delete
read -r made total < <("$FSC_RAW/.mkcache" "$FSC_CACHE_DIR" "$vol" "$N") || true
tap_diag "mkcache: $made objects, $total bytes, in $vol"

t0=$(now_ms)
fsc_bind_cache
t1=$(now_ms)
tap_diag "bind of a cache of $N objects: $((t1 - t0)) ms wall (fscachectl included)"
tap_ok "[ '$made' = '$N' ] && [ '$(cf_stat rescans)' = 0 ] && [ '$(cf_stat tracked)' = '$N' ] &&
	[ '$(cf_stat objects)' = '$N' ] && [ '$(cf_stat usage)' = '$total' ]" \
	"a bind of $N objects takes its counts from the culler's state and walks nothing (tracked=$(cf_stat tracked) objects=$(cf_stat objects) usage=$(cf_stat usage) rescans=$(cf_stat rescans))"

target=$((total / 2))
ctl cache cull tag "$FSC_CACHE_TAG" target "$target"
tap_ok "fsc_gt '$(cf_stat culls)' 0 && [ '$(cf_stat usage)' -le '$target' ]" \
	"a cull to $target bytes deletes objects (culls=$(cf_stat culls), usage $(cf_stat usage))"
first=$(name_of 0) last=$(name_of $((N - 1)))
tap_ok "[ ! -e '$FSC_CACHE_DIR/$vol/@00/$first' ] && [ -e '$FSC_CACHE_DIR/$vol/@$(printf '%02x' $(((N - 1) % 256)))/$last' ]" \
	"the oldest object went first (slot 0's file is gone, slot $((N - 1))'s is there)"
left=$(count_objects) culls=$(cf_stat culls)
tap_ok "[ '$left' = '$(cf_stat tracked)' ] && [ '$left' = '$(cf_stat objects)' ] && [ $((left + ${culls:-0})) = '$N' ]" \
	"the files left are those the policy tracks ($left files, tracked=$(cf_stat tracked), culls=$(cf_stat culls))"

tracked=$(cf_stat tracked) usage=$(cf_stat usage)
fsc_unbind_cache
fsc_bind_cache
tap_ok "[ '$(cf_stat rescans)' = 0 ] && [ '$(cf_stat tracked)' = '$tracked' ] && [ '$(cf_stat usage)' = '$usage' ]" \
	"an unbind and a rebind keep it without a walk (tracked=$(cf_stat tracked), usage=$(cf_stat usage))"
fsc_unbind_cache
