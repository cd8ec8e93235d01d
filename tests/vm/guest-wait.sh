# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Waiting on a condition in the guest, shared by guest-init.sh and guest-lib.sh (which suites source).

# fsc_wait_for SECS COMMAND...: poll COMMAND every 0.1 s until it succeeds; fail after SECS seconds.
fsc_wait_for() {
	local secs=$1 deadline
	shift
	deadline=$((SECONDS + secs))
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}
