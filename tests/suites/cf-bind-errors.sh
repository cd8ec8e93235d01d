# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# cf-bind-errors: `fscachectl cache bind` refuses, with exit status 2 and a message saying why, every
# directory a cache cannot work in, and a refused bind changes nothing: the caches bound before are
# still exactly the ones listed, and still work.
#
# Two caches are bound first: "test" on /mnt/cache/fscache and "second" on /mnt/cache/second (ext4).
# Then, each followed by a look at `fscachectl -j cache show` and /proc/fs/fscache/caches:
#   a directory that does not exist; a regular file; a relative path (fscachectl resolves it against
#   its working directory, not against /); a relative path sent over raw netlink (the kernel wants an
#   absolute one: EINVAL with an extack message); a read-only ext4 (a loop device mounted ro); tmpfs (no
#   direct I/O); vfat (no extended attributes, no O_TMPFILE); the directory of "test" under another
#   tag, as is, through a symlink and through a bind mount (EEXIST); the directory holding both caches,
#   and one inside cache "test" (EEXIST: one cache's culler would walk the other's files); another
#   directory under the tag "test" (EEXIST).
# Last, a file read through the share goes into the cache.
# vm-timeout: 600

# shellcheck source=tests/suites/cf-lib.sh
. "$FSC_REPO/tests/suites/cf-lib.sh"

F=$FSC_FSCACHECTL
tap_plan 28

# caches: the bound caches as netlink lists them (tag:dir:state) and as the core does (tag:state).
caches() {
	"$F" -j cache show | python3 -c '
import json, sys
print(" ".join(sorted("%s:%s:%s" % (c["tag"], c["dir"], c["state"]) for c in json.load(sys.stdin))))'
	awk 'NR > 2 { print $NF ":" $(NF - 1) }' /proc/fs/fscache/caches | sort | paste -sd' '
}

# refused DESC ERE ARGS...: `fscachectl cache bind ARGS` exits 2 with a message matching ERE (case
# insensitive), and the caches are as before.  A bind that wrongly succeeds is undone.
refused() {
	local desc=$1 ere=$2 out rc
	shift 2
	out=$("$F" cache bind "$@" 2>&1)
	rc=$?
	[ "$rc" -eq 2 ] && grep -qiE -- "$ere" <<<"$out"
	tap_ok $? "$desc: refused with exit status 2 and a message (rc $rc: $out)"
	tap_is "$(caches)" "$before" "$desc: the bound caches are unchanged"
	if [ "$rc" -eq 0 ]; then
		local tag
		tag=$(sed -n 's/.*tag \([^ ]*\).*/\1/p' <<<"$*")
		"$F" cache unbind tag "$tag"
	fi
}

