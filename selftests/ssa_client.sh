#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SSA clients against real peers, inside the VM (tools/testing/vm-run):
# OpenSSL's s_server, GnuTLS's gnutls-serv, nginx, and Python's ssl
# module; every kTLS cipher for TLS 1.3 and 1.2; bulk transfers checked by
# hash; proof that the kernel encrypted; and the failures a client must
# report with the right errno and TLS_ERROR words.  TAP output with a
# kselftest "# Totals:" line.

set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
CLIENT=$REPO/samples/ssa_client
PEER=$HERE/lib/tls_peer.py
PORT=20000
. "$HERE/lib/tap.sh" client
PKI=$W/pki

# One Python process serves every tls_peer.py peer here (each start-up
# costs seconds on the debug kernel): requests go down the fifo ctl,
# "READY|FAILED|DONE PORT" answers come back up reply (lib/tls_peer.py).
declare -A PEER_DONE=()
peer_daemon() {
	mkfifo "$W/ctl" "$W/reply" || return 1
	python3 "$PEER" daemon "$W/ctl" "$W/reply" 2>"$W/daemon.err" &
	PIDS+=($!)
	# Read-write opens of a fifo never block, whichever side comes first;
	# the daemon says HELLO once it listens to ctl.
	exec 7<>"$W/ctl" 8<>"$W/reply"
	local w
	read -r -t 60 -u 8 w && [ "$w" = HELLO ]
}

# peer_answer WORD PORT SECONDS: read answers until WORD PORT comes.
peer_answer() {
	local w p rest
	[ "$1" != DONE ] || [ -z "${PEER_DONE[$2]:-}" ] || return 0
	while read -r -t "$3" -u 8 w p rest; do
		[ "$w" != DONE ] || PEER_DONE[$p]=1
		[ "$p" = "$2" ] || continue
		[ "$w" = "$1" ] && return 0
		[ "$w" = FAILED ] && { echo "# peer on $p: $rest"; return 1; }
	done
	return 1
}

# peer MODE OPTIONS...: a peer on $PORT; results in $W/peer.out
peer() {
	next_port
	rm -f "$W/peer.out"	# a peer still closing writes to its own copy
	{ printf '%s' "$W/peer.out"; printf '\t%s' "$1" --port "$PORT" "${@:2}"; echo; } >&7
	peer_answer READY "$PORT" 30
}
peer_wait() { peer_answer DONE "$PORT" "${1:-120}"; }	# the peer has finished
peer_close() { printf '!close\t%s\n' "$PORT" >&7; }	# end its connection

# (Children do not need the daemon's fifos: 7>&- 8>&-.)
client() { "$CLIENT" "$@" >"$W/out" 2>"$W/err" 7>&- 8>&-; }

"$HERE/lib/mkpki.sh" "$PKI" || bail "cannot make test certificates"
peer_daemon || bail "cannot start lib/tls_peer.py daemon"
[ -x "$CLIENT" ] || bail "$CLIENT not built"
SRV=(-cert "$PKI/srv.pem" -key "$PKI/srv.key")		# openssl s_server
PSRV=(--cert "$PKI/srv.pem" --key "$PKI/srv.key")	# tls_peer.py
CA=(-A "$PKI/ca.pem")

# --- every cipher, TLS 1.3 and 1.2, against OpenSSL --------------------------
# version:suite:IANA number
for c in 1.3:TLS_AES_128_GCM_SHA256:0x1301 1.3:TLS_AES_256_GCM_SHA384:0x1302 \
	 1.3:TLS_CHACHA20_POLY1305_SHA256:0x1303 \
	 1.2:TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:0xc02b \
	 1.2:TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:0xc02c \
	 1.2:TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256:0xcca9; do
	IFS=: read -r ver suite id <<<"$c"
	s_server_once "${SRV[@]}" -www "-tls${ver/./_}"
	client "${CA[@]}" -s -c "$suite" -G / localhost "$PORT"
	check "openssl s_server TLS $ver $suite" \
		"grep -q 'version=TLSv$ver cipher=$id' $W/err && grep -q 's_server' $W/out"
done
s_server_once -cert "$PKI/rsa.pem" -key "$PKI/rsa.key" -www -tls1_2
client "${CA[@]}" -s -G / localhost "$PORT"
check "openssl s_server TLS 1.2 RSA certificate (ECDHE-RSA)" \
	"grep -q 'version=TLSv1.2 cipher=0xc02f\|version=TLSv1.2 cipher=0xc030\|version=TLSv1.2 cipher=0xcca8' $W/err"
