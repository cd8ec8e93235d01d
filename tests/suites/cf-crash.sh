# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# cf-crash: the cache survives the machine stopping dead in the middle of filling it: after a reboot on
# the same cache disk every file reads right, and what the backend had checkpointed is served from the
# cache.  Two boots (the harness's "# vm-crash:" feature, tests/vm/README.md):
#
#   boot 1: bind, mount, read a00..a03; wait until the backend has checkpointed their content maps
#           (each one's trusted.fscache.meta holds a map with every granule present, checked with the
#           CRCs of cachefiles-iter-format.rst), sync
#           read the first third of the b files with four readers, wait until their maps are
#           checkpointed too, and until ext4 has committed its journal twice (/proc/fs/jbd2: the maps
#           are then on the disk, with no sync); start four readers on the rest, reading them granule
#           by granule, and once some of them are read print the marker: the host kills QEMU
#           (SIGKILL) while the readers are still filling the cache (the script keeps reading until
#           it is killed)
#   boot 2: the cache disk is mounted again (ext4 replays its journal), the same directory bound
#           again, the share mounted; every file is read and compared with the server, then again
#           after a remount
#
# Checks: every read equals the server's bytes; after the crash the a files and the first third of the
# b files (checkpointed, and committed by ext4 on its own) come from the cache; on our backend no
# object is found corrupt (a crash must never leave a map that fails its checks); after the remount in
# boot 2 every file comes from the cache.  How many of the other b files (being filled at the crash)
# boot 2 found in the cache is logged.  On the stock backend, which keeps no content map, the map
# checks are skipped and the first third of the b files is synced like the a files.
#
# Argument: FILES=N, how many b files of 3 MiB (default 24).  Host side: cf-crash.prepare.sh.
# vm-timeout: 900
# vm-crash: cf-crash: kill the machine now

# shellcheck source=tests/suites/cf-lib.sh
. "$FSC_REPO/tests/suites/cf-lib.sh"

n=${FSC_ARG_FILES:-24}
a_files=(a00 a01 a02 a03)
b1_files=() b2_files=()
for ((i = 0; i < n; i++)); do
	if ((i < n / 3)); then b1_files+=("$(printf 'b%02d' "$i")"); else b2_files+=("$(printf 'b%02d' "$i")"); fi
done
BOOT1_CASES=5
BOOT2_CASES=9

# maps: "full=F other=O": F backing files of non-zero size whose trusted.fscache.meta holds a content
# map (checked as cachefiles-iter-format.rst says) with every granule present, O with no map, a damaged
# one, or one with granules absent.
maps() {
	python3 - "$FSC_CACHE_DIR" <<'PY'
import os, struct, sys


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc ^ 0xFFFFFFFF


full = other = 0
for top, dirs, names in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if d != "graveyard"]
    for name in names:
        path = os.path.join(top, name)
        if name.endswith((".map", ".map.new")) or not os.path.isfile(path):
            continue
        try:
            meta = os.getxattr(path, "trusted.fscache.meta")
        except OSError:
            other += 1
            continue
        at = meta.find(b"CFmp")
        ok, size = False, 0
        if at >= 0 and len(meta) >= at + 32:
            hdr = meta[at:at + 32]
            magic, ver, shift, res, size, nr, bcrc, hcrc = struct.unpack("<IHBBQQII", hdr)
            bitmap = meta[at + 32:at + 32 + (nr + 7) // 8]
            ok = (ver == 1 and shift == 18 and crc32c(hdr[:28]) == hcrc and
                  len(bitmap) == (nr + 7) // 8 and crc32c(bitmap) == bcrc and size > 0 and
                  sum(bin(b).count("1") for b in bitmap) == nr)
        if ok:
            full += 1
        elif at < 0 or size > 0:
            other += 1
print("full=%d other=%d" % (full, other))
PY
}
# maps_complete N: N full maps and no other.
maps_complete() { [ "$(maps)" = "full=$1 other=0" ]; }

# readers HOW FILES...: four readers in the background read FILES between them, each file once, and log
# each one they finished in /tmp/cf-done.  HOW is "whole" (md5sum of the file) or "granules" (one dd
# per 256 KiB granule, the even ones first, then the odd ones: slower, and it leaves files partly
# cached at any moment).  Their pids go to READERS (the stock backend's cachefilesd runs in the
# background too: never wait for all jobs).
READERS=()
readers() {
	local how=$1 r
	shift
	READERS=()
	for r in 0 1 2 3; do
		(
			i=0
			for f in "$@"; do
				((i++ % 4 == r)) || continue
				if [ "$how" = whole ]; then
					fsc_sum "$FSC_SHARE/$f" >/dev/null
				else
					for g in 0 2 4 6 8 10 1 3 5 7 9 11; do
						dd if="$FSC_SHARE/$f" of=/dev/null bs=$CF_GRANULE skip=$g count=1 status=none
					done
				fi && echo "$f" >>/tmp/cf-done
			done
		) &
		READERS+=($!)
	done
}
done_count() { wc -l </tmp/cf-done; }
# commits: how many transactions the cache disk's ext4 journal has committed.
commits() { read -r c _ </proc/fs/jbd2/vda-8/info && echo "$c"; }

