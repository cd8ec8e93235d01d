#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A raw generic netlink client for the "fscache" family, for tests.

It sends what it is told -- any command number, any attribute type, length and payload, any
netlink flags, truncated messages -- so that tests can see how the kernel answers requests that
fscachectl never sends.  Command, attribute and value names come from the UAPI header
(include/uapi/linux/fscache_nl.h), read at run time, so the client follows the header.

  rawgenl.py [OPTIONS] CMD [ATTR=TYPE:VALUE ...]   one request; its result on the last line
  rawgenl.py [OPTIONS] serve                       one request per stdin line (the same words,
                                                   options included), one result line each
  rawgenl.py family                                the family id, version and groups

CMD   a command of enum fscache_cmd: cache_bind, CACHE_BIND, FSCACHE_CMD_CACHE_BIND, or a number
ATTR  an attribute of enum fscache_a the same way (cache_tag, 2, ...)
TYPE  str (NUL-terminated)  nstr (no NUL)  u8 u16 u32 u64 s32 (native endian)  flag (no value)
      hex (the payload in hex)

Options (also per request in serve mode):
  --dump          set NLM_F_DUMP (a listing); without it NLM_F_ACK is set unless --no-ack
  --no-ack        do not set NLM_F_ACK
  --flags=N       OR these into nlmsg_flags (NLM_F_REQUEST is always set unless --no-request)
  --no-request    clear NLM_F_REQUEST
  --version=N     the genetlink header's version byte (default: FSCACHE_GENL_VERSION)
  --reserved=N    the genetlink header's reserved u16 (default 0)
  --tail=HEX      raw bytes after the attributes, inside the message (a cut attribute...)
  --type=N        the nlmsg_type to send to (default: the resolved family id)
  --truncate=N    send only the first N bytes of the message (nlmsg_len unchanged)
  --len=N         write N into nlmsg_len (the bytes sent are unchanged)
  --recvbuf=N     bytes per recv() (default 65536)
  --rcvbuf=N      SO_RCVBUF of the socket
  --json          print each reply as a JSON object on a line of its own before the result
  --ids           print the COOKIE_ID (or VOLUME_ID) of each reply, one per line (dumps of many)

Result line: "OK n=REPLIES [intr=N]" or "ERRNAME [attr=NAME] [miss=NAME] [msg=TEXT]",
where attr names the attribute NLMSGERR_ATTR_OFFS points at, miss the one NLMSGERR_ATTR_MISS_TYPE
names and msg is NLMSGERR_ATTR_MSG; "NOREPLY" when the kernel answered nothing (a message it
ignores).  Exit status 0 when a result line was printed, 3 on a local error (usage, no family).