# mbedTLS before 3.6.7 refused the RSA-PSS ServerKeyExchange it offered.
s_server_once -cert "$PKI/rsa.pem" -key "$PKI/rsa.key" -www -tls1_2 -sigalgs rsa_pss_rsae_sha256
client "${CA[@]}" -s -G / localhost "$PORT"
check "openssl s_server TLS 1.2 RSA-PSS ServerKeyExchange" \
	"grep -q 'version=TLSv1.2' $W/err && grep -q 's_server' $W/out"
s_server_once -cert "$PKI/rsa.pem" -key "$PKI/rsa.key" -www -tls1_3
client "${CA[@]}" -s -G / localhost "$PORT"
check "openssl s_server TLS 1.3 RSA certificate (RSA-PSS)" "grep -q 'version=TLSv1.3' $W/err"
for g in x25519 secp256r1 secp384r1; do
	s_server_once "${SRV[@]}" -www -tls1_3 -groups "$(echo $g | sed 's/secp256r1/P-256/; s/secp384r1/P-384/')"
	client "${CA[@]}" -s -g "$g" -G / localhost "$PORT"
	check "key exchange group $g" "grep -q 's_server' $W/out"
done

# --- GnuTLS, nginx --------------------------------------------------------------
next_port
gnutls-serv --http --port "$PORT" --x509certfile "$PKI/srv.pem" --x509keyfile "$PKI/srv.key" \
	>"$W/gnutls.log" 2>&1 &
PIDS+=($!)
wait_port "$PORT" 20 $!
client "${CA[@]}" -s -G / localhost "$PORT"
check "gnutls-serv HTTP GET" "grep -qi 'gnutls' $W/out && grep -q 'version=TLSv1.3' $W/err"

next_port
NGX=$W/nginx
mkdir -p "$NGX/html"
head -c 100000 /dev/urandom | base64 >"$NGX/html/index.html"
if "$HERE/lib/nginx.sh" "$NGX" "$PORT" "$PKI" 2>"$W/nginx.err"; then
	client "${CA[@]}" -G /index.html localhost "$PORT"
	check "nginx HTTPS GET, body intact" \
		"sed '1,/^\r\$/d' $W/out | cmp -s - $NGX/html/index.html"
	client "${CA[@]}" -G /index.html ::1 "$PORT"
	check "nginx over IPv6, IP SAN ::1 without a name" \
		"sed '1,/^\r\$/d' $W/out | cmp -s - $NGX/html/index.html"
	python3 "$REPO/samples/ssa_fetch.py" "https://localhost:$PORT/index.html" "$PKI/ca.pem" \
		>"$W/py.body" 2>"$W/err"
	check "Python, socket module only: HTTPS GET from nginx" "cmp -s $W/py.body $NGX/html/index.html"
	# Many handshakes at once share the workqueue; all must complete.
	CPIDS=()
	for i in $(seq 64); do
		"$CLIENT" "${CA[@]}" -G /index.html localhost "$PORT" >"$W/par.$i" 2>&1 &
		CPIDS+=($!)
	done
	wait "${CPIDS[@]}"
	good=$(grep -l '^HTTP/1.1 200 OK' "$W"/par.* | wc -l)
	check "64 concurrent clients: all verified, all got the page ($good)" "[ $good = 64 ]"
	kill "$(cat "$NGX/nginx.pid")" 2>/dev/null
else
	skp "nginx HTTPS GET" "nginx would not start: $(head -c 200 "$W/nginx.err")"
fi

# --- bulk transfers, both ways; the kernel did the crypto -------------------------
# SSA_TEST_BIG_MB (default 64; selftests-run makes it 8 on the debug kernel).
BIG=${SSA_TEST_BIG_MB:-64}
head -c $((BIG << 20)) /dev/urandom >"$W/big"
BIGSUM=$(sha256sum "$W/big" | cut -d' ' -f1)
before=$(awk '/TlsTxSw /{print $2}' /proc/net/tls_stat)
peer sink "${PSRV[@]}"
client "${CA[@]}" -u "$W/big" localhost "$PORT"
peer_wait
check "$BIG MiB upload with sendfile, hash matches, close_notify sent" \
	"grep -q 'bytes=$((BIG << 20)) sha256=$BIGSUM close_notify=yes' $W/peer.out"
