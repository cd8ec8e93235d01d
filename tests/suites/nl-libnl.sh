# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# nl-libnl: a client written against libnl-genl-3 (tests/nl/libnl-client.c), as NetworkManager-style
# integrations would use the family, works: it resolves the family and the "events" group by name,
# binds a cache, finds it in a dump of the caches, receives CACHE_BOUND, gets EEXIST and the kernel's
# message for a second bind, unbinds, receives CACHE_WITHDRAWN, no longer finds it, and gets ENOENT for
# a second unbind.  The cache it bound is then really gone (fscachectl and /proc agree).  Host side:
# nl-libnl.prepare.sh builds the client.
# vm-timeout: 300

# shellcheck source=tests/nl/lib.sh
. "$FSC_REPO/tests/nl/lib.sh"

tap_plan 12

client=$FSC_RUNDIR/libnl-client
dir=/mnt/cache/libnl
mkdir -p "$dir"
out=$("$client" "$dir" libnl 268435456)
rc=$?
tap_diag "$out"

# line STEP: the client's line for STEP, without the step's name.
line() { sed -n "s/^$1 //p" <<<"$out"; }

tap_is "$(line resolve)" "family=ok group=ok" "genl_ctrl_resolve and genl_ctrl_resolve_grp find the family and its events group"
tap_is "$(line subscribe)" "ret=0" "nl_socket_add_membership joins the group"
tap_is "$(line bind)" "ret=0" "CACHE_BIND with a directory, a tag and a capacity is acked"
tap_is "$(line list)" "ret=0 found=1 dir=$dir capacity=268435456 state=0" \
	"a CACHE_GET dump lists it with its directory, capacity and state active"
tap_is "$(line event | head -n1)" "cache_bound capacity=268435456" "the events group delivers CACHE_BOUND with the capacity"
tap_is "$(line bind-again)" "ret=-17 msg=a cache with this tag is already bound" \
	"a second bind: EEXIST and the kernel's message, read from the extended ack"
tap_is "$(line unbind)" "ret=0" "CACHE_UNBIND is acked"
tap_is "$(line event | tail -n1)" "cache_withdrawn" "the events group delivers CACHE_WITHDRAWN"
tap_is "$(line list-after)" "ret=0 found=0" "the dump no longer lists it"
tap_is "$(line unbind-again)" "ret=-2 msg=no cache is bound with this tag" "a second unbind: ENOENT and the message"
tap_is "$rc" 0 "libnl-client exits 0"
tap_ok "! grep -q '^libnl ' /proc/fs/cachefiles && [ \"\$(\"\$FSCTL\" -j cache show)\" = '[]' ]" \
	"the cache is gone for fscachectl and /proc/fs/cachefiles too"
