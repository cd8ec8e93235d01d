#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hold one file open and act on it on command, so a test can prove what happens to a file that is
never reopened.  Usage: fdctl.py PATH; then one command per line on stdin, one reply line on stdout:

    sum      read the whole file from offset 0 (pread) and reply with its MD5 (as fsc_sum computes it)
    evict    drop the file's clean pages (POSIX_FADV_DONTNEED) and reply "ok"
    quit     close and exit

The first reply line, "open", comes once the file is open.  Errors reply "error: ..." and go on."""
import hashlib
import os
import sys

CHUNK = 1 << 20


def main():
    fd = os.open(sys.argv[1], os.O_RDONLY)
    print("open", flush=True)
    for line in sys.stdin:
        cmd = line.strip()
        try:
            if cmd == "sum":
                h, off = hashlib.md5(), 0
                while True:
                    buf = os.pread(fd, CHUNK, off)
                    if not buf:
                        break
                    h.update(buf)
                    off += len(buf)
                print(h.hexdigest(), flush=True)
            elif cmd == "evict":
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                print("ok", flush=True)
            elif cmd == "quit":
                break
            else:
                print("error: unknown command " + cmd, flush=True)
        except OSError as e:
            print("error: " + str(e), flush=True)
    os.close(fd)


if __name__ == "__main__":
    main()
