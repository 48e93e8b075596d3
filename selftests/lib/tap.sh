# SPDX-License-Identifier: GPL-2.0
#
# tap.sh - what every shell selftest shares: TAP output with a plan and
# the kselftest totals line, one work directory, the processes to stop
# at exit, and waiting for a port.  Sourced, never run:
#
#   . "$HERE/lib/tap.sh" NAME	# prints "TAP version 13"; W=/tmp/ssa-NAME.XXXXXX
#
# The script may define on_exit (its own cleanup, run first at exit) and
# nok_extra (more diagnostics for a failed test).  It appends the PIDs
# of what it starts in the background to PIDS, and ends with tap_end.
# A script that exits before tap_end (set -u, a bail-out) fails with a
# test line that says so, so that a suite cut short never passes.

# shellcheck disable=SC2034	# n, pass, fail, skip, PIDS are the script's too
n=0 pass=0 fail=0 skip=0
PIDS=()
TAP_ENDED=
W=$(mktemp -d "/tmp/ssa-${1:-test}.XXXXXX")
chmod 755 "$W"	# other users' programs (setpriv) read their inputs here
echo "TAP version 13"

totals() {
	echo "1..$n"
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
}

tap_exit() {
	local rc=$? p
	trap - EXIT
	if [ -z "$TAP_ENDED" ]; then
		n=$((n + 1)) fail=$((fail + 1))
		echo "not ok $n the script ran to its end (it exited early, status $rc)"
		totals
	fi
	if declare -F on_exit >/dev/null; then on_exit; fi
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$W"
	[ "$TAP_ENDED" != skip ] || exit 4
	[ -n "$TAP_ENDED" ] && [ "$fail" = 0 ] && exit 0
	exit 1
}
trap tap_exit EXIT

ok() { n=$((n + 1)) pass=$((pass + 1)); echo "ok $n $1"; }

# nok NAME: a failed test, with what the command said in $W/err and $W/out.
nok() {
	n=$((n + 1)) fail=$((fail + 1))
	echo "not ok $n $1"
	[ -s "$W/err" ] && head -c 800 "$W/err" | awk '{ print "#   err: " $0 }'
	[ -s "$W/out" ] && head -c 800 "$W/out" | awk '{ print "#   out: " $0 }'
	if declare -F nok_extra >/dev/null; then nok_extra; fi
	return 0
}

skp() { n=$((n + 1)) skip=$((skip + 1)); echo "ok $n $1 # SKIP $2"; }

# check NAME CONDITION: CONDITION is evaluated (so it may hold $? and pipes).
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }

# tap STATUS NAME [DETAIL]: a test whose status a command returned.
tap() {
	if [ "$1" = 0 ]; then
		ok "$2"
	else
		n=$((n + 1)) fail=$((fail + 1))
		echo "not ok $n $2"
		[ -z "${3:-}" ] || printf '%s\n' "$3" | sed 's/^/#   /'
	fi
	return 0
}

has() { grep -q -- "$1" "$W/out"; }
err_has() { grep -q -- "$1" "$W/err"; }

# bail REASON: the suite cannot go on ("Bail out!" fails it).
bail() { echo "Bail out! $1"; exit 1; }

# skip_all REASON: the suite does not apply here (exit status 4, as kselftest).
skip_all() { TAP_ENDED=skip; echo "1..0 # SKIP $1"; exit 4; }

# next_port: $PORT moves on to the suite's next port.
next_port() { PORT=$((PORT + 1)); }

# s_server_once OPTIONS...: OpenSSL's test server on the next $PORT, for
# one connection, its output in $W/srv.log; fails if it does not listen.
# (Descriptors 7 and 8, which a suite may hold for a daemon, stay out.)
s_server_once() {
	next_port
	openssl s_server -accept "$PORT" -naccept 1 -quiet "$@" >"$W/srv.log" 2>&1 7>&- 8>&- &
	PIDS+=($!)
	wait_port "$PORT" 20 $!
}

# capture_start FILE PORT / capture_stop: what crosses loopback to or
# from PORT, as tcpdump writes it, into FILE (empty without tcpdump).
capture_start() {
	: >"$1"
	command -v tcpdump >/dev/null || return 0
	tcpdump -i lo -U --immediate-mode -w "$1" "tcp port $2" >/dev/null 2>"$1.log" 7>&- 8>&- &
	CAPTURE_PID=$!
	PIDS+=("$CAPTURE_PID")
	# Capturing once it says "listening on" (a fixed sleep raced a
	# client that starts faster than tcpdump does under TCG).
	local _
	for _ in $(seq 200); do
		grep -q 'listening on' "$1.log" 2>/dev/null && return 0
		kill -0 "$CAPTURE_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
capture_stop() {
	[ -n "${CAPTURE_PID:-}" ] || return 0
	sleep 0.5
	kill "$CAPTURE_PID" 2>/dev/null
	wait "$CAPTURE_PID" 2>/dev/null
	CAPTURE_PID=
}

# wait_port PORT [SECONDS] [PID]: something listens on local TCP PORT.
# Fails after SECONDS (20), or as soon as PID (the server) has gone.
wait_port() {
	local end=$((SECONDS + ${2:-20}))
	while :; do
		ss -Hltn "sport = :$1" | grep -q . && return 0
		[ -z "${3:-}" ] || kill -0 "$3" 2>/dev/null || return 1
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.05
	done
}

# tap_end: the plan and the totals; the exit status says whether all passed.
tap_end() {
	TAP_ENDED=1
	totals
	exit 0	# tap_exit turns a failure into status 1
}
