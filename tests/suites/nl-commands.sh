# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# nl-commands: every fscachectl command's happy path, checked by its effect, in both output forms:
#
#   cache bind with a tag, a capacity, a floor in percent and watermarks; cache show of one cache and
#   of all (and bare "cache"); cache set and "limit TAG SIZE" change what show reports (and
#   /proc/fs/cachefiles), the rest kept; a second cache bound with the short form and the defaults;
#   cache unbind (both spellings), and a bind again of the same tag;
#   with the share mounted on cache "one" and share-raw (cache=fscache too) on cache "two": cookie show
#   (all, per cache, per volume) lists exactly the files read, keys being 9p's (the inode number, a
#   little-endian u64, in hex); handle show lists the backing file of a file held open, which exists in
#   the cache directory with the size given; stats and stats cache TAG agree with /proc; volume show
#   lists each mount's volume on its cache, and per cache only that cache's.
#
# Over a stock core (stock-core+ours-backend) the volume and cookie listings answer EOPNOTSUPP by
# design and stats carry no core counters: that is what is checked there instead.  Host side:
# nl-commands.prepare.sh.
# vm-timeout: 900

# shellcheck source=tests/nl/lib.sh
. "$FSC_REPO/tests/nl/lib.sh"

tap_plan 58

C1=/mnt/cache/one
C2=/mnt/cache/two
RAWMNT=/mnt/raw
mkdir -p "$C1" "$C2"

# show TAG PATH...: values of `cache show tag TAG` (JSON), space-separated.
show() {
	local tag=$1
	shift
	"$FSCTL" -j cache show tag "$tag" | nl_jq "$@" | paste -sd' '
}

# No cookie looking up, creating or invalidating, and no access (I/O) in flight.
cookies_settled() {
	awk 'NR > 2 && ($5 != 0 || $6 ~ /^[LCI]$/) { busy = 1 } END { exit busy }' /proc/fs/fscache/cookies
}

# proc_stat KEY FIELD: a value of /proc/fs/fscache/stats ("Cookies: n=3 v=1 ..." -> proc_stat Cookies n).
proc_stat() { sed -n "s/^$1 *:.* $2=\([0-9]*\).*/\1/p; s/^$1 *: $2=\([0-9]*\).*/\1/p" /proc/fs/fscache/stats | head -n1; }

# keys_of DIR FILE...: the 9p cookie keys of the files, sorted, space-separated.
keys_of() {
	local dir=$1 f
	shift
	for f in "$@"; do
		nl_9p_key "$dir/$f"
	done | sort | paste -sd' '
}

# ---- Binding, showing, changing limits --------------------------------------------------------------

t0=$(date +%s%N)
out=$("$FSCTL" cache bind "$C1" tag one capacity 64M floor 5% high 80 low 70 2>&1)
rc=$?
t1=$(date +%s%N)
tap_is "$rc:$out" "0:" "cache bind $C1 tag one capacity 64M floor 5% high 80 low 70: exit 0, nothing printed"
if [ "$rc" -ne 0 ]; then
	tap_skip_rest 57 "no cache bound"
	exit 0
fi
tap_is "$(show one '#' 0.tag 0.dir 0.state 0.capacity 0.floor_pct 0.high_wmark 0.low_wmark 0.owned)" \
	"1 one $C1 active 67108864 5 80 70 false" "cache show tag one (-j): tag, dir, state and limits as bound"
read -r fs_size fs_free floor bound_at < <(show one 0.fs_size 0.fs_free 0.floor_bytes 0.bound_at)
# The kernel computes a floor in percent as fs_size / 100 * pct, in that order.
# shellcheck disable=SC2017
tap_ok "[ '$floor' = $((fs_size / 100 * 5)) ] && fsc_gt $fs_size $fs_free" \
	"floor 5% is shown as 5% of the backing filesystem in bytes ($floor of $fs_size), free below size"
tap_ok "[ $bound_at -ge $t0 ] && [ $bound_at -le $t1 ]" "bound_at ($bound_at) is the time of the bind"
tap_is "$(show one 0.usage 0.in_use 0.objects 0.stats.# 0.stats.lookups 0.stats.misses)" "0 0 0 15 0 0" \
	"a new cache: no usage, no object, 15 counters at zero"
h=$("$FSCTL" cache show tag one)
grep -qx 'cache one  active' <<<"$h" && grep -q '^    limits  capacity 64 MiB  high 80%  low 70%  floor 5% (' <<<"$h" &&
	grep -qx "    dir $C1" <<<"$h"
tap_ok $? "cache show tag one (human): state, directory and limits" || tap_diag "$h"
tap_ok "grep -qx 'one active usage=0 capacity=67108864 objects=0 dir=$C1' /proc/fs/cachefiles && fsc_cache_active one" \
	"/proc/fs/cachefiles and /proc/fs/fscache/caches list cache one, active"

