# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# unload: fscache.ko and every module that uses it unload cleanly after use, leave nothing behind, and
# load and work again.  The guest runs from its initramfs ("vm-root"): a 9p root would pin 9p, and with
# it fscache.  slab_nomerge gives every slab cache a /proc/slabinfo line of its own, so a cache that
# outlives its module shows (merged into another, it would not).
#
# Round 1, on the modules the guest booted with:
#   bind a cache, mount the share with cache=fscache, read each file (pass 1: into the cache), unmount,
#   drop caches, mount again, read each file (pass 2: each from the cache), unmount both shares, unbind
#   rmmod cachefiles, 9p, 9pnet_virtio, 9pnet, fscache, netfs (each before what it uses); then
#   /proc/fs/fscache is gone, and so is every slab cache of the stack; on a kernel with kmemleak, no
#   leak report names the stack
# Round 2: load the mode's modules again and do it all once more, with a single read pass that comes
# from the cache straight away (the cache disk kept what pass 1 wrote).  After the second unload the
# kernel has exactly the slab caches it had after the first.
#
# Host side: unload.prepare.sh.
# vm-root: initramfs
# vm-append: slab_nomerge
# vm-bin: readelf
# vm-timeout: 300

files="f-4k f-1m f-8m"
# The modules that import fscache, then fscache and what it imports: each before the modules it uses.
stack="cachefiles 9p 9pnet_virtio 9pnet fscache netfs"
# Slab caches the stack creates as it loads (6.1's names), and a pattern for any cache of the stack,
# 9p's per-mount "9p-fcall-cache-N" included.
named_caches="fscache_cookie_jar v9fs_inode_cache p9_req_t"
[ "$FSC_BACKEND" != stock ] || named_caches+=" cachefiles_object_jar"
stack_cache_re='^(fscache|cachefiles|netfs|v9fs|p9|9p)'

# The debug kernel has kmemleak: one more case after each unload.
kmemleak=0
[ "$FSC_KIND" != debug ] || kmemleak=1
plan=$((50 + 2 * kmemleak))
tap_plan "$plan"

# ---- helpers ---------------------------------------------------------------------------------------

# slab_caches: every slab cache's name, one a line, sorted.
slab_caches() { { awk 'NR > 2 { print $1 }' /proc/slabinfo; ls /sys/kernel/slab; } | sort -u; }

# load_deps KO: modprobe what the module file KO depends on.
load_deps() {
	local deps
	deps=$(modinfo -F depends "$1" | tr ',' ' ')
	# shellcheck disable=SC2086  # a list of names
	[ -z "$deps" ] || fsc_modprobe -a $deps
}

# load_stack: the mode's fscache.ko, 9p over virtio, the mode's cachefiles.ko, with their dependencies.
# modprobe takes the fscache already loaded for 9p's.
load_stack() {
	load_deps "$FSC_FSCACHE_KO" && insmod "$FSC_FSCACHE_KO" &&
		fsc_modprobe -a 9pnet 9pnet_virtio 9p &&
		load_deps "$FSC_CACHEFILES_KO" && insmod "$FSC_CACHEFILES_KO"
}

# check_loaded ROUND: 4 cases: the stack is loaded, fscache and cachefiles are the mode's files, and
# /proc/fs/fscache is there.
check_loaded() {
	local m missing=""
	for m in $stack; do
		fsc_module_loaded "$m" || missing+=" $m"
	done
	tap_is "${missing:- none}" " none" "$1: loaded: $stack (missing:${missing:- none})"
	tap_is "$(fsc_module_build_id fscache)" "$(fsc_ko_build_id "$FSC_FSCACHE_KO")" \
		"$1: the loaded fscache is $FSC_FSCACHE_KO ($FSC_CORE)"
	tap_is "$(fsc_module_build_id cachefiles)" "$(fsc_ko_build_id "$FSC_CACHEFILES_KO")" \
		"$1: the loaded cachefiles is $FSC_CACHEFILES_KO ($FSC_BACKEND)"
	tap_ok "[ -r /proc/fs/fscache/stats ]" "$1: /proc/fs/fscache/stats is there"
}

# check_caches_listed ROUND: 1 case: the stack's named slab caches exist.
check_caches_listed() {
	local c missing="" all
	all=$(slab_caches)
	for c in $named_caches; do
		grep -qx -- "$c" <<<"$all" || missing+=" $c"
	done
	tap_is "${missing:- none}" " none" "$1: slab caches listed: $named_caches (missing:${missing:- none})"
}

# read_pass LABEL: 4 cases: each file reads right through the fscache mount, and the cache read
# counter grew while reading each one.
read_pass() {
	local f before after misses=""
	for f in $files; do
		read -r before _ < <(fsc_io_counters)
		tap_is "$(fsc_sum "$FSC_SHARE/$f")" "${want[$f]}" "$1: $f reads right"
		read -r after _ < <(fsc_io_counters)
		fsc_gt "$after" "$before" || misses+=" $f (rd $before -> $after)"
	done
	tap_is "${misses:- none}" " none" "$1: each file came from the cache (misses:${misses:- none})"
}

# unmount_unbind ROUND: 2 cases: no 9p mount is left; the cache is withdrawn and cachefilesd is gone.
unmount_unbind() {
	tap_ok "fsc_umount_share && umount $FSC_RAW && ! grep -q ' 9p ' /proc/mounts" \
		"$1: unmount both shares, no 9p mount left"
	tap_ok fsc_unbind_cache "$1: unbind (stop cachefilesd), cache $FSC_CACHE_TAG no longer active"
}

