# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Host side of the QEMU harness: pick a kernel and a module mode, build a run directory (initramfs, cache
# disk, shares, parameters), boot it, and judge the console.  Sourced by tests/vm/run.sh,
# tests/bench/run.sh and scripts/demo.sh after scripts/lib.sh; not run on its own.
#
# A run directory, $(cache_dir)/runs/<name>.XXXXXX/, holds:
#   params        shell assignments the guest sources (its path is fsc.run= on the kernel cmdline)
#   boot          how to boot: the root (hostroot|initramfs) and the script's extra kernel parameters
#   initrd.cpio   busybox + the module chain that mounts the host root over 9p, and /init; for an
#                 initramfs root also everything the guest runs (see vm_stage_initramfs_root)
#   cache.img     the cache disk, /dev/vda in the guest (fresh ext4 per VM)
#   share/        test data, exported as tags "share" and "share-raw"
#   console.log   ttyS0: kernel log and guest stderr
#   SCRIPT.sh     a copy of the guest script the run executes
#   result.tap    ttyS1: the guest script's stdout (TAP, FIGURE lines, or the demo narrative)
#   *.boot1.*     a crash test's first boot: console.boot1.log, result.boot1.tap (vm_boot_crash)
#   qemu.log      QEMU's own stdout/stderr

# The repository and this directory.
VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_REPO=$(cd "$VM_DIR/../.." && pwd)

# Mount options of the guest's root.  Not cache=loose, although it boots fastest (16 s against 20-24 s
# for the whole load suite): in 6.1, 9p's loose mode acquires fscache cookies too (v9fs_session_init), so
# the root would fill the cache under test and move its counters.  cache=mmap keeps executables' pages
# (mmap) and is otherwise uncached; it does not touch fscache.
VM_ROOT_OPTS=${FSC_VM_ROOT_OPTS:-trans=virtio,version=9p2000.L,ro,msize=262144,cache=mmap}

# Where a guest's root comes from: "hostroot" (the host's / over 9p, the default) or "initramfs" (the
# guest runs from its initramfs alone, so that nothing pins 9p, netfs or fscache and a suite can unload
# them).  A script asks for one with a "# vm-root:" header; VM_ROOT_OVERRIDE (run.sh --root) wins.
VM_ROOTS="hostroot initramfs"
VM_ROOT_OVERRIDE=${VM_ROOT_OVERRIDE:-}

# Suite arguments, NAME=VALUE (a matrix line's words after the mode, or run.sh --arg): the prepare hook
# and the guest script see each as FSC_ARG_NAME in their environment.
VM_SUITE_ARGS=()
VM_ARG_NAME_RE='^[A-Z][A-Z0-9_]*$'
VM_ARG_VALUE_RE='^[A-Za-z0-9._,:+-]*$'

# What an initramfs root carries besides busybox: host programs (with the libraries ldd lists) that
# busybox lacks or that the scripts need in their full form (bash, kmod's modprobe -d/-S,
# util-linux's mountpoint, Debian's cachefilesd), and the files they read (the C.UTF-8 locale that
# guest-init sets).  A script adds programs with "# vm-bin: NAME..." headers.
VM_INITRAMFS_PROGS="bash kmod modprobe insmod rmmod lsmod modinfo mountpoint cachefilesd"
VM_INITRAMFS_FILES="/etc/cachefilesd.conf /etc/ld.so.cache /usr/lib/locale/C.utf8"
# The modules an initramfs root carries, with their dependencies: the shares', the cache disk's and
# the stack's, so that a suite can unload and modprobe them again.
VM_INITRAMFS_MODULES="virtio_pci 9pnet_virtio 9p virtio_blk ext4 netfs fscache cachefiles"
# The PATH used to find host programs, whatever the caller's.
VM_HOST_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Default guest resources and limits.
VM_MEM=${FSC_VM_MEM:-2G}
VM_SMP=${FSC_VM_SMP:-2}
VM_DISK_SIZE_DEFAULT=1G
VM_TIMEOUT_DEBIAN=600
VM_TIMEOUT_DEBUG=2400