after=$(awk '/TlsTxSw /{print $2}' /proc/net/tls_stat)
check "/proc/net/tls_stat TlsTxSw rose ($before -> $after)" "[ ${after:-0} -gt ${before:-0} ]"

peer source "${PSRV[@]}" --file "$W/big"
client "${CA[@]}" -o "$W/got" localhost "$PORT"
peer_wait
check "$BIG MiB download, hash matches, peer close_notify is EOF" \
	"[ \"\$(sha256sum <$W/got | cut -d' ' -f1)\" = $BIGSUM ]"

peer sink "${PSRV[@]}" --max 1.2
client "${CA[@]}" -u "$W/big" -m 1.2 localhost "$PORT"
peer_wait
check "$BIG MiB upload over TLS 1.2, hash matches" \
	"grep -q 'bytes=$((BIG << 20)) sha256=$BIGSUM' $W/peer.out"

if command -v tcpdump >/dev/null; then
	MARK="ssa-plaintext-marker-$RANDOM$RANDOM"
	yes "$MARK" | head -c 200000 >"$W/marked"
	capture_start "$W/cap.pcap" $((PORT + 1))
	peer sink "${PSRV[@]}"
	client "${CA[@]}" -u "$W/marked" localhost "$PORT"
	peer_wait
	capture_stop
	check "capture on loopback: no plaintext on the wire" \
		"[ -s $W/cap.pcap ] && ! grep -qa '$MARK' $W/cap.pcap && grep -q 'bytes=200000' $W/peer.out"
else
	skp "capture on loopback" "tcpdump not installed"
fi

# --- connection semantics ----------------------------------------------------------
peer hold "${PSRV[@]}" --count 5
client "${CA[@]}" -N -s -o "$W/got" localhost "$PORT" &
CPID=$!
sleep 1; peer_close; wait "$CPID"
check "non-blocking connect completes through epoll" "grep -q 'version=TLSv1.3' $W/err"

peer echo "${PSRV[@]}" --v6
client "${CA[@]}" -s -u "$W/marked" -o "$W/got" ::1 "$PORT"
check "IPv6, sendfile up, echo back, byte-exact" "cmp -s $W/got $W/marked"

peer hold "${PSRV[@]}" --alpn h2,http/1.1
client "${CA[@]}" -s -a h2 localhost "$PORT"
peer_close
check "ALPN h2 selected" "grep -q 'alpn=\"h2\"' $W/err"

peer hold --cert "$PKI/wild.pem" --key "$PKI/wild.key"
client "${CA[@]}" -n www.example.test localhost "$PORT"
rc=$?; peer_close
check "wildcard *.example.test matches www.example.test" "[ $rc = 0 ]"

# --- failures: errno and TLS_ERROR in words ----------------------------------------------
# expect NAME ERRNO WORDS PEER-ARGS... -- CLIENT-ARGS...
expect() {
	local name=$1 errno=$2 words=$3
	shift 3
	local pargs=() cargs=()
	while [ "$1" != -- ]; do pargs+=("$1"); shift; done
	shift
	cargs=("$@")
	peer "${pargs[@]}"
	client "${cargs[@]}" localhost "$PORT"
	local rc=$?
	peer_close
	peer_wait 30
	check "$name: $errno, \"$words\"" "[ $rc != 0 ] && grep -q '$errno' $W/err && grep -qi '$words' $W/err"
}
cert() { echo --cert "$PKI/$1.pem" --key "$PKI/$1.key"; }

expect "expired certificate" EKEYREJECTED "expired" hold $(cert expired) -- "${CA[@]}"
expect "certificate not yet valid" EKEYREJECTED "not yet valid" hold $(cert notyet) -- "${CA[@]}"
expect "wrong host name" EKEYREJECTED "hostname mismatch" hold $(cert other) -- "${CA[@]}"
expect "self-signed certificate" EKEYREJECTED "self-signed" hold $(cert self) -- "${CA[@]}"
expect "unknown CA" EKEYREJECTED "unknown or untrusted" hold $(cert rogue) -- "${CA[@]}"
expect "system store does not know the test CA" EKEYREJECTED "untrusted" hold $(cert srv) --
expect "wrong key usage (clientAuth only)" EKEYREJECTED "key usage" hold $(cert clientonly) -- "${CA[@]}"
expect "an unknown critical extension" EKEYREJECTED "certificate rejected" \
	hold $(cert critext) -- "${CA[@]}"
