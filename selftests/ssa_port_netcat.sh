#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The netcat port (ports/netcat: Debian's netcat-openbsd with ssa.patch)
# against real peers, inside the VM (tools/testing/vm-run): nc-ssa -c to
# OpenSSL's s_server, byte for byte; nc-ssa -c -l serving s_client; nc-ssa
# to nc-ssa, 16 MiB checked by sha256, with -N carrying the end of the
# data; -N's close_notify as a Python peer sees it; a wrong -e name
# refused with the kernel's words and no byte sent; gnutls-serv.
# Builds nothing: ports/netcat/build makes $SSA_CACHE/ports/bin/nc-ssa
# (SSA_NC overrides the path), and without it the suite is skipped.  TAP
# output with a kselftest "# Totals:" line.

set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NC=${SSA_NC:-${SSA_CACHE:-/var/cache/tls_ssa}/ports/bin/nc-ssa}
PEER=$HERE/lib/tls_peer.py
PORT=25000
. "$HERE/lib/tap.sh" port-netcat
PKI=$W/pki
# What an nc-ssa in the background said (the foreground one writes $W/err).
nok_extra() { [ -s "$W/nc.err" ] && head -c 600 "$W/nc.err" | sed 's/^/#   nc-ssa: /'; }

# sink: lib/tls_peer.py on $PORT reads to EOF and writes what it got
# ("bytes=N sha256=H close_notify=yes|no", or "handshake-failed ...")
# to $W/peer.out; SINK is its PID.
sink() {
	next_port
	rm -f "$W/peer.out"
	python3 "$PEER" sink --port "$PORT" "${PSRV[@]}" >"$W/peer.out" 2>&1 &
	SINK=$!
	PIDS+=("$SINK")
	wait_port "$PORT" 30 "$SINK"
}
# sink_wait: the sink has written its line (30 s at most: a client that
# never connected leaves it waiting for one)
sink_wait() {
	local _
	for _ in $(seq 300); do
		kill -0 "$SINK" 2>/dev/null || break
		sleep 0.1
	done
	kill "$SINK" 2>/dev/null
	wait "$SINK" 2>/dev/null
}

# run_nc ARGS... <IN: nc-ssa in the foreground; stdout $W/out, stderr $W/err
run_nc() { rm -f "$W/nc.err"; timeout 120 "$NC" "$@" >"$W/out" 2>"$W/err"; }
# peer_said: the first line of $W/peer.out, for a test's name
peer_said() { grep -v '^READY' "$W/peer.out" 2>/dev/null | head -n1 | cut -c1-100; }

[ -x "$NC" ] || skip_all "$NC is not built (ports/netcat/build makes it)"
"$HERE/lib/mkpki.sh" "$PKI" || bail "cannot make test certificates"
SRV=(-cert "$PKI/srv.pem" -key "$PKI/srv.key")		# openssl s_server
PSRV=(--cert "$PKI/srv.pem" --key "$PKI/srv.key")	# tls_peer.py
LSRV=(-C "$PKI/srv.pem" -K "$PKI/srv.key")		# nc-ssa -l
CA=(-R "$PKI/ca.pem")

# --- (a) client: s_server -rev answers each line reversed ---------------------
# -N: at the end of stdin, shutdown(SHUT_WR) sends close_notify; s_server
# then closes, and that end of file ends nc-ssa.
head -c 3000 /dev/urandom | base64 >"$W/a.in"
rev "$W/a.in" >"$W/a.want"
s_server_once "${SRV[@]}" -rev
run_nc -N -c "${CA[@]}" localhost "$PORT" <"$W/a.in"
rc=$?
check "client: to s_server -rev, every line back reversed, byte for byte (exit $rc)" \
	"[ $rc = 0 ] && cmp -s $W/out $W/a.want"

# --- (b) server: s_client sends a line, nc-ssa -l answers with one ------------------
# nc-ssa's stdin ends once the client's line has arrived; -N then sends
# close_notify, on which s_client (-quiet: it ignores its own EOF) ends.
next_port
CLINE="from-s_client-$RANDOM$RANDOM"
echo "$CLINE" >"$W/b.cin"
echo "from-nc-ssa-$RANDOM$RANDOM" >"$W/b.sin"
rm -f "$W/b.srv"
# shellcheck disable=SC2094	# the feeder watches what nc-ssa writes
{
	cat "$W/b.sin"
	for _ in $(seq 300); do
		grep -q "$CLINE" "$W/b.srv" 2>/dev/null && break
		sleep 0.1
	done
} | timeout 120 "$NC" -N -c -l "${LSRV[@]}" "$PORT" >"$W/b.srv" 2>"$W/nc.err" &
NCPID=$!
PIDS+=("$NCPID")
wait_port "$PORT" 20 "$NCPID"
timeout 60 openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$PKI/ca.pem" \
	-verify_return_error -verify_hostname localhost -quiet <"$W/b.cin" >"$W/out" 2>"$W/err"
crc=$?
wait "$NCPID"
src=$?
check "server: nc-ssa -c -l with s_client, both lines intact (s_client $crc, nc-ssa $src)" \
	"[ $crc = 0 ] && [ $src = 0 ] && cmp -s $W/b.srv $W/b.cin && cmp -s $W/out $W/b.sin"

