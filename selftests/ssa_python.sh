#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Python package (bindings/python/ssa) against real peers, inside the
# VM (tools/testing/vm-run): options through the kernel; create_connection()
# to OpenSSL's s_server, byte for byte; a wrong host name refused with
# SSAError and the kernel's words, the server receiving nothing;
# create_server() serving create_connection() (SSA at both ends, with SNI,
# ALPN and a client certificate); urllib.request and HTTPSConnection
# fetching from nginx, 8 MiB checked by sha256; and the wheel that
# bindings/python/build-wheel makes, installed into a venv and imported
# from there.  TAP output with a kselftest "# Totals:" line.

set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
PEER=$HERE/lib/tls_peer.py
PORT=24000
. "$HERE/lib/tap.sh" python
PKI=$W/pki
NGX=$W/nginx
# The package from the tree (read-only in the VM: no __pycache__).
export PYTHONPATH=$REPO/bindings/python PYTHONDONTWRITEBYTECODE=1

on_exit() {
	if [ -s "$NGX/nginx.pid" ]; then kill "$(cat "$NGX/nginx.pid")" 2>/dev/null; fi
}

# py ARGS... <<'PY': a Python program on stdin; output in $W/out, $W/err
py() { timeout 120 python3 - "$@" >"$W/out" 2>"$W/err"; }

"$HERE/lib/mkpki.sh" "$PKI" || bail "cannot make test certificates"
python3 -c 'import ssa; ssa.socket().close()' 2>"$W/err" ||
	bail "no IPPROTO_TLS socket from Python: $(tail -n1 "$W/err")"
SRV=(-cert "$PKI/srv.pem" -key "$PKI/srv.key")		# openssl s_server
PSRV=(--cert "$PKI/srv.pem" --key "$PKI/srv.key")	# tls_peer.py

# --- options through the kernel ---------------------------------------------
py <<'PY'
import errno, ssa
with ssa.socket() as s:
    s.set_remote_hostname("localhost")
    print("hostname", s.remote_hostname())
    s.set_version_min(ssa.TLS_VERSION_1_3)
    print("version_min 0x%04x" % s.version_min())
    want = ["TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"]
    s.set_ciphers(want)
    print("ciphers", "same" if sorted(s.ciphers()) == want else s.ciphers())
    try:
        s.set_remote_hostname("not a host name")
    except ssa.SSAError as e:
        print("refused", errno.errorcode.get(e.errno), "|", e.tls_error)
    try:
        s.alpn()
    except OSError as e:
        print("alpn before the handshake", errno.errorcode.get(e.errno))
PY
check "SSASocket options round-trip through the kernel" \
	"has 'hostname localhost' && has 'version_min 0x0304' && has 'ciphers same'"
check "an option the kernel refuses: SSAError EINVAL with its words" \
	"has 'refused EINVAL | TLS_REMOTE_HOSTNAME: not a valid host name'"
check "a negotiated value before the handshake: ENOTCONN" "has 'alpn before the handshake ENOTCONN'"

# --- create_connection() to OpenSSL ---------------------------------------------
# s_server -rev answers each line reversed; -cert_chain makes the chain it
# sends (leaf and CA) longer than socket.getsockopt() can read.
s_server_once "${SRV[@]}" -cert_chain "$PKI/ca.pem" -rev
py "$PORT" "$PKI/ca.pem" <<'PY'
import os, sys, ssa
port, ca = int(sys.argv[1]), sys.argv[2]
line = os.urandom(32).hex().encode()
with ssa.create_connection(("127.0.0.1", port), timeout=60, server_hostname="localhost",
                           cafile=ca) as s:
    s.sendall(line + b"\n")
    got = b""
    while not got.endswith(b"\n"):
        d = s.recv(4096)
        if not d:
            break
        got += d
    print("reply", "exact" if got == line[::-1] + b"\n" else repr(got))
    print("version 0x%04x" % s.negotiated_version(), "cipher 0x%04x" % s.negotiated_cipher())
    print("peer", s.peer_identity())
    print("sni", s.hostname())
    chain = s.peer_certificate_chain()
    print("chain certs=%d over1024=%s" % (chain.count("-----BEGIN CERTIFICATE-----"),
                                          len(chain) > 1024))
    s.sendall(b"CLOSE\n")