# Name constraints (RFC 5280 4.2.1.10): mbedTLS alone refused every chain
# through a CA whose constraints are critical; each SAN is now checked.
s_server_once -cert "$PKI/ncok.pem" -cert_chain "$PKI/ncca.pem" -key "$PKI/ncok.key" -www
client "${CA[@]}" -s -G / localhost "$PORT"
check "name constraints: a chain inside the permitted subtrees verifies" \
	"grep -q 's_server' $W/out"
s_server_once -cert "$PKI/ncok.pem" -cert_chain "$PKI/ncca.pem" -key "$PKI/ncok.key" -www
client "${CA[@]}" -s -G / -n 127.0.0.1 localhost "$PORT"
check "name constraints: an IP address inside 127/8 verifies" "grep -q 's_server' $W/out"
expect "name constraints: a SAN outside the permitted subtrees" EKEYREJECTED \
	"outside the subtrees" hold $(cert ncout) -- "${CA[@]}"
expect "name constraints: a SAN in an excluded subtree" EKEYREJECTED "subtree.*exclude" \
	hold $(cert ncexcl) -- "${CA[@]}"
expect "wildcard covers one label only" EKEYREJECTED "hostname mismatch" \
	hold $(cert wild) -- "${CA[@]}" -n a.b.example.test
expect "address without IP SAN" EKEYREJECTED "hostname mismatch" \
	hold $(cert other) -- "${CA[@]}" -n 127.0.0.1
expect "server speaking only TLS 1.0/1.1" EPROTO "alert\|version" \
	hold $(cert srv) --min 1.0 --max 1.1 -- "${CA[@]}"
expect "server offering only CBC suites" EPROTO "handshake failure\|alert" \
	hold $(cert srv) --max 1.2 --ciphers ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384 -- "${CA[@]}"
expect "server closes mid-handshake" ECONNRESET "closed the connection" hangup -- "${CA[@]}"
expect "non-blocking connect: failure through epoll and SO_ERROR" ECONNRESET \
	"closed the connection" hangup -- "${CA[@]}" -N
expect "server sends garbage" EPROTO "handshake failed\|alert\|version\|record" garbage -- "${CA[@]}"
expect "ServerHello shares its record with unprotected data" EPROTO "RFC 8446 5.1" \
	straddle -- "${CA[@]}" -g x25519

# An application that closes its socket mid-handshake: the worker holds the
# socket until it notices (it looks every 250 ms), then lets it go, so a
# silent server sees the connection end within seconds, not at the 30 s
# handshake timeout.
peer silent
python3 - "$PORT" <<'PY' 2>"$W/err"
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 205)
s.setsockopt(205, 85, b"localhost")
s.setblocking(False)
s.connect_ex(("127.0.0.1", int(sys.argv[1])))
time.sleep(0.5)
s.close()
PY
t0=$(date +%s)
peer_wait 10
ended=$?
t=$(($(date +%s) - t0))
check "closing mid-handshake abandons it: the server saw the end after ${t}s" \
	"[ $ended = 0 ] && grep -q silent $W/peer.out"

# A TLS 1.3 KeyUpdate from the peer: the 6.1 kernel's kTLS cannot change
# keys, so the connection ends with a clear error instead of garbage.
mkfifo "$W/cmd"
next_port
# The KeyUpdate goes once the handshake is done (slow kernels take a while).
(for _ in $(seq 200); do grep -q "CIPHER is" "$W/srv.log" 2>/dev/null && break; sleep 0.1; done
 sleep 0.5; echo k; sleep 3) >"$W/cmd" &
openssl s_server -accept "$PORT" -naccept 1 "${SRV[@]}" -tls1_3 <"$W/cmd" >"$W/srv.log" 2>&1 &
PIDS+=($!)
wait_port "$PORT" 20 $!
client "${CA[@]}" -o /dev/null localhost "$PORT"
check "peer KeyUpdate ends the connection: EPROTO, \"KeyUpdate\"" \
	"[ $? != 0 ] && grep -q EPROTO $W/err && grep -q KeyUpdate $W/err"

tap_end