The module is imported by fuzz.py and the other tests/nl tools: Uapi, Conn, build_msg, parse_msgs.
"""

import errno
import json
import os
import re
import select
import shlex
import socket
import struct
import sys

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11

NLM_F_REQUEST = 0x1
NLM_F_MULTI = 0x2
NLM_F_ACK = 0x4
NLM_F_ECHO = 0x8
NLM_F_DUMP_INTR = 0x10
NLM_F_ROOT = 0x100
NLM_F_MATCH = 0x200
NLM_F_ATOMIC = 0x400
NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH
NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200

NLMSG_NOOP = 1
NLMSG_ERROR = 2
NLMSG_DONE = 3

NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2
NLMSGERR_ATTR_MISS_TYPE = 5

GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_VERSION = 3
CTRL_ATTR_MAXATTR = 5
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2

NLA_F_NESTED = 0x8000
NLA_F_NET_BYTEORDER = 0x4000
NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff

NLMSG_HDR = struct.Struct("=IHHII")
GENL_HDR = struct.Struct("=BBH")
NLA_HDR = struct.Struct("=HH")

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_HEADER = os.path.join(HERE, "..", "..", "include", "uapi", "linux", "fscache_nl.h")
DEFAULT_RECVBUF = 65536
DEFAULT_TIMEOUT = 30.0

# Wire types as the header's comments give them ("/* u64, bytes ..." ...).
COMMENT_TYPES = ("string", "binary", "flag", "nest", "u8", "u16", "u32", "u64", "s32")


class UsageError(Exception):
    pass


def align4(n):
    return (n + 3) & ~3


class Uapi:
    """The enums of the UAPI header: values by name, names by value, and each attribute's type."""

    def __init__(self, path=DEFAULT_HEADER):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.defines = {}
        for m in re.finditer(r"^#define\s+(\w+)\s+(\S+)", text, re.M):
            self.defines[m.group(1)] = m.group(2).strip('"')
        self.enums = {}
        self.types = {}
        for m in re.finditer(r"enum\s+(\w+)\s*\{(.*?)\};", text, re.S):
            values = {}
            nxt = 0
            for line in m.group(2).splitlines():
                em = re.match(r"\s*(\w+)\s*(?:=\s*([^,]*?))?\s*,?\s*(?:/\*\s*(.*?)\s*\*/)?\s*$", line)
                if not em or not em.group(1):
                    continue
                name, expr, comment = em.groups()
                if expr is not None:
                    # Only the __X_CNT - 1 form is used for X_MAX; skip those.
                    if not re.fullmatch(r"\d+", expr.strip()):
                        continue
                    nxt = int(expr)
                values[name] = nxt
                if comment:
                    word = re.split(r"[ ,:]", comment)[0]
                    if word in COMMENT_TYPES:
                        self.types[name] = word
                nxt += 1
            self.enums[m.group(1)] = values
        self.genl_name = self.defines.get("FSCACHE_GENL_NAME", "fscache")
        self.version = int(self.defines.get("FSCACHE_GENL_VERSION", "1"))
        self.group = self.defines.get("FSCACHE_GENL_MCGRP_EVENTS", "events")
        self.cmds = self._table("fscache_cmd", "FSCACHE_CMD_")
        self.attrs = self._table("fscache_a", "FSCACHE_A_")
        self.stats = self._table("fscache_a_stat", "FSCACHE_A_STAT_")
        self.events = self._table("fscache_event", "FSCACHE_EVENT_")
        self.attr_types = {}
        for full, v in self.enums.get("fscache_a", {}).items():
            if full in self.types:
                self.attr_types[v] = self.types[full]

    def _table(self, enum, prefix):
        """{value: short lower-case name} of an enum, without the __CNT entry."""
        out = {}
        for full, v in self.enums.get(enum, {}).items():
            if full.startswith("__"):
                continue
            out[v] = full[len(prefix):].lower() if full.startswith(prefix) else full.lower()
        return out

    def count(self, enum):
        return max(self.enums[enum].values())

    @staticmethod
    def _lookup(table, word, what):
        if re.fullmatch(r"\d+|0x[0-9a-fA-F]+", word):
            return int(word, 0)
        w = word.lower()
        for prefix in ("fscache_cmd_", "fscache_a_"):
            if w.startswith(prefix):
                w = w[len(prefix):]
        for v, name in table.items():
            if name == w:
                return v
        raise UsageError("unknown %s '%s'" % (what, word))

    def cmd(self, word):
        return self._lookup(self.cmds, word, "command")

    def attr(self, word):
        return self._lookup(self.attrs, word, "attribute")

    def attr_name(self, v):
        return self.attrs.get(v, str(v))


# ---- Building messages ---------------------------------------------------------------------------


def nla(atype, payload):
    """One attribute: header, payload, padding to 4 bytes."""
    n = NLA_HDR.size + len(payload)
    return NLA_HDR.pack(n, atype) + payload + b"\0" * (align4(n) - n)


