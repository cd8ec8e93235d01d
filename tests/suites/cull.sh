# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# cull: a cache bound with a data capacity stays within it.  Reading four times the capacity culls the
# oldest objects (usage is sampled after each file and never passes the capacity by more than the object
# being filled); every file still reads right; "cache cull ... target" brings usage under the target;
# culling one object by its key removes it, and an object in use is refused with EBUSY.
# Our backend only.
# vm-timeout: 900

CAP=$((24 << 20))
tap_plan 10

usage() { sed -n 's/.* usage=\([0-9]*\) .*/\1/p' /proc/fs/cachefiles | head -n1; }
counter() { tr ' ' '\n' </proc/fs/cachefiles | sed -n "s/^$1=//p" | head -n1; }
ctl() { "$FSC_FSCACHECTL" "$@"; }

if [ "$FSC_BACKEND" != ours ]; then
	tap_skip_rest 10 "culling by capacity is our backend's"
	exit 0
fi
FSC_BIND_ARGS="capacity $CAP"
fsc_bind_cache || { tap_ok 1 "bind with capacity: $FSC_BIND_REASON"; tap_skip_rest 9 "no cache"; exit 0; }
tap_ok 0 "bind a cache with capacity 24 MiB"
fsc_mount_share || { tap_ok 1 "mount"; tap_skip_rest 8 "no mount"; exit 0; }

worst=0 bad=0
for f in "$FSC_SHARE"/f*; do
	[ "$(fsc_sum "$f")" = "$(fsc_sum "$FSC_RAW/${f##*/}")" ] || bad=$((bad + 1))
	u=$(usage)
	[ "${u:-0}" -le "$worst" ] || worst=$u
done
tap_is "$bad" 0 "every file of 4x the capacity reads right"
# Granules land after the read returns: let the last writes finish, then look again.
fsc_umount_share
u=$(usage)
[ "$u" -le "$worst" ] || worst=$u
tap_diag "largest usage seen: $worst bytes (capacity $CAP); culls: $(counter culls)"
tap_ok "[ $worst -le $((CAP + (4 << 20) + (1 << 20))) ]" "usage never passed the capacity by more than one object"
tap_ok "fsc_gt $(counter culls) 0" "the culler deleted objects"
tap_ok "[ $(usage) -le $CAP ]" "usage is within the capacity at rest"

ctl cache cull tag "$FSC_CACHE_TAG" target 4M
tap_ok "[ $(usage) -le $((4 << 20)) ]" "cache cull to a 4 MiB target (usage $(usage))"

# One object by key: read f01 so that it is cached, unmount (not in use), cull it by key.
fsc_mount_share
fsc_sum "$FSC_SHARE/f01" >/dev/null
vkey=$(awk 'NR > 2 { print $NF; exit }' /proc/fs/fscache/volumes)
key=$(awk 'NR > 2 { k = $8; sub(",", "", k); print k; exit }' /proc/fs/fscache/cookies)
exec 7<"$FSC_SHARE/f01"
out=$(ctl cache cull tag "$FSC_CACHE_TAG" volume "$vkey" cookie "$key" 2>&1)
rc=$?
tap_ok "[ $rc -eq 2 ] && grep -q 'in use' <<<\"\$out\"" "culling an object in use is refused: $out"
exec 7<&-
fsc_umount_share
before=$(counter culls)
out=$(ctl cache cull tag "$FSC_CACHE_TAG" volume "$vkey" cookie "$key" 2>&1)
tap_ok "[ $? -eq 0 ] && fsc_gt $(counter culls) $before" "cull one object by its key ($vkey / $key) $out"
out=$(ctl cache cull tag "$FSC_CACHE_TAG" volume "$vkey" cookie "$key" 2>&1)
tap_ok "[ $? -eq 2 ]" "culling it again: no such object ($out)"
fsc_mount_share
tap_is "$(fsc_sum "$FSC_SHARE/f01")" "$(fsc_sum "$FSC_RAW/f01")" "the culled file reads right from the server"
