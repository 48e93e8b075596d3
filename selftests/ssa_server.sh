#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The SSA server (samples/ssa_server) against real clients, inside the VM:
# OpenSSL's s_client for every kTLS suite of TLS 1.3 and 1.2 with ECDSA
# and RSA certificates, curl, gnutls-cli, Python's ssl module, and SSA
# clients over IPv4 and IPv6; SNI, ALPN, session resumption, client
# certificates, a handshake flood, silent and garbage clients, sendfile
# of 64 MiB, and the credential rules (permissions, mismatches, no key
# read-back).  GET /.ssa on the server returns the session as the server
# sees it, so each case checks both ends.  TAP output with a kselftest
# "# Totals:" line.

set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SERVER=$REPO/samples/ssa_server
CLIENT=$REPO/samples/ssa_client
PORT=21000
. "$HERE/lib/tap.sh" server
PKI=$W/pki
nok_extra() { [ -n "${SLOG:-}" ] && [ -s "$SLOG" ] && tail -5 "$SLOG" | sed 's/^/#   server: /'; }

# server ARGS...: an ssa_server on a new $PORT serving $W/root, log in $SLOG
server() {
	PORT=$((PORT + 1))
	SLOG=$W/server.$PORT.log
	"$SERVER" -r "$W/root" -s "$@" "$PORT" >"$SLOG" 2>&1 &
	PIDS+=($!)
	SPID=$!
	wait_port "$PORT" 20 "$SPID"
}
stop() { kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; }

GET=$'GET /.ssa HTTP/1.0\r\n\r\n'
# s_client ARGS...: GET /.ssa through openssl s_client; body in $W/out
s_client() {
	printf '%s' "$GET" | timeout 60 openssl s_client -connect "localhost:$PORT" \
		-CAfile "$PKI/ca.pem" -verify_return_error -quiet "$@" >"$W/out" 2>"$W/err"
}
# pyget [VERSION] [SNI]: GET /.ssa with Python's ssl module
pyget() {
	timeout 60 python3 - "$PORT" "$PKI/ca.pem" "${1:-}" "${2:-localhost}" >"$W/out" 2>"$W/err" <<'PY'
import socket, ssl, sys
port, ca, ver, sni = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=ca)
if ver:
    v = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}[ver]
    ctx.minimum_version = ctx.maximum_version = v
with socket.create_connection(("127.0.0.1", port)) as raw:
    with ctx.wrap_socket(raw, server_hostname=sni) as s:
        s.sendall(b"GET /.ssa HTTP/1.0\r\n\r\n")
        body = b""
        while chunk := s.recv(4096):
            body += chunk
        print(s.version(), s.cipher()[0])
        print(body.decode())
PY
}

"$HERE/lib/mkpki.sh" "$PKI" || bail "cannot make test certificates"
[ -x "$SERVER" ] && [ -x "$CLIENT" ] || bail "samples not built"
mkdir -p "$W/root"
echo "hello from the kernel" >"$W/root/index.html"
chmod -R a+rX "$W"
ECC=(-c "$PKI/srv.pem" -k "$PKI/srv.key")
RSA=(-c "$PKI/rsa.pem" -k "$PKI/rsa.key")