# Kernel reports that fail a VM when they appear on the console.  One extended regex per line; a console
# line matching any of them is a report unless it also matches a pattern the script allows (see
# vm_script_allow).  "Call Trace:" catches stack dumps whose header we do not know.
VM_REPORT_PATTERNS=(
	'WARNING:'
	'BUG:'
	'KASAN'
	'UBSAN'
	'KFENCE'
	'Oops'
	'general protection fault'
	'kernel BUG at'
	'Kernel panic'
	'Unable to handle kernel'
	'possible circular locking'
	'possible recursive locking'
	'inconsistent lock state'
	'suspicious RCU usage'
	'sleeping function called from invalid context'
	'INFO: task .* blocked for more than'
	'INFO: rcu_(sched|preempt) (self-)?detected stall'
	'watchdog: BUG: soft lockup'
	'unreferenced object 0x'
	'new suspected memory leak'
	'ODEBUG:'
	'list_(add|del) corruption'
	'refcount_t: '
	'Call Trace:'
	# Not the kernel's, but as fatal: a guest script ran a program the guest lacks (a suite with an
	# initramfs root needs a "# vm-bin:" header for it).
	': command not found$'
)

# vm_setup_kernel debian|debug: sets VM_KIND, VM_KERNEL (image), VM_MODBASE (the -d of modprobe),
# VM_RELEASE, VM_TIMEOUT_DEFAULT.
vm_setup_kernel() {
	VM_KIND=$1
	case $VM_KIND in
	debian)
		VM_RELEASE=$(kernel_abi)
		[ -n "$VM_RELEASE" ] || die "cannot resolve Debian's kernel ABI (run scripts/deps.sh)"
		VM_MODBASE=$(debian_image_dir)
		VM_KERNEL=$VM_MODBASE/boot/vmlinuz-$VM_RELEASE
		VM_TIMEOUT_DEFAULT=$VM_TIMEOUT_DEBIAN
		VM_APPEND=${FSC_VM_APPEND:-}
		;;
	debug)
		local d
		d=$(debug_kernel_dir)
		if [ ! -r "$d/bzImage" ] || [ ! -r "$d/release" ]; then
			die "no debug kernel in $d (run: make debug-kernel)"
		fi
		VM_RELEASE=$(cat "$d/release")
		VM_MODBASE=$d/modules
		VM_KERNEL=$d/bzImage
		VM_TIMEOUT_DEFAULT=$VM_TIMEOUT_DEBUG
		VM_APPEND=${FSC_VM_APPEND-pci=noacpi}
		;;
	*) die "unknown kernel '$VM_KIND' (debian or debug)" ;;
	esac
	[ -r "$VM_KERNEL" ] || die "missing kernel image $VM_KERNEL"
	[ -d "$VM_MODBASE/lib/modules/$VM_RELEASE" ] || die "missing modules $VM_MODBASE/lib/modules/$VM_RELEASE"
}

# vm_modprobe ARGS...: the kernel's own module tree, whatever the host runs.
vm_modprobe() { modprobe -d "$VM_MODBASE" -S "$VM_RELEASE" "$@"; }

# vm_chain MODULE...: the .ko files that load MODULE... and their dependencies, in load order, each once.
# Built-in modules print nothing.
vm_chain() {
	local m line
	for m in "$@"; do
		vm_modprobe --show-depends "$m" || return 1
	done | while read -r line; do
		case $line in
		insmod\ *) line=${line#insmod }; echo "${line%% *}" ;;
		esac
	done | awk '!seen[$0]++'
}

# vm_stock_ko NAME: the kernel's own NAME.ko, or nothing if NAME is built in.
vm_stock_ko() { vm_chain "$1" | awk -v n="$1.ko" '{ k = $0; sub(".*/", "", k) } k == n'; }

VM_MODES="stock ours ours-core+stock-backend stock-core+ours-backend"

