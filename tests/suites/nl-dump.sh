# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# nl-dump: a dump of many cookies, read through small receive buffers, lists every cookie exactly once.
#
#   bind a cache, mount the share with cache=fscache and look up FILES files (lstat: 9p makes a cookie
#   per regular file looked up, and keeps it while the inode is cached); then dump the cookies with
#   tests/nl/dumpcheck.py on a socket that reads 4 KiB at a time (so the kernel sizes each dump message
#   to 4 KiB, some forty cookies) with the smallest SO_RCVBUF, and check: the dump ends with an ack
#   and no NLM_F_DUMP_INTR, it took many reads, no id comes twice, the ids are exactly those of
#   /proc/fs/fscache/cookies and as many as "Cookies: n=" of /proc/fs/fscache/stats; the same with the
#   cache filter (once a file is opened, the volume has the cache) and the volume filter, which every
#   cookie passes; fscachectl (libmnl, 32 KiB reads)
#   lists as many; after the unmount the dump is empty.
#
# Argument: FILES=N (default 100000).  Under TCG on Debian's kernel, on a 2-core host at a load of 10,
# the lookups of 100000 files took 380 s, each dump 35 s, the unmount 170 s, the VM 11 minutes (10000
# files: 36 s of lookups, 2.5 minutes in all).  Host side: nl-dump.prepare.sh.
# vm-timeout: 1800

# shellcheck source=tests/nl/lib.sh
. "$FSC_REPO/tests/nl/lib.sh"

files=${FSC_ARG_FILES:-100000}
tap_plan 11

if ! nl_core_ours; then
	tap_skip_rest 11 "the $FSC_CORE core lists no cookies"
	exit 0
fi
fsc_bind_cache || { tap_ok 1 "bind a cache: $FSC_BIND_REASON"; tap_skip_rest 10 "no cache"; exit 0; }
tap_ok "fsc_mount_share" "bind a cache and mount the share with cache=fscache" || { tap_skip_rest 10 "no mount"; exit 0; }

out=$("$NL_PY" "$NL_DIR/dumpcheck.py" lookup "$FSC_SHARE")
tap_diag "lookups: $out"
tap_is "${out%% *}" "files=$((files + 1))" "look up all $files files (and data)"
files=$((files + 1))
tap_is "$(sed -n 's/^Cookies: n=\([0-9]*\) .*/\1/p' /proc/fs/fscache/stats)" "$files" "there are as many cookies now"
# A volume takes its cache when a file of it with data is first read: then every cookie passes the
# cache filter.
fsc_sum "$FSC_SHARE/data" >/dev/null

# check ARGS...: run dumpcheck.py dump ARGS; each word NAME=N of its summary line sets d_NAME.
check() {
	local w
	out=$("$NL_PY" "$NL_DIR/dumpcheck.py" dump "$@")
	tap_diag "dump $*: $out"
	for w in $(head -n1 <<<"$out"); do
		[[ $w =~ ^[a-z]+=[-0-9]+$ ]] && printf -v "d_${w%%=*}" '%s' "${w#*=}"
	done
}
d_error="" d_intr="" d_recvs="" d_listed="" d_dups="" d_proc="" d_stats="" d_missing="" d_extra=""
check --recvbuf=4096 --rcvbuf=1
tap_is "$d_error:$d_intr" "0:0" "dump with 4 KiB reads: it completes, never flagged NLM_F_DUMP_INTR"
tap_ok "[ '$d_recvs' -ge $((files / 64)) ]" "it took many reads ($d_recvs for $d_listed cookies)"
tap_is "$d_listed:$d_dups" "$files:0" "it lists $files cookies, none twice"
tap_is "$d_missing:$d_extra:$d_proc:$d_stats" "0:0:$files:$files" \
	"they are exactly the cookies of /proc/fs/fscache/cookies, as many as /proc/fs/fscache/stats counts"
check --recvbuf=4096 "cache_tag=str:$FSC_CACHE_TAG"
tap_is "$d_error:$d_intr:$d_listed:$d_dups:$d_missing:$d_extra" "0:0:$files:0:0:0" \
	"the same with the cache filter ($FSC_CACHE_TAG), which every cookie passes"
check --recvbuf=8192 "volume_key=str:9p,share,"
tap_is "$d_error:$d_intr:$d_listed:$d_dups:$d_missing:$d_extra" "0:0:$files:0:0:0" \
	"the same with the volume filter (9p,share,) and 8 KiB reads"
tap_is "$("$FSCTL" cookie show | wc -l)" "$files" "fscachectl cookie show lists as many"
fsc_umount_share
gone() { [ "$(sed -n 's/^Cookies: n=\([0-9]*\) .*/\1/p' /proc/fs/fscache/stats)" = 0 ]; }
fsc_wait_for 900 gone
check --recvbuf=4096
tap_is "$d_error:$d_listed:$d_proc" "0:0:0" "after the unmount the dump is empty"
