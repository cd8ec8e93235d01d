#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send thousands of random and mutated messages to the "fscache" family and check every answer.

  fuzz.py [--seed=N] [--count=N] [--prefix=P] [--protect=TAG]... [--dirs=N]

Messages, chosen at random (the seed is printed first, so a run can be repeated):
  random      a random command (0..255, mostly near the real ones), random attributes: types in and
              out of range, with NLA_F_NESTED or NLA_F_NET_BYTEORDER, lengths 0..300, random bytes or
              plausible values, nests of random attributes
  valid       a well-formed request of a real command with plausible values: binds of P0.. (directories
              /mnt/cache/P0..), unbinds, limit changes, culls, gets, dumps
  mutated     a valid one with bytes flipped, inserted, removed, or its end cut off
  header      a valid one with nlmsg_len, nlmsg_type, the genetlink version or reserved field changed,
              or cut inside its headers
  dump        a dump command with odd flags (ACK, ECHO, ATOMIC, reserved bits), read through a small
              buffer, sometimes abandoned half-read by closing the socket
  batch       two to four messages in one send()
Caches are bound on /mnt/cache/P<n> (P: --prefix, default "fz"), mostly as P<n>; a message that
mentions a --protect tag (the harness's cache) is never sent, and at the end (root) every cache but the
protected ones is unbound.  Events are read on a socket of their own and checked too.

Checks: every datagram parses; every reply and event decodes by the UAPI's types; every error is an errno
the family may give, with a printable message; every well-formed request that asks for one gets its ack,
error or NLMSG_DONE; nothing takes longer than 30 s; unprivileged, no state-changing command succeeds.
Prints "seed=N", a count of each outcome and the time each kind took, one "bad: ..."
line per failed check (the first ones), and "result=ok" or "result=fail"; exit status 0 or 1.
"""

import errno
import os
import random
import struct
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rawgenl as rg  # noqa: E402

# Errors a request to the family may get.
ALLOWED_ERRNOS = {
    0, errno.EPERM, errno.ENOENT, errno.EINVAL, errno.ERANGE, errno.EOPNOTSUPP, errno.EEXIST,
    errno.EBUSY, errno.ENOTDIR, errno.EROFS, errno.ENOSPC, errno.EMSGSIZE, errno.ENAMETOOLONG,
    errno.ELOOP, errno.EACCES,
}
MAX_BAD_SHOWN = 20
TIMEOUT = 30.0
SMALL_RECVBUF = 4096


class Fuzzer:
    def __init__(self, seed, count, prefix, protect, ndirs):
        self.rnd = random.Random(seed)
        self.count = count
        self.prefix = prefix
        self.protect = [t.encode() for t in protect]
        self.uapi = rg.Uapi()
        u = self.uapi
        self.admin = os.geteuid() == 0
        self.conn = rg.Conn(u)
        self.events = rg.Conn(u)
        self.events.sock.setblocking(False)
        self.events.subscribe()
        self.family = self.conn.family
        self.tags = ["%s%d" % (prefix, i) for i in range(ndirs)]
        self.dirs = ["/mnt/cache/%s" % t for t in self.tags]
        self.bad = []
        self.outcomes = {}
        self.secs = {}
        self.sent = 0
        self.state_cmds = {u.cmd(c) for c in ("cache_bind", "cache_unbind", "cache_set", "cache_cull")}
        self.dump_cmds = [u.cmd(c) for c in ("cache_get", "volume_get", "cookie_get", "handle_get")]
        self.cmd_max = u.count("fscache_cmd")
        self.attr_max = u.count("fscache_a")
        self.a = u.attr

    # ---- values ---------------------------------------------------------------------------------

    def tag(self):
        r = self.rnd.random()
        if r < 0.7:
            return self.rnd.choice(self.tags)
        if r < 0.8:
            return "nosuch"
        if r < 0.9:
            return ""
        return "x" * self.rnd.choice((62, 63, 64, 65))

    def dir(self):
        r = self.rnd.random()
        if r < 0.75:
            return self.rnd.choice(self.dirs)
        return self.rnd.choice(("/", "/tmp", "/proc", "relative", "", "/mnt/cache/none",
                                "/mnt/cache/%s/../%s" % (self.tags[0], self.tags[-1]),
                                "/mnt/cache/" + "d" * 300, "/dev/null"))

    def u64(self):
        return self.rnd.choice((0, 1, 4096, 1 << 20, 1 << 30, 1 << 40, (1 << 64) - 1,
                                self.rnd.getrandbits(64)))

    def pct(self):
        return self.rnd.choice((0, 1, 50, 51, 90, 95, 99, 100, 101, 255, self.rnd.getrandbits(8)))

    def payload_for(self, atype):
        """A plausible payload of attribute @atype, sometimes of the wrong size."""
        kind = self.uapi.attr_types.get(atype)
        r = self.rnd.random()
        if r < 0.1:
            return self.rnd.randbytes(self.rnd.randrange(0, 17))
        if kind == "string":
            s = self.tag() if atype == self.a("cache_tag") else (
                self.dir() if atype == self.a("cache_dir") else self.rnd.choice(
                    ("9p,share,", "9p,share-raw,", "", "v" * 256, "afs,x")))
            return s.encode() + (b"" if r < 0.15 else b"\0")
        if kind == "u8":
            return struct.pack("=B", self.pct())
        if kind == "u32" or kind == "s32":
            return struct.pack("=I", self.rnd.getrandbits(32))
        if kind == "u64":
            return struct.pack("=Q", self.u64())
        if kind == "flag":
            return b""
        if kind == "binary":
            return self.rnd.randbytes(self.rnd.choice((0, 1, 8, 255, 256)))
        if kind == "nest":
            return self.random_attrs(depth=1)
        return self.rnd.randbytes(self.rnd.randrange(0, 16))

    def random_attrs(self, depth=0):
        out = b""
        for _ in range(self.rnd.randrange(0, 7)):
            r = self.rnd.random()
            if r < 0.75:
                atype = self.rnd.randrange(0, self.attr_max + 3)
            else:
                atype = self.rnd.randrange(0, 0x10000) & rg.NLA_TYPE_MASK
            if self.rnd.random() < 0.08:
                atype |= self.rnd.choice((rg.NLA_F_NESTED, rg.NLA_F_NET_BYTEORDER))
            if self.rnd.random() < 0.1 and depth < 3:
                payload = self.random_attrs(depth + 1)
            elif self.rnd.random() < 0.2:
                payload = self.rnd.randbytes(self.rnd.randrange(0, 300))
            else:
                payload = self.payload_for(atype & rg.NLA_TYPE_MASK)
            out += rg.nla(atype, payload)
        return out

    # ---- messages -------------------------------------------------------------------------------

    def msg(self, cmd, attrs, flags=None, seq=0):
        if flags is None:
            flags = rg.NLM_F_REQUEST | rg.NLM_F_ACK
        return rg.build_msg(self.family, flags, seq, cmd, attrs, self.uapi.version)

    def valid(self, seq):
        """(bytes, asks_answer): a well-formed request of a real command."""
        a = self.a
        u = self.uapi
        lim = b""
        for name, val in (("cache_capacity", lambda: struct.pack("=Q", self.u64())),
                          ("cache_floor_bytes", lambda: struct.pack("=Q", self.u64())),
                          ("cache_floor_pct", lambda: struct.pack("=B", self.pct())),
                          ("cache_high_wmark", lambda: struct.pack("=B", self.pct())),
                          ("cache_low_wmark", lambda: struct.pack("=B", self.pct()))):
            if self.rnd.random() < 0.3:
                lim += rg.nla(a(name), val())
        tag = rg.nla(a("cache_tag"), self.tag().encode() + b"\0")
        kind = self.rnd.choice(("bind", "bind", "unbind", "set", "get", "cull", "dump", "dump",
                                "stats"))
        if kind == "bind":
            attrs = rg.nla(a("cache_dir"), self.dir().encode() + b"\0") + tag + lim
            if self.rnd.random() < 0.3:
                attrs += rg.nla(a("cache_owned"), b"")
            return self.msg(u.cmd("cache_bind"), attrs, seq=seq), True
        if kind == "unbind":
            attrs = tag + (rg.nla(a("cache_force"), b"") if self.rnd.random() < 0.5 else b"")
            return self.msg(u.cmd("cache_unbind"), attrs, seq=seq), True
        if kind == "set":
            return self.msg(u.cmd("cache_set"), tag + lim, seq=seq), True
        if kind == "get":
            return self.msg(u.cmd("cache_get"), tag, seq=seq), True
        if kind == "cull":
            if self.rnd.random() < 0.5:
                attrs = tag + rg.nla(a("cull_target"), struct.pack("=Q", self.u64()))
            else:
                attrs = tag + rg.nla(a("volume_key"), b"9p,share,\0") + rg.nla(
                    a("cookie_key"), self.rnd.randbytes(self.rnd.choice((1, 8, 255))))
            return self.msg(u.cmd("cache_cull"), attrs, seq=seq), True
        if kind == "stats":
            return self.msg(u.cmd("stats_get"), tag if self.rnd.random() < 0.5 else b"",
                            seq=seq), True
        cmd = self.rnd.choice(self.dump_cmds)
        attrs = b""
        if self.rnd.random() < 0.5:
            attrs += tag
        if cmd == u.cmd("cookie_get") and self.rnd.random() < 0.5:
            attrs += rg.nla(a("volume_key"), self.rnd.choice((b"9p,share,\0", b"x\0")))
        return self.msg(cmd, attrs, rg.NLM_F_REQUEST | rg.NLM_F_DUMP, seq), True

    def mutate(self, m):
        m = bytearray(m)
        for _ in range(self.rnd.randrange(1, 5)):
            r = self.rnd.random()
            pos = self.rnd.randrange(rg.NLMSG_HDR.size, max(len(m), rg.NLMSG_HDR.size + 1))
            if r < 0.6 and pos < len(m):
                m[pos] ^= 1 << self.rnd.randrange(8)
            elif r < 0.75:
                m[pos:pos] = self.rnd.randbytes(self.rnd.randrange(1, 9))
            elif r < 0.9 and pos < len(m):
                del m[pos:pos + self.rnd.randrange(1, 9)]
            elif pos < len(m):
                m[pos] = self.rnd.randrange(256)
            else:
                m.append(self.rnd.randrange(256))
        # Keep nlmsg_len true to the bytes most of the time, so that the kernel parses them.
        if self.rnd.random() < 0.85:
            struct.pack_into("=I", m, 0, len(m))
        return bytes(m)

    def header(self, m):
        m = bytearray(m)
        r = self.rnd.random()
        if r < 0.25:
            struct.pack_into("=I", m, 0, self.rnd.choice((0, 1, 15, 16, 17, 19, 20, len(m) - 1,
                                                          len(m) + 1, 0xffffffff)))
        elif r < 0.45:
            # Control types, nlctrl, an id no family has; never another family's id.
            struct.pack_into("=H", m, 4, self.rnd.choice((0, 1, 2, 3, 15, 16, 0xffff)))
        elif r < 0.65:
            m[17] = self.rnd.randrange(256)
        elif r < 0.8:
            struct.pack_into("=H", m, 18, self.rnd.randrange(1, 0x10000))
        else:
            m = m[:self.rnd.randrange(1, 20)]
        return bytes(m)

    def random_msg(self, seq):
        cmd = self.rnd.choice((self.rnd.randrange(0, self.cmd_max + 3), self.rnd.randrange(256)))
        flags = rg.NLM_F_REQUEST | self.rnd.choice((rg.NLM_F_ACK, 0, rg.NLM_F_DUMP,
                                                     rg.NLM_F_DUMP | rg.NLM_F_ACK,
                                                     self.rnd.getrandbits(16)))
        return self.msg(cmd, self.random_attrs(), flags, seq)

    # ---- sending and checking -------------------------------------------------------------------

    def note(self, what):
        self.outcomes[what] = self.outcomes.get(what, 0) + 1

    def fail(self, what):
        self.bad.append(what)

    def guarded(self, m):
        return any(t in m for t in self.protect)

    def check_reply(self, mtype, payload, label):
        if mtype != self.family:
            return
        try:
            rg.decode_reply(self.uapi, payload)
        except ValueError as e:
            self.fail("%s: a reply does not decode: %s (%s)" % (label, e, payload.hex()[:120]))

    def check_error(self, e, label, cmd):
        if e.errno not in ALLOWED_ERRNOS:
            self.fail("%s: errno %d (%s)" % (label, e.errno, rg.errname(e.errno)))
        if e.msg is not None and not all(0x20 <= ord(c) < 0x7f for c in e.msg):
            self.fail("%s: extack message not printable: %r" % (label, e.msg))
        if not self.admin and e.errno == 0 and cmd in self.state_cmds:
            self.fail("%s: an unprivileged state change succeeded" % label)
        self.note(rg.errname(e.errno) if e.errno else "OK")

    def send_one(self, m, asks_answer, label, conn=None, sync=True):
        """Send @m (then a sync request, unless it is a well-formed request) and check the answer."""
        conn = conn or self.conn
        if self.guarded(m):
            self.note("skipped")
            return
        seq = struct.unpack_from("=I", m, 8)[0] if len(m) >= 12 else 0
        # The command of our family the kernel may have taken it for (-1: not ours).
        mtype = struct.unpack_from("=H", m, 4)[0] if len(m) >= 6 else -1
        cmd = m[16] if len(m) > 16 and mtype == self.family else -1
        t0 = time.monotonic()
        try:
            res = rg.transact(conn, m, seq, sync=sync, timeout=TIMEOUT,
                              on_reply=lambda t, f, p: self.check_reply(t, p, label))
        except OSError as e:
            self.fail("%s: %s (message %s)" % (label, e, m.hex()[:160]))
            if e.errno == errno.ETIMEDOUT:
                raise
            self.reopen()
            return
        except ValueError as e:
            self.fail("%s: a datagram does not parse: %s" % (label, e))
            self.reopen()
            return
        self.sent += 1
        if time.monotonic() - t0 > TIMEOUT:
            self.fail("%s: took %.0f s" % (label, time.monotonic() - t0))
        if res.error is None:
            if asks_answer:
                self.fail("%s: no answer to a well-formed request (%s)" % (label, m.hex()[:160]))
            self.note("noreply")
            return
        self.check_error(res.error, label, cmd)

    def reopen(self):
        self.conn.close()
        self.conn = rg.Conn(self.uapi)

    def abandoned_dump(self):
        """Start a dump on a fresh socket with small reads, read a part, close the socket."""
        conn = rg.Conn(self.uapi, recvbuf=SMALL_RECVBUF)
        seq = conn.next_seq()
        cmd = self.rnd.choice(self.dump_cmds)
        conn.send(self.msg(cmd, b"", rg.NLM_F_REQUEST | rg.NLM_F_DUMP, seq))
        done = False
        for _ in range(self.rnd.randrange(0, 3)):
            try:
                buf = conn.recv(TIMEOUT)
            except OSError as e:
                self.fail("abandoned dump: %s" % e)
                break
            if buf is None:
                self.fail("abandoned dump: no answer in %.0f s" % TIMEOUT)
                break
            for mtype, _, _, _, payload in rg.parse_msgs(buf):
                done = done or mtype in (rg.NLMSG_DONE, rg.NLMSG_ERROR)
                self.check_reply(mtype, payload, "abandoned dump")
            if done:
                break
        conn.close()
        self.note("abandoned-dump")

    def drain_events(self):
        while True:
            try:
                buf = self.events.sock.recv(65536)
            except BlockingIOError:
                return
            except OSError as e:
                if e.errno == errno.ENOBUFS:
                    self.note("events-lost")
                    continue
                raise
            try:
                msgs = rg.parse_msgs(buf)
            except ValueError as e:
                self.fail("event datagram does not parse: %s" % e)
                continue
            for mtype, flags, _, _, payload in msgs:
                if mtype != self.family:
                    continue
                try:
                    cmd, attrs = rg.decode_reply(self.uapi, payload)
                except ValueError as e:
                    self.fail("an event does not decode: %s" % e)
                    continue
                if cmd != self.uapi.cmd("event") or "event_type" not in attrs:
                    self.fail("a multicast message that is no event: %r" % attrs)
                self.note("event")

    def step(self, i):
        t0 = time.monotonic()
        kind = self.step_kind(i)
        self.secs[kind] = self.secs.get(kind, 0.0) + time.monotonic() - t0

    def step_kind(self, i):
        """One message (or batch) of a kind chosen at random; returns the kind."""
        seq = self.conn.next_seq()
        r = self.rnd.random()
        if r < 0.25:
            kind = "random"
            self.send_one(self.random_msg(seq), False, "#%d random" % i)
        elif r < 0.45:
            kind = "valid"
            m, _ = self.valid(seq)
            self.send_one(m, True, "#%d valid" % i)
        elif r < 0.65:
            kind = "mutated"
            m, _ = self.valid(seq)
            self.send_one(self.mutate(m), False, "#%d mutated" % i)
        elif r < 0.75:
            kind = "header"
            m, _ = self.valid(seq)
            self.send_one(self.header(m), False, "#%d header" % i)
        elif r < 0.9:
            kind = "dump"
            if self.rnd.random() < 0.3:
                self.abandoned_dump()
                return "abandoned"
            cmd = self.rnd.choice(self.dump_cmds)
            flags = rg.NLM_F_REQUEST | rg.NLM_F_DUMP | self.rnd.choice(
                (0, rg.NLM_F_ACK, rg.NLM_F_ECHO, rg.NLM_F_ATOMIC, 0x20, 0x40, 0x80, 0x800,
                 rg.NLM_F_ACK | rg.NLM_F_ECHO))
            conn = None
            if self.rnd.random() < 0.3:
                conn = rg.Conn(self.uapi, recvbuf=SMALL_RECVBUF, rcvbuf=1)
                seq = conn.next_seq()
            # Well-formed, so always answered: no sync request, which a tiny SO_RCVBUF could drop.
            self.send_one(self.msg(cmd, self.random_attrs() if self.rnd.random() < 0.3 else b"",
                                   flags, seq), True, "#%d dump" % i, conn, sync=False)
            if conn:
                conn.close()
        else:
            kind = "batch"
            batch = b""
            for _ in range(self.rnd.randrange(2, 5)):
                m, _ = self.valid(self.conn.next_seq())
                if self.rnd.random() < 0.5:
                    m = self.mutate(m)
                batch += m + b"\0" * (rg.align4(len(m)) - len(m))
            self.send_one(batch, False, "#%d batch" % i)
        self.drain_events()
        return kind

    def cleanup(self):
        """Unbind every cache this run may have bound: all but the protected ones."""
        conn = rg.Conn(self.uapi)
        seq = conn.next_seq()
        res = rg.transact(conn, self.msg(self.uapi.cmd("cache_get"), b"",
                                         rg.NLM_F_REQUEST | rg.NLM_F_DUMP, seq), seq, sync=False)
        left = []
        for _, payload in res.replies:
            # The tag as bytes: a mutated one need not be UTF-8.
            tags = [p for t, p in rg.parse_attrs(payload, rg.GENL_HDR.size)
                    if t == self.a("cache_tag")]
            if not tags or tags[0].rstrip(b"\0") in self.protect:
                continue
            seq = conn.next_seq()
            m = self.msg(self.uapi.cmd("cache_unbind"), rg.nla(self.a("cache_tag"), tags[0]) +
                         rg.nla(self.a("cache_force"), b""), seq=seq)
            r = rg.transact(conn, m, seq, sync=False)
            if r.error is None or r.error.errno:
                left.append(repr(tags[0]))
        conn.close()
        return left

    def run(self):
        t0 = time.monotonic()
        try:
            for i in range(self.count):
                self.step(i)
        except OSError as e:
            self.fail("stopped: %s" % e)
        left = self.cleanup() if self.admin else []
        self.drain_events()
        print("sent=%d secs=%.0f %s" % (self.sent, time.monotonic() - t0,
                                        " ".join("%s=%d" % kv for kv in sorted(self.outcomes.items()))))
        print("secs by kind: " + " ".join("%s=%.1f" % kv for kv in sorted(self.secs.items())))
        if left:
            self.fail("caches left bound after the cleanup: %s" % " ".join(left))
        for b in self.bad[:MAX_BAD_SHOWN]:
            print("bad: " + b)
        if len(self.bad) > MAX_BAD_SHOWN:
            print("bad: ... and %d more" % (len(self.bad) - MAX_BAD_SHOWN))
        print("result=%s" % ("fail" if self.bad else "ok"))
        return 1 if self.bad else 0


def main(argv):
    seed = None
    count = 1000
    prefix = "fz"
    protect = []
    ndirs = 3
    for a in argv:
        key, _, val = a.partition("=")
        if key == "--seed":
            seed = int(val, 0)
        elif key == "--count":
            count = int(val, 0)
        elif key == "--prefix":
            prefix = val
        elif key == "--protect":
            protect.append(val)
        elif key == "--dirs":
            ndirs = int(val, 0)
        else:
            print(__doc__, file=sys.stderr)
            return 3
    if seed is None:
        seed = int.from_bytes(os.urandom(4), "little")
    print("seed=%d count=%d uid=%d" % (seed, count, os.geteuid()), flush=True)
    try:
        return Fuzzer(seed, count, prefix, protect, ndirs).run()
    except Exception:  # noqa: BLE001 -- any failure of the fuzzer itself ends the run as failed
        traceback.print_exc()
        print("result=fail")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
