# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers shared by the nl-* suites (the "fscache" generic netlink family, fscachectl and the raw
# clients of tests/nl/).  Sourced by each suite after guest-lib.sh; not a suite.
#
#   nl_jq PATH...              pick values out of JSON on stdin (tests/nl/jpath.py; no jq here)
#   nl_raw ARGS...             one request through tests/nl/rawgenl.py; its last line is the result
#   nl_srv_open NAME [CMD...]  start a rawgenl.py server NAME (CMD prefixes it, e.g. setpriv ...)
#   nl_req NAME WORDS...       one request through server NAME; prints its result line
#   nl_req_line NAME LINE      the same, the words quoted in one line
#   nl_srv_close NAME          end server NAME
#   nl_state                   `fscachectl -j cache show` without fs_free: what "state unchanged"
#                              compares
#   nl_config                  the same without usage, objects and counters: the caches' settings
#   nl_expect DESC WANT NAME WORDS...
#                              a case: the request's result line matches the glob WANT and the
#                              state is still $NL_STATE (set it with nl_state_save)
#   nl_expect_line DESC WANT NAME LINE    the same, the words in one line
#   nl_le64 N                  N as the hex of a little-endian u64
#   nl_9p_key FILE             the cookie key 9p gives FILE: its qid.path as a little-endian u64, in
#                              hex; the inode number the guest sees is qid.path + 2 (v9fs_qid2ino)
#   nl_mount TAG DIR [OPTS]    mount 9p tag TAG on DIR with cache=fscache
#   nl_core_ours               the fscache core is ours (volume and cookie dumps exist)

NL_DIR=$FSC_REPO/tests/nl
# Debian's python3: the host's PATH may put another one first, which the guest may not run.
NL_PY=/usr/bin/python3
FSCTL=$FSC_FSCACHECTL
# shellcheck disable=SC2034  # for the suites
NL_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
NL_REPLY_SECS=120	# longest wait for a server's answer (a dump of many cookies under TCG)

nl_jq() { "$NL_PY" "$NL_DIR/jpath.py" "$@"; }

nl_raw() { "$NL_PY" "$NL_DIR/rawgenl.py" "$@"; }

nl_core_ours() { [ "$FSC_CORE" = ours ]; }

declare -A _nl_srv_in _nl_srv_out _nl_srv_pid

# nl_srv_open NAME [CMD...]: a rawgenl.py server reading requests from a FIFO, answering on another.
nl_srv_open() {
	local name=$1 dir=/tmp/nl-srv-$1 win wout
	shift
	mkdir -p "$dir" && rm -f "$dir/in" "$dir/out" && mkfifo -m 0666 "$dir/in" "$dir/out" || return 1
	chmod 0755 "$dir"
	"$@" "$NL_PY" "$NL_DIR/rawgenl.py" serve <"$dir/in" >"$dir/out" 2>/dev/console &
	_nl_srv_pid[$name]=$!
	exec {win}>"$dir/in" {wout}<"$dir/out"
	_nl_srv_in[$name]=$win
	_nl_srv_out[$name]=$wout
}

# nl_srv_close NAME: end server NAME (EOF on its input) and wait for it.
nl_srv_close() {
	local name=$1 fin fout
	[ -n "${_nl_srv_pid[$name]:-}" ] || return 0
	fin=${_nl_srv_in[$name]}
	fout=${_nl_srv_out[$name]}
	exec {fin}>&- {fout}<&-
	wait "${_nl_srv_pid[$name]}"
	unset "_nl_srv_pid[$name]"
}

# nl_req NAME WORDS...: one request through server NAME (words as rawgenl.py takes them).
nl_req() {
	local name=$1
	shift
	nl_req_line "$name" "$(printf '%q ' "$@")"
}

# nl_req_line NAME LINE: the same with the words in one line, quoted as for a shell.
nl_req_line() {
	local name=$1 line
	printf '%s\n' "$2" >&"${_nl_srv_in[$name]}" || {
		echo "SERVER-GONE"
		return 1
	}
	if ! read -r -t "$NL_REPLY_SECS" line <&"${_nl_srv_out[$name]}"; then
		echo "SERVER-GONE"
		return 1
	fi
	echo "$line"
}

# The backing filesystem's free space is left out: binding any cache on it takes a block.
# nl_state [CMD...]: CMD (e.g. setpriv ...) prefixes fscachectl.
# shellcheck disable=SC2120  # the suites pass CMD
nl_state() { "$@" "$FSCTL" -j cache show 2>&1 | sed 's/"fs_free":[0-9]*,//g'; }

# nl_config: the caches' configuration only (what `cache show` gives but usage, objects, counters).
nl_config() {
	"$FSCTL" -j cache show 2>&1 |
		sed -E 's/"(usage|in_use|objects|fs_free)":[0-9]*,//g; s/,"stats":\{[^}]*\}//g'
}

NL_STATE=""
# shellcheck disable=SC2119  # as root
nl_state_save() { NL_STATE=$(nl_state); }

# nl_expect DESC WANT NAME WORDS...: one case; WANT is a glob the whole result line must match.
nl_expect() {
	local desc=$1 want=$2 name=$3
	shift 3
	nl_expect_line "$desc" "$want" "$name" "$(printf '%q ' "$@")"
}

# nl_expect_line DESC WANT NAME LINE: the same with the request's words in one line.
nl_expect_line() {
	local desc=$1 want=$2 name=$3 got now
	got=$(nl_req_line "$name" "$4")
	# shellcheck disable=SC2119  # as root
	now=$(nl_state)
	# shellcheck disable=SC2053  # WANT is a glob on purpose
	if [[ $got == $want ]] && [ "$now" = "$NL_STATE" ]; then
		tap_ok 0 "$desc"
		return 0
	fi
	tap_ok 1 "$desc"
	tap_diag "request: $4" "     got: $got" "    want: $want"
	[ "$now" = "$NL_STATE" ] || tap_diag "state changed:" "  before: $NL_STATE" "   after: $now"
	return 1
}

nl_le64() {
	local h out="" i
	h=$(printf '%016x' "$1")
	for ((i = 14; i >= 0; i -= 2)); do
		out+=${h:i:2}
	done
	echo "$out"
}

nl_9p_key() {
	local ino
	ino=$(stat -c %i "$1") || return 1
	nl_le64 $((ino - 2))
}

nl_mount() {
	mkdir -p "$2" && mount -t 9p -o "$FSC_9P_OPTS,cache=fscache${3:+,$3}" "$1" "$2"
}

# Servers still open at exit are ended with the script (their FIFOs close with it).
