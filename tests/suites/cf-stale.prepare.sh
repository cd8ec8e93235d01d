#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the cf-stale suite: six files of 3 MiB of random data, dated 2020.  9p's coherency data
# for a file is QEMU's qid version, made of the file's mtime in whole seconds and its size: the old date
# makes sure that a change the guest makes to a file later gives it another version, even a change
# that keeps the size and is made within a second of the file's creation.
set -euo pipefail
for f in s-same s-grow s-shrink m-same m-size keep; do
	head -c 3145728 /dev/urandom >"$1/$f"
done
touch -d '2020-01-01 00:00:00' "$1"/*
