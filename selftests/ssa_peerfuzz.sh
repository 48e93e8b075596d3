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
. "$HERE/lib/tap.sh" peerfuzz
on_exit() { printf '[default]\n' >"$FS/policy" 2>/dev/null; }
echo "# seed $SEED"
"$HERE/lib/mkpki.sh" "$W/pki" >/dev/null 2>&1 || bail mkpki
PKI=$W/pki
# One write() per policy: bash's printf may write line by line.
printf '[default]\nhandshake_timeout = 5\n' >"$W/fast.conf"
"$REPO/tools/ssactl/ssactl" policy load "$W/fast.conf" >/dev/null ||
	bail "cannot load a policy: $(cat "$FS/last_error")"
PORT=$((20000 + RANDOM % 20000))
"$REPO/samples/ssa_server" -c "$PKI/srv.pem" -k "$PKI/srv.key" -e "$PORT" >/dev/null 2>&1 &
PIDS+=($!)
wait_port "$PORT" 20 $! || bail "the SSA server does not listen"

# fuzzed STATUS SIDE OUTPUT: the test line the fuzzer printed ("ok - NAME").
fuzzed() {
	local name
	name=$(sed -nE 's/^(not )?ok - //p' <<<"$3" | head -n 1)
	tap "$1" "${name:-the fuzzer against the SSA $2 printed no verdict}"
}
out=$(python3 "$HERE/lib/tls_fuzz_peer.py" client --port "$PORT" --cases "$CASES" \
	--seed "$SEED" --limit 15)
rc=$?
grep '^#' <<<"$out"
fuzzed $rc server "$out"

if "$HERE/lib/s_client_ping.sh" "$W/alive" -connect "127.0.0.1:$PORT" -servername localhost \
	-verify_return_error -CAfile "$PKI/ca.pem"; then
	ok "the SSA server still serves a real client"
else nok "the SSA server still serves a real client"; fi

out=$(python3 "$HERE/lib/tls_fuzz_peer.py" server --client "$REPO/samples/ssa_client" \
	--ca "$PKI/ca.pem" --cases "$CASES" --seed "$SEED" --limit 15)
rc=$?
grep '^#' <<<"$out"
fuzzed $rc client "$out"

tap_end
