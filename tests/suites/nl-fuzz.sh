# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# nl-fuzz: tests/nl/fuzz.py sends random and mutated messages to the "fscache" family (random commands
# and attributes, mutated valid requests, broken headers, dumps with odd flags read in small pieces or
# abandoned, batches), first as root, then as an unprivileged user, with the harness's cache bound and
# a mount using it.  Each run checks every answer (see fuzz.py); the suite checks that the harness's
# cache was left as it was, that the mount still reads right, and, through the harness, that the
# kernel reported nothing (on the debug kernel: KASAN, lockdep, kmemleak).  The fuzzer binds caches
# fz0..fz2 on /mnt/cache/fz0..2 and unbinds them at the end; it never sends a message naming the
# harness's cache.
#
# Arguments: COUNT=N messages as root (default 10000), UNPRIV=N as the unprivileged user (default a
# third of COUNT), SEED=N (default random; the seed of each run is in its output, "seed=N", and
# SEED=N repeats the root run, N+1 the unprivileged one).
# vm-timeout: 900

# shellcheck source=tests/nl/lib.sh
. "$FSC_REPO/tests/nl/lib.sh"

count=${FSC_ARG_COUNT:-10000}
unpriv=${FSC_ARG_UNPRIV:-$((count / 3))}
seed=${FSC_ARG_SEED:-$((RANDOM * 32768 + RANDOM))}
tap_plan 7

fsc_bind_cache || { tap_ok 1 "bind a cache: $FSC_BIND_REASON"; tap_skip_rest 6 "no cache"; exit 0; }
want=$(md5sum <"$FSC_HOST_SHARE/data" | cut -d' ' -f1)
tap_ok "fsc_mount_share && [ \"\$(fsc_sum $FSC_SHARE/data)\" = $want ]" \
	"bind the cache and read a file through a cache=fscache mount" || { tap_skip_rest 6 "no mount"; exit 0; }
mkdir -p /mnt/cache/fz0 /mnt/cache/fz1 /mnt/cache/fz2
state=$(nl_config)

out=$("$NL_PY" "$NL_DIR/fuzz.py" --seed="$seed" --count="$count" --protect="$FSC_CACHE_TAG")
tap_diag "$out"
tap_is "$(tail -n1 <<<"$out")" "result=ok" "as root: $count messages (seed $seed), every answer as it should be"
tap_is "$(nl_config)" "$state" "the harness's cache is as it was, and no fuzzer cache is left"

out=$("${NL_NOBODY[@]}" "$NL_PY" "$NL_DIR/fuzz.py" --seed=$((seed + 1)) --count="$unpriv" --protect="$FSC_CACHE_TAG")
tap_diag "$out"
tap_is "$(tail -n1 <<<"$out")" "result=ok" "unprivileged: $unpriv messages (seed $((seed + 1))), no state change accepted"
tap_is "$(nl_config)" "$state" "the caches are as they were"

fsc_drop_caches
tap_is "$(fsc_sum "$FSC_SHARE/data")" "$want" "the mount still reads right"
tap_ok "fsc_cache_active $FSC_CACHE_TAG && fsc_umount_share" "the cache is still active; unmount"
