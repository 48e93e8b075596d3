#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# s_client_ping.sh OUT S_CLIENT-ARGS...: openssl s_client sends "ping" and
# ends its input once the answer is in OUT (20 s at most), so that a test
# never waits on an echoing server until some timeout.  ("-quiet" alone
# keeps s_client running after its input ends: it implies -ign_eof.)
# Its errors go to OUT.err.  Exit status 0 if OUT holds "ping".
out=$1
shift
: >"$out"
{
	echo ping
	for _ in $(seq 200); do
		grep -q ping "$out" && break
		sleep 0.1
	done
} | timeout -k 5 30 openssl s_client -quiet -no_ign_eof "$@" >"$out" 2>"$out.err"
grep -q ping "$out"