# --- (c) nc-ssa to nc-ssa, 16 MiB -------------------------------------------------
head -c $((16 << 20)) /dev/urandom >"$W/big"
SUM=$(sha256sum <"$W/big" | cut -d' ' -f1)
next_port
timeout 180 "$NC" -d -c -l "${LSRV[@]}" "$PORT" >"$W/c.got" 2>"$W/nc.err" &
NCPID=$!
PIDS+=("$NCPID")
wait_port "$PORT" 20 "$NCPID"
timeout 180 "$NC" -N -c "${CA[@]}" localhost "$PORT" <"$W/big" >"$W/out" 2>"$W/err"
crc=$?
wait "$NCPID"
src=$?
got=$(sha256sum <"$W/c.got" | cut -d' ' -f1)
check "nc-ssa -N to nc-ssa -l: 16 MiB, sha256 matches, both ended (client $crc, server $src)" \
	"[ $crc = 0 ] && [ $src = 0 ] && [ $got = $SUM ]"

# -N is shutdown(SHUT_WR): close_notify before TCP's FIN (ssa.rst), which
# a peer that tells them apart must see; this also shows that the sink
# records what arrives (for (d)).
sink
run_nc -N -c "${CA[@]}" localhost "$PORT" <"$W/big"
rc=$?
sink_wait
check "-N: 16 MiB to a Python peer, then close_notify (exit $rc; peer: $(peer_said))" \
	"[ $rc = 0 ] && grep -q 'bytes=$((16 << 20)) sha256=$SUM close_notify=yes' $W/peer.out"

# --- (d) the wrong name -------------------------------------------------------------
MARK="must-never-arrive-$RANDOM$RANDOM"
s_server_once "${SRV[@]}" -rev
echo "$MARK" | run_nc -c -e wrong.example "${CA[@]}" localhost "$PORT"
rc=$?
check "-e wrong.example against s_server: exit $rc, the kernel's \"hostname mismatch\"" \
	"[ $rc != 0 ] && err_has 'hostname mismatch' && err_has 'Key was rejected' && [ ! -s $W/out ]"
sink
capture_start "$W/d.pcap" "$PORT"
echo "$MARK" | run_nc -c -e wrong.example "${CA[@]}" localhost "$PORT"
rc=$?
sink_wait
capture_stop
# The capture holds the ClientHello (its SNI is in clear), so it saw the
# connection; the marker must not be anywhere in it.
check "-e wrong.example: no byte sent (the peer's handshake failed, it got nothing; exit $rc)" \
	"[ $rc != 0 ] && grep -q '^handshake-failed' $W/peer.out && ! grep -q '^bytes=' $W/peer.out"
if command -v tcpdump >/dev/null; then
	check "-e wrong.example: the data is nowhere on the wire, in clear or otherwise" \
		"grep -qa wrong.example $W/d.pcap && ! grep -qa '$MARK' $W/d.pcap"
else
	skp "-e wrong.example: the data is nowhere on the wire" "tcpdump not installed"
fi

# --- (f) -R on a listener: a client certificate from those anchors, required ---------
# (SSA's accept() returns only finished handshakes: the client without a
# certificate never reaches nc, the one with it does.)
next_port
timeout 90 "$NC" -d -c -l "${LSRV[@]}" "${CA[@]}" "$PORT" >"$W/f.got" 2>"$W/nc.err" &
NCPID=$!
PIDS+=("$NCPID")
wait_port "$PORT" 20 "$NCPID"
echo "from-a-client-without-a-certificate" | timeout 30 openssl s_client -quiet -no_ign_eof \
	-connect "127.0.0.1:$PORT" -CAfile "$PKI/ca.pem" >/dev/null 2>&1
echo "from-a-client-with-one" | timeout 30 openssl s_client -quiet -no_ign_eof \
	-connect "127.0.0.1:$PORT" -CAfile "$PKI/ca.pem" \
	-cert "$PKI/client.pem" -key "$PKI/client.key" >/dev/null 2>"$W/err"
wait "$NCPID"
src=$?
check "-l -R: the client without a certificate is refused, the one with it served (nc-ssa $src)" \
	"[ $src = 0 ] && [ \"\$(cat $W/f.got)\" = from-a-client-with-one ]"
"$NC" -c -l "${LSRV[@]}" -e client.example "$PORT" >"$W/out" 2>"$W/err"
rc=$?
check "-l -e: refused, not silently ignored (exit $rc)" "[ $rc != 0 ] && err_has 'cannot use -e with -l'"

# --- (e) GnuTLS ----------------------------------------------------------------------
next_port
gnutls-serv --echo --port "$PORT" --x509certfile "$PKI/srv.pem" --x509keyfile "$PKI/srv.key" \
	>"$W/gnutls.log" 2>&1 &
PIDS+=($!)
wait_port "$PORT" 20 $!
head -c 4000 /dev/urandom | base64 >"$W/e.in"
run_nc -N -c "${CA[@]}" localhost "$PORT" <"$W/e.in"
rc=$?
check "client: to gnutls-serv --echo, the data back byte for byte (exit $rc)" \
	"[ $rc = 0 ] && cmp -s $W/out $W/e.in"

tap_end
