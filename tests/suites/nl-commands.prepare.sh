#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the nl-commands suite: a few files of random data of odd sizes, and one to hold open.
set -euo pipefail
share=$1
mkdir -p "$share/data"
head -c 100000 /dev/urandom >"$share/data/f1"
head -c 300000 /dev/urandom >"$share/data/f2"
head -c 1048577 /dev/urandom >"$share/data/f3"
head -c 2097152 /dev/urandom >"$share/held"