# raw_bind DIR TAG: send CACHE_BIND over a raw generic netlink socket (no fscachectl in between);
# prints "errno=N msg=TEXT" from the kernel's answer.  Numbers come from the UAPI header.
raw_bind() {
	python3 - "$FSC_REPO/include/uapi/linux/fscache_nl.h" "$1" "$2" <<'PY'
import re, socket, struct, sys

hdr, path, tag = sys.argv[1], sys.argv[2], sys.argv[3]
src = open(hdr).read()


def enum(name):
    body = re.search(r"enum %s \{(.*?)\};" % name, src, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    vals, n = {}, 0
    for item in body.split(","):
        m = re.match(r"\s*(\w+)\s*(?:=\s*(\d+))?\s*$", item)
        if m:
            n = int(m.group(2)) if m.group(2) else n
            vals[m.group(1)] = n
            n += 1
    return vals


cmd, attr = enum("fscache_cmd"), enum("fscache_a")
NETLINK_GENERIC, SOL_NETLINK, NETLINK_CAP_ACK, NETLINK_EXT_ACK = 16, 270, 10, 11
NLM_F_REQUEST, NLM_F_ACK, NLMSG_ERROR = 1, 4, 2
GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 0x10, 3, 1, 2
NLMSGERR_ATTR_MSG = 1


def nla(kind, data):
    return struct.pack("=HH", 4 + len(data), kind) + data + b"\0" * (-len(data) % 4)


def attrs(buf):
    out = {}
    while len(buf) >= 4:
        size, kind = struct.unpack("=HH", buf[:4])
        if size < 4:
            break
        out[kind & 0x3FFF] = buf[4:size]
        buf = buf[(size + 3) & ~3:]
    return out


def request(sock, family, command, payload, seq):
    body = struct.pack("=BBH", command, 1, 0) + payload
    sock.send(struct.pack("=IHHII", 16 + len(body), family, NLM_F_REQUEST | NLM_F_ACK, seq, 0) + body)
    replies = []
    while True:
        data = sock.recv(65536)
        while data:
            size, kind, flags = struct.unpack("=IHH", data[:8])
            replies.append((kind, flags, data[16:size]))
            data = data[(size + 3) & ~3:]
            if kind == NLMSG_ERROR:
                return replies


sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
sock.bind((0, 0))
family = None
for kind, _, body in request(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                             nla(CTRL_ATTR_FAMILY_NAME, b"fscache\0"), 1):
    if kind == GENL_ID_CTRL:
        family = struct.unpack("=H", attrs(body[4:])[CTRL_ATTR_FAMILY_ID][:2])[0]
if family is None:
    sys.exit("no fscache generic netlink family")
payload = nla(attr["FSCACHE_A_CACHE_DIR"], path.encode() + b"\0") + \
    nla(attr["FSCACHE_A_CACHE_TAG"], tag.encode() + b"\0")
for kind, flags, body in request(sock, family, cmd["FSCACHE_CMD_CACHE_BIND"], payload, 2):
    if kind == NLMSG_ERROR:
        err = -struct.unpack("=i", body[:4])[0]
        # With NETLINK_CAP_ACK the request is not echoed: the TLVs follow struct nlmsgerr.
        tlv = attrs(body[20:]).get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0").decode()
        print("errno=%d msg=%s" % (err, tlv))
PY
}

# The caches that must stay as they are.
if ! fsc_bind_cache; then
	tap_ok 1 "bind caches test and second: $FSC_BIND_REASON"
	tap_skip_rest 27 "no cache bound"
	exit 0
fi
mkdir -p /mnt/cache/second
"$F" cache bind /mnt/cache/second tag second
tap_ok $? "bind caches test and second"
before=$(caches)
tap_diag "bound: $before"

refused "a directory that does not exist" "does not exist" /mnt/cache/nonexistent tag t1
touch /mnt/cache/regular
refused "a regular file" "not a directory" /mnt/cache/regular tag t2
mkdir -p /mnt/cache/from-root
# From /tmp, "mnt/cache/from-root" is /tmp/mnt/cache/from-root, which does not exist.
cd /tmp || tap_bail "cd /tmp"
refused "a relative path (resolved against the working directory)" "does not exist" mnt/cache/from-root tag t3
cd / || tap_bail "cd /"
out=$(cd / && raw_bind mnt/cache/from-root t4 2>&1)
[[ $out == "errno=22 msg="*absolute* ]]
tap_ok $? "a relative path over raw netlink: EINVAL, 'absolute' in the message ($out)"
tap_is "$(caches)" "$before" "a relative path over raw netlink: the bound caches are unchanged"

fsc_modprobe loop
img=/tmp/ro.img
truncate -s 32M $img && mkfs.ext4 -q -F $img
ro_dev=$(losetup -f --show $img)
mkdir -p /mnt/ro && mount "$ro_dev" /mnt/ro && mkdir /mnt/ro/cache && umount /mnt/ro &&
	mount -o ro "$ro_dev" /mnt/ro
refused "a read-only ext4" "read-only" /mnt/ro/cache tag t5

mkdir -p /tmp/tmpfs-cache
refused "tmpfs" "direct I/O" /tmp/tmpfs-cache tag t6

fsc_modprobe -a vfat nls_cp437 nls_ascii
img=/tmp/vfat.img
truncate -s 32M $img && mkfs.vfat $img >/dev/null
vfat_dev=$(losetup -f --show $img)
mkdir -p /mnt/vfat && mount -t vfat "$vfat_dev" /mnt/vfat && mkdir /mnt/vfat/cache
refused "vfat" "extended attributes|O_TMPFILE" /mnt/vfat/cache tag t7

refused "the directory of cache test, under another tag" "already bound" "$FSC_CACHE_DIR" tag t8
ln -s "$FSC_CACHE_DIR" /tmp/cache-link
refused "the directory of cache test, through a symlink" "already bound" /tmp/cache-link tag t9
mkdir -p /tmp/cache-bind && mount --bind "$FSC_CACHE_DIR" /tmp/cache-bind
refused "the directory of cache test, through a bind mount" "already bound" /tmp/cache-bind tag t10
refused "the directory that holds caches test and second" "holds|inside" /mnt/cache tag t11
mkdir -p "$FSC_CACHE_DIR/nested"
refused "a directory inside cache test" "holds|inside" "$FSC_CACHE_DIR/nested" tag t12
rmdir "$FSC_CACHE_DIR/nested"
mkdir -p /mnt/cache/other
refused "another directory under the tag test" "tag is already bound|already bound" /mnt/cache/other tag test

# The caches still work.
read -r _ wr0 < <(fsc_io_counters)
fsc_mount_share && fsc_sum "$FSC_SHARE/after" >/dev/null && fsc_umount_share
read -r _ wr1 < <(fsc_io_counters)
tap_ok "fsc_gt $wr1 $wr0" "after the refusals a read through the share is cached (wr $wr0 -> $wr1)"

umount /tmp/cache-bind /mnt/vfat /mnt/ro
losetup -d "$vfat_dev"
losetup -d "$ro_dev"
"$F" cache unbind tag second
