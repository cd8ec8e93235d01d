# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# cull-policy: the in-kernel culler and its S3-FIFO policy under a streaming workload.  A cache of CAP
# MiB (default 256) reads COLD cold files of MIB MiB once each (default 480 x 4 MiB: about 2 GiB, 8x the
# capacity) in PASSES passes (default 6), and reads HOT hot files (default 8) twice before the first
# pass and once between passes, with the page and inode caches dropped so that every read of a hot
# file is a fresh lookup of its cache object (a pass streams more than the capacity by default: an
# LRU would lose the hot set every pass).  One cold file stays open throughout.  Our core's cookie LRU timeout is set to 1 s, so that
# files read are released soon.  The defaults take several minutes under TCG; the matrix runs a
# smaller cache and data set (tests/vm/matrix).
#
# Checks: a sampler of usage and in-use bytes (netlink, every ~0.2 s) never sees usage above the
# capacity plus the bytes in use plus one file being written; the culler ran (culls, cull_bytes and
# cull_cpu_ns grew) with usage kept under the capacity at rest; the hot files are served from the cache
# on their last re-read (no miss, hits grew); the open file's backing file is never culled (it is still
# there at the end, and a cull to 0 leaves it); every file reads right; an unbind and a rebind keep the
# policy (the same tracked count) without a walk of the tree (rescans=0) and usage is the same;
# lowering the capacity live then culls down to it from the reloaded policy; after an unclean stop
# (no clean usage record, no log) the bind walks the tree once, the walk tracks every object and counts
# the usage the files hold; after another unclean stop into a capacity below the data, the thread culls
# down to the low watermark once the walk has counted.
# Our backend only.
# vm-timeout: 1800

CAP_MIB=${FSC_ARG_CAP:-256}
HOT=${FSC_ARG_HOT:-8}
MIB=${FSC_ARG_MIB:-4}
PASSES=${FSC_ARG_PASSES:-6}
CAP=$((CAP_MIB << 20))
FILE=$((MIB << 20))
SLACK=$((FILE + (1 << 20)))	# one file's write in flight, and per-object overhead
tap_plan 15

