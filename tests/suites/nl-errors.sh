# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# nl-errors: every command of the "fscache" family, given each kind of bad input, gets the right errno
# and extended-ack (message, offending or missing attribute), and the caches are as they were (the
# output of `fscachectl -j cache show` is compared after each request).  Malformed requests go through
# tests/nl/rawgenl.py, which sends anything; what fscachectl can send is checked through it too.
#
#   missing required attributes; attributes a command does not take, beyond its highest, of type 0, with
#   NLA_F_NESTED; wrong lengths, strings without their NUL or too long, a flag with a payload, bytes
#   left over; out-of-range values (watermarks 0 and 101, floor 51%, a key of 0 or 256 bytes), the low
#   watermark not below the high one, both floors; bad netlink and genetlink headers; unknown commands,
#   a dump of a do-only command and the reverse; a tag no cache has; binding a bound directory (also
#   spelt differently) or tag, a relative path (fscachectl makes one absolute), a missing directory, a
#   file, a read-only filesystem, filesystems without xattrs or direct I/O, a floor above the free space;
#   unbind while a file on the cached mount is open (EBUSY; then FSCACHE_A_CACHE_FORCE unbinds it and the
#   file still reads right); as an unprivileged user, EPERM for every command that changes state
#   (before any parsing) while the listings work; as root without CAP_SYS_ADMIN, EPERM with a message.
#
# Out-of-range numbers get ERANGE, as the netlink core's range policies give and Documentation/netlink/
# fscache.rst says.  Host side: nl-errors.prepare.sh.
# vm-timeout: 900

# shellcheck source=tests/nl/lib.sh
. "$FSC_REPO/tests/nl/lib.sh"

tap_plan 131

CM=/mnt/cache/main
mkdir -p "$CM" /mnt/cache/new /mnt/cache/other /tmp/nl-tmpfs
: >/mnt/cache/a-file

out=$("$FSCTL" cache bind "$CM" tag main capacity 1G high 80 low 70 2>&1)
if ! tap_ok $? "bind cache main on $CM (capacity 1G, high 80, low 70)"; then
	tap_diag "$out"
	tap_skip_rest 130 "no cache bound"
	exit 0
fi
nl_srv_open root
nl_state_save

# Over a stock core the volume and cookie listings answer EOPNOTSUPP by design.
if nl_core_ours; then
	LIST_NOSUCH="OK n=0"
else
	LIST_NOSUCH="EOPNOTSUPP msg=the loaded fscache core does not list volumes or cookies"
fi
T63=$(printf 'a%.0s' {1..63})
T64=${T63}b
K256=$(printf '01%.0s' {1..256})
V256=$(printf 'v%.0s' {1..256})