if [ "${FSC_BOOT:-}" = 1 ]; then
	tap_plan $((BOOT1_CASES + BOOT2_CASES))
	cf_start $((BOOT1_CASES + BOOT2_CASES))
	bad=""
	for f in "${a_files[@]}"; do
		[ "$(fsc_sum "$FSC_SHARE/$f")" = "$(fsc_sum "$FSC_RAW/$f")" ] || bad+="$f "
	done
	tap_is "$bad" "" "boot 1: ${a_files[*]} read right"
	nb1=${#b1_files[@]}
	if cf_ours; then
		tap_ok "fsc_wait_for 120 maps_complete 4 && sync" \
			"boot 1: the content maps of ${a_files[*]} are checkpointed, every granule present; sync" ||
			tap_diag "maps: $(maps)"
	else
		tap_skip "boot 1: the content maps of ${a_files[*]} are checkpointed" "the stock backend keeps no map"
		sync
	fi

	: >/tmp/cf-done
	readers whole "${b1_files[@]}"
	wait "${READERS[@]}"
	if cf_ours; then
		tap_ok "[ \$(done_count) -eq $nb1 ] && fsc_wait_for 120 maps_complete $((4 + nb1))" \
			"boot 1: the first $nb1 b files read, their maps checkpointed (no sync)" ||
			tap_diag "maps: $(maps)"
	else
		tap_skip "boot 1: the first $nb1 b files read, their maps checkpointed" "the stock backend keeps no map"
		sync
	fi

	# Let ext4 commit its journal twice (a file touched on the cache disk, outside the cache, keeps
	# it busy): the maps above are then on the disk, with no sync.  Then fill the cache with the rest
	# of the b files and pull the plug once some of them are read.
	c0=$(commits)
	committed() { touch /mnt/cache/cf-tick && (($(commits) >= c0 + 2)); }
	fsc_wait_for 60 committed
	rc=$?
	readers granules "${b2_files[@]}"
	some() { (($(done_count) > nb1)); }
	tap_ok "[ $rc -eq 0 ] && fsc_wait_for 120 some && ((\$(done_count) < n))" \
		"boot 1: ext4 committed twice; some of the other b files read, the rest being read" ||
		tap_diag "journal commits $c0 -> $(commits), $(done_count) of $n b files read"
	tap_diag "crash with $(done_count) of $n b files read, journal commits $c0 -> $(commits)"
	echo "# cf-crash: kill the machine now"
	# Keep the cache busy until the host pulls the plug.
	wait "${READERS[@]}"
	while :; do
		fsc_drop_caches
		cat "$FSC_SHARE"/b* >/dev/null
	done
elif [ "${FSC_BOOT:-}" = 2 ]; then
	if fsc_bind_cache && fsc_mount_share; then
		tap_ok 0 "boot 2: bind the same directory again ($FSC_BACKEND backend), mount the share"
	else
		tap_ok 1 "boot 2: bind the same directory again, mount the share: $FSC_BIND_REASON"
		tap_skip_rest $((BOOT2_CASES - 1)) "no cache bound"
		exit 0
	fi
	# read_all FILES...: compare each file with the server; BAD lists the wrong ones, CACHED the
	# ones whose read took something from the cache.
	declare -A want
	read_all() {
		local f rd_a rd_b
		BAD="" CACHED=""
		for f in "$@"; do
			[ -n "${want[$f]:-}" ] || want[$f]=$(fsc_sum "$FSC_RAW/$f")
			read -r rd_a _ < <(fsc_io_counters)
			[ "$(fsc_sum "$FSC_SHARE/$f")" = "${want[$f]}" ] || BAD+="$f "
			read -r rd_b _ < <(fsc_io_counters)
			! fsc_gt "$rd_b" "$rd_a" || CACHED+="$f "
		done
	}
	read_all "${a_files[@]}"
	bad=$BAD
	tap_is "$CACHED" "${a_files[*]} " "boot 2: ${a_files[*]} came from the cache (checkpointed, synced)"
	read_all "${b1_files[@]}"
	bad+=$BAD
	tap_is "$CACHED" "${b1_files[*]} " \
		"boot 2: the first ${#b1_files[@]} b files came from the cache (checkpointed)"
	read_all "${b2_files[@]}"
	bad+=$BAD
	tap_diag "boot 2: $(wc -w <<<"$CACHED") of the ${#b2_files[@]} b files being filled at the crash came" \
		"(at least partly) from the cache: $CACHED"
	tap_is "$bad" "" "boot 2: all files read right"
	tap_diag "$(cat /proc/fs/cachefiles 2>/dev/null)"
	cf_ours_ok "[ '$(cf_stat corrupt)' = 0 ]" "boot 2: no object found corrupt (corrupt=$(cf_stat corrupt))"
	tap_ok cf_remount "boot 2: unmount, drop caches, mount"
	read_all "${a_files[@]}" "${b1_files[@]}" "${b2_files[@]}"
	tap_is "$BAD" "" "boot 2, remounted: every file reads right"
	tap_is "$CACHED" "${a_files[*]} ${b1_files[*]} ${b2_files[*]} " \
		"boot 2, remounted: every file came from the cache"
	tap_ok fsc_umount_share "boot 2: unmount"
else
	tap_bail "cf-crash needs the harness's crash boots (FSC_BOOT=1, then 2): run it with tests/vm/run.sh"
fi