def encode_value(kind, value):
    """The payload of TYPE:VALUE."""
    if kind == "str":
        return value.encode() + b"\0"
    if kind == "nstr":
        return value.encode()
    if kind == "flag":
        if value:
            raise UsageError("a flag takes no value")
        return b""
    if kind == "hex":
        try:
            return bytes.fromhex(value)
        except ValueError as e:
            raise UsageError("bad hex '%s'" % value) from e
    fmts = {"u8": "=B", "u16": "=H", "u32": "=I", "u64": "=Q", "s32": "=i"}
    if kind in fmts:
        try:
            return struct.pack(fmts[kind], int(value, 0))
        except (ValueError, struct.error) as e:
            raise UsageError("bad %s value '%s'" % (kind, value)) from e
    raise UsageError("unknown type '%s'" % kind)


def parse_attr_spec(uapi, spec):
    """ATTR=TYPE:VALUE -> (type, payload)."""
    if "=" not in spec:
        raise UsageError("attribute '%s' is not ATTR=TYPE:VALUE" % spec)
    name, rest = spec.split("=", 1)
    kind, _, value = rest.partition(":")
    return uapi.attr(name), encode_value(kind, value)


def build_msg(mtype, flags, seq, cmd, attrs=b"", version=1, portid=0, reserved=0):
    """A whole generic netlink message; @attrs is the attribute bytes."""
    body = GENL_HDR.pack(cmd, version, reserved) + attrs
    return NLMSG_HDR.pack(NLMSG_HDR.size + len(body), mtype, flags, seq, portid) + body


# ---- Parsing replies -----------------------------------------------------------------------------


def parse_attrs(data, off=0, end=None):
    """[(type, payload)] of the attributes in data[off:end]; raises ValueError if malformed."""
    end = len(data) if end is None else end
    out = []
    while off < end:
        if end - off < NLA_HDR.size:
            raise ValueError("attribute header cut at %d" % off)
        n, atype = NLA_HDR.unpack_from(data, off)
        if n < NLA_HDR.size or off + n > end:
            raise ValueError("attribute length %d at %d runs past %d" % (n, off, end))
        out.append((atype & NLA_TYPE_MASK, data[off + NLA_HDR.size:off + n]))
        off += align4(n)
    return out


def parse_msgs(buf):
    """[(type, flags, seq, portid, payload)] of a recv() buffer; raises ValueError if malformed."""
    msgs = []
    off = 0
    while off < len(buf):
        if len(buf) - off < NLMSG_HDR.size:
            raise ValueError("message header cut at %d of %d" % (off, len(buf)))
        n, mtype, flags, seq, portid = NLMSG_HDR.unpack_from(buf, off)
        if n < NLMSG_HDR.size or off + n > len(buf):
            raise ValueError("message length %d at %d of %d" % (n, off, len(buf)))
        msgs.append((mtype, flags, seq, portid, buf[off + NLMSG_HDR.size:off + n]))
        off += align4(n)
    return msgs


class Error:
    """What an NLMSG_ERROR or an NLMSG_DONE said: errno (positive, 0 for an ack) and extack."""

    def __init__(self, err=0, msg=None, offs=None, miss=None):
        self.errno = err
        self.msg = msg
        self.offs = offs
        self.miss = miss


def parse_error(mtype, flags, payload):
    """An Error from the payload of an NLMSG_ERROR or NLMSG_DONE."""
    if len(payload) < 4:
        return Error(0)
    (err,) = struct.unpack_from("=i", payload)
    off = 4
    if mtype == NLMSG_ERROR:
        off = 4 + NLMSG_HDR.size
        if not flags & NLM_F_CAPPED and len(payload) >= off:
            (olen,) = struct.unpack_from("=I", payload, 4)
            off = 4 + align4(max(olen, NLMSG_HDR.size))
    e = Error(-err if err < 0 else err)
    if flags & NLM_F_ACK_TLVS and off < len(payload):
        for atype, p in parse_attrs(payload, off):
            if atype == NLMSGERR_ATTR_MSG:
                e.msg = p.rstrip(b"\0").decode(errors="replace")
            elif atype == NLMSGERR_ATTR_OFFS and len(p) == 4:
                (e.offs,) = struct.unpack("=I", p)
            elif atype == NLMSGERR_ATTR_MISS_TYPE and len(p) == 4:
                (e.miss,) = struct.unpack("=I", p)
    return e


