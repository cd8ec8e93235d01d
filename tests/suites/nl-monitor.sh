# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# nl-monitor: `fscachectl monitor` prints every event of the "events" group, as text and with -j as one
# JSON object per line, also for an unprivileged user:
#
#   a cache bound (with its limits), its limits changed twice, unbound: four events in that order, with
#   the figures of the time;
#   a cache bound "owned" by a fscachectl in the background: withdrawn (and the event sent) when that
#   process gets SIGTERM, when it is killed with SIGKILL (the kernel sees its socket close), and the
#   owning process exits by itself, status 0, when its cache is unbound by someone else.
#
# Synchronisation: the monitors are known to be listening once each has printed an event of a probe
# cache whose capacity is changed until they have; every later wait is for a line to appear.
# vm-timeout: 400

# shellcheck source=tests/nl/lib.sh
. "$FSC_REPO/tests/nl/lib.sh"

tap_plan 12

for d in probe mon own own2 own3; do
	mkdir -p "/mnt/cache/$d"
done
MJ=/tmp/mon.json
MT=/tmp/mon.txt
MN=/tmp/mon-nobody.json

"$FSCTL" cache bind /mnt/cache/probe tag probe
"$FSCTL" -j monitor >"$MJ" 2>/dev/console &
mj=$!
"$FSCTL" monitor >"$MT" 2>/dev/console &
mt=$!
"${NL_NOBODY[@]}" "$FSCTL" -j monitor >"$MN" 2>/dev/console &
mn=$!

probe_mb=0
probe_seen() {
	probe_mb=$((probe_mb + 1))
	"$FSCTL" limit probe "${probe_mb}M"
	grep -q '"event":"limit_changed","tag":"probe"' "$MJ" && grep -q ' limit_changed  cache probe ' "$MT" &&
		grep -q '"event":"limit_changed","tag":"probe"' "$MN"
}
fsc_wait_for 60 probe_seen
tap_ok $? "three monitors (-j, text, -j as nobody) print events ($probe_mb changes of a probe cache)"
"$FSCTL" cache unbind probe
probe_gone() {
	grep -q '"event":"cache_withdrawn","tag":"probe"' "$MJ" && grep -q '"event":"cache_withdrawn","tag":"probe"' "$MN" &&
		grep -q ' cache_withdrawn  cache probe ' "$MT"
}
fsc_wait_for 30 probe_gone
nj=$(wc -l <"$MJ")
nt=$(wc -l <"$MT")
nn=$(wc -l <"$MN")

# events_of FILE SKIP TAG: "event capacity high low" per event of cache TAG after line SKIP of FILE (JSON).
events_of() { tail -n +$(($2 + 1)) "$1" | grep "\"tag\":\"$3\"" | nl_jq -l event capacity high_wmark low_wmark | paste -d' ' - - - -; }

t0=$(date +%s%N)
"$FSCTL" cache bind /mnt/cache/mon tag mon capacity 64M high 80 low 70
"$FSCTL" limit mon 128M
"$FSCTL" cache set tag mon high 90 low 60
"$FSCTL" cache unbind mon
mon_done() {
	tail -n +$((nj + 1)) "$MJ" | grep -q '"event":"cache_withdrawn","tag":"mon"' &&
		tail -n +$((nn + 1)) "$MN" | grep -q '"event":"cache_withdrawn","tag":"mon"' &&
		tail -n +$((nt + 1)) "$MT" | grep -q ' cache_withdrawn  cache mon '
}
fsc_wait_for 30 mon_done
t1=$(date +%s%N)
want="cache_bound 67108864 80 70
limit_changed 134217728 80 70
limit_changed 134217728 90 60
cache_withdrawn 134217728 90 60"
tap_is "$(events_of "$MJ" "$nj" mon)" "$want" "monitor -j: bound, limit changed twice, withdrawn, each with the limits then"
times=$(tail -n +$((nj + 1)) "$MJ" | grep '"tag":"mon"' | nl_jq -l time)
first=$(head -n1 <<<"$times")
last=$(tail -n1 <<<"$times")
[ "$(sort -n <<<"$times")" = "$times" ] && [[ $first =~ ^[0-9]+$ ]] && [ "$first" -ge "$t0" ] && [ "$last" -le "$t1" ]
tap_ok $? "their times are in order and between the first command and the last event ($first..$last)"
tap_is "$(tail -n +$((nt + 1)) "$MT" | grep ' cache mon ' |
	sed -n 's/^[^ ]* \([a-z_]*\)  cache mon  capacity \([0-9]* [KMG]iB\)  usage .*  high \([0-9]*%\)  low \([0-9]*%\)$/\1 \2 \3 \4/p')" \
	"cache_bound 64 MiB 80% 70%
limit_changed 128 MiB 80% 70%
limit_changed 128 MiB 90% 60%
cache_withdrawn 128 MiB 90% 60%" "monitor (text): the same four events, one line each"
tap_is "$(events_of "$MN" "$nn" mon)" "$want" "monitor -j as an unprivileged user: the same four events"

# ---- Owned caches -------------------------------------------------------------------------------------

# owned_bind TAG: bind /mnt/cache/TAG owned by a fscachectl in the background ($op), wait for it.
owned_bind() {
	"$FSCTL" cache bind "/mnt/cache/$1" tag "$1" owned 2>"/tmp/$1.err" &
	op=$!
	fsc_wait_for 30 fsc_cache_active "$1"
}
# withdrawn TAG: monitor -j printed the withdrawal of TAG.
withdrawn() { grep -q "\"event\":\"cache_withdrawn\",\"tag\":\"$1\"" "$MJ"; }

owned_bind own
tap_is "$("$FSCTL" -j cache show tag own | nl_jq 0.owned 0.state | paste -sd' ')" "true active" \
	"cache bind ... owned: cache own is bound, and shown as owned"
kill -TERM "$op"
wait "$op"
tap_is "$?:$(grep -c 'unbinding cache own' /tmp/own.err)" "0:1" "SIGTERM to the owner: it exits 0, saying it unbinds the cache"
fsc_wait_for 30 withdrawn own
tap_ok "withdrawn own && ! fsc_cache_active own && [ \"\$(\"\$FSCTL\" -j cache show)\" = '[]' ]" \
	"cache own is withdrawn (the event is printed) and gone"

owned_bind own2
kill -KILL "$op"
wait "$op"
fsc_wait_for 30 withdrawn own2
tap_ok "withdrawn own2 && ! fsc_cache_active own2 && [ \"\$(\"\$FSCTL\" -j cache show)\" = '[]' ]" \
	"SIGKILL to the owner of own2: the kernel withdraws it when the socket closes (the event is printed)"

owned_bind own3
"$FSCTL" cache unbind own3
wait "$op"
tap_is "$?:$(grep -c 'cache own3 was unbound' /tmp/own3.err)" "0:1" \
	"own3 unbound by another fscachectl: its owner exits 0 by itself, saying so"
fsc_wait_for 30 withdrawn own3
tap_is "$(tail -n +$((nj + 1)) "$MJ" | grep '"tag":"own' | nl_jq -l tag event | paste -d' ' - -)" \
	"own cache_bound
own cache_withdrawn
own2 cache_bound
own2 cache_withdrawn
own3 cache_bound
own3 cache_withdrawn" "monitor -j saw each owned cache bound and withdrawn, in order"

kill -INT "$mj" "$mt"
kill -TERM "$mn"
rcs=""
for p in "$mj" "$mt" "$mn"; do
	wait "$p"
	rcs+="$? "
done
tap_is "$rcs" "0 0 0 " "the monitors exit 0 on SIGINT and SIGTERM"