PY
check "create_connection to s_server: the reply, byte for byte" "has 'reply exact'"
check "negotiated values: TLS 1.3, peer CN=localhost, SNI localhost" \
	"has 'version 0x0304' && has 'peer CN=localhost' && has 'sni localhost'"
check "the peer's chain (leaf and CA, over 1024 bytes) reads whole" \
	"has 'chain certs=2 over1024=True'"

# --- the wrong host name ---------------------------------------------------------
# A sink peer says what it received: nothing, as its handshake failed.
next_port
python3 "$PEER" sink --port "$PORT" "${PSRV[@]}" >"$W/peer.out" 2>&1 &
SINK=$!
PIDS+=("$SINK")
wait_port "$PORT" 30 "$SINK"
capture_start "$W/wrong.pcap" "$PORT"
py "$PORT" "$PKI/ca.pem" <<'PY'
import errno, sys, ssa
port, ca = int(sys.argv[1]), sys.argv[2]
try:
    s = ssa.create_connection(("127.0.0.1", port), timeout=60,
                              server_hostname="wrong.example", cafile=ca)
except ssa.SSAError as e:
    print("SSAError", errno.errorcode.get(e.errno), "|", e.tls_error)
    print("str", e)
else:
    s.sendall(b"this must never reach the server\n")
    s.close()
    print("connected")
PY
wait "$SINK"
capture_stop
check "wrong host name: SSAError EKEYREJECTED, \"hostname mismatch\", also in str()" \
	"has 'SSAError EKEYREJECTED | .*hostname mismatch' && has '^str \[Errno [0-9]*\] .*hostname mismatch'"
check "wrong host name: no data sent (the server's handshake failed, it got no byte)" \
	"grep -q '^handshake-failed' $W/peer.out && ! grep -q '^bytes=' $W/peer.out"
if command -v tcpdump >/dev/null; then
	check "wrong host name: the data is nowhere on the wire (the ClientHello is)" \
		"grep -qa wrong.example $W/wrong.pcap && ! grep -qa 'must never reach' $W/wrong.pcap"
else
	skp "wrong host name: the data is nowhere on the wire" "tcpdump not installed"
fi

# --- SSA at both ends: create_server() and create_connection() -----------------------
next_port
py "$PORT" "$PKI" <<'PY'
import os, socket, sys, threading, ssa
port, pki = int(sys.argv[1]), sys.argv[2]
blob = os.urandom(1 << 20)
seen = {}
srv = ssa.create_server(("127.0.0.1", port), certfile=pki + "/srv.pem",
                        keyfile=pki + "/srv.key", alpn=["h2", "http/1.1"],
                        cafile=pki + "/ca.pem", request_peer_auth=ssa.TLS_PEER_AUTH_REQUIRE)
srv.settimeout(60)


def serve():
    try:
        c, _ = srv.accept()
        with c:
            seen.update(type=type(c).__name__, sni=c.hostname(), alpn=c.alpn(),
                        peer=c.peer_identity())
            data = b""
            while d := c.recv(1 << 16):
                data += d
            c.sendall(data[::-1])
    except Exception as e:
        print("server error", repr(e))


t = threading.Thread(target=serve)
t.start()
with ssa.create_connection(("127.0.0.1", port), timeout=60, server_hostname="localhost",
                           cafile=pki + "/ca.pem", alpn=["http/1.1"],
                           certfile=pki + "/client.pem", keyfile=pki + "/client.key") as s:
    s.sendall(blob)
    s.shutdown(socket.SHUT_WR)
    back = b""
    while d := s.recv(1 << 16):
        back += d
    print("client alpn=%s peer=%s" % (s.alpn(), s.peer_identity()))
t.join(60)
srv.close()
print("echo", "exact" if back == blob[::-1] else "differs (%d bytes)" % len(back))
if seen:
    print("server type=%(type)s sni=%(sni)s alpn=%(alpn)s peer=%(peer)s" % seen)
PY
check "create_server serves create_connection: 1 MiB back, reversed, exact" "has 'echo exact'"
check "ALPN http/1.1 at both ends; the server sees SNI and the client certificate" \
	"has 'client alpn=http/1.1 peer=CN=localhost' &&
	 has 'server type=SSASocket sni=localhost alpn=http/1.1 peer=CN=client.example'"

