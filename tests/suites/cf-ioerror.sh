# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# cf-ioerror: when the cache's disk fails, reads go on, right, from the server, and the cache withdraws
# itself after saying why.
#
#   the cache disk is remounted on device-mapper (a linear table over /dev/vda), ext4 with
#   errors=continue; bind, mount, read c0..c5 (cached), remount, read c0..c2 (from the cache), remount
#   `fscachectl -j monitor` listens; dmsetup suspend / reload with an "error" table / resume: every
#   block I/O of the cache disk now fails
#   read c0..c5 (cached: the cache reads fail and are downloaded instead) and n0..n3 (not cached)
#
# Checks: every read equals the server's bytes, before, during and after the withdrawal; the withdrawal
# completes within 60 s (its cache_withdrawn event; if it does not, the suite bails out and powers the
# machine off, as the hung withdrawal would block every later look at the cache); the cache goes
# from /proc/fs/cachefiles and is not active in /proc/fs/fscache/caches; an io_error event with EIO
# came on the events group and the kernel log says the cache was withdrawn for an I/O error (both come
# after the io_errors counter was raised; a sampler of /proc/fs/cachefiles also looks for the counter
# while the cache is still listed, and logs what it saw).  ext4's and the block layer's reports of the
# failing disk are expected on the console; a WARN, BUG or stack trace is not.
# vm-timeout: 600
# vm-console-allow: (EXT4-fs|Buffer I/O error|I/O error, dev dm-|blk_update_request|JBD2|Aborting journal|Remounting filesystem read-only|jbd2_).*
# vm-console-allow: device-mapper: .*

# shellcheck source=tests/suites/cf-lib.sh
. "$FSC_REPO/tests/suites/cf-lib.sh"

F=$FSC_FSCACHECTL
DM=cf-cache
tap_plan 19

# Move the cache disk under device-mapper before anything uses it.  No udev runs in the guest: dmsetup
# makes the /dev/mapper node itself.
export DM_DISABLE_UDEV=1
umount /mnt/cache &&
	fsc_modprobe dm_mod &&
	sectors=$(blockdev --getsz /dev/vda) &&
	dmsetup create --noudevsync $DM --table "0 $sectors linear /dev/vda 0" &&
	dmsetup mknodes $DM &&
	mount -t ext4 -o errors=continue /dev/mapper/$DM /mnt/cache
if ! tap_ok $? "the cache disk on device-mapper (linear over /dev/vda), ext4 errors=continue"; then
	tap_skip_rest 18 "no device-mapper cache disk"
	exit 0
fi
cf_start 18

declare -A want
for f in c0 c1 c2 c3 c4 c5 n0 n1 n2 n3; do
	want[$f]=$(fsc_sum "$FSC_RAW/$f")
done

# all_right PASS FILES...: every file reads as the server's bytes.
all_right() {
	local pass=$1 f bad=""
	shift
	for f in "$@"; do
		[ "$(fsc_sum "$FSC_SHARE/$f")" = "${want[$f]}" ] || bad+="$f "
	done
	tap_is "$bad" "" "$pass: $* read right"
}

all_right "before the failure" c0 c1 c2 c3 c4 c5
tap_ok cf_remount "unmount, drop caches, mount"
read -r rd_a _ < <(fsc_io_counters)
all_right "before the failure, again" c0 c1 c2
read -r rd_b _ < <(fsc_io_counters)
tap_ok "fsc_gt $rd_b $rd_a" "before the failure the cache serves reads (rd $rd_a -> $rd_b)"
tap_ok cf_remount "unmount, drop caches, mount"

# Listen for events; a limit change (to the same limit) shows the monitor is subscribed.
"$F" -j monitor >/tmp/cf-events 2>&1 &
monitor=$!
subscribed() {
	"$F" cache set tag "$FSC_CACHE_TAG" capacity 0 >/dev/null 2>&1
	grep -q '"event":"limit_changed"' /tmp/cf-events
}
tap_ok "fsc_wait_for 30 subscribed" "fscachectl monitor is subscribed to the events"

