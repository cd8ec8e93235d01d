#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the trace suite.
set -euo pipefail
head -c 1048576 /dev/urandom >"$1/traced"