def attr_at(msg, offs):
    """The type of the attribute at byte @offs of the message we sent, or None."""
    if offs is None or offs + NLA_HDR.size > len(msg) or offs < NLMSG_HDR.size + GENL_HDR.size:
        return None
    return NLA_HDR.unpack_from(msg, offs)[1] & NLA_TYPE_MASK


def decode_value(kind, p):
    """A reply attribute's payload as JSON-able; None if its length does not fit its type."""
    sizes = {"u8": ("=B", 1), "u16": ("=H", 2), "u32": ("=I", 4), "u64": ("=Q", 8),
             "s32": ("=i", 4)}
    if kind in sizes:
        fmt, n = sizes[kind]
        return struct.unpack(fmt, p)[0] if len(p) == n else None
    if kind == "string":
        if not p.endswith(b"\0"):
            return None
        return p[:-1].decode(errors="replace")
    if kind == "flag":
        return True if not p else None
    return p.hex()


def decode_reply(uapi, payload):
    """A reply's (cmd, {name: value}); stats nests become {counter: value}.  Raises ValueError."""
    if len(payload) < GENL_HDR.size:
        raise ValueError("reply without a genetlink header")
    cmd = payload[0]
    out = {}
    for atype, p in parse_attrs(payload, GENL_HDR.size):
        name = uapi.attr_name(atype)
        kind = uapi.attr_types.get(atype)
        if atype == uapi.attr("pad"):
            continue
        if kind == "nest":
            nest = {}
            for stype, sp in parse_attrs(p):
                sname = uapi.stats.get(stype, str(stype))
                if sname == "pad":
                    continue
                if len(sp) != 8:
                    raise ValueError("counter %s of %d bytes" % (sname, len(sp)))
                nest[sname] = struct.unpack("=Q", sp)[0]
            out[name] = nest
            continue
        if kind is None:
            out[name] = p.hex()
            continue
        v = decode_value(kind, p)
        if v is None:
            raise ValueError("attribute %s: %d bytes do not make a %s" % (name, len(p), kind))
        out[name] = v
    return cmd, out


# ---- The connection ------------------------------------------------------------------------------


