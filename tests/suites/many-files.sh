# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# many-files: 10000 files opened, read and closed through the cache, twice, with an unmount between; every
# file reads right both times, the second pass comes from the cache, and after the last unmount every
# cookie and volume has been torn down (the counters of /proc/fs/fscache/stats return to where they were).
#
# Argument: FILES=N, how many files (default 10000; the debug matrix reads fewer).  Host side:
# many-files.prepare.sh.  The guest runs from its initramfs (busybox has all the suite runs), which
# spares the debug kernel seconds per exec from a 9p root.
# vm-root: initramfs
# vm-timeout: 1200

tap_plan 8

# cookies_volumes: "N V" from the "Cookies: n=N v=V" line.
cookies_volumes() { sed -n 's/^Cookies: n=\([0-9-]*\) v=\([0-9-]*\).*/\1 \2/p' /proc/fs/fscache/stats; }
back_to() { [ "$(cookies_volumes)" = "$1" ]; }

base=$(cookies_volumes)
fsc_bind_cache || { tap_ok 1 "bind a cache: $FSC_BIND_REASON"; tap_skip_rest 7 "no cache"; exit 0; }
tap_ok 0 "bind a cache ($FSC_BACKEND backend)"
fsc_mount_share || { tap_ok 1 "mount"; tap_skip_rest 6 "no mount"; exit 0; }
want=$(cd "$FSC_RAW" && find . -type f | sort | xargs sha256sum | sha256sum)
n=$(cd "$FSC_RAW" && find . -type f | wc -l)
tap_diag "$n files (FILES=${FSC_ARG_FILES:-10000})"

got=$(cd "$FSC_SHARE" && find . -type f | sort | xargs sha256sum | sha256sum)
tap_is "$got" "$want" "pass 1: all $n files read right"
tap_ok fsc_umount_share "unmount"
# Debian's cachefilesd (the stock backend's daemon, not what this suite tests) may abort mid-fill; the
# harness restarts it, but the cache was withdrawn meanwhile and the files being filled then were not
# cached.  Fill once more, so that pass 2 checks the cache, not the daemon.
if [ "$(fsc_daemon_restarts)" -gt 0 ]; then
	tap_diag "cachefilesd was restarted during pass 1 ($(fsc_daemon_restarts) times): filling again"
	fsc_mount_share && (cd "$FSC_SHARE" && find . -type f -exec cat {} + >/dev/null) && fsc_umount_share
fi
fsc_drop_caches
read -r rd0 _ < <(fsc_io_counters)
fsc_mount_share
got=$(cd "$FSC_SHARE" && find . -type f | sort | xargs sha256sum | sha256sum)
tap_is "$got" "$want" "pass 2: all $n files read right"
read -r rd1 _ < <(fsc_io_counters)
tap_ok "[ $((rd1 - rd0)) -ge $n ]" "pass 2: at least one cache read per file (rd $rd0 -> $rd1, $n files)"
tap_ok fsc_umount_share "unmount"
fsc_wait_for 120 back_to "$base"
tap_is "$(cookies_volumes)" "$base" "every cookie and volume torn down (cookies, volumes: $base)"
tap_ok "awk 'NR > 2' /proc/fs/fscache/cookies | wc -l | grep -qx 0" "/proc/fs/fscache/cookies lists none"
