# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034  # variables here are for the scripts that source this file
#
# Helpers for the scripts the harness runs inside the guest (tests/suites/*.sh, tests/bench/*.sh).
# guest-init.sh sources this file, then the script, in one subshell; the script's stdout is the result channel
# (/dev/ttyS1), its stderr the console.  Scripts do not use `set -e`: a failed command is a failed test case,
# not the end of the run.
#
# Environment (from the run's params; see tests/vm/host-lib.sh):
#   FSC_MODE FSC_CORE FSC_BACKEND      the module mode; core and backend are "stock" or "ours"
#   FSC_FSCACHE_KO FSC_CACHEFILES_KO   the modules this mode loaded
#   FSC_STOCK_*_KO FSC_OURS_*_KO       both variants' files, for identity checks
#   FSC_KIND FSC_KREL FSC_MODBASE      kernel (debian|debug), release, module tree
#   FSC_REPO FSC_RUNDIR FSC_HOST_SHARE the repository, the run directory, the share's host path
#   FSC_ROOT                           the guest's root: hostroot (9p) or initramfs ("# vm-root:")
#   FSC_ARG_NAME                       suite arguments, NAME=VALUE after the mode in a matrix line
#
# Mount points: /mnt/cache (the cache disk, ext4), /mnt/share (tag "share", cache=fscache),
# /mnt/raw (tag "share-raw", cache=none: what the server really holds).

FSC_SHARE=/mnt/share
FSC_RAW=/mnt/raw
FSC_CACHE_DIR=/mnt/cache/fscache
FSC_CACHE_TAG="test"
FSC_9P_OPTS="trans=virtio,version=9p2000.L,msize=262144"
FSC_BIND_DEADLINE=30	# seconds for a cache to become active after binding

# ---- TAP ------------------------------------------------------------------------------------------------

_tap_n=0
_tap_t=${EPOCHREALTIME/./}
FSC_SLOW_CASE_US=5000000	# a case that took longer than this gets a "# took N s" line

# Count the next case; note how long the previous one took if that was long (under TCG on a shared CPU
# that is how slow steps show up).
_tap_next() {
	local now=${EPOCHREALTIME/./} us
	us=$((now - _tap_t))
	_tap_t=$now
	((us <= FSC_SLOW_CASE_US)) || printf '# took %d.%d s\n' $((us / 1000000)) $((us % 1000000 / 100000))
	_tap_n=$((_tap_n + 1))
}

# tap_plan N: declare N test cases.
tap_plan() { echo "1..$1"; }

# tap_diag MSG...: a diagnostic line per argument line.
tap_diag() { printf '%s\n' "$*" | sed 's/^/# /'; }

# tap_ok COND DESC: pass if COND is 0 (an exit status), or, if COND is not a number, if `eval COND`
# succeeds.  Returns COND's truth, so `tap_ok ... || ...` works.
tap_ok() {
	local cond=$1 desc=$2 rc
	if [[ $cond =~ ^[0-9]+$ ]]; then
		rc=$cond
	else
		eval "$cond"
		rc=$?
	fi
	_tap_next
	if [ "$rc" -eq 0 ]; then
		echo "ok $_tap_n - $desc"
	else
		echo "not ok $_tap_n - $desc"
		[[ $cond =~ ^[0-9]+$ ]] || tap_diag "failed: $cond"
	fi
	return "$rc"
}

# tap_is GOT WANT DESC: pass if the strings are equal; print both otherwise.
tap_is() {
	local got=$1 want=$2 desc=$3
	_tap_next
	if [ "$got" = "$want" ]; then
		echo "ok $_tap_n - $desc"
		return 0
	fi
	echo "not ok $_tap_n - $desc"
	tap_diag "     got: '$got'"
	tap_diag "    want: '$want'"
	return 1
}

# tap_skip DESC REASON: a skipped test case (not a pass).
tap_skip() {
	_tap_next
	echo "ok $_tap_n - $1 # SKIP $2"
}

# tap_skip_rest N REASON: skip the next N cases with one reason (e.g. after a failed precondition).
tap_skip_rest() {
	local i
	for ((i = 0; i < $1; i++)); do
		tap_skip "not run" "$2"
	done
}

# tap_bail REASON: abandon the script; the host fails the VM.
tap_bail() {
	echo "Bail out! $*"
	exit 1
}

# ---- Waiting --------------------------------------------------------------------------------------------

# fsc_wait_for SECS COMMAND...: see guest-wait.sh.
# shellcheck source=tests/vm/guest-wait.sh
. "$FSC_REPO/tests/vm/guest-wait.sh"

# ---- Modules --------------------------------------------------------------------------------------------

# fsc_modprobe ARGS...: modprobe against the guest kernel's module tree.
fsc_modprobe() { modprobe -d "$FSC_MODBASE" -S "$FSC_KREL" "$@"; }

