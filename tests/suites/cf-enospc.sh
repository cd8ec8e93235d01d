# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# cf-enospc: a cache on a small filesystem, bound with a free-space floor, is asked to cache far more
# than fits: every read is still right, the writes that do not fit are skipped (and counted), the
# filesystem never goes below the floor, and what was cached is served from the cache later.
#
#   bind with "floor 24M" on a 96 MiB ext4 (about 80 MiB free); sample the free space all along
#   pass 1: read the files one by one, each time waiting until its cache writes are done, noting which
#           files were (at least partly) written to the cache
#   unmount, drop caches, mount; pass 2: read every file again
#
# Checks: every read equals the server's bytes; the cache took some files and skipped writes
# (writes_skipped in /proc/fs/cachefiles, the core's NoSpace nwr); the free space, sampled every 20 ms
# and at the end, never went below the floor less 1 MiB (the floor holds back data; what the backend
# writes besides, xattrs, directories, extent blocks, is allowed that much); in pass 2 every file that
# pass 1 wrote to the cache came (at least partly) from it.
#
# Argument: FILES=N, how many 12 MiB files (default 10).  Host side: cf-enospc.prepare.sh.
# vm-timeout: 900
# vm-disk: 96M

# shellcheck source=tests/suites/cf-lib.sh
. "$FSC_REPO/tests/suites/cf-lib.sh"

FLOOR_MIB=24
SLACK=1048576
# shellcheck disable=SC2034  # read by fsc_bind_cache_ours (guest-lib.sh)
FSC_BIND_ARGS="floor ${FLOOR_MIB}M"
floor=$((FLOOR_MIB * 1048576))
n=${FSC_ARG_FILES:-10}
files=$(for ((i = 0; i < n; i++)); do printf 'e%03d ' "$i"; done)
files=${files% }
tap_plan $((2 * n + 11))
cf_start $((2 * n + 11))

free_bytes() { stat -f -c '%a %S' /mnt/cache | awk '{ print $1 * $2 }'; }
tap_diag "backing fs: $(df -k /mnt/cache | tail -n1); floor $floor bytes; $n files of 12 MiB"

# The sampler: the lowest free space seen, written to its output when /tmp/cf-stop appears.
python3 - /mnt/cache /tmp/cf-stop >/tmp/cf-min <<'PY' &
import os, sys, time
low = None
while not os.path.exists(sys.argv[2]):
    st = os.statvfs(sys.argv[1])
    free = st.f_bavail * st.f_frsize
    low = free if low is None else min(low, free)
    time.sleep(0.02)
print(low)
PY
sampler=$!

declare -A want
cached=""
for f in $files; do
	want[$f]=$(fsc_sum "$FSC_RAW/$f")
	read -r _ wr_a < <(fsc_io_counters)
	tap_is "$(fsc_sum "$FSC_SHARE/$f")" "${want[$f]}" "pass 1: $f reads right"
	fsc_wait_for 120 cf_settled || tap_diag "$f: cache I/O still in flight after 120 s"
	read -r _ wr_b < <(fsc_io_counters)
	! fsc_gt "$wr_b" "$wr_a" || cached+="$f "
done
tap_ok fsc_umount_share "unmount"
touch /tmp/cf-stop
wait $sampler
low=$(cat /tmp/cf-min)
end=$(free_bytes)
tap_diag "cached in pass 1: ${cached:-none}; free space: lowest $low, at the end $end"
tap_ok "[ -n '$cached' ] && [ '$cached' != '$files ' ]" "pass 1 cached some of the files, not all"
cf_ours_ok "fsc_gt '$(cf_stat wr_skipped)' 0" "writes_skipped counted ($(cf_stat wr_skipped))"
nwr=$(sed -n 's/^NoSpace *: *nwr=\([0-9]*\).*/\1/p' /proc/fs/fscache/stats)
tap_ok "fsc_gt '$nwr' 0" "the core counted writes refused for want of space (NoSpace nwr=$nwr)"
tap_ok "[[ '$low' =~ ^[0-9]+$ ]] && ((low + SLACK >= floor))" \
	"free space sampled during the fill never below the floor less 1 MiB ($low >= $floor - $SLACK)"
tap_ok "((end + SLACK >= floor))" "free space at the end not below the floor less 1 MiB ($end)"
cf_ours_ok "fsc_gt '$(cf_stat usage)' 0" "the cache's usage counts what it holds ($(cf_stat usage) bytes)"

fsc_drop_caches
tap_ok fsc_mount_share "mount again"
missed=""
for f in $files; do
	read -r rd_a _ < <(fsc_io_counters)
	tap_is "$(fsc_sum "$FSC_SHARE/$f")" "${want[$f]}" "pass 2: $f reads right"
	read -r rd_b _ < <(fsc_io_counters)
	case " $cached " in
	*" $f "*) fsc_gt "$rd_b" "$rd_a" || missed+="$f " ;;
	esac
done
tap_is "$missed" "" "pass 2: every file pass 1 cached came from the cache"
tap_ok fsc_umount_share "unmount"
