# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# bind-late: binding a cache after a filesystem is mounted, and after a file is opened, starts caching
# for them without a remount or a reopen (no cookie enablement step).
#
#   mount the share with cache=fscache while no cache is bound; open "open-before" and keep it open
#   (helpers/fdctl.py holds the descriptor; the file is never reopened); bind the cache
#   open-before: read it (asks for the lookup and waits for it), read it again, drop its pages, read it
#                again: data was written to the cache since the bind and the last read comes from it
#   open-after:  opened after the bind on the same mount: read, drop, read from the cache
#
# Synchronisation: before dropping pages, wait until /proc/fs/fscache/cookies shows no cookie mid-lookup
# and no cache access in flight (writes to the cache hold one).
# vm-timeout: 600

tap_plan 13
fdctl="$FSC_REPO/tests/suites/helpers/fdctl.py"

# No cookie looking up, creating or invalidating, and no access (I/O) in flight.
cookies_settled() {
	awk 'NR > 2 && ($5 != 0 || $6 ~ /^[LCI]$/) { busy = 1 } END { exit busy }' /proc/fs/fscache/cookies
}

# fd_cmd CMD: send CMD to the fdctl coprocess and print its reply.
fd_cmd() {
	local reply
	echo "$1" >&"${FD[1]}"
	read -r -t 120 reply <&"${FD[0]}" || reply="error: no reply"
	echo "$reply"
}

want_before=$(fsc_sum "$FSC_RAW/open-before" 2>/dev/null || true)
tap_ok "fsc_mount_share" "mount with cache=fscache before any cache is bound" || { tap_skip_rest 12 "no mount"; exit 0; }
want_before=$(fsc_sum "$FSC_RAW/open-before")
want_after=$(fsc_sum "$FSC_RAW/open-after")

coproc FD { exec python3 "$fdctl" "$FSC_SHARE/open-before"; }
tap_is "$(read -r -t 60 l <&"${FD[0]}"; echo "$l")" "open" "open-before is open (before the bind)"
tap_is "$(fd_cmd sum)" "$want_before" "open-before reads right with no cache"

fsc_bind_cache
bind_rc=$?
if [ "$bind_rc" -ne 0 ]; then
	tap_ok 1 "bind a cache ($FSC_BACKEND backend): $FSC_BIND_REASON"
	tap_skip_rest 9 "no cache bound"
	fd_cmd quit >/dev/null
	exit 0
fi
tap_ok 0 "bind a cache after the mount and the open ($FSC_BACKEND backend)"

# First read after the bind: the open cookie has no object yet and asks for one (the read waits for it).
read -r _ wr0 < <(fsc_io_counters)
fd_cmd evict >/dev/null
tap_is "$(fd_cmd sum)" "$want_before" "open-before: first read after the bind reads right"
fsc_wait_for 60 cookies_settled
fd_cmd evict >/dev/null
tap_is "$(fd_cmd sum)" "$want_before" "open-before: second read reads right"
fsc_wait_for 60 cookies_settled
read -r rd1 wr1 < <(fsc_io_counters)
tap_ok "fsc_gt $wr1 $wr0" "open-before: the still-open file was written to the cache since the bind (wr $wr0 -> $wr1)"
tap_is "$(fd_cmd evict)" "ok" "open-before: drop its pages"
tap_is "$(fd_cmd sum)" "$want_before" "open-before: third read reads right"
read -r rd2 wr2 < <(fsc_io_counters)
tap_ok "fsc_gt $rd2 $rd1" "open-before: third read came from the cache (rd $rd1 -> $rd2), never reopened"
fd_cmd quit >/dev/null

# A file opened after the bind, on the mount made before it.
tap_is "$(fsc_sum "$FSC_SHARE/open-after")" "$want_after" "open-after: first read reads right"
fsc_wait_for 60 cookies_settled
read -r rd3 wr3 < <(fsc_io_counters)
tap_ok "fsc_gt $wr3 $wr2" "open-after: written to the cache (wr $wr2 -> $wr3)"
python3 -c 'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED)' "$FSC_SHARE/open-after"
sum=$(fsc_sum "$FSC_SHARE/open-after")
read -r rd4 wr4 < <(fsc_io_counters)
tap_ok "[ '$sum' = '$want_after' ] && fsc_gt $rd4 $rd3" "open-after: reread from the cache, right (rd $rd3 -> $rd4)"