# fsc_module_loaded NAME: NAME is in /proc/modules.
fsc_module_loaded() { grep -q "^$1 " /proc/modules; }

# fsc_module_is_ours NAME: the loaded NAME is out of tree (taint O), i.e. ours.
fsc_module_is_ours() { grep -q O "/sys/module/$1/taint"; }

# fsc_module_build_id NAME: the GNU build ID of the loaded module NAME (hex), from sysfs.
fsc_module_build_id() {
	local note=/sys/module/$1/notes/.note.gnu.build-id
	[ -r "$note" ] || return 1
	# Elf note: namesz, descsz, type (4 bytes each), "GNU\0", then the ID (descsz bytes).
	od -An -v -tx1 "$note" | tr -d ' \n' | cut -c33-
}

# fsc_ko_build_id FILE: the GNU build ID of a .ko file.
fsc_ko_build_id() { readelf -n "$1" | sed -n 's/^ *Build ID: *//p'; }

# ---- The cache ------------------------------------------------------------------------------------------

FSC_BIND_REASON=""
_fsc_cachefilesd_pid=""

# fsc_cache_active TAG: /proc/fs/fscache/caches lists cache TAG in state A (active).
fsc_cache_active() {
	[ -r /proc/fs/fscache/caches ] &&
		awk -v tag="$1" '$NF == tag && $(NF - 1) == "A" { found = 1 } END { exit !found }' \
			/proc/fs/fscache/caches
}

# fsc_bind_cache: bind a cache on $FSC_CACHE_DIR (tag $FSC_CACHE_TAG) through the mode's backend and
# wait until it is active.  Returns 0 when bound; 1 when binding failed; 2 when this backend cannot be
# bound by the harness yet.  $FSC_BIND_REASON says why on non-zero.
fsc_bind_cache() {
	FSC_BIND_REASON=""
	mkdir -p "$FSC_CACHE_DIR"
	case $FSC_BACKEND in
	stock) _fsc_bind_cachefilesd ;;
	ours) fsc_bind_cache_ours ;;
	*) FSC_BIND_REASON="unknown backend '$FSC_BACKEND'"; return 1 ;;
	esac
}

# Debian's cachefilesd 0.10.10 now and then aborts (SIGABRT) early in a run, even on Debian's own
# modules, which withdraws the cache under the suite.  It is the baseline's daemon, not what we test: run
# it under a supervisor that restarts it, at most FSC_DAEMON_RESTARTS times, when a signal other than
# ours kills it, and says so on the console.  A plain exit (bad configuration...) is reported as before.
FSC_DAEMON_RESTARTS=3
FSC_DAEMON_RESTART_LOG=/run/fsc-cachefilesd-restarts
# fsc_daemon_restarts: how many times the supervisor restarted cachefilesd in this boot.
fsc_daemon_restarts() { wc -l <"$FSC_DAEMON_RESTART_LOG" 2>/dev/null || echo 0; }
_fsc_cachefilesd_supervise() {
	local conf=$1 rc restarts=0 child
	trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 0' TERM
	while :; do
		rm -f /run/cachefilesd.pid
		cachefilesd -n -s -p /run/cachefilesd.pid -f "$conf" &
		child=$!
		wait "$child"
		rc=$?
		if [ "$rc" -le 128 ] || [ "$restarts" -ge "$FSC_DAEMON_RESTARTS" ]; then
			return "$rc"
		fi
		restarts=$((restarts + 1))
		echo "fsc: cachefilesd died with status $rc; restart $restarts of $FSC_DAEMON_RESTARTS"
		echo "$rc" >>"$FSC_DAEMON_RESTART_LOG"
	done
}

_fsc_bind_cachefilesd() {
	local conf=/tmp/cachefilesd.conf
	printf 'dir %s\ntag %s\n' "$FSC_CACHE_DIR" "$FSC_CACHE_TAG" >"$conf"
	# Keep the daemon off the result channel.
	_fsc_cachefilesd_supervise "$conf" >/dev/console 2>&1 &
	_fsc_cachefilesd_pid=$!
	if ! fsc_wait_for "$FSC_BIND_DEADLINE" _fsc_daemon_binds "$_fsc_cachefilesd_pid"; then
		if kill -0 "$_fsc_cachefilesd_pid" 2>/dev/null; then
			FSC_BIND_REASON="cache '$FSC_CACHE_TAG' not active ${FSC_BIND_DEADLINE}s after starting cachefilesd"
		else
			wait "$_fsc_cachefilesd_pid"
			FSC_BIND_REASON="cachefilesd exited with status $? (see the console)"
			_fsc_cachefilesd_pid=""
		fi
		return 1
	fi
}

# Succeeds once the cache is active; fails fast (ends the wait) if the daemon died.
_fsc_daemon_binds() {
	fsc_cache_active "$FSC_CACHE_TAG" && return 0
	kill -0 "$1" 2>/dev/null || return 0
	return 1
}

