#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# s_client_ping.sh OUT S_CLIENT-ARGS...: openssl s_client sends "ping" and
# ends its input once the answer is in OUT (20 s at most) or s_client has
# gone, so that a test never waits on an echoing server until some
# timeout.  ("-quiet" alone keeps s_client running after its input ends:
# it implies -ign_eof.)  Its errors go to OUT.err.  Exit status 0 if OUT
# holds "ping".
out=$1
shift
: >"$out"
fifo=$out.in
rm -f "$fifo"
mkfifo "$fifo" || exit 1
timeout -k 5 30 openssl s_client -quiet -no_ign_eof "$@" <"$fifo" >"$out" 2>"$out.err" &
pid=$!
# (A deadline, not a count: each grep and sleep is a fork, slow in the VM.)
{
	echo ping
	end=$((SECONDS + 20))
	while [ "$SECONDS" -lt "$end" ] && kill -0 "$pid" 2>/dev/null; do
		grep -q ping "$out" && break
		sleep 0.1
	done
} >"$fifo"
wait "$pid"
rm -f "$fifo"
grep -q ping "$out"
