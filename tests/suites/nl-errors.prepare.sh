#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the nl-errors suite: a file to hold open on the cached mount while unbinding.
set -euo pipefail
head -c 2097152 /dev/urandom >"$1/held"