# --- every suite, TLS 1.3 and 1.2, ECDSA and RSA, against s_client ----------
server "${ECC[@]}"; ECC_PORT=$PORT
server "${RSA[@]}"; RSA_PORT=$PORT
for row in \
	1.3:ecc:TLS_AES_128_GCM_SHA256:0x1301 \
	1.3:ecc:TLS_AES_256_GCM_SHA384:0x1302 \
	1.3:ecc:TLS_CHACHA20_POLY1305_SHA256:0x1303 \
	1.3:rsa:TLS_AES_128_GCM_SHA256:0x1301 \
	1.3:rsa:TLS_AES_256_GCM_SHA384:0x1302 \
	1.3:rsa:TLS_CHACHA20_POLY1305_SHA256:0x1303 \
	1.2:ecc:ECDHE-ECDSA-AES128-GCM-SHA256:0xc02b \
	1.2:ecc:ECDHE-ECDSA-AES256-GCM-SHA384:0xc02c \
	1.2:ecc:ECDHE-ECDSA-CHACHA20-POLY1305:0xcca9 \
	1.2:rsa:ECDHE-RSA-AES128-GCM-SHA256:0xc02f \
	1.2:rsa:ECDHE-RSA-AES256-GCM-SHA384:0xc030 \
	1.2:rsa:ECDHE-RSA-CHACHA20-POLY1305:0xcca8; do
	IFS=: read -r ver cert suite id <<<"$row"
	[ "$cert" = ecc ] && PORT=$ECC_PORT || PORT=$RSA_PORT
	if [ "$ver" = 1.3 ]; then
		s_client -tls1_3 -ciphersuites "$suite"
	else
		s_client -tls1_2 -cipher "$suite"
	fi
	check "s_client TLS $ver $cert $suite" "has 'version=TLSv$ver cipher=$id'"
done

# --- curl, gnutls-cli, Python ---------------------------------------------------
PORT=$ECC_PORT
for ver in 1.2 1.3; do
	curl -sS --cacert "$PKI/ca.pem" --tlsv$ver --tls-max $ver \
		"https://localhost:$PORT/index.html" >"$W/out" 2>"$W/err"
	check "curl TLS $ver fetches a file" "has 'hello from the kernel'"
	curl -sS --cacert "$PKI/ca.pem" --tlsv$ver --tls-max $ver \
		"https://localhost:$PORT/.ssa" >"$W/out" 2>"$W/err"
	check "curl TLS $ver: server sees SNI localhost" "has 'version=TLSv$ver' && has 'sni=\"localhost\"'"
	printf '%s' "$GET" | timeout 60 gnutls-cli --x509cafile "$PKI/ca.pem" -p "$PORT" \
		--priority "NORMAL:-VERS-ALL:+VERS-TLS$ver" localhost >"$W/out" 2>"$W/err"
	check "gnutls-cli TLS $ver" "has 'version=TLSv$ver'"
	pyget "$ver"
	check "Python ssl TLS $ver" "has 'version=TLSv$ver'"
done
s_client -tls1_3 -sigalgs ecdsa_secp256r1_sha256
check "s_client with ECDSA P-256 signature only" "has 'version=TLSv1.3'"
stop; PORT=$RSA_PORT; stop

server -c "$PKI/p384.pem" -k "$PKI/p384.key"
s_client -tls1_3
check "ECDSA P-384 certificate" "has 'version=TLSv1.3'"
stop

# --- SNI and ALPN ---------------------------------------------------------------
server "${ECC[@]}" -c "$PKI/alt.pem" -k "$PKI/alt.key" -a h2,http/1.1
s_client -servername alt.example -verify_hostname alt.example
check "SNI alt.example gets the alt.example chain" "has 'sni=\"alt.example\"'"
s_client -servername localhost -verify_hostname localhost
check "SNI localhost gets the first chain" "has 'sni=\"localhost\"'"
s_client -servername unknown.example -verify_hostname localhost
check "unknown SNI falls back to the first chain" "has 'sni=\"unknown.example\"'"
s_client -noservername -verify_ip 127.0.0.1
check "no SNI: first chain" "has 'sni=\"\"'"
s_client -alpn h2,http/1.1
check "ALPN h2,http/1.1: server picks h2" "has 'alpn=\"h2\"'"
s_client -alpn http/1.1
check "ALPN http/1.1 only" "has 'alpn=\"http/1.1\"'"
curl -sS --http1.1 --cacert "$PKI/ca.pem" "https://localhost:$PORT/.ssa" >"$W/out" 2>"$W/err"
check "curl --http1.1 negotiates http/1.1" "has 'alpn=\"http/1.1\"'"
stop
# RFC 7301: a protocol name is up to 255 bytes, on both ends.
LONG=$(printf 'p%.0s' $(seq 255))
server "${ECC[@]}" -a "$LONG"
timeout 60 "$CLIENT" -A "$PKI/ca.pem" -a "$LONG" -s -G /.ssa localhost "$PORT" \
	>"$W/out" 2>"$W/err"