"$FSCTL" cache set tag one capacity 1G floor 10M high 90 low 50
tap_is "$?:$(show one 0.capacity 0.floor_bytes 0.floor_pct 0.high_wmark 0.low_wmark 0.bound_at)" \
	"0:1073741824 10485760 <none> 90 50 $bound_at" "cache set tag one capacity 1G floor 10M high 90 low 50: show reports them"
"$FSCTL" limit one 256M
tap_is "$?:$(show one 0.capacity 0.floor_bytes 0.high_wmark 0.low_wmark)" "0:268435456 10485760 90 50" \
	"limit one 256M: capacity changed, the rest kept"
tap_ok "grep -q '^one active .* capacity=268435456 ' /proc/fs/cachefiles" "/proc/fs/cachefiles has the new capacity"
"$FSCTL" cache set tag one capacity 0 floor 3%
# shellcheck disable=SC2017  # as the kernel computes it
tap_is "$?:$(show one 0.capacity 0.floor_pct 0.floor_bytes)" "0:0 3 $((fs_size / 100 * 3))" \
	"cache set capacity 0 floor 3%: no limit, the floor in percent again"
"$FSCTL" cache show tag one | grep -q '^    limits  capacity unlimited  high 90%  low 50%  floor 3% ('
tap_ok $? "cache show (human) says 'capacity unlimited'"

out=$("$FSCTL" bind "$C2" tag two 2>&1)
tap_is "$?:$out" "0:" "bind $C2 tag two (the short form): exit 0"
tap_is "$(show two 0.dir 0.capacity 0.high_wmark 0.low_wmark 0.floor_bytes 0.floor_pct 0.owned)" \
	"$C2 0 95 90 0 <none> false" "cache two has the defaults: no capacity, high 95, low 90, no floor"
all=$("$FSCTL" -j cache show)
tap_is "$(nl_jq '#' '*.tag' <<<"$all" | paste -sd' ')" "2 one two" "cache show (-j): both caches, in bind order"
tap_is "$("$FSCTL" cache show | grep -c '^cache ')" 2 "cache show (human): both caches"
tap_is "$("$FSCTL" cache | grep '^cache ' | paste -sd' ')" "cache one  active cache two  active" \
	"bare 'cache' shows all caches"

# ---- Cookies ---------------------------------------------------------------------------------------------
# The share's volume takes the first cache bound, one; two stays unused.

tap_ok "nl_mount share $FSC_SHARE" "mount the share with cache=fscache"
tap_is "$(fsc_sum "$FSC_SHARE/data/f1") $(fsc_sum "$FSC_SHARE/data/f2") $(fsc_sum "$FSC_SHARE/data/f3")" \
	"$(cd "$FSC_HOST_SHARE/data" && for f in f1 f2 f3; do md5sum <$f | cut -d' ' -f1; done | paste -sd' ')" \
	"read data/f1, data/f2 and data/f3 through it"
fsc_wait_for 60 cookies_settled
want_share=$(keys_of "$FSC_SHARE" data/f1 data/f2 data/f3)

# cookie_keys ARGS...: the keys `cookie show ARGS` lists, sorted.
cookie_keys() { "$FSCTL" -j cookie show "$@" | nl_jq '*.key' | sort | paste -sd' '; }

if nl_core_ours; then
	tap_is "$(cookie_keys)" "$want_share" "cookie show: the keys of the three files read (9p's: qid.path, LE64, in hex)"
	tap_is "$(cookie_keys cache one)" "$want_share" "cookie show cache one: the same three"
	tap_is "$(cookie_keys volume 9p,share,)" "$want_share" "cookie show volume 9p,share,: the same three"
	tap_is "$(cookie_keys cache two):$(cookie_keys volume 9p,nosuch,)" ":" "cookie show cache two, and volume 9p,nosuch,: none"
	cookies=$("$FSCTL" -j cookie show)
	tap_is "$(nl_jq '#' <<<"$cookies")" "$(proc_stat Cookies n)" "cookie show lists as many cookies as /proc/fs/fscache/stats counts"
	k3=$(nl_9p_key "$FSC_SHARE/data/f3")
	tap_is "$(nl_jq "[key=$k3].size" "[key=$k3].cache" "[key=$k3].users" "[key=$k3].accesses" <<<"$cookies" | paste -sd' ')" \
		"1048577 one 0 0" "data/f3's cookie: its size, its cache, no user, no access"
	id3=$(nl_jq "[key=$k3].id" <<<"$cookies")
	tap_ok "grep -q '^$(printf '%08x' "$id3") .* $k3, ' /proc/fs/fscache/cookies" \
		"/proc/fs/fscache/cookies lists cookie $id3 with key $k3"
	tap_ok "\"\$FSCTL\" cookie show cache one | grep -q '^cookie $id3  volume [0-9]*  cache one  state .*  key $k3\$'" \
		"cookie show (human): one line per cookie, the key in hex last"