uptime_s() {
	local u
	read -r u _ </proc/uptime
	echo "${u%.*}"
}
past() { [ "$(uptime_s)" -gt "$1" ]; }

# kmemleak_check ROUND: 1 case: kmemleak reports nothing of the stack.  It reports an object only
# once it is 5 s old, so the scans wait until the unload is older than that.  A report "names" the stack
# when a backtrace frame is in one of its modules, by name, or by a bare address (the frames of a module
# that is gone no longer resolve).
kmemleak_check() {
	local since reports n
	since=$(uptime_s)
	if ! [ -w /sys/kernel/debug/kmemleak ]; then
		tap_ok 1 "$1: kmemleak scan (no /sys/kernel/debug/kmemleak on the debug kernel)"
		return
	fi
	fsc_wait_for 30 past $((since + 6))
	if ! { echo scan >/sys/kernel/debug/kmemleak && echo scan >/sys/kernel/debug/kmemleak; }; then
		tap_ok 1 "$1: kmemleak scan (writing 'scan' failed: kmemleak is off?)"
		return
	fi
	if ! reports=$(awk '
		function flush() { if (rec != "" && hit) print rec }
		/^unreferenced object/ { flush(); rec = $0; hit = 0; next }
		{ rec = rec "\n" $0 }
		/\[(fscache|cachefiles|netfs|9p|9pnet|9pnet_virtio)\]|(fscache|cachefiles|netfs|v9fs|p9)_|\] 0x[0-9a-f]+$/ {
			hit = 1
		}
		END { flush() }' /sys/kernel/debug/kmemleak); then
		tap_ok 1 "$1: kmemleak (reading /sys/kernel/debug/kmemleak failed)"
		return
	fi
	n=$(grep -c '^unreferenced object' <<<"$reports")
	tap_is "$n" 0 "$1: kmemleak (two scans) reports no object of fscache, cachefiles, netfs or 9p"
	[ "$n" -eq 0 ] || tap_diag "$reports"
}

# unload_stack ROUND: 8 cases (9 with kmemleak): rmmod each module of the stack; /proc/fs/fscache and
# the stack's slab caches are gone.
unload_stack() {
	local m left
	for m in $stack; do
		tap_ok "rmmod $m && ! fsc_module_loaded $m" "$1: rmmod $m" ||
			tap_diag "$(grep "^$m " /proc/modules)"
	done
	tap_ok "[ ! -e /proc/fs/fscache ]" "$1: /proc/fs/fscache is gone"
	left=$(slab_caches | grep -E "$stack_cache_re" | paste -sd' ')
	tap_is "$left" "" "$1: no slab cache of the stack is left"
	[ "$kmemleak" -eq 0 ] || kmemleak_check "$1"
}

# ---- round 1 ---------------------------------------------------------------------------------------

check_loaded "boot"
check_caches_listed "boot"
fsc_bind_cache
bind_rc=$?
if [ "$bind_rc" -eq 2 ]; then
	tap_skip "bind a cache ($FSC_BACKEND backend)" "$FSC_BIND_REASON"
	tap_skip_rest $((plan - 6)) "no cache bound"
	exit 0
fi
tap_ok "$bind_rc" "round 1: bind a cache ($FSC_BACKEND backend)${FSC_BIND_REASON:+: $FSC_BIND_REASON}"
tap_ok fsc_mount_share "round 1: mount the share with cache=fscache"

declare -A want
for f in $files; do
	want[$f]=$(fsc_sum "$FSC_RAW/$f")
done

read -r _ wr0 < <(fsc_io_counters)
for f in $files; do
	tap_is "$(fsc_sum "$FSC_SHARE/$f")" "${want[$f]}" "pass 1: $f reads right"
done
tap_ok fsc_umount_share "pass 1: unmount (waits for the cache writes)"
read -r _ wr1 < <(fsc_io_counters)
tap_ok "fsc_gt '$wr1' '$wr0'" "pass 1 wrote to the cache (wr $wr0 -> $wr1)"
tap_ok "fsc_drop_caches && fsc_mount_share" "drop caches, mount again"
read_pass "pass 2"
unmount_unbind "round 1"
unload_stack "unload 1"
after_first=$(slab_caches)

# ---- round 2 ---------------------------------------------------------------------------------------

tap_ok load_stack "load the stack again (fscache, 9p, cachefiles and their dependencies)"
check_loaded "reload"
check_caches_listed "reload"
fsc_bind_cache
tap_ok $? "round 2: bind a cache${FSC_BIND_REASON:+: $FSC_BIND_REASON}"
tap_ok fsc_mount_share "round 2: mount the share with cache=fscache"
read_pass "after reload"
unmount_unbind "round 2"
unload_stack "unload 2"
now=$(slab_caches)
changed=$(awk 'NR == FNR { was[$0] = 1; next } !($0 in was) { print "+" $0 } { delete was[$0] }
	END { for (c in was) print "-" c }' <(echo "$after_first") <(echo "$now") | sort | paste -sd' ')
[ -n "$now" ] && [ "$now" = "$after_first" ]
tap_ok $? "unload 2: the kernel has the slab caches it had after unload 1 (changes: ${changed:-none})"