# vm_setup_mode MODE: sets VM_MODE, VM_CORE, VM_BACKEND (stock|ours), VM_FSCACHE_KO, VM_CACHEFILES_KO.
# Fails with a message when a module the mode needs does not exist.
vm_setup_mode() {
	VM_MODE=$1
	case $VM_MODE in
	stock) VM_CORE=stock VM_BACKEND=stock ;;
	ours) VM_CORE=ours VM_BACKEND=ours ;;
	ours-core+stock-backend) VM_CORE=ours VM_BACKEND=stock ;;
	stock-core+ours-backend) VM_CORE=stock VM_BACKEND=ours ;;
	*) log "unknown mode '$VM_MODE' (one of: $VM_MODES)"; return 1 ;;
	esac
	local ours
	ours=$(ours_module_dir "$VM_RELEASE")
	if [ "$VM_CORE" = ours ]; then
		VM_FSCACHE_KO=$ours/fs/fscache/fscache.ko
	else
		VM_FSCACHE_KO=$(vm_stock_ko fscache)
		[ -n "$VM_FSCACHE_KO" ] || { log "fscache is built into $VM_RELEASE: modes need it as a module"; return 1; }
	fi
	if [ "$VM_BACKEND" = ours ]; then
		VM_CACHEFILES_KO=$ours/fs/cachefiles/cachefiles.ko
	else
		VM_CACHEFILES_KO=$(vm_stock_ko cachefiles)
		[ -n "$VM_CACHEFILES_KO" ] || { log "cachefiles is built into $VM_RELEASE: modes need it as a module"; return 1; }
	fi
	local ko
	for ko in "$VM_FSCACHE_KO" "$VM_CACHEFILES_KO"; do
		if [ ! -r "$ko" ]; then
			if [ "$VM_KIND" = debug ]; then
				log "missing $ko (build ours for the debug kernel: make KDIR=$(debug_kernel_dir)/build)"
			else
				log "missing $ko (build ours: make)"
			fi
			return 1
		fi
	done
	local vermagic
	for ko in "$VM_FSCACHE_KO" "$VM_CACHEFILES_KO"; do
		vermagic=$(modinfo -F vermagic "$ko")
		[ "${vermagic%% *}" = "$VM_RELEASE" ] ||
			{ log "$ko was built for '${vermagic%% *}', not $VM_RELEASE"; return 1; }
	done
}

# vm_root_chain: the modules /init loads to mount the root (virtio PCI transport, 9p over virtio), with
# the mode's fscache.ko in place of the kernel's.  Our fscache's own dependencies are loaded before it.
vm_root_chain() {
	local chain ko dep
	chain=$(vm_chain virtio_pci 9pnet_virtio 9p) || return 1
	[ "$VM_CORE" = ours ] || { echo "$chain"; return 0; }
	grep -q '/fscache\.ko$' <<<"$chain" || { log "9p does not load fscache.ko as a module on $VM_RELEASE"; return 1; }
	local -a kos=()
	while read -r ko; do
		if [ "${ko##*/}" = fscache.ko ]; then
			for dep in $(modinfo -F depends "$VM_FSCACHE_KO" | tr ',' ' '); do
				mapfile -t -O "${#kos[@]}" kos < <(vm_chain "$dep") || return 1
			done
			kos+=("$VM_FSCACHE_KO")
		else
			kos+=("$ko")
		fi
	done <<<"$chain"
	# Each module once, at its first place (by name: our fscache.ko stands in for the kernel's).
	printf '%s\n' "${kos[@]}" | awk '{ n = $0; sub(".*/", "", n) } !seen[n]++'
}

# vm_setup_modules: the modules guest-init loads by name before insmod of the mode's cachefiles.ko: the
# cache disk's driver, ext4, and cachefiles.ko's dependencies, less those built in or already loaded by
# the initramfs.
vm_setup_modules() {
	local m root
	root=$(vm_root_chain | sed 's|.*/||; s|\.ko$||')
	for m in virtio_blk ext4 $(modinfo -F depends "$VM_CACHEFILES_KO" | tr ',' ' '); do
		grep -qx -- "$m" <<<"$root" && continue
		[ -n "$(vm_chain "$m")" ] || continue
		echo "$m"
	done | awk '!seen[$0]++' | paste -sd' '
}

# vm_stage_file STAGE FILE...: copy each FILE or directory (following links) to the same path under
# STAGE.
vm_stage_file() {
	local stage=$1 f
	shift
	for f in "$@"; do
		mkdir -p "$stage${f%/*}" && cp -RL -- "$f" "$stage$f" || return 1
	done
}

