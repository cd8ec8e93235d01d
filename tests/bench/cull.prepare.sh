#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host side of the cull workload: a hot set, hot/h0..h(HOT-1), of 8 MiB files, and a stream of cold
# files, cold/c000..., of 16 MiB, COLD_MIB in all (arguments HOT=N, default 8; COLD_MIB=N, default
# 1792).  Random data, so no filesystem can store it compressed or as holes.
set -euo pipefail
hot=${FSC_ARG_HOT:-8}
cold_mib=${FSC_ARG_COLD_MIB:-1792}
[[ $hot =~ ^[1-9][0-9]?$ ]] || { echo "cull: HOT=$hot is not a count (1-99)" >&2; exit 1; }
[[ $cold_mib =~ ^[1-9][0-9]{1,4}$ ]] || { echo "cull: COLD_MIB=$cold_mib is not a size in MiB" >&2; exit 1; }
hot_mib=8
cold_file_mib=16
mkdir -p "$1/hot" "$1/cold"
for ((i = 0; i < hot; i++)); do
	head -c $((hot_mib << 20)) /dev/urandom >"$1/hot/h$i"
done
for ((i = 0; i < cold_mib / cold_file_mib; i++)); do
	head -c $((cold_file_mib << 20)) /dev/urandom >"$1/cold/$(printf 'c%03d' "$i")"
done
