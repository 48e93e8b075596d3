#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ssa_alerts.sh - how a handshake fails, checked against RFC 8446 section
# 6.2 on both sides, inside the VM.  A TLS 1.3 peer of our own
# (lib/tls13_peer.py) breaks one thing per case: a Finished with a bit
# flipped or a stray byte, a forged CertificateVerify, an unexpected
# message, a bad extension, an illegal parameter, no common group,
# version or suite, a ClientHello of 28, 60 and 100 KiB.  Each case
# names the alert the peer must receive, the key it must be under
# (RFC 8446 A.1, A.2: a server's alerts are plaintext before its
# ServerHello, under its handshake key until its Finished and under its
# application key after; a client's are plaintext until it has the
# server's Finished, under its handshake key until its own) and that the
# connection then ends with a FIN.  Cases that must work end with application data both ways.
# The server certificate chains over 16 KiB come from openssl s_server.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
PEER=$HERE/lib/tls13_peer.py
FS=/sys/kernel/security/tls_ssa
. "$HERE/lib/tap.sh" alerts
on_exit() { printf '[default]\n' >"$FS/policy" 2>/dev/null; }
"$HERE/lib/mkpki.sh" "$W/pki" >/dev/null 2>&1 || bail mkpki
PKI=$W/pki
# A peer that goes silent costs 5 s, not 30 (one write() per policy).
printf '[default]\nhandshake_timeout = 5\n' >"$W/fast.conf"
"$REPO/tools/ssactl/ssactl" policy load "$W/fast.conf" >/dev/null 2>&1 ||
	echo "# policy locked: silent peers cost the default handshake timeout"

# verdicts: lines "CASE<TAB>ALERT<TAB>KEY<TAB>JSON" in, one "0" (as expected) or
# "1" out per line.  ALERT is "done" (the connection must work), or a
# |-separated set of alert names; KEY the key it must be under.  One
# process for all the cases: each start-up costs a second in the VM.
verdicts() {
	python3 -c '
import json, sys
for line in sys.stdin:
    case, want, key, r = line.rstrip("\n").split("\t", 3)
    try:
        r = json.loads(r)
    except ValueError:
        r = {"error": "no JSON from the peer"}
    if r.get("case") != case:     # a line out of step judges nothing
        r = {"error": "the peer line is for another case"}
    wants = want.split("|")
    if r.get("done") is True and "error" not in r and r.get("alert") is None:
        ok = "done" in wants
    elif want == "silent":   # no answer to the peer fatal alert, then a FIN
        ok = r.get("alert") is None and r.get("close") == "fin" and "error" not in r
    elif want == "tls12":    # a TLS 1.2 ServerHello, and no alert after it
        ok = r.get("version") == "TLSv1.2" and r.get("alert") is None and "error" not in r
    else:
        ok = r.get("alert") in wants and r.get("key") == key and r.get("close") == "fin"
    print(0 if ok else 1, flush=True)'
}

# judge CASES WANTS KEYS: the verdicts of res[i] against the arrays
# named, one per case, into v[i].
judge() {
	local -n jc=$1 jw=$2 jk=$3
	local i
	for i in "${!jc[@]}"; do
		printf '%s\t%s\t%s\t%s\n' "${jc[$i]}" "${jw[$i]}" "${jk[$i]}" "${res[$i]:-}"
	done | verdicts >"$W/verdicts"
	mapfile -t v <"$W/verdicts"
}

# expect CASE JSON ALERT KEY: one case's verdict, as an exit status.
expect() {
	[ "$(printf '%s\t%s\t%s\t%s\n' "$1" "$3" "$4" "$2" | verdicts)" = 0 ]
}

# ssa_client_to PORT: samples/ssa_client sends "ping" and keeps the answer
# in $W/client.out, its errors in $W/client.err; sets rc.
ssa_client_to() {
	timeout 60 "$REPO/samples/ssa_client" -n localhost -A "$PKI/ca.pem" -u "$W/ping" \
		-o "$W/client.out" 127.0.0.1 "$1" 2>"$W/client.err"
	rc=$?
}

PORT=$((20000 + RANDOM % 20000))
start_server() {	# start_server PORT ARGS...: an echoing SSA server
	local port=$1
	shift
	"$REPO/samples/ssa_server" -c "$PKI/srv.pem" -k "$PKI/srv.key" -e "$@" "$port" \
		>>"$W/server.log" 2>&1 &
	PIDS+=($!)
	wait_port "$port" 20 $!
}
start_server "$PORT"
start_server $((PORT + 1)) -V 2 -A "$PKI/ca.pem"

