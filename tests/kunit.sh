#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the KUnit suites under UML.  fs/fscache and fs/cachefiles of this repo are overlaid (symlinked) onto
# a hardlinked copy of linux-source-6.1 kept in the build cache; kunit.py builds into its own directory
# there, so a second run is incremental.  Ends with "N passed, N failed[, N skipped]".
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib.sh"

pristine="$(cache_dir)/linux-source-6.1"
[ -e "$pristine/.complete" ] || die "run scripts/deps.sh first"
# One source tree and build per checkout: the overlay symlinks point into it.
key=$(echo "$top" | md5sum | cut -c1-12)
tree="$(cache_dir)/kunit/$key/src"
build="$(cache_dir)/kunit/$key/build"

if [ ! -e "$tree/.complete" ]; then
	log "making the KUnit source tree $tree"
	rm -rf "$tree"
	mkdir -p "$(dirname "$tree")"
	cp -al "$pristine" "$tree"
	touch "$tree/.complete"
fi
# Overlay our directories; idempotent.
for d in fs/fscache fs/cachefiles; do
	if [ "$(readlink "$tree/$d" || true)" != "$top/$d" ]; then
		rm -rf "${tree:?}/$d"
		ln -s "$top/$d" "$tree/$d"
	fi
done
for f in $(cd "$top/include" && find . -type f -name '*.h'); do
	dst="$tree/include/$f"
	[ "$(readlink "$dst" || true)" = "$top/include/$f" ] || { rm -f "$dst"; ln -s "$top/include/$f" "$dst"; }
done

out=$(mktemp)
trap 'rm -f "$out"' EXIT
set +e
(cd "$tree" && python3 tools/testing/kunit/kunit.py run --arch=um --build_dir="$build" \
	--kunitconfig="$top/tests/.kunitconfig" --jobs="$(nproc)" "$@") 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
set -e

# kunit.py's parsed results: "[PASSED] case" / "[FAILED] case" / "[SKIPPED] case" lines, one per case.
passed=$(grep -cE '^\[[0-9:]+\] +\[PASSED\] [a-z_0-9]+$' "$out" || true)
failed=$(grep -cE '^\[[0-9:]+\] +\[(FAILED|CRASHED)\] [a-z_0-9]+$' "$out" || true)
skipped=$(grep -cE '^\[[0-9:]+\] +\[SKIPPED\] [a-z_0-9]+$' "$out" || true)
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	failed=1	# the build or the run itself failed
fi
if [ $((passed + failed + skipped)) -eq 0 ]; then
	log "KUnit ran no test"
	failed=1
fi
echo "kunit: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