# The sampler: the highest io_errors and the states seen for the cache while it is listed.
python3 - "$FSC_CACHE_TAG" /tmp/cf-stop /tmp/cf-sampling >/tmp/cf-seen <<'PY' &
import os, sys
tag, stop, started = sys.argv[1], sys.argv[2], sys.argv[3]
high, states = 0, set()
while not os.path.exists(stop):
    lines = open("/proc/fs/cachefiles").read().split("\n")
    for i, line in enumerate(lines):
        if line.split(" ")[0] == tag and i + 1 < len(lines):
            states.add(line.split(" ")[1])
            for kv in lines[i + 1].split():
                if kv.startswith("io_errors="):
                    high = max(high, int(kv.split("=")[1]))
    if not os.path.exists(started):
        open(started, "w").close()
print("io_errors=%d states=%s" % (high, ",".join(sorted(states))))
PY
sampler=$!
fsc_wait_for 60 test -e /tmp/cf-sampling || tap_diag "the sampler of /proc/fs/cachefiles did not start"

dmsetup suspend --noudevsync $DM &&
	dmsetup reload --noudevsync $DM --table "0 $sectors error" &&
	dmsetup resume --noudevsync $DM
tap_ok $? "the cache disk fails: device-mapper table switched to error"

all_right "after the failure" c0 c1 c2 c3 c4 c5
all_right "after the failure, never cached" n0 n1 n2 n3
# The withdrawn event comes once the withdrawal is complete.  Wait for it here, reading only the
# monitor's output: a withdrawal that hangs holds the backend's mutex, and every read of
# /proc/fs/cachefiles would hang behind it, the guest's teardown too.  So on a hang, say so and stop
# the machine at once.
withdrawn_event() { grep -q "\"event\":\"cache_withdrawn\",\"tag\":\"$FSC_CACHE_TAG\"" /tmp/cf-events; }
if ! tap_ok "fsc_wait_for 60 withdrawn_event" "the cache is withdrawn (a cache_withdrawn event within 60 s)"; then
	tap_diag "events: $(cat /tmp/cf-events)"
	tap_diag "$(cat /proc/fs/fscache/caches /proc/fs/fscache/volumes)"
	echo "cf-ioerror: the withdrawal did not complete; powering off" >&2
	echo "Bail out! the cache's withdrawal after the I/O error did not complete in 60 s (see the console)"
	echo w >/proc/sysrq-trigger
	sync
	poweroff -f
fi
withdrawn() { ! cf_listed "$FSC_CACHE_TAG"; }
tap_ok withdrawn "the cache is gone from /proc/fs/cachefiles"
tap_ok "! fsc_cache_active $FSC_CACHE_TAG" "the core no longer lists the cache as active" ||
	tap_diag "$(cat /proc/fs/fscache/caches)"
touch /tmp/cf-stop
wait $sampler
tap_diag "sampler of /proc/fs/cachefiles while the cache was listed: $(cat /tmp/cf-seen)"
tap_ok "grep -q '\"event\":\"io_error\",\"tag\":\"$FSC_CACHE_TAG\".*\"errno\":-5' /tmp/cf-events" \
	"an io_error event with EIO for the cache" || tap_diag "$(cat /tmp/cf-events)"
kill $monitor
wait $monitor 2>/dev/null
tap_ok "dmesg | grep -q 'cachefiles: $FSC_CACHE_TAG: backing filesystem I/O error -5: withdrawing'" \
	"the kernel log says why the cache was withdrawn"

tap_ok cf_remount "unmount, drop caches, mount"
all_right "after the withdrawal" c0 c1 c2 c3 c4 c5 n0 n1 n2 n3
fsc_umount_share
umount /mnt/cache && dmsetup remove --noudevsync $DM
tap_ok $? "unmount the failed cache disk and remove its device-mapper device"
