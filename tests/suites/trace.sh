# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# trace: the core's own tracepoints fire: fscache_iter:fscache_lookup for each lookup with its result, and
# fscache_iter:fscache_dispatch for where the procedures ran; 6.1's fscache:fscache_acquire also fires.
# vm-timeout: 600

tap_plan 6
tr=/sys/kernel/tracing
mountpoint -q $tr || mount -t tracefs nodev $tr
tap_ok "[ -d $tr/events/fscache_iter/fscache_lookup ] && [ -d $tr/events/fscache_iter/fscache_dispatch ]" \
	"the fscache_iter events exist"
echo 1 >$tr/events/fscache_iter/enable
echo 1 >$tr/events/fscache/fscache_acquire/enable
echo >$tr/trace

fsc_bind_cache || { tap_ok 1 "bind a cache: $FSC_BIND_REASON"; tap_skip_rest 4 "no cache"; exit 0; }
fsc_mount_share
want=$(fsc_sum "$FSC_RAW/traced")
tap_is "$(fsc_sum "$FSC_SHARE/traced")" "$want" "read through the cache"
fsc_umount_share
echo 0 >$tr/events/fscache_iter/enable
echo 0 >$tr/events/fscache/fscache_acquire/enable
log=$(cat $tr/trace)
tap_ok "grep -qE 'fscache_lookup: c=[0-9a-f]{8} V=[0-9a-f]{8} OK' <<<\"\$log\"" "a lookup traced as OK"
tap_ok "grep -qE 'fscache_dispatch: c=[0-9a-f]{8} (THREAD|CALLER|QUEUED) fl=' <<<\"\$log\"" \
	"procedures traced with where they ran"
tap_ok "grep -q 'fscache_acquire:' <<<\"\$log\"" "6.1's fscache_acquire fires too"
n_lookups=$(grep -c 'fscache_lookup:' <<<"$log")
n_stat=$(sed -n 's/^Lookups: n=\([0-9]*\).*/\1/p' /proc/fs/fscache/stats)
# Abandoned lookups (no cache any more) are traced but never reach the backend, so are not counted.
tap_ok "[ '$n_lookups' -ge '$n_stat' ] && [ '$n_stat' -gt 0 ]" "a lookup event for each lookup counted ($n_lookups events, $n_stat counted)"
