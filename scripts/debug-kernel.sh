#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel (KASAN, lockdep, kmemleak, debugobjects, KUnit, ftrace) from the linux-source-6.1
# unpacked by scripts/deps.sh, configured as `make defconfig` + tests/debug/debug.config.
#
# Produces, under $(debug_kernel_dir) (see scripts/lib.sh):
#   bzImage                              the kernel
#   release                              its kernel release string
#   modules/lib/modules/<release>/       its modules, depmod'ed
#   build/                               the O= build tree: KDIR for out-of-tree modules
#                                        (`make -C .../build M=$PWD modules`)
#
# Idempotent and incremental: the configuration step only runs again when the fragment, this script's
# configuration recipe or the kernel source change (stamp in build/), `make` always runs (a no-op build
# takes ~15 s), and modules are only reinstalled when something was rebuilt.
#
# Environment: JOBS (default: nproc), FSCACHE_CACHE_DIR (see lib.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

root=$(cd "$here/.." && pwd)
src="$(cache_dir)/linux-source-6.1"
frag="$root/tests/debug/debug.config"
out=$(debug_kernel_dir)
build="$out/build"
jobs=${JOBS:-$(nproc)}

[ -e "$src/.complete" ] || die "$src is missing or incomplete: run scripts/deps.sh first"
[ -r "$frag" ] || die "missing config fragment $frag"
# An O= build refuses a configured source tree; the source is shared and must stay pristine.
[ ! -e "$src/.config" ] && [ ! -d "$src/include/config" ] ||
	die "$src has been configured in place (.config or include/config): it must stay clean for O= builds"

mkdir -p "$build"
# One build at a time per output directory.
exec 9>"$out/.lock"
flock 9

kmake() { make -C "$src" O="$build" ARCH=x86_64 --no-print-directory "$@"; }

t0=$SECONDS
elapsed() { printf '%dm%02ds' $(((SECONDS - $1) / 60)) $(((SECONDS - $1) % 60)); }

# Check that every option the fragment asks for is in .config as asked.  merge_config.sh and olddefconfig
# silently drop or change an option whose dependencies are unmet or that something else selects.
verify_config() {
	local cfg="$build/.config" line opt want got bad=0 n=0
	while IFS= read -r line || [ -n "$line" ]; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			opt=${BASH_REMATCH[1]} want=${BASH_REMATCH[2]}
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			opt=${BASH_REMATCH[1]} want=n
		elif [[ $line =~ ^[[:space:]]*(#.*)?$ ]]; then
			continue
		else
			log "config fragment: cannot parse line: $line"
			bad=1
			continue
		fi
		n=$((n + 1))
		got=$(sed -n "s/^$opt=//p" "$cfg" | tail -n1)
		# Not in .config at all (dependencies unmet) or "is not set": both mean n.
		[ -n "$got" ] || got=n
		if [ "$got" != "$want" ]; then
			log "config mismatch: $opt: fragment asks for $want, .config has $got"
			bad=1
		fi
	done <"$frag"
	((bad == 0)) || die "the configuration does not match $frag (see above): fix the fragment's dependencies"
	log "config verified: all $n options of $(basename "$frag") set as asked"
}

# ---- configure ----------------------------------------------------------------------------------------------
# The stamp covers the fragment, the recipe below (bump CONFIG_RECIPE when changing it) and the source.
CONFIG_RECIPE=1
key=$(
	{
		echo "recipe $CONFIG_RECIPE"
		cat "$frag"
		sed -n '1,6p' "$src/Makefile"
		stat -c '%Y %s' "$src/.complete" "$src/Makefile" "$src/arch/x86/configs/x86_64_defconfig"
	} | sha256sum | cut -d' ' -f1
)
stamp="$build/.debug-kernel-config.stamp"
if [ -e "$build/.config" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$key" ]; then
	log "configuration up to date ($build/.config)"
else
	log "configuring: defconfig + $frag"
	rm -f "$stamp"
	kmake -s defconfig
	(cd "$src" && ./scripts/kconfig/merge_config.sh -m -O "$build" "$build/.config" "$frag") >"$build/.merge_config.log" ||
		{ cat "$build/.merge_config.log" >&2; die "merge_config.sh failed"; }
	log "merge_config.sh's report (options the fragment overrides): $build/.merge_config.log"
	kmake -s olddefconfig
	verify_config
	echo "$key" >"$stamp"
fi
# Cheap; also catches a .config edited by hand in the build tree since the last configuration.
verify_config

# ---- build -----------------------------------------------------------------------------------------------------
t1=$SECONDS
log "make -j$jobs bzImage modules in $build"
kmake -j"$jobs" bzImage modules
log "build step took $(elapsed "$t1")"

release=$(cat "$build/include/config/kernel.release")
[ -n "$release" ] || die "no kernel release in $build/include/config/kernel.release"
[ -s "$build/Module.symvers" ] || die "$build/Module.symvers missing: the tree would not do as KDIR"

# ---- install ---------------------------------------------------------------------------------------------------
installed="$out/.installed"
needs_install=0
if [ ! -e "$installed" ] || [ "$(cat "$installed")" != "$release" ] ||
	[ ! -d "$out/modules/lib/modules/$release" ] || [ ! -e "$out/bzImage" ] ||
	[ -n "$(find "$build/arch/x86/boot/bzImage" "$build/Module.symvers" "$build/modules.order" -newer "$installed" 2>/dev/null)" ] ||
	[ -n "$(find "$build" -name '*.ko' -newer "$installed" -print -quit)" ]; then
	needs_install=1
fi

if ((needs_install)); then
	log "installing modules and bzImage for $release"
	rm -rf "$out/modules.tmp"
	kmake -s INSTALL_MOD_PATH="$out/modules.tmp" modules_install >/dev/null
	depmod -b "$out/modules.tmp" "$release"
	rm -rf "$out/modules"
	mv "$out/modules.tmp" "$out/modules"
	cp "$build/arch/x86/boot/bzImage" "$out/bzImage.tmp"
	mv "$out/bzImage.tmp" "$out/bzImage"
	echo "$release" >"$out/release.tmp"
	mv "$out/release.tmp" "$out/release"
	echo "$release" >"$installed"
else
	log "bzImage and modules already installed"
fi

log "done in $(elapsed "$t0"): $out/bzImage ($release), modules in $out/modules/lib/modules/$release, KDIR $build"