check "a 255-byte ALPN protocol name, SSA client to SSA server" \
	"has \"alpn=\\\"$LONG\\\"\" && grep -q \"alpn=\\\"$LONG\\\"\" $W/err"
stop

# --- SSA client to SSA server, IPv4 and IPv6, echo of 4 MiB -----------------------
head -c $((4 << 20)) /dev/urandom >"$W/blob"
server "${ECC[@]}" -e
for host in 127.0.0.1 ::1; do
	timeout 60 "$CLIENT" -A "$PKI/ca.pem" -s -u "$W/blob" -o "$W/back" "$host" "$PORT" \
		>"$W/out" 2>"$W/err"
	check "SSA client to SSA server over $host, 4 MiB echoed" \
		"cmp -s $W/blob $W/back && grep -q 'version=TLSv1.3' $W/err"
done
stop
server "${ECC[@]}"
timeout 60 "$CLIENT" -A "$PKI/ca.pem" -M 1.2 -G /.ssa localhost "$PORT" >"$W/out" 2>"$W/err"
check "SSA client to SSA server, TLS 1.2" "has 'version=TLSv1.2'"
stop

# --- resumption ---------------------------------------------------------------------
server "${ECC[@]}"
for ver in 1.3 1.2; do
	rm -f "$W/sess"
	s_client -tls1_${ver#1.} -sess_out "$W/sess"
	first=$(grep -c 'resumed=0' "$W/out")
	s_client -tls1_${ver#1.} -sess_in "$W/sess"
	check "s_client TLS $ver resumes with -sess_out/-sess_in" \
		"[ $first = 1 ] && has 'resumed=1'"
done
stop
server "${ECC[@]}"
for host in 127.0.0.1 ::1; do
	for ver in 1.3 1.2; do
		first=
		for i in 1 2 3; do
			timeout 60 "$CLIENT" -A "$PKI/ca.pem" -M $ver -s -G /.ssa \
				"$host" "$PORT" >"$W/out" 2>"$W/err"
			[ -z "$first" ] && first=$(grep -o 'resumed=[01]' "$W/out")
		done
		check "SSA client resumes with SSA server, TLS $ver over $host" \
			"[ $first = resumed=0 ] && has 'resumed=1' && grep -q 'resumed=1' $W/err"
		check "the resumed connection reports the peer, TLS $ver over $host" \
			"grep 'resumed=1' $W/err | grep -q 'peer=\"[^\"]'"
	done
done
timeout 60 "$CLIENT" -A "$PKI/ca.pem" -n localhost -s -G /.ssa 127.0.0.1 "$PORT" \
	>"$W/out" 2>"$W/err"
check "another name (localhost) does not resume the 127.0.0.1 session" \
	"has 'version=TLSv1.3' && has 'resumed=0'"
timeout 60 "$CLIENT" -A "$PKI/ca.pem" -n other.example -s -G /.ssa 127.0.0.1 "$PORT" \
	>"$W/out" 2>"$W/err"
check "a cached session never skips the name check" "grep -q 'hostname mismatch' $W/err"
timeout 60 "$CLIENT" -A "$PKI/ca.pem" -M 1.2 -s -G /.ssa 127.0.0.1 "$PORT" >"$W/out" 2>"$W/err"
timeout 60 "$CLIENT" -A "$PKI/ca.pem" -s -G /.ssa 127.0.0.1 "$PORT" >"$W/out" 2>"$W/err"
check "a socket allowing TLS 1.3 resumes its 1.3 session, not the 1.2 one" \
	"has 'version=TLSv1.3' && has 'resumed=1'"
cat "$PKI/ca.pem" "$PKI/rogueca.pem" >"$W/both.pem"
timeout 60 "$CLIENT" -A "$W/both.pem" -s -G /.ssa 127.0.0.1 "$PORT" \
	>"$W/out" 2>"$W/err"
check "pinned anchors do not resume a session verified with others" "has 'resumed=0'"
stop

server "${ECC[@]}" -T 0
rm -f "$W/sess"
s_client -tls1_3 -sess_out "$W/sess"
check "TLS_SESSION_TTL 0: TLS 1.3 gets no ticket" "has 'resumed=0' && [ ! -s $W/sess ]"
s_client -tls1_2 -sess_out "$W/sess"
s_client -tls1_2 -sess_in "$W/sess"
check "TLS_SESSION_TTL 0: TLS 1.2 does not resume" "has 'resumed=0'"
stop

# --- client certificates -----------------------------------------------------------
CLI=(-cert "$PKI/client.pem" -key "$PKI/client.key")
server "${ECC[@]}" -V 2 -A "$PKI/ca.pem"
for ver in 1.3 1.2; do
	s_client -tls1_${ver#1.} "${CLI[@]}"
	check "mTLS required, TLS $ver: client certificate accepted" \
		"has 'peer=\"CN=client.example\"'"
	s_client -tls1_${ver#1.}
	check "mTLS required, TLS $ver: no certificate, no session" "! has 'version='"
	s_client -tls1_${ver#1.} -cert "$PKI/rogueclient.pem" -key "$PKI/rogueclient.key"
	check "mTLS required, TLS $ver: wrong CA rejected" "! has 'version='"
done
timeout 60 "$CLIENT" -A "$PKI/ca.pem" -C "$PKI/client.pem" -K "$PKI/client.key" \
	-G /.ssa localhost "$PORT" >"$W/out" 2>"$W/err"
check "mTLS between SSA client and SSA server" "has 'peer=\"CN=client.example\"'"
check "the server refused every bad client certificate" \
	"[ \$(grep -c '^session' $SLOG) = 3 ]"
stop
server "${ECC[@]}" -V 1 -A "$PKI/ca.pem"
s_client
check "mTLS requested: no certificate is fine" "has 'version=TLSv1.3' && has 'peer=\"\"'"
s_client "${CLI[@]}"
check "mTLS requested: a certificate is checked and shown" "has 'peer=\"CN=client.example\"'"
s_client -cert "$PKI/rogueclient.pem" -key "$PKI/rogueclient.key"
check "mTLS requested: a bad certificate is refused" "! has 'version='"
stop

# --- floods, silent and garbage clients ----------------------------------------------
server "${ECC[@]}"
timeout 300 python3 - "$PORT" "$PKI/ca.pem" >"$W/out" 2>"$W/err" <<'PY'
import socket, ssl, sys, threading
port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
ok = []
def one():
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=240) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                s.sendall(b"GET /.ssa HTTP/1.0\r\n\r\n")
                body = b""
                while chunk := s.recv(4096):
                    body += chunk
                ok.append(b"version=TLSv1.3" in body)
    except Exception as e:
        print("error:", e)
threads = [threading.Thread(target=one) for _ in range(200)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("completed", sum(ok))
PY
check "200 concurrent handshakes complete" "has 'completed 200'"

# While kTLS is attached, sk->sk_socket is a stand-in: /proc/net/tcp and
# inet_diag (ss) read the socket inode through it.  200 SSA clients
# handshake at once while both are read in a loop; every client socket
# they show must carry the inode its file descriptor has.
timeout 300 python3 - "$PORT" "$PKI/ca.pem" >"$W/out" 2>"$W/err" <<'PY'
import os, resource, select, socket, subprocess, sys, time
port, ca = int(sys.argv[1]), sys.argv[2]
resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
want, socks = {}, []
for _ in range(200):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 205)
    s.setsockopt(205, 85, b"localhost")
    s.setsockopt(205, 87, ca.encode())
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    want[s.getsockname()[1]] = os.fstat(s.fileno()).st_ino
    socks.append(s)
bad, seen, done, deadline = [], 0, set(), time.time() + 240
def look(port_, ino):
    global seen
    if port_ in want:
        seen += 1
        if ino != want[port_]:
            bad.append((port_, ino, want[port_]))
while len(done) < len(socks) and time.time() < deadline:
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fld = line.split()
            if fld[3] in ("01", "02"):      # ESTABLISHED, SYN_SENT
                look(int(fld[1].split(":")[1], 16), int(fld[9]))
    out = subprocess.run(["ss", "-Htane", "sport", ">=", ":1"], capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        fld = line.split()
        ino = [x for x in fld if x.startswith("ino:")]
        if fld[0] in ("ESTAB", "SYN-SENT") and ino:
            look(int(fld[3].rsplit(":", 1)[1]), int(ino[0][4:]))
    _, w, _ = select.select([], [s for s in socks if s not in done], [], 0)
    done.update(w)
print("clients", len(done), "looked", seen, "mismatches", len(bad), bad[:3])
PY
check "ss and /proc/net/tcp show each socket's own inode during 200 handshakes" \
	"has 'clients 200 ' && has 'mismatches 0 ' && ! has 'looked 0 '"
sed 's/^/# /' "$W/out"

# Silent clients hold handshake slots; another client must not wait for them.
python3 - "$PORT" >/dev/null 2>&1 <<'PY' &
import socket, sys, time
held = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(8)]
time.sleep(25)
PY
PIDS+=($!)
sleep 1
start=$(date +%s)
s_client -tls1_3
took=$(($(date +%s) - start))
check "8 silent clients do not delay a handshake (took ${took}s, timeout 30s)" \
	"has 'version=TLSv1.3' && [ $took -lt 15 ]"
before=$(grep -c '^session' "$SLOG")
timeout 20 python3 - "$PORT" >"$W/out" 2>"$W/err" <<'PY'
import socket, sys
def reply(data):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=15)
    s.sendall(data)
    got = s.recv(64)
    return got[:1].hex() or "eof"
# A record of type handshake holding a ClientHello of four junk bytes.
print("hello", reply(b"\x16\x03\x01\x00\x08\x01\x00\x00\x04junk"))
# Plain HTTP where TLS belongs.
print("http", reply(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
PY
check "a malformed ClientHello gets an alert" "has 'hello 15'"
check "plain HTTP gets an alert or the connection closed" "has 'http 15' || has 'http eof'"
sleep 1
check "garbage clients are never returned by accept()" \
	"[ \$(grep -c '^session' $SLOG) = $before ]"
stop

# --- sendfile of 64 MiB (SSA_TEST_BIG_MB; 8 on the debug kernel) ---------------------
BIG=${SSA_TEST_BIG_MB:-64}
head -c $((BIG << 20)) /dev/urandom >"$W/root/big"
server "${ECC[@]}"
curl -sS --cacert "$PKI/ca.pem" "https://localhost:$PORT/big" -o "$W/big.got" 2>"$W/err"
check "sendfile $BIG MiB to curl, sha256 matches" \
	"[ \"\$(sha256sum <$W/root/big)\" = \"\$(sha256sum <$W/big.got)\" ]"
rm -f "$W/root/big" "$W/big.got"
stop

# --- non-blocking accept driven by epoll ------------------------------------------------
server "${ECC[@]}" -N
curl -sS --cacert "$PKI/ca.pem" "https://localhost:$PORT/.ssa" >"$W/out" 2>"$W/err"
check "non-blocking listener with epoll and accept4" "has 'version=TLSv1.3'"
stop

# --- accept() semantics, from a program using only the socket module --------------------
PORT=$((PORT + 1))
timeout 60 python3 - "$PKI" "$PORT" >"$W/out" 2>"$W/err" <<'PY'
import ctypes, errno, os, select, socket, ssl, sys, threading, time
pki, port = sys.argv[1], int(sys.argv[2])
IPPROTO_TLS, CHAIN, KEY = 205, 88, 89
libc = ctypes.CDLL(None, use_errno=True)
def case(name, cond):
    print(("PASS " if cond else "FAIL ") + name, flush=True)

lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_TLS)
lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lst.setsockopt(IPPROTO_TLS, CHAIN, (pki + "/srv.pem").encode())
lst.setsockopt(IPPROTO_TLS, KEY, (pki + "/srv.key").encode())
lst.bind(("127.0.0.1", port))
lst.listen(16)
lst.setblocking(False)
try:
    lst.accept()
    case("non-blocking accept() with nothing queued: EAGAIN", False)
except BlockingIOError:
    case("non-blocking accept() with nothing queued: EAGAIN", True)

# A TCP connection that never says a word is not an acceptable socket.
mute = socket.create_connection(("127.0.0.1", port))
r, _, _ = select.select([lst], [], [], 1.0)
case("a connected but silent client does not make the listener readable", not r)
try:
    lst.accept()
    case("a connected but silent client is not accepted", False)
except BlockingIOError:
    case("a connected but silent client is not accepted", True)

# A real TLS client makes it readable; accept4(SOCK_NONBLOCK) applies.
ctx = ssl.create_default_context(cafile=pki + "/ca.pem")
got = {}
def client():
    with socket.create_connection(("127.0.0.1", port)) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
            s.sendall(b"ping")
            got["reply"] = s.recv(16)
t = threading.Thread(target=client)
t.start()
r, _, _ = select.select([lst], [], [], 30)
case("the listener is readable once a handshake completes", bool(r))
fd = libc.accept4(lst.fileno(), None, None, os.O_NONBLOCK | os.O_CLOEXEC)
case("accept4(SOCK_NONBLOCK) returns the handshaken socket", fd >= 0)
c = socket.socket(fileno=fd)
case("the accepted socket is non-blocking", os.get_blocking(fd) is False)
data = b""
for _ in range(300):
    try:
        data = c.recv(16)
        break
    except BlockingIOError:
        time.sleep(0.01)
case("the accepted socket reads the client's plaintext", data == b"ping")
c.setblocking(True)
c.sendall(b"pong")
t.join(30)
case("and writes to it", got.get("reply") == b"pong")
c.close()

# A handshaken connection nobody accepts is closed with the listener.
done = {}
def idle_client():
    with socket.create_connection(("127.0.0.1", port)) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
            done["hs"] = True
            try:
                done["read"] = s.recv(16)
            except (ssl.SSLError, OSError) as e:
                done["read"] = repr(e)
t = threading.Thread(target=idle_client)
t.start()
select.select([lst], [], [], 30)
lst.close()
t.join(30)
case("closing the listener closes connections never accepted",
     done.get("hs") and done.get("read") == b"")
mute.close()
PY
while read -r verdict name; do
	if [ "$verdict" = PASS ]; then ok "$name"; else nok "$name"; fi
done <"$W/out"
grep -q . "$W/out" || nok "accept() semantics ran"

# --- credentials ----------------------------------------------------------------------
install -m 600 "$PKI/srv.key" "$W/root-only.key"
install -m 644 "$PKI/srv.key" "$W/readable.key"
PORT=$((PORT + 1))
setpriv --reuid=nobody --regid=nogroup --clear-groups "$SERVER" -n 0 \
	-c "$PKI/srv.pem" -k "$W/root-only.key" "$PORT" >"$W/out" 2>"$W/err"
check "an unprivileged process cannot load a root-only key" \
	"grep -q 'EACCES.*permission denied' $W/err"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$SERVER" -n 0 \
	-c "$PKI/srv.pem" -k "$W/readable.key" "$PORT" >"$W/out" 2>"$W/err"
check "the same process loads a key it may read" "has 'listening on'"

python3 - "$PKI" >"$W/out" 2>"$W/err" <<'PY'
import base64, ctypes, errno, socket, sys
pki = sys.argv[1]
IPPROTO_TLS, CHAIN, KEY, ERROR = 205, 88, 89, 100
def s():
    return socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_TLS)
def err(sk):
    return sk.getsockopt(IPPROTO_TLS, ERROR, 256).rstrip(b"\0").decode()
def try_set(sk, opt, val):
    try:
        sk.setsockopt(IPPROTO_TLS, opt, val.encode() + b"\0")
        return 0
    except OSError as e:
        return e.errno
def case(name, cond):
    print(("PASS " if cond else "FAIL ") + name)

a = s()
case("chain then mismatched key: EINVAL",
     try_set(a, CHAIN, pki + "/srv.pem") == 0 and try_set(a, KEY, pki + "/rsa.key") == errno.EINVAL
     and "does not match" in err(a))
case("the right key still fits after a mismatch", try_set(a, KEY, pki + "/srv.key") == 0)
b = s()
case("RSA 1024 refused", try_set(b, CHAIN, pki + "/weak.pem") == errno.EINVAL and "2048" in err(b))
c = s()
case("key before chain: EINVAL", try_set(c, KEY, pki + "/srv.key") == errno.EINVAL)
d = s()
pem = open(pki + "/srv.pem").read()
case("inline PEM chain and key", try_set(d, CHAIN, pem) == 0 and
     try_set(d, KEY, open(pki + "/srv.key").read()) == 0)
case("not PEM: EINVAL", try_set(c, CHAIN, "-----BEGIN CERTIFICATE-----\nnonsense\n") == errno.EINVAL)
e = s()
try_set(e, CHAIN, pki + "/srv.pem")
try:
    e.listen(1)
    case("listen with a chain but no key: ENOKEY", False)
except OSError as x:
    case("listen with a chain but no key: ENOKEY", x.errno == errno.ENOKEY)

# No option gives the key back, before or after listen().
der = base64.b64decode("".join(l for l in open(pki + "/srv.key").read().splitlines()
                               if not l.startswith("-----")))
# The private scalar too, both byte orders (mbedTLS keeps its numbers
# little-endian): an option leaking the key would leak that, not the DER.
from cryptography.hazmat.primitives.serialization import load_pem_private_key
scalar = load_pem_private_key(open(pki + "/srv.key", "rb").read(), None) \
    .private_numbers().private_value.to_bytes(32, "big")
secrets = [der, open(pki + "/srv.key").read().encode(), scalar, scalar[::-1]]
# Through libc: Python's getsockopt() refuses buffers over 1024 bytes,
# shorter than a chain, so every read would fail and nothing be checked.
libc = ctypes.CDLL(None, use_errno=True)
def raw_get(sock, opt):
    buf = ctypes.create_string_buffer(65536)
    n = ctypes.c_uint32(len(buf))
    if libc.getsockopt(sock.fileno(), IPPROTO_TLS, opt, buf, ctypes.byref(n)):
        return None
    return buf.raw[:n.value]
leaked = []
read = {"set": set(), "listening": set()}
d.bind(("127.0.0.1", 0))
for phase in ("set", "listening"):
    if phase == "listening":
        d.listen(1)
    for opt in range(64, 160):
        got = raw_get(d, opt)
        if got is None:
            continue
        read[phase].add(opt)
        if any(x in got for x in secrets):
            leaked.append((phase, opt))
# What the header says is readable before a handshake, in both phases:
# if these fail, the loop above checked nothing.  (REMOTE_HOSTNAME,
# SESSION_TTL, ID, VERSION_MIN/MAX, ERROR, CIPHERS, GROUPS)
must = {85, 91, 96, 97, 98, 100, 102, 103}
case("no getsockopt returns key material (%s; options read %s)"
     % (leaked, {k: sorted(v) for k, v in read.items()}),
     not leaked and all(must <= v for v in read.values()))
PY
while read -r verdict name; do
	if [ "$verdict" = PASS ]; then ok "$name"; else nok "$name"; fi
done <"$W/out"
grep -q . "$W/out" || nok "credential checks ran"

tap_end