class Conn:
    """A generic netlink socket with the extended ack on, and the fscache family resolved.

    @recvbuf is the size of every recv() on it: the kernel sizes a dump's messages after the
    largest receive buffer a socket has used, so a socket meant for small reads never uses a
    bigger one.  A datagram that does not fit is an error, never silently cut.
    """

    def __init__(self, uapi=None, rcvbuf=None, recvbuf=DEFAULT_RECVBUF, resolve=True):
        self.uapi = uapi or Uapi()
        self.recvbuf = recvbuf
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.bind((0, 0))
        self.portid = self.sock.getsockname()[0]
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.seq = 0
        self.family = None
        self.version = None
        self.groups = {}
        if resolve:
            self.resolve()

    def close(self):
        self.sock.close()

    def next_seq(self):
        self.seq += 1
        return self.seq

    def send(self, data):
        self.sock.send(data)

    def recv(self, timeout=DEFAULT_TIMEOUT):
        """One datagram, or None after @timeout seconds.  Errors such as ENOBUFS are raised."""
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r:
            return None
        data, _, mflags, _ = self.sock.recvmsg(self.recvbuf)
        if mflags & socket.MSG_TRUNC:
            raise OSError(errno.EMSGSIZE, "a datagram did not fit in %d bytes" % self.recvbuf)
        return data

    def resolve(self):
        """CTRL_CMD_GETFAMILY: the family id, version and multicast groups."""
        seq, msg = self.family_msg()
        self.send(msg)
        while True:
            buf = self.recv()
            if buf is None:
                raise OSError(errno.ETIMEDOUT, "nlctrl did not answer")
            for mtype, flags, mseq, _, payload in parse_msgs(buf):
                if mseq != seq:
                    continue
                if mtype == NLMSG_ERROR:
                    e = parse_error(mtype, flags, payload)
                    if e.errno:
                        raise OSError(e.errno, "no \"%s\" family: %s" %
                                      (self.uapi.genl_name, os.strerror(e.errno)))
                    if self.family is None:
                        raise OSError(errno.ENOENT, "nlctrl gave no family id")
                    return
                if mtype == GENL_ID_CTRL:
                    self._take_family(payload)

    def _take_family(self, payload):
        for atype, p in parse_attrs(payload, GENL_HDR.size):
            if atype == CTRL_ATTR_FAMILY_ID:
                (self.family,) = struct.unpack("=H", p[:2])
            elif atype == CTRL_ATTR_VERSION:
                (self.version,) = struct.unpack("=I", p[:4])
            elif atype == CTRL_ATTR_MCAST_GROUPS:
                for _, grp in parse_attrs(p):
                    name = gid = None
                    for gtype, gp in parse_attrs(grp):
                        if gtype == CTRL_ATTR_MCAST_GRP_NAME:
                            name = gp.rstrip(b"\0").decode()
                        elif gtype == CTRL_ATTR_MCAST_GRP_ID:
                            (gid,) = struct.unpack("=I", gp)
                    if name is not None:
                        self.groups[name] = gid

    def subscribe(self, group=None):
        self.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                             self.groups[group or self.uapi.group])

    def family_msg(self):
        """CTRL_CMD_GETFAMILY of our family: (seq, bytes)."""
        seq = self.next_seq()
        attrs = nla(CTRL_ATTR_FAMILY_NAME, self.uapi.genl_name.encode() + b"\0")
        return seq, build_msg(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, seq, CTRL_CMD_GETFAMILY,
                              attrs, version=1)

    def sync_msg(self):
        """A request the kernel always acks at once, and cheaply (an NLMSG_NOOP): (seq, bytes)."""
        seq = self.next_seq()
        return seq, NLMSG_HDR.pack(NLMSG_HDR.size, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, seq, 0)


class Result:
    """Everything the kernel answered to one request."""

    def __init__(self):
        self.replies = []	# (flags, payload) of each data message
        self.error = None	# Error of the closing NLMSG_ERROR / NLMSG_DONE; None: none came
        self.done = False	# the reply ended with NLMSG_DONE (a dump)
        self.recvs = 0
        self.intr = 0		# messages flagged NLM_F_DUMP_INTR


# How long to wait for the rest of a dump that may not have started, once the sync is acked.
DUMP_GRACE = 2.0


def may_dump(msg):
    """Could the kernel take @msg for a dump?  A whole request with both NLM_F_DUMP bits."""
    if len(msg) < NLMSG_HDR.size + GENL_HDR.size:
        return False
    mlen, mtype, flags = NLMSG_HDR.unpack_from(msg)[:3]
    return (mlen <= len(msg) and mlen >= NLMSG_HDR.size + GENL_HDR.size and
            mtype >= GENL_ID_CTRL and bool(flags & NLM_F_REQUEST) and
            flags & NLM_F_DUMP == NLM_F_DUMP)