else
	for what in "cookie show" "volume show"; do
		# shellcheck disable=SC2086  # words
		out=$("$FSCTL" $what 2>&1)
		tap_is "$?:$out" "2:fscachectl: Operation not supported: the loaded fscache core does not list volumes or cookies" \
			"$what over a stock core: EOPNOTSUPP with the reason"
	done
	tap_skip_rest 6 "the stock core lists no cookies"
fi

# ---- Open backing files ---------------------------------------------------------------------------------

exec 7<"$FSC_SHARE/held"
head -c 65536 <&7 >/dev/null
fsc_wait_for 60 cookies_settled
held_key=$(nl_9p_key "$FSC_SHARE/held")
handles=$("$FSCTL" -j handle show)
path=$(nl_jq '[users=1].path' <<<"$handles")
tap_is "$(nl_jq '[users=1].cache' <<<"$handles"):${path##*/}" "one:X$held_key" \
	"handle show: the file held open has a handle on cache one, 1 user, backing file X<its key>"
tap_ok "[ -f '$C1/$path' ] && [ \"\$(stat -c %s '$C1/$path')\" = '$(nl_jq '[users=1].size' <<<"$handles")' ]" \
	"the backing file $path exists in $C1 with the size handle show gives"
if nl_core_ours; then
	tap_is "$(nl_jq '[users=1].cookie_id' <<<"$handles")" \
		"$("$FSCTL" -j cookie show | nl_jq "[key=$held_key].id")" "its cookie id is that of the held file's cookie"
else
	tap_skip "its cookie id is that of the held file's cookie" "the stock core lists no cookies"
fi
tap_is "$("$FSCTL" -j handle show cache two)" "[]" "handle show cache two: none (nothing is cached there yet)"
tap_ok "\"\$FSCTL\" handle show | grep -q '^handle  cache one  cookie .*  users 1  .*  path ${path//./\\.}\$'" \
	"handle show (human) lists it"
exec 7<&-
# users_of_held: the users handle show gives the held file's backing file.
users_of_held() { "$FSCTL" -j handle show cache one | nl_jq "[path=$path].users"; }
# Closed, the backing file stays open on the LRU until it expires (then the handle goes).
held_unused() { [[ $(users_of_held) =~ ^(0|<none>)$ ]]; }
fsc_wait_for 30 held_unused
tap_ok held_unused "closed: its handle shows no user, or is gone (LRU expiry) ($(users_of_held))"

# ---- Counters -------------------------------------------------------------------------------------------

fsc_wait_for 60 cookies_settled
st=$("$FSCTL" -j stats)
if nl_core_ours; then
	tap_is "$(nl_jq core.cookies core.volumes core.acquires core.relinquishes core.reads core.writes <<<"$st" | paste -sd' ')" \
		"$(proc_stat Cookies n) $(proc_stat Cookies v) $(proc_stat Acquire n) $(proc_stat Relinqs n) $(proc_stat IO rd) $(proc_stat IO wr)" \
		"stats (-j): the core's counters are /proc/fs/fscache/stats'"
else
	tap_is "$(nl_jq keys <<<"$st")" "" "stats (-j) over a stock core: no core counters"
fi
st=$("$FSCTL" -j stats cache one)
tap_is "$(nl_jq cache.tag cache.stats.lookups <<<"$st" | paste -sd' ')" "one $(awk '/^one /{getline; print}' /proc/fs/cachefiles | sed -n 's/.* lookups=\([0-9]*\).*/\1/p')" \
	"stats cache one: its counters, lookups as /proc/fs/cachefiles says"
tap_ok "fsc_gt $(nl_jq cache.stats.creates <<<"$st") 0 && fsc_gt $(nl_jq cache.stats.write_bytes <<<"$st") 0" \
	"cache one created objects and wrote data"
h=$("$FSCTL" stats show cache one)
grep -q '^cache one$' <<<"$h" && grep -q '^    hit ratio ' <<<"$h" && grep -q ' lookups ' <<<"$h"
tap_ok $? "stats show cache one (human): the cache's counters and its hit ratio" || tap_diag "$h"

# ---- Two caches, each with a mount's volume -----------------------------------------------------------
# A volume takes the first cache live when its first file is opened: with one unbound, share-raw's
# takes two; then one is bound again and the share's volume, which has one, uses it again.  (Unbinding
# one while the share is mounted, with no file open, must work: see nl-errors for the EBUSY case.)

out=$("$FSCTL" cache unbind one 2>&1)
tap_is "$?:$out:$("$FSCTL" -j cache show | nl_jq '*.tag' | paste -sd' ')" "0::two" \
	"cache unbind one (the share mounted, no file open): exit 0, only two is left"
