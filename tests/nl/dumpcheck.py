#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check a dump of many cookies read through small receive buffers, for the nl-dump suite.

  dumpcheck.py lookup DIR
      lstat() every file under DIR (each lookup of a 9p file makes a cookie); prints
      "files=N secs=S"
  dumpcheck.py dump [--recvbuf N] [--rcvbuf N] [--attempts N] [ATTR=TYPE:VALUE ...]
      dump FSCACHE_CMD_COOKIE_GET (with the filter attributes given, as rawgenl.py takes them) on a
      socket that only ever reads N bytes at a time (default 4096; the kernel then sizes each
      dump message to fit) with SO_RCVBUF as given, and compare the cookie ids it lists with
      /proc/fs/fscache/cookies and the "Cookies: n=" count of /proc/fs/fscache/stats, read before
      and after.  A dump flagged NLM_F_DUMP_INTR, or during which /proc changed, is run again, up
      to --attempts times (default 3).  Prints one "key=value ..." line:
        error=E attempts=A intr=I recvs=R listed=L unique=U dups=D proc=P stats=S missing=M extra=X
      where missing are ids /proc has and the dump lacks, extra the reverse; then the first few
      of each on lines "missing ..." and "extra ...".
"""

import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rawgenl  # noqa: E402

PROC_COOKIES = "/proc/fs/fscache/cookies"
PROC_STATS = "/proc/fs/fscache/stats"
SHOW_IDS = 10


def lookup(top):
    t0 = time.monotonic()
    n = 0
    stack = [top]
    while stack:
        d = stack.pop()
        with os.scandir(d) as it:
            for e in it:
                if e.is_dir(follow_symlinks=False):
                    stack.append(e.path)
                else:
                    e.stat(follow_symlinks=False)
                    n += 1
    print("files=%d secs=%.1f" % (n, time.monotonic() - t0))
    return 0


def proc_ids():
    """The cookie ids /proc/fs/fscache/cookies lists (after its two header lines)."""
    with open(PROC_COOKIES, encoding="ascii") as f:
        lines = f.read().splitlines()[2:]
    return [int(line.split()[0], 16) for line in lines if line.strip()]


def proc_count():
    with open(PROC_STATS, encoding="ascii") as f:
        for line in f:
            if line.startswith("Cookies:"):
                for word in line.split()[1:]:
                    if word.startswith("n="):
                        return int(word[2:])
    return -1


def dump_once(uapi, recvbuf, rcvbuf, attrs):
    """(error, intr, recvs, [ids]) of one dump on a fresh socket."""
    conn = rawgenl.Conn(uapi, rcvbuf=rcvbuf, recvbuf=recvbuf)
    id_attr = uapi.attr("cookie_id")
    ids = []

    def on_reply(_mtype, _flags, payload):
        for atype, p in rawgenl.parse_attrs(payload, rawgenl.GENL_HDR.size):
            if atype == id_attr:
                ids.append(struct.unpack("=I", p)[0])

    seq = conn.next_seq()
    msg = rawgenl.build_msg(conn.family, rawgenl.NLM_F_REQUEST | rawgenl.NLM_F_DUMP, seq,
                            uapi.cmd("cookie_get"),
                            b"".join(rawgenl.nla(t, p) for t, p in attrs), uapi.version)
    res = rawgenl.transact(conn, msg, seq, sync=False, on_reply=on_reply)
    conn.close()
    err = res.error.errno if res.error else -1
    return err, res.intr, res.recvs, ids


def dump(argv):
    recvbuf = 4096
    rcvbuf = None
    attempts = 3
    specs = []
    uapi = rawgenl.Uapi()
    for a in argv:
        if a.startswith("--recvbuf="):
            recvbuf = int(a.split("=", 1)[1], 0)
        elif a.startswith("--rcvbuf="):
            rcvbuf = int(a.split("=", 1)[1], 0)
        elif a.startswith("--attempts="):
            attempts = int(a.split("=", 1)[1], 0)
        else:
            specs.append(rawgenl.parse_attr_spec(uapi, a))

    intr_total = 0
    for attempt in range(1, attempts + 1):
        before = proc_ids()
        stats = proc_count()
        err, intr, recvs, ids = dump_once(uapi, recvbuf, rcvbuf, specs)
        after = proc_ids()
        intr_total += intr
        if not intr and sorted(before) == sorted(after):
            break
    want = set(after)
    got = set(ids)
    missing = sorted(want - got)
    extra = sorted(got - want)
    print("error=%d attempts=%d intr=%d recvs=%d listed=%d unique=%d dups=%d proc=%d stats=%d "
          "missing=%d extra=%d" % (err, attempt, intr_total, recvs, len(ids), len(got),
                                   len(ids) - len(got), len(after), stats, len(missing),
                                   len(extra)))
    if missing:
        print("missing " + " ".join("%08x" % i for i in missing[:SHOW_IDS]))
    if extra:
        print("extra " + " ".join("%08x" % i for i in extra[:SHOW_IDS]))
    return 0


def main(argv):
    try:
        if argv[:1] == ["lookup"] and len(argv) == 2:
            return lookup(argv[1])
        if argv[:1] == ["dump"]:
            return dump(argv[1:])
    except (OSError, ValueError, rawgenl.UsageError) as e:
        print("dumpcheck: %s" % e, file=sys.stderr)
        return 3
    print(__doc__, file=sys.stderr)
    return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