# --- the SSA server against a hostile client --------------------------------
# case  expected-alert  key  [port offset].  One peer process per port
# runs its cases in turn, one connection each.
sc=() sw=() sk=() so=()
while read -r c want key off; do
	[ -n "$c" ] || continue
	sc+=("$c") sw+=("$want") sk+=("${key:-}") so+=("${off:-0}")
done <<'CASES'
ok			done
groups-hrr		done
groups-grease		done
hello-28k		done
hello-60k		done
hello-100k		decode_error		plaintext
finished-bitflip	decrypt_error		application
finished-short		decode_error		application
finished-stray-after	unexpected_message	application
finished-stray-before	decode_error		application
unexpected-message	unexpected_message	application
appdata-before-finished	unexpected_message	application
cert-unrequested	unexpected_message	application
client-alert		silent
no-cert			certificate_required	application	1
bad-cert-verify		decrypt_error		application	1
groups-unsupported	handshake_failure	plaintext
share-bad-length	illegal_parameter|decode_error	plaintext
share-unlisted		done|illegal_parameter	plaintext
no-common-suite		handshake_failure	plaintext
no-common-version	protocol_version	plaintext
tls12-cbc-only		handshake_failure	plaintext
tls12-rsa-kx-only	handshake_failure	plaintext
tls12-grease		tls12
ext-lying-length	decode_error		plaintext
record-overflow		record_overflow		plaintext
ext-duplicate		illegal_parameter|decode_error	plaintext
ok-split		done
hello-60k-split		done
empty-hs-record		unexpected_message|decode_error	application
CASES
res=()
for off in $(printf '%s\n' "${so[@]}" | sort -un); do
	idx=() list=
	for i in "${!sc[@]}"; do
		[ "${so[$i]}" = "$off" ] || continue
		idx+=("$i") list+=${list:+,}${sc[$i]}
	done
	timeout $((60 * ${#idx[@]})) python3 "$PEER" client "$list" --port $((PORT + off)) \
		--cert "$PKI/client.pem" --key "$PKI/client.key" >"$W/peer.out"
	# Line j is the j-th case on that port.
	mapfile -t lines <"$W/peer.out"
	for j in "${!idx[@]}"; do res[${idx[$j]}]=${lines[$j]:-}; done
done
judge sc sw sk
for i in "${!sc[@]}"; do
	k=${sk[$i]}
	tap "${v[$i]:-1}" "server: ${sc[$i]}: ${sw[$i]}${k:+ under the $k key}" "${res[$i]}"
done

# --- the SSA client against a hostile server --------------------------------
# One peer process serves the cases in turn, one SSA client each.
echo ping >"$W/ping"
cc=() cw=() ck=()
while read -r c want key; do
	[ -n "$c" ] || continue
	cc+=("$c") cw+=("$want") ck+=("${key:-}")
done <<'CASES'
ok			done
ok-split		done
finished-bitflip	decrypt_error		plaintext
finished-stray-after	unexpected_message	plaintext
bad-cert-verify		decrypt_error		plaintext
unexpected-message	unexpected_message	plaintext
empty-cert		decode_error		plaintext
ee-bad-extension	illegal_parameter|unsupported_extension	plaintext
suite-not-offered	illegal_parameter	plaintext
group-not-offered	illegal_parameter	plaintext
version-not-offered	illegal_parameter	plaintext
hrr-not-offered		illegal_parameter	plaintext
CASES
p=$((PORT + 10)) crc=() cerr=()
python3 "$PEER" server "$(IFS=,; echo "${cc[*]}")" --port "$p" --cert "$PKI/srv.pem" \
	--key "$PKI/srv.key" >"$W/peer.out" 2>&1 &
PIDS+=($!)
wait_port "$p" 20 $!
for i in "${!cc[@]}"; do
	ssa_client_to "$p"
	crc[$i]=$rc cerr[$i]=$(tr '\n' ' ' <"$W/client.err")
	# the peer's line for this connection, once it has judged it (its
	# accept() waits 60 s at most; the cases that follow then fail)
	t=$((SECONDS + 90))
	while [ "$(grep -c '^{' "$W/peer.out")" -le "$i" ] && [ $SECONDS -lt $t ] &&
	      kill -0 "${PIDS[-1]}" 2>/dev/null; do
		sleep 0.1
	done
done
wait "${PIDS[-1]}" 2>/dev/null
mapfile -t res < <(grep '^{' "$W/peer.out")
judge cc cw ck
for i in "${!cc[@]}"; do
	ok=1
	if [ "${v[$i]:-1}" = 0 ]; then
		# a failed handshake must fail the client, with the reason
		if [ "${cw[$i]}" = done ]; then [ "${crc[$i]}" = 0 ] && ok=0
		else [ "${crc[$i]}" != 0 ] && [ -n "${cerr[$i]// /}" ] && ok=0
		fi
	fi
	k=${ck[$i]}
	tap $ok "client: ${cc[$i]}: ${cw[$i]}${k:+ under the $k key}" "${res[$i]} ${cerr[$i]}"
done

# ssa_py_to_peer CASE PORT: lib/tls13_peer.py serves CASE on PORT; the
# Python on stdin runs with "s", an SSA socket connected to it that has
# sent "ping", and "port"; prints what it prints, once the peer is done.
# (Run inside $(...): the peer is waited for here, not left in PIDS.)
ssa_py_to_peer() {
	local peer
	python3 "$PEER" server "$1" --port "$2" --cert "$PKI/srv.pem" --key "$PKI/srv.key" \
		>"$W/peer.out" 2>&1 &
	peer=$!
	wait_port "$2" 20 $!
	timeout 60 python3 -c '
import errno, fcntl, select, socket, struct, sys, termios, time
port, ca = int(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 205)
s.setsockopt(205, 85, b"localhost")
s.setsockopt(205, 87, ca.encode())
s.connect(("127.0.0.1", port))
s.sendall(b"ping\n")
exec(sys.stdin.read())' "$2" "$PKI/ca.pem" 2>&1
	timeout 30 tail --pid="$peer" -f /dev/null
	kill "$peer" 2>/dev/null
}

# A peer that has closed answers the client's close_notify with a reset,
# which over loopback arrives inside shutdown(): it must still return 0,
# as TCP's does when it sends its FIN to a closed peer.
p=$((PORT + 10 + n))
out=$(ssa_py_to_peer ok "$p" <<'PY'
got = b""
while True:
    d = s.recv(4096)
    if not d:
        break
    got += d
for _ in range(100):           # until the peer's process, and socket, are gone
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        break
    except OSError:
        pass
    time.sleep(0.1)
try:
    s.shutdown(socket.SHUT_WR)
    print("shutdown 0", got)
except OSError as e:
    print("shutdown", errno.errorcode.get(e.errno, e.errno), got)
PY
)
[ "$out" = "shutdown 0 b'pong\\n'" ]
tap $? "client: shutdown(SHUT_WR) after the peer has closed returns 0" "$out"

# A close_notify with no FIN after it, read by a poll() that asked for
# POLLOUT only: the end of the stream must stay readable for the next
# poll, or a program waiting for POLLIN waits for ever.
p=$((PORT + 10 + n))
out=$(ssa_py_to_peer ok-half-close "$p" <<'PY'
got = b""
while b"pong" not in got:
    got += s.recv(4096)
for _ in range(100):           # until the close_notify is queued
    q = struct.unpack("i", fcntl.ioctl(s, termios.FIONREAD, b"\0" * 4))[0]
    if q > 0:
        break
    time.sleep(0.05)
p = select.poll()
p.register(s, select.POLLOUT)
p.poll(0)
p.modify(s, select.POLLIN)
ev = p.poll(2000)
s.setblocking(False)
try:
    end = s.recv(16)
except BlockingIOError:
    end = "EAGAIN"
print("queued", q, "pollin", bool(ev and ev[0][1] & select.POLLIN), "read", end)
PY
)
# (On the debug kernel SIOCINQ may read 0 while kTLS holds the record:
# the wait for it is then 5 s, and "queued" is only reported.)
[[ "$out" == "queued "*" pollin True read b''" ]]
tap $? "client: a close_notify that a POLLOUT poll read still polls readable" "$out"

# --- certificate chains over 16 KiB, from openssl s_server ------------------
# A leaf with N subjectAltNames, from the test CA: about 40 KiB and 100 KiB.
bigleaf() {	# bigleaf NAME COUNT [USAGE]
	local i
	{
		printf 'subjectAltName = DNS:localhost'
		for i in $(seq "$2"); do printf ',DNS:h%05d.long-chain.example.test' "$i"; done
		printf '\nextendedKeyUsage = %s\n' "${3:-serverAuth}"
	} >"$W/$1.ext"
	openssl req -new -key "$PKI/srv.key" -subj "/CN=localhost" -out "$W/$1.csr" 2>/dev/null &&
	openssl x509 -req -in "$W/$1.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" \
		-CAcreateserial -days 30 -extfile "$W/$1.ext" -out "$W/$1.pem" 2>/dev/null
}
for spec in "chain-40k 1300 done" "chain-60k 1900 done" "chain-100k 3100 fail"; do
	set -- $spec
	if ! bigleaf "$1" "$2"; then tap 1 "client: $1: cannot make the certificate"; continue; fi
	size=$(openssl x509 -in "$W/$1.pem" -outform DER | wc -c)
	p=$((PORT + 50 + n))
	openssl s_server -accept "$p" -naccept 1 -cert "$W/$1.pem" -key "$PKI/srv.key" \
		-rev >"$W/s_server.out" 2>&1 </dev/null &
	PIDS+=($!)
	wait_port "$p" 20 $!
	ssa_client_to "$p"
	kill "${PIDS[-1]}" 2>/dev/null
	wait "${PIDS[-1]}" 2>/dev/null
	if [ "$3" = done ]; then
		[ $rc = 0 ] && grep -q gnip "$W/client.out"
		tap $? "client: a $size-byte server certificate is received and verified" \
			"$(tr '\n' ' ' <"$W/client.err")"
	else
		[ $rc != 0 ] && grep -q "too large\|too long\|exceeds" "$W/client.err"
		tap $? "client: a $size-byte server certificate is refused with a reason" \
			"$(tr '\n' ' ' <"$W/client.err") | $(grep -i alert "$W/s_server.out" | head -2)"
	fi
done

# A message near the bound that shares its last record with the next
# ones: our own server sends Certificate, CertificateVerify and Finished
# in full 16 KiB records, so the reassembled record passes 64 KiB.
n61=$(openssl x509 -in "$W/chain-60k.pem" -outform DER 2>/dev/null | wc -c)
if [ "$n61" -gt 0 ] && bigleaf chain-64k $((1900 + (65450 - n61) / 32)); then
	size=$(openssl x509 -in "$W/chain-64k.pem" -outform DER | wc -c)
	for c in "ok-packed:packed with the messages after it" \
		 "ok-split:with each header split across records"; do
		p=$((PORT + 100 + n))
		python3 "$PEER" server "${c%%:*}" --port "$p" --cert "$W/chain-64k.pem" \
			--key "$PKI/srv.key" >"$W/peer.out" 2>&1 &
		PIDS+=($!)
		wait_port "$p" 20 $!
		ssa_client_to "$p"
		wait "${PIDS[-1]}" 2>/dev/null
		[ $rc = 0 ] && grep -q pong "$W/client.out" && grep -q '"done": true' "$W/peer.out"
		tap $? "client: a $size-byte certificate ${c#*:}" \
			"$(tr '\n' ' ' <"$W/client.err") $(cat "$W/peer.out")"
	done
else
	tap 1 "client: cannot make the 65 KB certificate"
fi

# The same reassembly on the server: a 42 KB client certificate.
if bigleaf client-40k 1300 clientAuth; then
	size=$(openssl x509 -in "$W/client-40k.pem" -outform DER | wc -c)
	"$HERE/lib/s_client_ping.sh" "$W/out" -connect "127.0.0.1:$((PORT + 1))" \
		-CAfile "$PKI/ca.pem" -verify_return_error -cert "$W/client-40k.pem" \
		-key "$PKI/srv.key"
	tap $? "server: a $size-byte client certificate is received and verified" \
		"$(tr '\n' ' ' <"$W/out.err" | head -c 400)"
else
	tap 1 "server: cannot make the client certificate"
fi

# The server is still whole: one more good handshake.
out=$(timeout 60 python3 "$PEER" client ok --port "$PORT")
expect ok "$out" done x
tap $? "server: still serves after all of the above" "$out"

tap_end