# vm_stage_prog STAGE NAME: the host program NAME at its host path under STAGE, with the shared
# libraries and the dynamic loader ldd lists for it.  A link (modprobe -> kmod) stays a link.
vm_stage_prog() {
	local stage=$1 path real lib
	path=$(PATH=$VM_HOST_PATH command -v "$2") || { log "no program '$2' on the host"; return 1; }
	real=$(realpath -- "$path")
	[ -e "$stage$real" ] || vm_stage_file "$stage" "$real" || return 1
	if [ "$path" != "$real" ] && [ ! -e "$stage$path" ]; then
		mkdir -p "$stage${path%/*}" && ln -s "$real" "$stage$path" || return 1
	fi
	# "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)", "/lib64/ld-linux-x86-64.so.2 (0x...)";
	# a static program prints neither.
	for lib in $(ldd "$real" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		[ -e "$stage$lib" ] || vm_stage_file "$stage" "$lib" || return 1
	done
}

# vm_stage_initramfs_root STAGE RUNDIR SCRIPT: everything a guest without the host's root needs, each
# file at its host path so that params and scripts work unchanged: busybox's applets, the host programs
# (VM_INITRAMFS_PROGS, the script's "# vm-bin:", our fscachectl once built), VM_INITRAMFS_FILES,
# tests/vm and tests/suites, the run's params and script copy, the mode's (and both variants')
# fscache.ko and cachefiles.ko, and the kernel's modules of VM_INITRAMFS_MODULES as a module tree of
# their own (depmod'ed) at VM_MODBASE.
vm_stage_initramfs_root() {
	local stage=$1 run=$2 script=$3 prog f tree
	mkdir -p "$stage"/{etc,root,tmp,run,var/tmp,mnt/cache,mnt/share,mnt/raw}
	for prog in $VM_INITRAMFS_PROGS $(sed -n 's/^# vm-bin: *//p' "$script"); do
		vm_stage_prog "$stage" "$prog" || return 1
	done
	# Our fscachectl, once built, binds our cachefiles (FSC_FSCACHECTL in guest-lib.sh).
	f=$VM_REPO/tools/fscachectl/fscachectl
	[ ! -x "$f" ] || vm_stage_prog "$stage" "$f" || return 1
	# /init runs /bin/bash, which is /usr/bin/bash on a merged-/usr host.
	[ -e "$stage/bin/bash" ] || ln -s "$(realpath "$(PATH=$VM_HOST_PATH command -v bash)")" "$stage/bin/bash" ||
		return 1
	for prog in $("$stage/bin/busybox" --list); do
		[ -e "$stage/bin/$prog" ] || ln -s busybox "$stage/bin/$prog"
	done
	for f in $VM_INITRAMFS_FILES; do
		[ ! -e "$f" ] || vm_stage_file "$stage" "$f" || return 1
	done
	printf 'root:x:0:0:root:/root:/bin/bash\n' >"$stage/etc/passwd"
	printf 'root:x:0:\n' >"$stage/etc/group"
	mkdir -p "$stage$VM_REPO/tests" && cp -r "$VM_REPO/tests/vm" "$VM_REPO/tests/suites" "$stage$VM_REPO/tests/" ||
		return 1
	vm_stage_file "$stage" "$run/params" "$run/${script##*/}" || return 1
	tree=$VM_MODBASE/lib/modules/$VM_RELEASE
	# shellcheck disable=SC2046,SC2086  # lists of paths and names
	vm_stage_file "$stage" $(vm_chain $VM_INITRAMFS_MODULES) || return 1
	for f in "$tree"/modules.{builtin,builtin.modinfo,order}; do
		[ ! -e "$f" ] || vm_stage_file "$stage" "$f" || return 1
	done
	depmod -b "$stage$VM_MODBASE" "$VM_RELEASE" || return 1
	for f in "$VM_FSCACHE_KO" "$VM_CACHEFILES_KO" \
		"$(ours_module_dir "$VM_RELEASE")"/fs/{fscache/fscache,cachefiles/cachefiles}.ko; do
		[ ! -r "$f" ] || [ -e "$stage$f" ] || vm_stage_file "$stage" "$f" || return 1
	done
}

# vm_make_initramfs RUNDIR GUEST_INIT ROOT [SCRIPT]: RUNDIR/initrd.cpio with busybox, the root chain and
# /init; for ROOT initramfs, also what vm_stage_initramfs_root adds for SCRIPT.
vm_make_initramfs() {
	local run=$1 guest_init=$2 root=$3 script=${4:-} stage i=0 ko chain
	chain=$(vm_root_chain) || return 1
	stage=$run/initramfs
	mkdir -p "$stage/bin" "$stage/modules" "$stage/proc" "$stage/sys" "$stage/dev" "$stage/newroot"
	cp /bin/busybox "$stage/bin/busybox"
	while read -r ko; do
		[ -n "$ko" ] || continue
		cp "$ko" "$stage/modules/$(printf '%02d' "$i")-${ko##*/}"
		i=$((i + 1))
	done <<<"$chain"
	# The guest needs the repository, the run directory and the build cache at their host paths, even
	# where the guest masks the host's directory with a tmpfs (a checkout under /tmp, say).
	sed -e "s|@ROOT_OPTS@|$VM_ROOT_OPTS|" -e "s|@GUEST_INIT@|$guest_init|" -e "s|@ROOT@|$root|" \
		-e "s|@KEEP@|$(cd "$VM_DIR/../.." && pwd) $run $(cache_dir)|" \
		"$VM_DIR/initramfs-init.sh" >"$stage/init"
	chmod 755 "$stage/init"
	if [ "$root" = initramfs ]; then
		vm_stage_initramfs_root "$stage" "$run" "$script" || { rm -rf "$stage"; return 1; }
	fi
	(cd "$stage" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet) >"$run/initrd.cpio"
	rm -rf "$stage"
}

# vm_new_run NAME: create a run directory and print its path.
vm_new_run() {
	local base
	base=$(cache_dir)/runs
	mkdir -p "$base"
	mktemp -d "$base/$1.XXXXXX"
}

# vm_script_header SCRIPT KEY: the value of a "# vm-KEY: value" header line of a guest script.
vm_script_header() { sed -n "s/^# vm-$2: *//p" "$1" | head -n1; }

# vm_root_for SCRIPT: the root a VM of SCRIPT boots from: VM_ROOT_OVERRIDE, else the script's
# "# vm-root:" header, else hostroot.
vm_root_for() {
	local root=${VM_ROOT_OVERRIDE:-$(vm_script_header "$1" root)}
	root=${root:-hostroot}
	[[ " $VM_ROOTS " == *" $root "* ]] || { log "$1: unknown root '$root' (one of: $VM_ROOTS)"; return 1; }
	echo "$root"
}

# vm_prepare RUNDIR SCRIPT [DISK_SIZE]: everything a VM needs except the boot: shares (with the script's
# host-side SCRIPT-without-.sh.prepare.sh hook run on the share), cache disk, params, boot options,
# initramfs.  VM_SUITE_ARGS reach the hook and the guest as FSC_ARG_NAME.
vm_prepare() {
	local run=$1 script=$2 disk=${3:-} hook root a
	local -a argenv=()
	root=$(vm_root_for "$script") || return 1
	for a in ${VM_SUITE_ARGS[@]+"${VM_SUITE_ARGS[@]}"}; do
		if [[ ! ${a%%=*} =~ $VM_ARG_NAME_RE || ! ${a#*=} =~ $VM_ARG_VALUE_RE || $a != *=* ]]; then
			log "bad suite argument '$a' (want NAME=VALUE, NAME in [A-Z0-9_], VALUE in [A-Za-z0-9._,:+-])"
			return 1
		fi
		argenv+=("FSC_ARG_$a")
	done
	[ -n "$disk" ] || disk=$(vm_script_header "$script" "disk-$VM_MODE")
	[ -n "$disk" ] || disk=$(vm_script_header "$script" disk)
	[ -n "$disk" ] || disk=$VM_DISK_SIZE_DEFAULT
	mkdir -p "$run/share"
	hook=${script%.sh}.prepare.sh
	if [ -e "$hook" ]; then
		env ${argenv[@]+"${argenv[@]}"} bash "$hook" "$run/share" || { log "prepare hook $hook failed"; return 1; }
	fi
	truncate -s "$disk" "$run/cache.img"
	mkfs.ext4 -q -F "$run/cache.img" || return 1
	# The guest runs a copy: scripts anywhere on the host (even in /tmp, which the guest mounts over) work.
	cp "$script" "$run/${script##*/}"
	printf 'boot_%s=%q\n' root "$root" \
		append "$(sed -n 's/^# vm-append: *//p' "$script" | paste -sd' ')" >"$run/boot"
	{
		printf 'FSC_%s=%q\n' \
			REPO "$VM_REPO" \
			RUNDIR "$run" \
			SCRIPT "$run/${script##*/}" \
			KIND "$VM_KIND" \
			KREL "$VM_RELEASE" \
			MODBASE "$VM_MODBASE" \
			MODE "$VM_MODE" \
			CORE "$VM_CORE" \
			BACKEND "$VM_BACKEND" \
			FSCACHE_KO "$VM_FSCACHE_KO" \
			CACHEFILES_KO "$VM_CACHEFILES_KO" \
			STOCK_FSCACHE_KO "$(vm_stock_ko fscache)" \
			STOCK_CACHEFILES_KO "$(vm_stock_ko cachefiles)" \
			OURS_FSCACHE_KO "$(ours_module_dir "$VM_RELEASE")/fs/fscache/fscache.ko" \
			OURS_CACHEFILES_KO "$(ours_module_dir "$VM_RELEASE")/fs/cachefiles/cachefiles.ko" \
			HOST_SHARE "$run/share" \
			ROOT "$root" \
			SETUP_MODULES "$(vm_setup_modules)"
		for a in ${argenv[@]+"${argenv[@]}"}; do
			printf 'export %s=%q\n' "${a%%=*}" "${a#*=}"
		done
	} >"$run/params"
	vm_make_initramfs "$run" "$VM_DIR/guest-init.sh" "$root" "$script" || return 1
}

# vm_boot RUNDIR TIMEOUT [MARKER [PARAMS]]: boot the prepared run; returns QEMU's status, 124 if the
# timeout killed it.  Sets VM_WALL (seconds, host wall clock, boot to exit).  PARAMS go on the kernel
# command line.  With MARKER, QEMU is killed with SIGKILL (the guest gets no chance to flush or unmount
# anything, as in a power cut) as soon as the guest prints the line "# MARKER" on its result channel;
# VM_CRASHED is then 1 and the status 0.
vm_boot() {
	local run=$1 timeout=$2 marker=${3:-} params=${4:-} rc=0 t0 qemu boot_root=hostroot boot_append=""
	local -a rootfs=()
	VM_CRASHED=0
	# shellcheck source=/dev/null
	[ ! -r "$run/boot" ] || . "$run/boot"
	# Only a guest that mounts the host's root gets to see it.
	[ "$boot_root" = initramfs ] ||
		rootfs=(-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap")
	: >"$run/console.log"
	: >"$run/result.tap"
	t0=$(date +%s.%N)
	rm -f "$run/qemu.pid"
	# In a subshell, so that a QEMU killed at the marker is not reported as a killed job of ours.
	(timeout --kill-after=10 "$timeout" qemu-system-x86_64 \
		-accel tcg -smp "$VM_SMP" -m "$VM_MEM" \
		-nographic -monitor none -no-reboot -pidfile "$run/qemu.pid" \
		-kernel "$VM_KERNEL" -initrd "$run/initrd.cpio" \
		-append "console=ttyS0 panic=-1 $VM_APPEND${boot_append:+ $boot_append}${params:+ $params} fsc.run=$run" \
		-serial "file:$run/console.log" -serial "file:$run/result.tap" \
		${rootfs[@]+"${rootfs[@]}"} \
		-virtfs "local,path=$run/share,mount_tag=share,security_model=none,multidevs=remap" \
		-virtfs "local,path=$run/share,mount_tag=share-raw,security_model=none,multidevs=remap" \
		-drive "file=$run/cache.img,if=virtio,format=raw" \
		</dev/null >"$run/qemu.log" 2>&1; exit $?) 2>>"$run/qemu.log" &
	qemu=$!
	# Watch the result channel for the marker while QEMU runs.
	while [ -n "$marker" ] && kill -0 "$qemu" 2>/dev/null; do
		if tr -d '\r' <"$run/result.tap" | grep -qxF -- "# $marker"; then
			kill -KILL "$(cat "$run/qemu.pid")" && VM_CRASHED=1
			break
		fi
		sleep 0.1
	done
	wait "$qemu" || rc=$?
	# shellcheck disable=SC2034  # read by the callers
	VM_WALL=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	[ "$VM_CRASHED" -eq 0 ] || return 0
	# timeout(1) exits 124 when it had to stop QEMU (SIGTERM), 137 if it then needed SIGKILL.
	[ "$rc" -ne 137 ] || rc=124
	return "$rc"
}

# vm_boot_crash RUNDIR TIMEOUT MARKER: a crash test, for a script with a "# vm-crash: MARKER" header.
# Boot 1 runs the script with FSC_BOOT=1 in its environment until it prints "# MARKER", when QEMU is
# killed (vm_boot); boot 2 runs it again on the same cache disk and shares with FSC_BOOT=2.  Boot 1's
# console and results are kept as console.boot1.log and result.boot1.tap; result.tap then holds both
# boots' TAP, boot 2's cases numbered on from boot 1's (the script prints its plan, for both boots, in
# boot 1 only).  Returns like vm_boot (the worse status of the two boots) and sets VM_WALL (both
# boots); sets VM_CRASH_PROBLEM when boot 1 ended without printing the marker (then there is no boot
# 2).  FSC_BOOT reaches the guest as a kernel parameter, which the kernel hands to init's environment.
vm_boot_crash() {
	local run=$1 timeout=$2 marker=$3 rc=0 rc2=0 wall1 cases
	VM_CRASH_PROBLEM=""
	vm_boot "$run" "$timeout" "$marker" FSC_BOOT=1 || rc=$?
	if [ "$VM_CRASHED" -ne 1 ]; then
		# shellcheck disable=SC2034  # read by the callers
		VM_CRASH_PROBLEM="boot 1 ended without printing '# $marker': no crash, no boot 2"
		return "$rc"
	fi
	wall1=$VM_WALL
	mv "$run/console.log" "$run/console.boot1.log"
	mv "$run/result.tap" "$run/result.boot1.tap"
	vm_boot "$run" "$timeout" "" FSC_BOOT=2 || rc2=$?
	VM_WALL=$(awk -v a="$wall1" -v b="$VM_WALL" 'BEGIN { printf "%.1f", a + b }')
	cases=$(tr -d '\r' <"$run/result.boot1.tap" | grep -cE '^(not )?ok [0-9]+' || true)
	mv "$run/result.tap" "$run/result.boot2.tap"
	{
		# (sed adds the newline a killed guest may not have written.)
		# shellcheck disable=SC1003
		tr -d '\r' <"$run/result.boot1.tap" | sed '$a\'
		echo "# vm-crash: QEMU killed (SIGKILL) at '# $marker'; boot 2 on the same cache disk"
		tr -d '\r' <"$run/result.boot2.tap" | awk -v k="$cases" '
			match($0, /^(not )?ok [0-9]+/) {
				head = substr($0, 1, RLENGTH)
				n = head
				sub(/^(not )?ok /, "", n)
				sub(/[0-9]+$/, "", head)
				$0 = head (n + k) substr($0, RLENGTH + 1)
			}
			{ print }'
	} >"$run/result.tap"
	return $((rc2 ? rc2 : rc))
}

# vm_reports RUNDIR SCRIPT: print the console lines that are kernel reports (not allowed by the script's
# "# vm-console-allow: ERE" headers).
vm_reports() {
	local run=$1 script=$2 pat allow
	pat=$(printf '%s|' "${VM_REPORT_PATTERNS[@]}")
	pat=${pat%|}
	allow=$(sed -n 's/^# vm-console-allow: *//p' "$script" | paste -sd'|')
	# A crash test's first boot has a console of its own.
	cat "$run/console.boot1.log" "$run/console.log" 2>/dev/null | tr -d '\r' | grep -E -- "$pat" |
		{ if [ -n "$allow" ]; then grep -Ev -- "$allow"; else cat; fi; } || true
}

# vm_guest_output RUNDIR: the guest's ttyS1 output, without carriage returns.
vm_guest_output() { tr -d '\r' <"$1/result.tap"; }

# vm_console_tail RUNDIR [N]: the last N console lines, indented.
vm_console_tail() { tr -d '\r' <"$1/console.log" | tail -n "${2:-40}" | sed 's/^/    | /'; }

# vm_timeout_for SCRIPT OVERRIDE: the timeout a VM gets: --timeout, else the script's "# vm-timeout:"
# header (scaled 4x on the debug kernel), else the kernel's default.
vm_timeout_for() {
	local t
	if [ -n "$2" ]; then echo "$2"; return; fi
	t=$(vm_script_header "$1" timeout)
	if [ -n "$t" ]; then
		[ "$VM_KIND" = debug ] && t=$((t * 4))
		echo "$t"
	else
		echo "$VM_TIMEOUT_DEFAULT"
	fi
}
