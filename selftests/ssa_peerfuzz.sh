#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ssa_peerfuzz.sh - the hostile-peer fuzzer (lib/tls_fuzz_peer.py) against
# the SSA server (samples/ssa_server) and the SSA client
# (samples/ssa_client), inside the VM.  The policy's handshake timeout is
# 5 s meanwhile, so a peer that goes silent costs 5 s, not 30; every case
# must end within 15 s, the client's with an error in words.  Afterwards the server must still serve a real
# client (openssl s_client).
#
#   SSA_PEERFUZZ_CASES (per side, default 40), SSA_PEERFUZZ_SEED.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
FS=/sys/kernel/security/tls_ssa
CASES=${SSA_PEERFUZZ_CASES:-40}
SEED=${SSA_PEERFUZZ_SEED:-$((RANDOM * 32768 + RANDOM))}
W=$(mktemp -d /tmp/ssa-peerfuzz.XXXXXX)
SRV=
cleanup() {
	[ -z "$SRV" ] || kill "$SRV" 2>/dev/null
	printf '[default]\n' >"$FS/policy" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
echo "TAP version 13"
echo "# seed $SEED"
"$HERE/lib/mkpki.sh" "$W/pki" >/dev/null 2>&1 || { echo "Bail out! mkpki"; exit 1; }
PKI=$W/pki
# One write() per policy: bash's printf may write line by line.
printf '[default]\nhandshake_timeout = 5\n' >"$W/fast.conf"
"$REPO/tools/ssactl/ssactl" policy load "$W/fast.conf" >/dev/null ||
	{ echo "Bail out! cannot load a policy: $(cat "$FS/last_error")"; exit 1; }
PORT=$((20000 + RANDOM % 20000))
"$REPO/samples/ssa_server" -c "$PKI/srv.pem" -k "$PKI/srv.key" -e "$PORT" >/dev/null 2>&1 &
SRV=$!
for _ in $(seq 50); do ss -ltn | grep -q ":$PORT " && break; sleep 0.1; done

n=0 fail=0
tap() {	# tap STATUS LINE: renumber the fuzzer's "ok - ..." lines
	n=$((n + 1))
	[ "$1" = 0 ] || fail=$((fail + 1))
	echo "$2" | sed "s/^\(not ok\|ok\) - /\1 $n /"
}
out=$(python3 "$HERE/lib/tls_fuzz_peer.py" client --port "$PORT" --cases "$CASES" \
	--seed "$SEED" --limit 15)
rc=$?
grep '^#' <<<"$out"
tap $rc "$(grep -E '^(not )?ok' <<<"$out")"

if "$HERE/lib/s_client_ping.sh" "$W/alive" -connect "127.0.0.1:$PORT" -servername localhost \
	-verify_return_error -CAfile "$PKI/ca.pem"; then
	tap 0 "ok - the SSA server still serves a real client"
else tap 1 "not ok - the SSA server still serves a real client"; fi

out=$(python3 "$HERE/lib/tls_fuzz_peer.py" server --client "$REPO/samples/ssa_client" \
	--ca "$PKI/ca.pem" --cases "$CASES" --seed "$SEED" --limit 15)
rc=$?
grep '^#' <<<"$out"
tap $rc "$(grep -E '^(not )?ok' <<<"$out")"

echo "1..$n"
echo "# Totals: pass:$((n - fail)) fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
