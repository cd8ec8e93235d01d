#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ABI checks of our modules against Debian's kernel, on the host (no VM): fscache.ko exports exactly the
# symbols Debian's fscache.ko exports, with the same modversions CRCs, so Debian's 9p, NFS, AFS, CIFS and
# Ceph modules load against it; both modules carry Debian's vermagic.  TAP on stdout.
#
#   tests/host/abi.sh          against Debian's kernel
#   tests/host/abi.sh debug    against the debug kernel (scripts/debug-kernel.sh), whose configuration
#                              changes what the CRCs cover
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/lib.sh"

if [ "${1:-}" = debug ]; then
	abi=$(cat "$(debug_kernel_dir)/release")
	hdr=$(debug_kernel_dir)/build
	stock_mods="$(debug_kernel_dir)/modules/lib/modules/$abi"
else
	abi=$(kernel_abi)
	hdr=/usr/src/linux-headers-$abi
	stock_mods="$(debian_image_dir)/lib/modules/$abi"
fi
ours="$(ours_module_dir "$abi")"
n=0
fails=0

ok() {	# ok COND-EXIT-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}

exports() {	# exports SYMVERS MODULE-PATH-SUFFIX: "symbol crc" lines, sorted
	awk -F'\t' -v m="$2" '$3 == m || substr($3, length($3) - length(m)) == "/" m { print $2, $1 }' "$1" | sort
}

echo "TAP version 13"
echo "1..6"

# Exports of ours that the kernel's core lacks by design: the table our cachefiles.ko takes with
# symbol_get() (include/linux/fscache-nl-core.h).  No module imports it through modversions, so it cannot
# change what a stock module links against; any other extra export fails the set check below.
ours_only="fscache_nl_core_ops"

want=$(exports "$hdr/Module.symvers" fs/fscache/fscache)
got=$(exports "$ours/Module.symvers" fs/fscache/fscache | grep -vwF -f <(tr ' ' '\n' <<<"$ours_only") || true)
[ "$(wc -l <<<"$want")" -ge 51 ]; ok $? "the kernel's fscache.ko exports at least the 51 symbols of 6.1 ($(wc -l <<<"$want"))"

missing=$(comm -23 <(cut -d' ' -f1 <<<"$want") <(cut -d' ' -f1 <<<"$got"))
extra=$(comm -13 <(cut -d' ' -f1 <<<"$want") <(cut -d' ' -f1 <<<"$got"))
[ -z "$missing$extra" ]; ok $? "our fscache.ko exports the same symbol set (besides $ours_only)"
[ -z "$missing" ] || sed 's/^/# missing: /' <<<"$missing"
[ -z "$extra" ] || sed 's/^/# extra: /' <<<"$extra"

crcdiff=$(diff <(echo "$want") <(echo "$got") || true)
[ -z "$crcdiff" ]; ok $? "every export has the kernel's modversions CRC"
[ -z "$crcdiff" ] || sed 's/^/# /' <<<"$crcdiff"

vm_want=$(modinfo -F vermagic "$stock_mods/kernel/fs/fscache/fscache.ko")
bad=0
for m in fs/fscache/fscache.ko fs/cachefiles/cachefiles.ko; do
	vm=$(modinfo -F vermagic "$ours/$m")
	[ "$vm" = "$vm_want" ] || { echo "# $m vermagic '$vm', want '$vm_want'"; bad=1; }
done
ok $bad "our modules carry the kernel's vermagic ($vm_want)"

# Every fscache symbol a stock netfs module imports is one we export with the CRC it was built against.
bad=0
for m in fs/9p/9p.ko fs/nfs/nfs.ko fs/afs/kafs.ko fs/smb/client/cifs.ko fs/ceph/ceph.ko fs/cachefiles/cachefiles.ko; do
	if [ ! -e "$stock_mods/kernel/$m" ]; then
		# The debug kernel builds only the 9p and NFS clients; Debian's image must have them all.
		case "${1:-}:$m" in debug:fs/afs/* | debug:fs/smb/* | debug:fs/ceph/*) continue ;; esac
		echo "# no $m in the kernel's modules"; bad=1; continue
	fi
	while read -r crc sym; do
		grep -qx "$sym $crc" <<<"$got" || { echo "# $m imports $sym $crc, we do not export it so"; bad=1; }
	done < <(modprobe --dump-modversions "$stock_mods/kernel/$m" | grep -E '\s(__)?(fscache_|__traceiter_fscache|__tracepoint_fscache|__SC[KT]__tp_func_fscache)' || true)
done
ok $bad "the kernel's 9p, nfs, kafs, cifs, ceph and cachefiles import only what we export, CRCs equal"

# Our cachefiles.ko links against fscache exports only with Debian's CRCs (it loads on the stock core).
bad=0
while read -r crc sym; do
	grep -qx "$sym $crc" <<<"$want" || { echo "# our cachefiles.ko imports $sym $crc, Debian's core has no such export"; bad=1; }
done < <(modprobe --dump-modversions "$ours/fs/cachefiles/cachefiles.ko" | grep -E '\s(__)?fscache_' || true)
ok $bad "our cachefiles.ko imports from fscache only what the kernel's core exports"

[ "$fails" -eq 0 ]