# expect_table SERVER: one case per line "WANT | REQUEST WORDS" of stdin.
expect_table() {
	local srv=$1 want req
	while IFS='|' read -r want req; do
		want=${want% }
		req=${req# }
		[ -n "$req" ] || continue
		nl_expect_line "$req -> $want" "$want" "$srv" "$req" </dev/null
	done
}

expect_table root <<EOF
EINVAL miss=cache_dir | cache_bind
EINVAL miss=cache_dir | cache_bind cache_tag=str:x cache_capacity=u64:1
EINVAL miss=cache_tag | cache_unbind
EINVAL miss=cache_tag | cache_unbind cache_force=flag:
EINVAL miss=cache_tag | cache_set cache_capacity=u64:1
EINVAL miss=cache_tag | cache_get
EINVAL miss=cache_tag | cache_cull cull_target=u64:0
EINVAL msg=give a target size, or a volume key and a cookie key | cache_cull cache_tag=str:main
EINVAL msg=give a target size, or a volume key and a cookie key | cache_cull cache_tag=str:main volume_key=str:9p,share,
EINVAL attr=cull_target msg=give a target size or one object, not both | cache_cull cache_tag=str:main cull_target=u64:0 volume_key=str:9p,share, cookie_key=hex:01
EINVAL attr=cache_capacity msg=Unsupported attribute | cache_unbind cache_tag=str:main cache_capacity=u64:1
EINVAL attr=cache_dir msg=Unsupported attribute | cache_set cache_tag=str:main cache_dir=str:/tmp
EINVAL attr=cache_owned msg=Unsupported attribute | cache_cull cache_tag=str:main cull_target=u64:0 cache_owned=flag:
EINVAL attr=pad msg=Unsupported attribute | cache_bind cache_dir=str:/mnt/cache/new pad=hex:
EINVAL attr=cache_dir msg=Unsupported attribute | cookie_get --dump cache_dir=str:/
EINVAL attr=cache_dir msg=Unknown attribute type | cache_get cache_tag=str:main cache_dir=str:/
EINVAL attr=cache_state msg=Unknown attribute type | cache_bind cache_dir=str:/mnt/cache/new cache_state=u8:0
EINVAL attr=cookie_id msg=Unknown attribute type | cookie_get --dump cookie_id=u32:1
EINVAL attr=cookie_id msg=Unknown attribute type | volume_get --dump cookie_id=u32:1
EINVAL attr=unspec msg=Unknown attribute type | stats_get 0=u32:1
EINVAL attr=999 msg=Unknown attribute type | handle_get --dump 999=u32:1
EINVAL attr=cache_tag msg=NLA_F_NESTED not expected | cache_unbind 0x8002=str:main
EINVAL attr=cache_capacity msg=invalid attribute length | cache_bind cache_dir=str:/mnt/cache/new cache_capacity=u32:1
EINVAL attr=cache_high_wmark msg=invalid attribute length | cache_set cache_tag=str:main cache_high_wmark=u32:80
EINVAL attr=cull_target msg=invalid attribute length | cache_cull cache_tag=str:main cull_target=hex:
EINVAL attr=cache_tag msg=Attribute failed policy validation | cache_unbind cache_tag=nstr:main
EINVAL attr=cache_tag msg=Attribute failed policy validation | cache_set cache_tag=str:$T64 cache_capacity=u64:1
EINVAL attr=cache_tag msg=Attribute failed policy validation | cache_bind cache_dir=str:/mnt/cache/new cache_tag=str:$T64
EINVAL attr=cache_dir msg=Attribute failed policy validation | cache_bind cache_dir=hex:
EINVAL attr=volume_key msg=Attribute failed policy validation | cookie_get --dump volume_key=str:$V256
ERANGE attr=cache_owned msg=Attribute failed policy validation | cache_bind cache_dir=str:/mnt/cache/new cache_owned=hex:01
ERANGE attr=cache_force msg=Attribute failed policy validation | cache_unbind cache_tag=str:main cache_force=u8:1
EINVAL msg=bytes leftover after parsing attributes | cache_set cache_tag=str:main --tail=0800020041
EINVAL msg=bytes leftover after parsing attributes | cache_get cache_tag=str:main --tail=0000
ERANGE attr=cache_high_wmark msg=integer out of range | cache_set cache_tag=str:main cache_high_wmark=u8:0
ERANGE attr=cache_high_wmark msg=integer out of range | cache_set cache_tag=str:main cache_high_wmark=u8:101
ERANGE attr=cache_low_wmark msg=integer out of range | cache_set cache_tag=str:main cache_low_wmark=u8:0
ERANGE attr=cache_low_wmark msg=integer out of range | cache_set cache_tag=str:main cache_low_wmark=u8:101
ERANGE attr=cache_high_wmark msg=integer out of range | cache_bind cache_dir=str:/mnt/cache/new cache_high_wmark=u8:101
ERANGE attr=cache_low_wmark msg=integer out of range | cache_bind cache_dir=str:/mnt/cache/new cache_low_wmark=u8:0
ERANGE attr=cache_floor_pct msg=integer out of range | cache_set cache_tag=str:main cache_floor_pct=u8:51
ERANGE attr=cache_floor_pct msg=integer out of range | cache_bind cache_dir=str:/mnt/cache/new cache_floor_pct=u8:51
ERANGE attr=cookie_key msg=binary attribute size out of range | cache_cull cache_tag=str:main volume_key=str:9p,share, cookie_key=hex:
ERANGE attr=cookie_key msg=binary attribute size out of range | cache_cull cache_tag=str:main volume_key=str:9p,share, cookie_key=hex:$K256
EINVAL attr=cache_low_wmark msg=the low watermark must be below the high watermark | cache_bind cache_dir=str:/mnt/cache/new cache_high_wmark=u8:70 cache_low_wmark=u8:70
EINVAL attr=cache_low_wmark msg=the low watermark must be below the high watermark | cache_bind cache_dir=str:/mnt/cache/new cache_low_wmark=u8:96
EINVAL attr=cache_low_wmark msg=the low watermark must be below the high watermark | cache_set cache_tag=str:main cache_low_wmark=u8:80
EINVAL attr=cache_high_wmark msg=the low watermark must be below the high watermark | cache_set cache_tag=str:main cache_high_wmark=u8:60
EINVAL attr=cache_floor_pct msg=give the floor in bytes or as a percentage, not both | cache_bind cache_dir=str:/mnt/cache/new cache_floor_bytes=u64:1 cache_floor_pct=u8:1
EINVAL attr=cache_floor_pct msg=give the floor in bytes or as a percentage, not both | cache_set cache_tag=str:main cache_floor_bytes=u64:1 cache_floor_pct=u8:1
EINVAL | cache_get cache_tag=str:main --len=18 --truncate=18
NOREPLY n=0 | cache_get cache_tag=str:main --len=200
EINVAL msg=genlmsghdr.reserved field is not 0 | cache_get cache_tag=str:main --reserved=1
EINVAL msg=ambiguous or reserved bits set in nlmsg_flags | cache_get cache_tag=str:main --flags=0x400
EINVAL msg=ambiguous or reserved bits set in nlmsg_flags | cache_get --dump --flags=0x800
EINVAL msg=ambiguous or reserved bits set in nlmsg_flags | cookie_get --no-ack --flags=0x100
EOPNOTSUPP | 99
EOPNOTSUPP | unspec
EOPNOTSUPP | event
EOPNOTSUPP | cache_bind --dump cache_dir=str:/mnt/cache/new
EOPNOTSUPP | cache_cull --dump cache_tag=str:main cull_target=u64:0
EOPNOTSUPP | volume_get
EOPNOTSUPP | cookie_get
ENOENT attr=cache_tag msg=no cache is bound with this tag | cache_unbind cache_tag=str:nosuch
ENOENT attr=cache_tag msg=no cache is bound with this tag | cache_unbind cache_tag=str:
ENOENT attr=cache_tag msg=no cache is bound with this tag | cache_unbind cache_tag=str:nosuch cache_force=flag:
ENOENT attr=cache_tag msg=no cache is bound with this tag | cache_set cache_tag=str:nosuch cache_capacity=u64:1
ENOENT attr=cache_tag msg=no cache is bound with this tag | cache_get cache_tag=str:nosuch
ENOENT attr=cache_tag msg=no cache is bound with this tag | cache_cull cache_tag=str:nosuch cull_target=u64:0
ENOENT attr=cache_tag msg=no cache is bound with this tag | stats_get cache_tag=str:nosuch
OK n=0 | handle_get --dump cache_tag=str:nosuch
$LIST_NOSUCH | volume_get --dump cache_tag=str:nosuch
$LIST_NOSUCH | cookie_get --dump cache_tag=str:nosuch
EINVAL attr=cache_tag msg=the tag must not be empty | cache_bind cache_dir=str:/mnt/cache/new cache_tag=str:
EINVAL attr=cache_tag msg=the tag may hold only printable ASCII characters, no spaces | cache_bind cache_dir=str:/mnt/cache/new cache_tag=hex:61206200
EINVAL attr=cache_tag msg=the tag may hold only printable ASCII characters, no spaces | cache_bind cache_dir=str:/mnt/cache/new cache_tag=hex:610a6200
EEXIST msg=a cache with this tag is already bound | cache_bind cache_dir=str:/mnt/cache/other cache_tag=str:main
EEXIST msg=this directory is already bound as a cache | cache_bind cache_dir=str:$CM cache_tag=str:other
EEXIST msg=this directory is already bound as a cache | cache_bind cache_dir=str:/mnt/cache/./new/../main/ cache_tag=str:other
EINVAL attr=cache_dir msg=the cache directory must be an absolute path | cache_bind cache_dir=str:mnt/cache/new cache_tag=str:other
EINVAL attr=cache_dir msg=the cache directory must be an absolute path | cache_bind cache_dir=str: cache_tag=str:other
ENOENT msg=cache directory does not exist | cache_bind cache_dir=str:/mnt/cache/nosuch cache_tag=str:other
ENOTDIR msg=cache directory path is not a directory | cache_bind cache_dir=str:/mnt/cache/a-file cache_tag=str:other
EROFS msg=cache directory is on a read-only filesystem | cache_bind cache_dir=str:/usr cache_tag=str:other
EOPNOTSUPP msg=backing filesystem has no extended attributes | cache_bind cache_dir=str:/proc/fs cache_tag=str:other
EOPNOTSUPP msg=backing filesystem does not support direct I/O | cache_bind cache_dir=str:/tmp/nl-tmpfs cache_tag=str:other
ENOSPC msg=backing filesystem is already below the free-space floor | cache_bind cache_dir=str:/mnt/cache/new cache_tag=str:other cache_floor_bytes=u64:0x10000000000
EOF

# A tag of 63 characters is the longest: it binds (the state changes, then is restored).
tap_is "$(nl_req root cache_bind cache_dir=str:/mnt/cache/new "cache_tag=str:$T63")" "OK n=0" \
	"cache_bind with a tag of 63 characters binds"
tap_is "$("$FSCTL" -j cache show tag "$T63" | nl_jq 0.tag)" "$T63" "... and cache show finds it"
"$FSCTL" cache unbind "$T63"
tap_is "$(nl_state)" "$NL_STATE" "unbinding it restores the state"

# What fscachectl sends gets the same answers, printed on one line with exit status 2.
fsctl_case() {
	local want=$1 out rc
	shift
	out=$("$FSCTL" "$@" 2>&1)
	rc=$?
	tap_is "$rc:$out:$([ "$(nl_state)" = "$NL_STATE" ] && echo same)" "2:$want:same" "fscachectl $*: exit 2, '$want'"
}
fsctl_case "fscachectl: File exists: a cache with this tag is already bound" cache bind /mnt/cache/other tag main
fsctl_case "fscachectl: File exists: this directory is already bound as a cache" cache bind "$CM" tag other
fsctl_case "fscachectl: No such file or directory: no cache is bound with this tag (attribute cache-tag)" cache unbind nosuch
fsctl_case "fscachectl: Invalid argument: the low watermark must be below the high watermark (attribute cache-low-wmark)" \
	cache set tag main low 85
fsctl_case "fscachectl: No space left on device: backing filesystem is already below the free-space floor" \
	cache bind /mnt/cache/new tag other floor 1T

# fscachectl makes a relative directory absolute before sending it.
(cd /mnt/cache && "$FSCTL" cache bind new tag rel) 2>/dev/console
tap_is "$("$FSCTL" -j cache show tag rel | nl_jq 0.dir)" /mnt/cache/new "fscachectl cache bind new (in /mnt/cache) binds /mnt/cache/new"
"$FSCTL" cache unbind rel
tap_is "$(nl_state)" "$NL_STATE" "unbinding it restores the state"

# ---- Unbinding while files use the cache -------------------------------------------------------------

# No cookie looking up, creating or invalidating, and no access (I/O) in flight.
cookies_settled() {
	awk 'NR > 2 && ($5 != 0 || $6 ~ /^[LCI]$/) { busy = 1 } END { exit busy }' /proc/fs/fscache/cookies
}

tap_ok "nl_mount share $FSC_SHARE" "mount the share with cache=fscache (on cache main)"
exec 7<"$FSC_SHARE/held"
head -c 65536 <&7 >/dev/null
fsc_wait_for 60 cookies_settled
nl_state_save
nl_expect "unbind main while a file is open: EBUSY" \
	"EBUSY msg=files are using the cache: unmount them first, or unbind with force" root cache_unbind cache_tag=str:main
fsctl_case "fscachectl: Device or resource busy: files are using the cache: unmount them first, or unbind with force" \
	cache unbind main
tap_is "$(nl_req root cache_unbind cache_tag=str:main cache_force=flag:)" "OK n=0" \
	"unbind main with FSCACHE_A_CACHE_FORCE while the file is open: done"
tap_is "$("$FSCTL" -j cache show):$(fsc_cache_active main && echo active)" "[]:" "cache main is gone"
tap_is "$(md5sum <&7 | cut -d' ' -f1)" "$(tail -c +65537 "$FSC_HOST_SHARE/held" | md5sum | cut -d' ' -f1)" \
	"the open file reads the rest of its data right"
exec 7<&-
tap_is "$(fsc_sum "$FSC_SHARE/held")" "$(md5sum <"$FSC_HOST_SHARE/held" | cut -d' ' -f1)" "it reads right when opened again"
tap_ok "umount $FSC_SHARE" "unmount"

# ---- Privileges -------------------------------------------------------------------------------------------

"$FSCTL" cache bind "$CM" tag main capacity 1G high 80 low 70
nl_state_save
nl_srv_open nobody "${NL_NOBODY[@]}"
tap_is "$(nl_req nobody cache_get cache_tag=str:main)" "OK n=1" "an unprivileged user can send requests (cache_get main)"
expect_table nobody <<EOF
EPERM | cache_bind cache_dir=str:/mnt/cache/new cache_tag=str:other
EPERM | cache_unbind cache_tag=str:main
EPERM | cache_unbind cache_tag=str:main cache_force=flag:
EPERM | cache_set cache_tag=str:main cache_capacity=u64:1
EPERM | cache_cull cache_tag=str:main cull_target=u64:0
EPERM | cache_set cache_capacity=u64:1
EPERM | cache_bind cache_dir=str:relative cache_high_wmark=u8:0
EOF
for cmd in "cache bind /mnt/cache/new tag other" "cache unbind main" "cache set tag main capacity 2G" \
	"limit main 2G" "cache cull tag main target 0"; do
	# shellcheck disable=SC2086  # words
	out=$("${NL_NOBODY[@]}" "$FSCTL" $cmd 2>&1)
	tap_is "$?:$out:$([ "$(nl_state)" = "$NL_STATE" ] && echo same)" \
		"2:fscachectl: Operation not permitted: this command needs CAP_SYS_ADMIN:same" "unprivileged fscachectl $cmd: EPERM"
done
tap_is "$(nl_state "${NL_NOBODY[@]}")" "$NL_STATE" "unprivileged fscachectl -j cache show: the same as root's"
for cmd in "stats" "stats cache main" "handle show" "cookie show" "volume show"; do
	# shellcheck disable=SC2086  # words
	out=$("${NL_NOBODY[@]}" "$FSCTL" -j $cmd 2>&1)
	rc=$?
	if [[ $cmd =~ ^(cookie|volume) ]] && ! nl_core_ours; then
		tap_is "$rc:$out" "2:fscachectl: Operation not supported: the loaded fscache core does not list volumes or cookies" \
			"unprivileged fscachectl -j $cmd: EOPNOTSUPP over a stock core, as for root"
	else
		tap_is "$rc" 0 "unprivileged fscachectl -j $cmd works"
	fi
done
for req in "cache_get --dump|OK n=1" "stats_get|OK n=1" "handle_get --dump|OK n=0" "cookie_get --dump|$LIST_NOSUCH"; do
	tap_is "$(nl_req_line nobody "${req%|*}")" "${req#*|}" "unprivileged ${req%|*}: ${req#*|}"
done
nl_srv_close nobody

# Root without CAP_SYS_ADMIN passes genetlink's CAP_NET_ADMIN check and meets the family's own.
got=$(setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin "$NL_PY" "$NL_DIR/rawgenl.py" cache_unbind cache_tag=str:main)
tap_is "$got:$([ "$(nl_state)" = "$NL_STATE" ] && echo same)" "EPERM msg=changing a cache needs CAP_SYS_ADMIN:same" \
	"root without CAP_SYS_ADMIN: cache_unbind gets EPERM and says why"
got=$(setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin "$NL_PY" "$NL_DIR/rawgenl.py" cache_bind cache_dir=str:/mnt/cache/new)
tap_is "$got:$([ "$(nl_state)" = "$NL_STATE" ] && echo same)" "EPERM msg=changing a cache needs CAP_SYS_ADMIN:same" \
	"root without CAP_SYS_ADMIN: cache_bind gets EPERM and says why"

nl_srv_close root