def transact(conn, msg, seq, sync=True, timeout=DEFAULT_TIMEOUT, on_reply=None):
    """Send @msg and read what answers @seq, replies and the closing error, ack or NLMSG_DONE.

    With @sync, the request is followed by one the kernel always acks, so that a message the
    kernel ignores (no NLM_F_REQUEST, a length that does not fit...) ends the wait too.  A dump
    goes on past the sync's ack (the kernel fills it as it is read): then the wait ends with
    NLMSG_DONE, or after DUMP_GRACE seconds without any message if no dump had started.  Without
    @sync the wait ends with the closing message, which a well-formed request always gets.
    @on_reply(mtype, flags, payload) is called per reply if given, instead of keeping the replies.
    """
    res = Result()
    dump = may_dump(msg)
    conn.send(msg)
    sync_seq = None
    if sync:
        sync_seq, sync_bytes = conn.sync_msg()
        conn.send(sync_bytes)
    synced = not sync
    while True:
        if synced and (res.error is not None or (sync and not dump)):
            return res
        buf = conn.recv(DUMP_GRACE if synced and sync else timeout)
        if buf is None:
            if synced and sync:
                return res
            raise OSError(errno.ETIMEDOUT, "no answer in %.0f s" % timeout)
        res.recvs += 1
        for mtype, flags, mseq, _, payload in parse_msgs(buf):
            if sync_seq is not None and mseq == sync_seq:
                synced = synced or mtype == NLMSG_ERROR
                continue
            if mseq != seq:
                continue
            if mtype in (NLMSG_ERROR, NLMSG_DONE):
                res.error = parse_error(mtype, flags, payload)
                res.done = mtype == NLMSG_DONE
                if flags & NLM_F_DUMP_INTR:
                    res.intr += 1
                continue
            if mtype == NLMSG_NOOP:
                continue
            if flags & NLM_F_DUMP_INTR:
                res.intr += 1
            if on_reply:
                on_reply(mtype, flags, payload)
            else:
                res.replies.append((flags, payload))


# ---- The command line ----------------------------------------------------------------------------


def errname(n):
    """The errno's name; EOPNOTSUPP rather than its alias ENOTSUP."""
    if n == errno.EOPNOTSUPP:
        return "EOPNOTSUPP"
    return errno.errorcode.get(n, "E%d" % n)


class Request:
    def __init__(self, uapi, words):
        self.dump = False
        self.ack = True
        self.request = True
        self.flags = 0
        self.version = uapi.version
        self.reserved = 0
        self.tail = b""
        self.mtype = None
        self.truncate = None
        self.length = None
        self.recvbuf = DEFAULT_RECVBUF
        self.rcvbuf = None
        self.json = False
        self.ids = False
        rest = []
        for w in words:
            if not w.startswith("--"):
                rest.append(w)
                continue
            opt, _, val = w.partition("=")
            try:
                if opt == "--dump":
                    self.dump = True
                elif opt == "--no-ack":
                    self.ack = False
                elif opt == "--no-request":
                    self.request = False
                elif opt == "--flags":
                    self.flags |= int(val, 0)
                elif opt == "--version":
                    self.version = int(val, 0)
                elif opt == "--reserved":
                    self.reserved = int(val, 0)
                elif opt == "--tail":
                    self.tail = bytes.fromhex(val)
                elif opt == "--type":
                    self.mtype = int(val, 0)
                elif opt == "--truncate":
                    self.truncate = int(val, 0)
                elif opt == "--len":
                    self.length = int(val, 0)
                elif opt == "--recvbuf":
                    self.recvbuf = int(val, 0)
                elif opt == "--rcvbuf":
                    self.rcvbuf = int(val, 0)
                elif opt == "--json":
                    self.json = True
                elif opt == "--ids":
                    self.ids = True
                else:
                    raise UsageError("unknown option '%s'" % w)
            except ValueError as e:
                raise UsageError("bad value in '%s'" % w) from e
        if not rest:
            raise UsageError("no command given")
        self.cmd = uapi.cmd(rest[0])
        self.attrs = [parse_attr_spec(uapi, s) for s in rest[1:]]

    def plain(self):
        """A well-formed request the kernel always answers: no need for a sync behind it."""
        return (self.request and (self.ack or self.dump) and self.mtype is None and
                self.truncate is None and self.length is None)

    def message(self, conn, seq):
        flags = self.flags
        if self.request:
            flags |= NLM_F_REQUEST
        if self.dump:
            flags |= NLM_F_DUMP
        elif self.ack:
            flags |= NLM_F_ACK
        attrs = b"".join(nla(t, p) for t, p in self.attrs) + self.tail
        msg = build_msg(conn.family if self.mtype is None else self.mtype, flags, seq, self.cmd,
                        attrs, self.version, reserved=self.reserved)
        if self.length is not None:
            msg = struct.pack("=I", self.length) + msg[4:]
        if self.truncate is not None:
            msg = msg[:self.truncate]
        return msg


