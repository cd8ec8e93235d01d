#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Show fscache at work: boot a QEMU guest, bind a cache on a scratch disk, mount a 9p share from the host
# with cache=fscache, read a 64 MiB file twice, and show (from /proc/fs/fscache/stats and the cache
# directory) that the second read was served by the cache.  The guest's narrative is printed live.
#
#   scripts/demo.sh [--mode MODE] [--kernel debian|debug] [--keep]
#
# MODE as for tests/vm/run.sh (default ours: our fscache.ko and cachefiles.ko, the cache bound with
# fscachectl; stock: Debian's modules, bound by cachefilesd).  Takes about a minute under TCG.  Exit status 0 iff the demo showed what it should.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$top/scripts/lib.sh"
# shellcheck source=tests/vm/host-lib.sh
. "$top/tests/vm/host-lib.sh"

mode=ours kernel=debian keep=0
while (($#)); do
	case $1 in
	--mode) mode=${2:?--mode needs a value}; shift 2 ;;
	--kernel) kernel=${2:?--kernel needs a value}; shift 2 ;;
	--keep) keep=1; shift ;;
	-h | --help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
	*) die "unknown argument $1 (see --help)" ;;
	esac
done

vm_setup_kernel "$kernel"
vm_setup_mode "$mode" || die "mode $mode is not available"
script=$top/tests/vm/demo-guest.sh

run=$(vm_new_run "demo-$mode")
qemu_pid=""
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
	if [ "$keep" -eq 1 ]; then echo "(run directory kept: $run)"; else rm -rf "$run"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat <<EOF
fscache demo
  kernel:  $VM_KERNEL ($VM_RELEASE)
  mode:    $mode
  host:    a fresh directory $run/share, exported to the guest over virtio-9p
  cache:   a fresh 1 GiB ext4 image, the guest's /dev/vda
Preparing the guest (initramfs with the 9p root module chain, cache disk, share files)...
EOF
vm_prepare "$run" "$script" >/dev/null || die "preparing the run failed"
timeout=$(vm_timeout_for "$script" "")
echo "Booting QEMU (TCG, $VM_SMP CPUs, $VM_MEM); the guest's own words follow."

start=$SECONDS
vm_boot "$run" "$timeout" &
qemu_pid=$!
# Follow the guest's narrative (ttyS1) until the VM is gone.  The harness's bookkeeping lines are
# rewritten for a reader, the end marker dropped.
tail -n +1 -F --pid="$qemu_pid" "$run/result.tap" 2>/dev/null | tr -d '\r' | sed -u \
	-e '/^# fsc-guest: end$/d' \
	-e 's/^# boot-to-init: \([0-9.]*\) s.*/[guest] booted to its init in \1 s/' \
	-e 's/^# setup: \([0-9.]*\) s.*/[guest] modules loaded and cache disk mounted in \1 s/' \
	-e '/^# script: exit status/d'
rc=0
wait "$qemu_pid" || rc=$?
qemu_pid=""

out=$(vm_guest_output "$run")
reports=$(vm_reports "$run" "$script")
problem=""
[ "$rc" -ne 124 ] || problem="the guest timed out after ${timeout}s"
[ -n "$problem" ] || grep -qx 'DEMO: OK' <<<"$out" || problem="the demo did not succeed"
[ -n "$problem" ] || [ -z "$reports" ] || problem="the kernel reported problems: $(head -n1 <<<"$reports")"
echo
if [ -n "$problem" ]; then
	echo "$problem.  Last lines of the guest console:"
	vm_console_tail "$run" 30
	exit 1
fi
echo "Done: the VM ran for $((SECONDS - start)) s (wall clock)."