# Binding our cachefiles: fscachectl over the "fscache" netlink family; the kernel owns the cache from
# then on.  FSC_BIND_ARGS adds words to the bind command (capacity, floor...).
FSC_FSCACHECTL=${FSC_FSCACHECTL:-$FSC_REPO/tools/fscachectl/fscachectl}
fsc_bind_cache_ours() {
	local out
	# shellcheck disable=SC2086  # a list of words
	if ! out=$("$FSC_FSCACHECTL" cache bind "$FSC_CACHE_DIR" tag "$FSC_CACHE_TAG" ${FSC_BIND_ARGS:-} 2>&1); then
		FSC_BIND_REASON="fscachectl cache bind failed: $out"
		return 1
	fi
	_fsc_ours_bound=1
	if ! fsc_wait_for "$FSC_BIND_DEADLINE" fsc_cache_active "$FSC_CACHE_TAG"; then
		FSC_BIND_REASON="cache '$FSC_CACHE_TAG' not active after fscachectl bound it"
		return 1
	fi
}

# fsc_unbind_cache: withdraw the cache the harness bound (stock: stop cachefilesd, which closes
# /dev/cachefiles) and wait until it is no longer listed as active.
fsc_unbind_cache() {
	if [ -n "${_fsc_ours_bound:-}" ]; then
		"$FSC_FSCACHECTL" cache unbind tag "$FSC_CACHE_TAG" || return 1
		_fsc_ours_bound=""
	fi
	if [ -n "$_fsc_cachefilesd_pid" ]; then
		kill "$_fsc_cachefilesd_pid" 2>/dev/null
		wait "$_fsc_cachefilesd_pid" 2>/dev/null
		_fsc_cachefilesd_pid=""
	fi
	fsc_wait_for "$FSC_BIND_DEADLINE" _fsc_not_active
}
_fsc_not_active() { ! fsc_cache_active "$FSC_CACHE_TAG"; }

# ---- Shares ---------------------------------------------------------------------------------------------

# fsc_mount_share [OPTS]: mount tag "share" on $FSC_SHARE with cache=fscache (OPTS appended, comma-
# separated), and make sure tag "share-raw" is mounted on $FSC_RAW with cache=none.
fsc_mount_share() {
	fsc_mount_raw || return 1
	mount -t 9p -o "$FSC_9P_OPTS,cache=fscache${1:+,$1}" share "$FSC_SHARE"
}

# fsc_mount_raw: tag "share-raw" on $FSC_RAW, uncached.
fsc_mount_raw() {
	mountpoint -q "$FSC_RAW" || mount -t 9p -o "$FSC_9P_OPTS,cache=none" share-raw "$FSC_RAW"
}

# fsc_umount_share: unmount $FSC_SHARE (this waits for the cache writes the mount still has in flight).
fsc_umount_share() { umount "$FSC_SHARE"; }

# fsc_drop_caches: write back and drop the page, dentry and inode caches.
fsc_drop_caches() { sync && echo 3 >/proc/sys/vm/drop_caches; }

# ---- Statistics -----------------------------------------------------------------------------------------

# fsc_io_counters: "RD WR", the cache read and write counts of /proc/fs/fscache/stats ("IO : rd=N wr=M").
fsc_io_counters() {
	local rd wr
	[ -r /proc/fs/fscache/stats ] || { echo "0 0"; return 1; }
	rd=$(sed -n 's/^IO *: .*rd=\([0-9]*\).*/\1/p' /proc/fs/fscache/stats)
	wr=$(sed -n 's/^IO *: .*wr=\([0-9]*\).*/\1/p' /proc/fs/fscache/stats)
	if [ -z "$rd" ] || [ -z "$wr" ]; then echo "0 0"; return 1; fi
	echo "$rd $wr"
}

# fsc_gt A B: A > B, both integers (a missing counter is a failure, never a pass).
fsc_gt() { [[ $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ ]] && (($1 > $2)); }

# fsc_sum FILE: the file's MD5 (not for security: it is 4x cheaper than SHA-256 under TCG).
fsc_sum() { md5sum <"$1" | cut -d' ' -f1; }

# ---- Cleanup on exit ------------------------------------------------------------------------------------

# Whatever the script leaves: the fscache mount, the raw mount, the bound cache.
_fsc_cleanup() {
	mountpoint -q "$FSC_SHARE" && umount "$FSC_SHARE"
	mountpoint -q "$FSC_RAW" && umount "$FSC_RAW"
	if [ -n "$_fsc_cachefilesd_pid" ]; then
		fsc_unbind_cache || echo "fsc: the cache is still active after stopping cachefilesd" >&2
	fi
	return 0
}
trap _fsc_cleanup EXIT