def run_request(conn, uapi, req, out):
    """Send one request and print its replies (as asked) and its result line."""
    seq = conn.next_seq()
    msg = req.message(conn, seq)
    id_attr = {uapi.cmd("cookie_get"): uapi.attr("cookie_id"),
               uapi.cmd("volume_get"): uapi.attr("volume_id")}.get(req.cmd)
    count = [0]

    def on_reply(_mtype, flags, payload):
        count[0] += 1
        if req.json:
            cmd, attrs = decode_reply(uapi, payload)
            attrs["_cmd"] = uapi.cmds.get(cmd, cmd)
            if flags & NLM_F_DUMP_INTR:
                attrs["_intr"] = True
            out.write(json.dumps(attrs, sort_keys=True) + "\n")
        elif req.ids and id_attr is not None:
            for atype, p in parse_attrs(payload, GENL_HDR.size):
                if atype == id_attr:
                    out.write("%d\n" % struct.unpack("=I", p)[0])

    res = transact(conn, msg, seq, sync=not req.plain(), on_reply=on_reply)
    if res.error is None:
        line = "NOREPLY n=%d" % count[0]
    elif res.error.errno == 0:
        line = "OK n=%d" % count[0]
        if res.intr:
            line += " intr=%d" % res.intr
    else:
        e = res.error
        line = errname(e.errno)
        a = attr_at(msg, e.offs)
        if a is not None:
            line += " attr=%s" % uapi.attr_name(a)
        if e.miss is not None:
            line += " miss=%s" % uapi.attr_name(e.miss)
        if e.msg:
            line += " msg=%s" % " ".join(e.msg.split())
    out.write(line + "\n")
    out.flush()


def cmd_family(uapi):
    conn = Conn(uapi)
    print("family=%d version=%s" % (conn.family, conn.version))
    for name, gid in sorted(conn.groups.items()):
        print("group %s=%d" % (name, gid))
    conn.close()


def main(argv):
    try:
        uapi = Uapi(os.environ.get("FSCACHE_NL_HEADER", DEFAULT_HEADER))
        if argv[:1] == ["family"]:
            cmd_family(uapi)
            return 0
        if argv[:1] == ["serve"] or (argv and argv[-1] == "serve"):
            base = argv[:-1]
            conns = {}
            for line in sys.stdin:
                words = shlex.split(line)
                if not words:
                    continue
                try:
                    req = Request(uapi, base + words)
                except UsageError as e:
                    print("USAGE msg=%s" % e, flush=True)
                    continue
                key = (req.rcvbuf, req.recvbuf)
                if key not in conns:
                    conns[key] = Conn(uapi, req.rcvbuf, req.recvbuf)
                run_request(conns[key], uapi, req, sys.stdout)
            return 0
        req = Request(uapi, argv)
        conn = Conn(uapi, req.rcvbuf, req.recvbuf)
        run_request(conn, uapi, req, sys.stdout)
        conn.close()
        return 0
    except UsageError as e:
        print("rawgenl: %s (see the header of %s)" % (e, __file__), file=sys.stderr)
        return 3
    except (OSError, ValueError) as e:
        print("rawgenl: %s" % e, file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