ctl() { "$FSC_FSCACHECTL" "$@"; }
stat_of() { cf_stat "$1"; }
# json KEY: a number from "fscachectl -j cache show" of our cache.
show_num() { ctl -j cache show tag "$FSC_CACHE_TAG" 2>/dev/null | sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p" | head -n1; }

. "$FSC_REPO/tests/suites/cf-lib.sh"

if [ "$FSC_BACKEND" != ours ]; then
	tap_skip_rest 15 "culling by capacity is our backend's"
	exit 0
fi
FSC_BIND_ARGS="capacity $CAP"
fsc_bind_cache || { tap_ok 1 "bind: $FSC_BIND_REASON"; tap_skip_rest 14 "no cache"; exit 0; }
fsc_mount_share || { tap_ok 1 "mount"; tap_skip_rest 14 "no mount"; exit 0; }
tap_ok 0 "bind a cache of $CAP_MIB MiB and mount the share"

mapfile -t cold < <(cd "$FSC_SHARE/cold" && ls)
per_pass=$(((${#cold[@]} + PASSES - 1) / PASSES))

# The object name of a share file: 9p's cookie key is the file's qid path, 8 bytes little-endian, and
# 9p's inode number is the qid path plus 2 (v9fs_qid2ino()).
object_name() {
	local ino
	ino=$(printf '%016x' $(($(stat -c %i "$1") - 2)))
	printf 'X%s' "$(sed 's/../& /g' <<<"$ino" | tr ' ' '\n' | tac | tr -d '\n')"
}
backing_exists() { [ -n "$(find "$FSC_CACHE_DIR" -path "$FSC_CACHE_DIR/graveyard" -prune -o -name "$1" -type f -print | head -n1)" ]; }

# The open file: read whole, kept open.
pinned=$FSC_SHARE/cold/${cold[0]}
exec 8<"$pinned"
cat <&8 >/dev/null
pinned_name=$(object_name "$pinned")
fsc_wait_for 30 backing_exists "$pinned_name"
pinned_found=$?

# Sampler: usage, in-use bytes; a line per sample.
: >/tmp/cp-samples
(
	while [ ! -e /tmp/cp-stop ]; do
		u=$(show_num usage) i=$(show_num in_use)
		[ -n "$u" ] && echo "${u} ${i:-0}" >>/tmp/cp-samples
		sleep 0.2
	done
) &
sampler=$!

read_hot() {
	local f
	for f in "$FSC_SHARE"/hot*; do cat "$f" >/dev/null; done
}

# An object is pinned (never culled) while fscache has it looked up, which our core keeps for
# lru_timeout_secs after the last close: shorten that to a second, so that what the passes have read
# becomes cullable as it would a little later on a real system.
lru=/sys/module/fscache/parameters/lru_timeout_secs
[ -w "$lru" ] && echo 1 >"$lru"

# The hot set is read twice before the first pass: hot means read more than once.  (Read once, then
# streamed past by more than the capacity, it would be a scan like the rest.)
bad=0
read_hot
fsc_drop_caches
read_hot
fsc_drop_caches
pass=0 idx=1
t0=$SECONDS
while [ "$idx" -lt "${#cold[@]}" ]; do
	for ((n = 0; n < per_pass && idx < ${#cold[@]}; n++, idx++)); do
		cat "$FSC_SHARE/cold/${cold[idx]}" >/dev/null
	done
	fsc_drop_caches
	# The last pass's re-read is the one checked below.
	pass=$((pass + 1))
	[ "$idx" -lt "${#cold[@]}" ] && { read_hot; fsc_drop_caches; }
done
tap_diag "read $((${#cold[@]} * MIB)) MiB cold in $pass passes, $((SECONDS - t0)) s"
misses0=$(stat_of misses) hits0=$(stat_of hits)
read_hot
misses1=$(stat_of misses) hits1=$(stat_of hits)
touch /tmp/cp-stop
wait "$sampler"
tap_ok "[ '$misses1' = '$misses0' ] && fsc_gt '$hits1' '$hits0'" \
	"the hot files are served from the cache after the cold passes (misses $misses0 -> $misses1, hits $hits0 -> $hits1)"

worst=$(awk -v cap="$CAP" 'BEGIN { w = -1e18 } { over = $1 - cap - $2; if (over > w) w = over } END { print w }' /tmp/cp-samples)
tap_diag "$(wc -l </tmp/cp-samples) samples; largest usage: $(sort -n /tmp/cp-samples | tail -n1)"
tap_ok "[ \$(wc -l </tmp/cp-samples) -gt 10 ] && [ '$worst' -le $SLACK ]" \
	"usage never exceeded the capacity plus the bytes in use (worst excess $worst, allowed $SLACK)"
tap_ok "fsc_gt '$(stat_of culls)' 0 && fsc_gt '$(stat_of cull_bytes)' $CAP && fsc_gt '$(stat_of cull_cpu_ns)' 0" \
	"the culler ran (culls=$(stat_of culls) cull_bytes=$(stat_of cull_bytes) cull_cpu_ns=$(stat_of cull_cpu_ns) wr_skipped=$(stat_of wr_skipped))"
tap_ok "[ '$(stat_of usage)' -le $CAP ]" "usage is within the capacity at rest ($(stat_of usage))"

# The open file's object was never culled, and a cull to nothing leaves it.
tap_ok "[ $pinned_found -eq 0 ] && backing_exists '$pinned_name'" \
	"the open file's backing file $pinned_name was there before the passes and still is"
ctl cache cull tag "$FSC_CACHE_TAG" target 0 >/dev/null 2>&1
tap_ok "backing_exists '$pinned_name' && fsc_gt '$(stat_of usage)' $((FILE - 1))" \
	"a cull to 0 keeps the open file (usage $(stat_of usage))"
exec 8<&-

# Every file reads right (a sample: the hot ones and every 16th cold one).
for f in "$FSC_SHARE"/hot* $(printf "$FSC_SHARE/cold/%s\n" "${cold[@]}" | awk 'NR % 16 == 1'); do
	[ "$(fsc_sum "$f")" = "$(fsc_sum "$FSC_RAW/${f#"$FSC_SHARE"/}")" ] || bad=$((bad + 1))
done
tap_is "$bad" 0 "the files read back right"

# Unbind and rebind: the policy comes back from the log, with no walk of the tree.
fsc_umount_share
tracked=$(stat_of tracked) usage=$(stat_of usage)
fsc_unbind_cache
t0=${EPOCHREALTIME/./}
fsc_bind_cache
tap_diag "rebind with $tracked objects tracked took $(((${EPOCHREALTIME/./} - t0) / 1000)) ms (wall, with fscachectl)"
tap_ok "[ '$(stat_of rescans)' = 0 ]" "rebind: no walk of the tree (rescans=$(stat_of rescans))"
tap_ok "fsc_gt '$tracked' 1 && [ '$(stat_of tracked)' = '$tracked' ] && [ '$(stat_of usage)' = '$usage' ]" \
	"rebind: the same objects tracked ($tracked -> $(stat_of tracked)), the same usage ($usage -> $(stat_of usage))"
tap_diag "$(ls -la "$FSC_CACHE_DIR")"

# Lowering the capacity live (to half the usage) culls down to it, from the policy the rebind loaded.
culls=$(stat_of culls)
new=$((usage / 2))
ctl cache set tag "$FSC_CACHE_TAG" capacity "$new" >/dev/null
under() { [ "$(stat_of usage)" -le "$new" ]; }
tap_ok "fsc_wait_for 60 under && fsc_gt '$(stat_of culls)' '$culls'" \
	"capacity lowered live to $new bytes: culled down to it (usage $usage -> $(stat_of usage), culls $culls -> $(stat_of culls))"

# A walk happens only after an unclean stop: with no clean usage record and no log, the bind walks the
# tree once and the walk rebuilds the policy: every object found is tracked again.
fsc_unbind_cache
objects=$(ls "$FSC_CACHE_DIR"/V*/@*/ | grep -c '^X')
python3 -c 'import os, sys; os.removexattr(sys.argv[1], "trusted.fscache.usage")' "$FSC_CACHE_DIR"
rm "$FSC_CACHE_DIR/cull-log.map"
fsc_bind_cache
rebuilt() { fsc_gt "$(stat_of objects)" 0 && [ "$(stat_of tracked)" = "$(stat_of objects)" ]; }
fsc_wait_for 60 rebuilt
rc=$?
tap_ok "[ $rc = 0 ] && [ '$(stat_of rescans)' = 1 ] && [ '$(stat_of tracked)' = '$objects' ]" \
	"a bind after an unclean stop walks the tree once and rebuilds the policy ($objects objects)"
tap_diag "rescans=$(stat_of rescans) tracked=$(stat_of tracked) objects=$(stat_of objects)"
# Nothing changed during that walk (no share mounted), so the usage it counted is exactly the files':
# their blocks, plus a fixed charge per object file (not per map side file).
on_disk=$(find "$FSC_CACHE_DIR" -mindepth 3 -maxdepth 3 -path "$FSC_CACHE_DIR/V*/@*/*" -type f \
	-printf '%b %f\n' | awk '{ b += $1 * 512; if ($2 !~ /\.map$/) b += 4096 } END { printf "%d", b }')
tap_is "$(stat_of usage)" "$on_disk" "after an unclean stop, the walk counts the usage the files hold"

# After an unclean stop with the capacity now below the data, nothing is culled on a guess: the walk
# counts first, then the thread culls down to the low watermark.  The hot files are read in first, so
# that the cache holds several objects of one size and a cull to the mark leaves some.
fsc_mount_share
read_hot
fsc_umount_share
fsc_unbind_cache
python3 -c 'import os, sys; os.removexattr(sys.argv[1], "trusted.fscache.usage")' "$FSC_CACHE_DIR"
on_disk=$(find "$FSC_CACHE_DIR" -mindepth 3 -maxdepth 3 -path "$FSC_CACHE_DIR/V*/@*/*" -type f \
	-printf '%b %f\n' | awk '{ b += $1 * 512; if ($2 !~ /\.map$/) b += 4096 } END { printf "%d", b }')
small=$((on_disk / 2))
FSC_BIND_ARGS="capacity $small"
fsc_bind_cache
low=$((small / 100 * 90))
culled_down() { [ "$(stat_of rescans)" = 1 ] && fsc_gt "$(stat_of culls)" 0 && [ "$(stat_of usage)" -le "$low" ]; }
fsc_wait_for 60 culled_down
rc=$?
tap_ok "[ $rc = 0 ] && fsc_gt '$(stat_of usage)' 0" \
	"after an unclean stop into a smaller capacity ($small bytes), the walk counts and the culler then culls to the low watermark (usage $(stat_of usage), culls $(stat_of culls))"
left=$(find "$FSC_CACHE_DIR" -mindepth 3 -maxdepth 3 -path "$FSC_CACHE_DIR/V*/@*/X*" -type f | grep -vc '\.map$')
tap_diag "object files on disk after the cull: $left"
FSC_BIND_ARGS="capacity $CAP"
fsc_unbind_cache
fsc_bind_cache
fsc_mount_share
tap_is "$(fsc_sum "$FSC_SHARE/hot1")" "$(fsc_sum "$FSC_RAW/hot1")" "a hot file reads right after all that"