tap_ok "! fsc_cache_active one && ! grep -q '^one ' /proc/fs/cachefiles" "one is gone from /proc/fs/fscache/caches and /proc/fs/cachefiles"
tap_ok "nl_mount share-raw $RAWMNT" "mount share-raw with cache=fscache too"
tap_is "$(fsc_sum "$RAWMNT/data/f3")" "$(md5sum <"$FSC_HOST_SHARE/data/f3" | cut -d' ' -f1)" "read data/f3 through it (on cache two)"
# Held open until the handle is looked at: closed, its backing file would go at the cookie's LRU expiry.
exec 8<"$RAWMNT/data/f3"
out=$("$FSCTL" cache bind "$C1" tag one 2>&1)
tap_is "$?:$out:$("$FSCTL" -j cache show | nl_jq '*.tag' | paste -sd' ')" "0::two one" "bind tag one again"
tap_is "$(fsc_sum "$FSC_SHARE/data/f1")" "$(md5sum <"$FSC_HOST_SHARE/data/f1" | cut -d' ' -f1)" "read data/f1 on the share again"
fsc_wait_for 60 cookies_settled
want_raw=$(keys_of "$RAWMNT" data/f3)

if nl_core_ours; then
	tap_is "$(cookie_keys cache one)" "$(keys_of "$FSC_SHARE" data/f1 data/f2 data/f3 held)" \
		"cookie show cache one: the share's four (the three files and held, whose inodes stay cached)"
	tap_is "$(cookie_keys cache two)" "$want_raw" "cookie show cache two: the file read on share-raw"
	tap_is "$(cookie_keys volume 9p,share-raw,)" "$want_raw" "cookie show volume 9p,share-raw,: the same"
	tap_is "$(cookie_keys cache two volume 9p,share,)" "" "cookie show cache two volume 9p,share,: none"
else
	tap_skip_rest 4 "the stock core lists no cookies"
fi
handles=$("$FSCTL" -j handle show cache two)
if nl_core_ours; then
	tap_is "$(nl_jq '*.cache' <<<"$handles" | sort -u):$(nl_jq '*.path' <<<"$handles" | sed 's,.*/,,')" "two:X$want_raw" \
		"handle show cache two: the backing file of the file read on share-raw, and only it"
else
	# The stock core gives a volume with no cache name the first named cache on its list, live or not:
	# "one", kept listed (unbound) by the share's volume.  share-raw's volume is therefore uncached.
	tap_is "$(nl_jq '*.path' <<<"$handles")" "" \
		"handle show cache two: none (the stock core put share-raw's volume on the unbound cache one)"
fi
exec 8<&-

# ---- Volumes ---------------------------------------------------------------------------------------------

if nl_core_ours; then
	vols=$("$FSCTL" -j volume show)
	tap_is "$(nl_jq '[key=9p,share,].cache' '[key=9p,share-raw,].cache' <<<"$vols" | paste -sd' ')" "one two" \
		"volume show: the share's volume on cache one, share-raw's on two"
	tap_is "$("$FSCTL" -j volume show cache one | nl_jq '*.key' | paste -sd' ')" "9p,share," \
		"volume show cache one: only the share's volume"
	tap_is "$("$FSCTL" -j volume show cache two | nl_jq '*.key' | paste -sd' ')" "9p,share-raw," \
		"volume show cache two: only share-raw's volume"
	tap_is "$(nl_jq '[key=9p,share,].cookies' <<<"$vols")" "$(wc -w <<<"$want_share $held_key")" \
		"the share's volume has a cookie per file looked up on it"
	vid=$(nl_jq '[key=9p,share,].id' <<<"$vols")
	tap_ok "grep -q '^$(printf '%08x' "$vid") .* one  *9p,share,\$' /proc/fs/fscache/volumes" \
		"/proc/fs/fscache/volumes lists volume $vid on cache one"
	tap_ok "\"\$FSCTL\" volume show | grep -q '^volume $vid  key 9p,share,  cache one  refs [0-9]*  cookies [0-9]*\$'" \
		"volume show (human) lists it"
else
	tap_skip_rest 6 "the stock core lists no volumes"
fi

# ---- Unbinding --------------------------------------------------------------------------------------------

tap_ok "umount $FSC_SHARE && umount $RAWMNT" "unmount both mounts"
out=$("$FSCTL" cache unbind tag two 2>&1)
tap_is "$?:$out:$("$FSCTL" -j cache show | nl_jq '*.tag' | paste -sd' ')" "0::one" "cache unbind tag two: only one is left"
out=$("$FSCTL" cache unbind one 2>&1)
tap_is "$?:$out:$("$FSCTL" -j cache show)" "0::[]" "cache unbind one: no cache is left (show -j gives [])"
tap_is "$("$FSCTL" cache show)" "no cache is bound" "cache show (human) says no cache is bound"
