#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the nl-libnl suite: build tests/nl/libnl-client (libnl-genl-3) into the run directory,
# which the guest sees at the same path.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
make -s -C "$top/tests/nl" OUT="$(cd "$1/.." && pwd)"
