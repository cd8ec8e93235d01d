# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the project's scripts.  Source it, do not run it.

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Where build trees, the unpacked Debian kernel and VM images live: outside the repo, reused across clones
# and runs.  Override with FSCACHE_CACHE_DIR.
cache_dir() {
	local d=${FSCACHE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fscache-iter}
	mkdir -p "$d" && echo "$d"
}

# The ABI of Debian 12's current 6.1 amd64 kernel, from the linux-headers-amd64 metapackage's dependency
# (e.g. "6.1.0-56-amd64").  The installed metapackage wins over the archive's candidate.
kernel_abi() {
	local dep
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) ||
		dep=$(apt-cache show linux-headers-amd64 2>/dev/null | sed -n 's/^Depends: //p' | head -n1)
	sed -n 's/.*linux-headers-\([0-9][^ ,]*-amd64\).*/\1/p' <<<"$dep" | head -n1
}

# Debian's kernel image unpacked by deps.sh: boot/vmlinuz-<abi>, lib/modules/<abi>/ (depmod'ed).
debian_image_dir() { echo "$(cache_dir)/debian-$(kernel_abi)"; }

# The debug kernel made by scripts/debug-kernel.sh:
#   $(debug_kernel_dir)/bzImage               the kernel
#   $(debug_kernel_dir)/modules/lib/modules/<release>/   its modules (depmod'ed)
#   $(debug_kernel_dir)/build                 the build tree (KDIR for our out-of-tree modules)
#   $(debug_kernel_dir)/release               its kernel release string
debug_kernel_dir() { echo "$(cache_dir)/debug-kernel"; }

# Our modules for kernel release $1 (default: Debian's ABI), built by `make` into build/<release>/.
ours_module_dir() { echo "$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)/build/${1:-$(kernel_abi)}"; }