# --- http.client and urllib.request, from nginx ------------------------------------
next_port
mkdir -p "$NGX/html"
head -c 100000 /dev/urandom | base64 >"$NGX/html/index.html"
head -c $((8 << 20)) /dev/urandom >"$NGX/html/big"
BIGSUM=$(sha256sum <"$NGX/html/big" | cut -d' ' -f1)
if ! command -v nginx >/dev/null; then
	skp "urllib.request and HTTPSConnection from nginx" "nginx not installed"
elif "$HERE/lib/nginx.sh" "$NGX" "$PORT" "$PKI" >"$W/out" 2>"$W/err"; then
	py "$PORT" "$PKI/ca.pem" "$NGX/html" <<'PY'
import hashlib, sys, urllib.request, ssa
port, ca, root = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(root + "/index.html", "rb") as f:
    index = f.read()
calls = []                      # connections made through ssa
real = ssa.create_connection


def counted(*args, **kwargs):
    calls.append(args[0])
    return real(*args, **kwargs)


ssa.create_connection = counted
urllib.request.install_opener(ssa.build_opener(cafile=ca))
with urllib.request.urlopen("https://localhost:%d/index.html" % port, timeout=60) as r:
    print("urllib", r.status, "same" if r.read() == index else "differs",
          "through-ssa=%d" % len(calls))

c = ssa.HTTPSConnection("localhost", port, timeout=120, cafile=ca)
c.connect()
print("https alpn=%s version=0x%04x" % (c.sock.alpn(), c.sock.negotiated_version()))
c.request("GET", "/big")
r = c.getresponse()
h, n = hashlib.sha256(), 0
while chunk := r.read(1 << 16):
    h.update(chunk)
    n += len(chunk)
print("big", r.status, n, h.hexdigest())
c.close()

c = ssa.HTTPSConnection("::1", port, timeout=60, cafile=ca)
c.request("GET", "/index.html")
r = c.getresponse()
print("ipv6", r.status, "same" if r.read() == index else "differs")
c.close()
PY
	check "urllib.request.urlopen() through ssa.build_opener(): nginx's page, intact" \
		"has 'urllib 200 same through-ssa=1'"
	check "HTTPSConnection offers ALPN http/1.1; nginx takes it" "has 'https alpn=http/1.1 '"
	check "HTTPSConnection: 8 MiB from nginx, sha256 matches" \
		"has 'big 200 $((8 << 20)) $BIGSUM'"
	check "HTTPSConnection to ::1: verified by the IP SAN" "has 'ipv6 200 same'"
	kill "$(cat "$NGX/nginx.pid")" 2>/dev/null
else
	nok "nginx starts (lib/nginx.sh)"
fi
rm -f "$NGX/html/big"

# --- the wheel -----------------------------------------------------------------------
if ! python3 -c 'import setuptools, wheel' 2>/dev/null; then
	skp "the wheel: built, installed into a venv, imported" \
		"python3-setuptools or python3-wheel not installed"
else
	"$REPO/bindings/python/build-wheel" "$W/dist" >"$W/out" 2>"$W/err"
	WHL=$(tail -n1 "$W/out")
	check "build-wheel makes tls_ssa-*-py3-none-any.whl, offline" \
		"[ -f '$WHL' ] && [[ '$WHL' == '$W'/dist/tls_ssa-*-py3-none-any.whl ]]"
	cat >"$W/venv-check.py" <<'PY'
import importlib.metadata, sys, ssa
print("from", "venv" if sys.prefix != sys.base_prefix and
      ssa.__file__.startswith(sys.prefix + "/") else ssa.__file__)
print("metadata", importlib.metadata.version("tls-ssa") == ssa.__version__)
with ssa.socket() as s:
    s.set_remote_hostname("localhost")
    print("kernel", s.remote_hostname())
PY
	# No PYTHONPATH, no user site (-I), not from the tree's directory.
	python3 -m venv --without-pip "$W/venv" >"$W/out" 2>"$W/err" &&
		SITE=$("$W/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))') &&
		python3 -m zipfile -e "$WHL" "$SITE" 2>"$W/err" &&
		(cd / && env -u PYTHONPATH "$W/venv/bin/python" -I "$W/venv-check.py" \
			>"$W/out" 2>"$W/err")
	check "the wheel unpacked into a venv: ssa imports from there and works" \
		"has 'from venv' && has 'metadata True' && has 'kernel localhost'"
fi

tap_end
