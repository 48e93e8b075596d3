#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The administrator's policy, inside the VM: securityfs and ssactl, the
# per-program profiles (a python3 profile forcing TLS 1.3, a profile for
# the C client), options that would weaken the policy (EPERM), key grants,
# verify = none, the handshake timeout, invalid policies refused with
# their line while the old one stays, 100 reloads during 50 live
# transfers, "ssactl conns" listing exactly the live sockets, the trust
# store, stats, and the lock.  TAP output with a kselftest "# Totals:" line.

set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SSACTL=$REPO/tools/ssactl/ssactl
SERVER=$(readlink -f "$REPO/samples/ssa_server")
CLIENT=$(readlink -f "$REPO/samples/ssa_client")
PYTHON=$(readlink -f "$(command -v python3)")
FS=/sys/kernel/security/tls_ssa
PORT=22000
. "$HERE/lib/tap.sh" policy
PKI=$W/pki
on_exit() {
	printf '[default]\n' >"$W/open.conf"
	"$SSACTL" policy load "$W/open.conf" >/dev/null 2>&1
}

# load NAME: write $W/NAME.conf (from stdin) and load it with ssactl
load() {
	cat >"$W/$1.conf"
	"$SSACTL" policy load "$W/$1.conf" >"$W/out" 2>"$W/err"
}

# s_server VERSION: an OpenSSL server speaking only that version, on a new $PORT
s_server() {
	PORT=$((PORT + 1))
	openssl s_server -accept "$PORT" -quiet -"$1" -cert "$PKI/srv.pem" -key "$PKI/srv.key" \
		>/dev/null 2>&1 &
	PIDS+=($!)
	wait_port "$PORT" 20 $!
}

# py_get PORT: an SSA client in Python (socket module only) against localhost
py_get() {
	timeout 60 "$PYTHON" "$REPO/samples/ssa_fetch.py" "https://localhost:$1/" "$PKI/ca.pem" \
		>"$W/out" 2>"$W/err" </dev/null
}

"$HERE/lib/mkpki.sh" "$PKI" || bail "cannot make test certificates"
[ -d "$FS" ] || bail "$FS missing"
chmod -R a+rX "$W"

# --- securityfs and ssactl basics -------------------------------------------------
"$SSACTL" status >"$W/out" 2>"$W/err"
check "ssactl status finds the module and securityfs" "has 'securityfs:  $FS'"
"$SSACTL" -j policy show >"$W/out" 2>"$W/err"
check "built-in policy: TLS 1.2-1.3, verification required (JSON)" \
	"python3 -c 'import json,sys; d=json.load(open(\"$W/out\"))[\"default\"]; assert d[\"min_version\"]==\"1.2\" and d[\"max_version\"]==\"1.3\" and d[\"verify\"]==\"required\"'"
check "version file" "grep -q '^tls_ssa .* mbedtls 3\.' $FS/version"

printf '[default]\nmin_version = 1.3\n' >"$W/try.conf"
setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c "cat $W/try.conf > $FS/policy" \
	>"$W/out" 2>"$W/err"
check "an unprivileged process cannot write the policy" \
	"err_has 'Permission denied' && ! grep -q 'min_version = 1.3' $FS/policy"
capsh --drop=cap_sys_admin,cap_mac_admin -- -c "cat $W/try.conf > $FS/policy" \
	>"$W/out" 2>"$W/err"
check "root without CAP_SYS_ADMIN and CAP_MAC_ADMIN cannot either" \
	"err_has 'not permitted' && ! grep -q 'min_version = 1.3' $FS/policy"

# --- a valid policy, then an invalid one -----------------------------------------------
load good <<EOF
# every program: no ChaCha20; python3 only TLS 1.3
[default]
ciphers = TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384

[app "$PYTHON"]
min_version = 1.3
EOF
check "ssactl policy load" "has 'loaded' && grep -q 'app \"$PYTHON\"' $FS/policy"
load bad <<EOF
[default]
min_version = 1.2
frobnicate = yes
EOF
check "an unknown key is refused with its line" "err_has 'bad.conf:3: unknown key'"
printf '[default]\nmin_version = 1.4\n' >"$W/bad2.conf"
echo "[default]" >"$W/direct.conf"
cat "$W/bad2.conf" >"$FS/policy" 2>"$W/err"
check "a direct write of a bad value fails (EINVAL)" "err_has 'Invalid argument'"
check "last_error gives the line and the reason" "grep -q 'line 2: min_version must be 1.2 or 1.3' $FS/last_error"
check "the old policy stays active" "grep -q 'app \"$PYTHON\"' $FS/policy"
"$SSACTL" policy check "$W/bad.conf" >"$W/out" 2>"$W/err"
check "ssactl policy check needs no kernel and names the line" "err_has 'bad.conf:3: unknown key'"

# --- profiles: python3 forced to TLS 1.3, the C client not ----------------------------------
s_server tls1_2
py_get "$PORT"
check "python3 (profile: TLS 1.3) fails against a TLS 1.2-only server" \
	"err_has 'EPROTO\|Protocol error\|version'"
timeout 60 "$CLIENT" -A "$PKI/ca.pem" -G / localhost "$PORT" >"$W/out" 2>"$W/err"
check "ssa_client (no profile) reaches the same server" "! err_has 'EPROTO'"
s_server tls1_3
py_get "$PORT"
check "python3 reaches a TLS 1.3 server" "err_has 'TLSv1.3'"

# --- options that would weaken the policy ----------------------------------------------
python3 - "$PKI" >"$W/out" 2>"$W/err" <<'PY'
import errno, socket, struct, sys
IPPROTO_TLS, TRUSTED, VMIN, VMAX, CIPHERS, ERROR = 205, 87, 97, 98, 102, 100
def s():
    return socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_TLS)
def try_set(sk, opt, val):
    try:
        sk.setsockopt(IPPROTO_TLS, opt, val)
        return 0
    except OSError as e:
        return e.errno
def err(sk):
    return sk.getsockopt(IPPROTO_TLS, ERROR, 256).split(b"\0")[0].decode()
def case(name, cond, sk=None):
    print(("PASS " if cond else "FAIL ") + name + ((" [" + err(sk) + "]") if sk else ""))
a = s()
case("python3: TLS_VERSION_MIN 1.2 below the profile's 1.3: EPERM",
     try_set(a, VMIN, struct.pack("i", 0x0303)) == errno.EPERM, a)
case("python3: TLS_VERSION_MIN reads the profile's 1.3",
     struct.unpack("i", a.getsockopt(IPPROTO_TLS, VMIN, 4))[0] == 0x0304)
b = s()
case("re-enabling ChaCha20, which the policy removed: EPERM",
     try_set(b, CIPHERS, b"TLS_CHACHA20_POLY1305_SHA256\0") == errno.EPERM
     and "TLS_CHACHA20_POLY1305_SHA256" in err(b), b)
c = s()
case("narrowing the suites is allowed", try_set(c, CIPHERS, b"TLS_AES_256_GCM_SHA384\0") == 0)
PY
while read -r verdict name; do
	if [ "$verdict" = PASS ]; then ok "$name"; else nok "$name"; fi
done <"$W/out"

load pin <<EOF
[default]
app_trust_anchors = deny
EOF
timeout 30 "$CLIENT" -A "$PKI/ca.pem" -G / localhost "$PORT" >"$W/out" 2>"$W/err"
check "app_trust_anchors = deny: pinning anchors is EPERM" \
	"err_has 'EPERM' && err_has 'trust anchors'"

# --- verify = none, handshake_timeout -----------------------------------------------------
PORT=$((PORT + 1))
openssl s_server -accept "$PORT" -quiet -cert "$PKI/self.pem" -key "$PKI/self.key" \
	>/dev/null 2>&1 &
PIDS+=($!)
wait_port "$PORT" 20 $!
load open <<EOF
[default]
EOF
timeout 30 "$CLIENT" -G / localhost "$PORT" >"$W/out" 2>"$W/err"
check "self-signed server refused under verify = required" "err_has 'self-signed'"
load noverify <<EOF
[app "$CLIENT"]
verify = none
EOF
timeout 30 "$CLIENT" -s -G / localhost "$PORT" >"$W/out" 2>"$W/err"
check "a profile cannot weaken [default]'s verify = required" "err_has 'self-signed'"
load noverify2 <<EOF
[default]
verify = none
[app "$PYTHON"]
verify = required
EOF
timeout 30 "$CLIENT" -s -G / localhost "$PORT" >"$W/out" 2>"$W/err"
check "verify = none, spelled out in [default], lets a program connect" \
	"err_has 'version=TLSv1.3'"
py_get "$PORT"
check "while a profile keeps verification for python3" \
	"err_has 'self-signed\|EKEYREJECTED\|rejected'"
# A session made without verification must not outlive the policy that
# allowed it: resumption skips the certificate checks.
timeout 30 "$CLIENT" -s -G / localhost "$PORT" >"$W/out" 2>"$W/err"
check "under verify = none the next connection resumes" "err_has 'resumed=1'"
load required <<EOF
[default]
verify = required
EOF
timeout 30 "$CLIENT" -s -G / localhost "$PORT" >"$W/out" 2>"$W/err"
check "after verify = required is loaded, that session is not resumed" \
	"err_has 'self-signed' && ! err_has 'resumed=1'"

PORT=$((PORT + 1))
python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $PORT)); s.listen(8)
c = s.accept(); time.sleep(30)" &
PIDS+=($!)
wait_port "$PORT" 20 $!
load timeout <<EOF
[default]
[app "$CLIENT"]
handshake_timeout = 2
EOF
start=$(date +%s)
timeout 30 "$CLIENT" -A "$PKI/ca.pem" -G / localhost "$PORT" >"$W/out" 2>"$W/err"
took=$(($(date +%s) - start))
check "handshake_timeout = 2 ends a silent server's handshake (${took}s)" \
	"err_has 'ETIMEDOUT' && err_has 'after 2 s' && [ $took -lt 10 ]"

# --- key grants ---------------------------------------------------------------------------
install -m 600 "$PKI/srv.key" "$W/granted.key"
load grant <<EOF
[default]
[app "$SERVER"]
grant = $W/granted.key
EOF
PORT=$((PORT + 1))
mkdir -p "$W/root" && echo granted >"$W/root/index.html" && chmod -R a+rX "$W/root"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$SERVER" -r "$W/root" \
	-c "$PKI/srv.pem" -k "$W/granted.key" -n 1 "$PORT" >"$W/srv.out" 2>&1 &
PIDS+=($!)
wait_port "$PORT" 20 $!
curl -sS --cacert "$PKI/ca.pem" "https://localhost:$PORT/index.html" >"$W/out" 2>"$W/err"
check "a granted root-only key serves for the profile's program, run as nobody" "has granted"
# try_key.py: does this program get the granted key?
cat >"$W/try_key.py" <<EOF
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 205)
s.setsockopt(205, 88, b'$PKI/srv.pem')
try:
    s.setsockopt(205, 89, b'$W/granted.key')
    print('loaded')
except OSError as e:
    print('refused', e.errno)
EOF
chmod a+r "$W/try_key.py"
setpriv --reuid=nobody --regid=nogroup --clear-groups python3 "$W/try_key.py" \
	>"$W/out" 2>"$W/err"
check "the same key is refused to another program" "has 'refused 13'"

# The grant follows the files, not their paths in the caller's namespace.
# An unprivileged user namespace may bind-mount its own program over the
# granted executable's path ...
setpriv --reuid=nobody --regid=nogroup --clear-groups unshare -Urm sh -c \
	"mount --bind $PYTHON $SERVER && exec $SERVER $W/try_key.py" >"$W/out" 2>"$W/err"
check "another program bind-mounted over the granted one's path is refused" "has 'refused 13'"
# ... or another root-only key over the granted key's path.
install -m 600 "$PKI/rsa.key" "$W/secret.key"
PORT=$((PORT + 1))
setpriv --reuid=nobody --regid=nogroup --clear-groups unshare -Urm sh -c "
mount --bind $W/secret.key $W/granted.key &&
exec $SERVER -r $W/root -c $PKI/srv.pem -k $W/granted.key -n 1 $PORT" >"$W/srv.out" 2>&1 &
PIDS+=($!)
wait_port "$PORT" 20 $!
curl -sS --cacert "$PKI/ca.pem" "https://localhost:$PORT/index.html" >"$W/out" 2>"$W/err"
check "a key bind-mounted over the granted path is not what the kernel loads" \
	"has granted || { cat $W/srv.out >>$W/err; false; }"

# --- 100 reloads during 50 live transfers ------------------------------------------------------
load open <<EOF
[default]
handshake_timeout = 300
EOF
PORT=$((PORT + 1))
"$SERVER" -c "$PKI/srv.pem" -k "$PKI/srv.key" -e "$PORT" >/dev/null 2>&1 &
PIDS+=($!)
wait_port "$PORT" 20 $!
head -c $((1 << 20)) /dev/urandom >"$W/blob"
# 100 handshakes at once: on the debug kernel they take longer than the
# default 30 s to get through two emulated CPUs.
printf '[default]\nsession_ttl = 60\nhandshake_timeout = 300\n' >"$W/a.conf"
printf '[default]\nsession_ttl = 120\nhandshake_timeout = 300\n[app "/usr/bin/true"]\nmin_version = 1.3\n' >"$W/b.conf"
xfer=()
for i in $(seq 50); do
	timeout 240 "$CLIENT" -A "$PKI/ca.pem" -u "$W/blob" -o "$W/back.$i" localhost "$PORT" \
		>/dev/null 2>"$W/xerr.$i" &
	xfer+=($!)
done
reloads=0
for i in $(seq 100); do
	if [ $((i % 2)) = 0 ]; then f=a; else f=b; fi
	"$SSACTL" policy load "$W/$f.conf" >/dev/null 2>&1 && reloads=$((reloads + 1))
done
bad=0
for p in "${xfer[@]}"; do wait "$p" || bad=$((bad + 1)); done
same=0
for i in $(seq 50); do
	if cmp -s "$W/blob" "$W/back.$i"; then
		same=$((same + 1))
	elif [ -z "${first_bad:-}" ]; then
		first_bad=$i
		echo "# transfer $i: $(head -c 300 "$W/xerr.$i")"
	fi
done
check "100 policy reloads ($reloads ok) during 50 transfers: $same of 50 intact" \
	"[ $reloads = 100 ] && [ $bad = 0 ] && [ $same = 50 ]"
rm -f "$W"/back.* "$W"/xerr.*

# --- conns lists exactly the live sockets --------------------------------------------------
python3 - "$PORT" "$SSACTL" "$PKI/ca.pem" >"$W/out" 2>"$W/err" <<'PY'
import json, os, socket, subprocess, sys
port, ssactl, ca = int(sys.argv[1]), sys.argv[2], sys.argv[3]
socks = []
for _ in range(3):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 205)
    s.setsockopt(205, 85, b"localhost")
    s.setsockopt(205, 87, ca.encode())
    s.connect(("127.0.0.1", port))
    socks.append(s)
idle = socket.socket(socket.AF_INET6, socket.SOCK_STREAM, 205)
def mine():
    conns = json.loads(subprocess.check_output([ssactl, "-j", "conns"]))
    return [c for c in conns if c["pid"] == os.getpid()]
got = mine()
want = sorted("127.0.0.1:%d" % s.getsockname()[1] for s in socks)
est = sorted(c["local"] for c in got if c["state"] == "established")
print("PASS" if est == want else "FAIL", "conns -j lists this process's 3 connections", est, want)
print("PASS" if len(got) == 4 and any(c["state"] == "idle" for c in got) else "FAIL",
      "and its unconnected socket, nothing else", len(got))
print("PASS" if all(c["name"] == "localhost" and c["version"] in ("1.2", "1.3")
                    for c in got if c["state"] == "established") else "FAIL",
      "with peer name and version")
for s in socks + [idle]:
    s.close()
print("PASS" if mine() == [] else "FAIL", "closed sockets disappear from conns")
PY
while read -r verdict name; do
	if [ "$verdict" = PASS ]; then ok "$name"; else nok "$name"; fi
done <"$W/out"
grep -q . "$W/out" || nok "conns checks ran"

# Other users' connections are the network administrator's to see.
for f in connections stats; do
	setpriv --reuid=nobody --regid=nogroup --clear-groups cat "$FS/$f" >"$W/out" 2>"$W/err"
	check "an unprivileged user cannot read $f" "err_has 'Permission denied' && ! grep -q . $W/out"
done
capsh --drop=cap_net_admin,cap_sys_admin -- -c "cat $FS/connections" >"$W/out" 2>"$W/err"
check "root without CAP_NET_ADMIN and CAP_SYS_ADMIN cannot read connections" \
	"err_has 'not permitted'"
# 1,500 sockets read 7 bytes at a time: one consistent listing, each once.
python3 - "$FS/connections" >"$W/out" 2>"$W/err" <<'PY'
import os, resource, socket, sys
resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
socks = [socket.socket(socket.AF_INET, socket.SOCK_STREAM, 205) for _ in range(1500)]
fd = os.open(sys.argv[1], os.O_RDONLY)
data = b""
while True:
    chunk = os.read(fd, 7)
    if not chunk:
        break
    data += chunk
os.close(fd)
mine = [l for l in data.decode().splitlines() if l.split()[1] == str(os.getpid())]
ids = [l.split()[0] for l in mine]
print("PASS" if len(mine) == 1500 and len(set(ids)) == 1500 else "FAIL",
      "connections read in 7-byte chunks lists 1,500 sockets once each", len(mine))
PY
while read -r verdict name; do
	if [ "$verdict" = PASS ]; then ok "$name"; else nok "$name"; fi
done <"$W/out"
grep -q . "$W/out" || nok "chunked connections read ran"

# --- stats, trust ---------------------------------------------------------------------------------
"$SSACTL" -j stats >"$W/out" 2>"$W/err"
check "stats: handshakes counted, failures by reason" \
	"python3 -c 'import json; d=json.load(open(\"$W/out\")); assert d[\"client_handshakes_ok\"] >= 50 and d[\"failed_timeout\"] >= 1 and d[\"failed_certificate\"] >= 1, d'"
"$SSACTL" trust load "$PKI/ca.pem" >"$W/out" 2>"$W/err"
"$SSACTL" trust show >"$W/out" 2>"$W/err"
check "trust load replaces the system anchors; trust show lists them" \
	"has 'SSA Test CA' && has '1 anchors'"
# The server on $PORT echoes: the client's upload comes back, then EOF.
echo trusted >"$W/small"
rm -f "$W/out"
timeout 60 "$CLIENT" -u "$W/small" -o "$W/out" localhost "$PORT" </dev/null 2>"$W/err"
check "a client without pinned anchors now trusts the test CA (exit $?)" "has trusted"
"$SSACTL" trust load >"$W/out" 2>"$W/err"
"$SSACTL" -j trust show >"$W/out" 2>"$W/err"
check "trust load with no argument restores the system bundle" \
	"python3 -c 'import json; assert len(json.load(open(\"$W/out\"))) > 50'"

# --- AppArmor: "network inet stream" covers IPPROTO_TLS ----------------------------------------
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] &&
   command -v apparmor_parser >/dev/null && command -v aa-exec >/dev/null; then
	cat >"$W/aa.profile" <<'AA'
profile ssa-test-nostream {
  file,
  /** rwlkmix,
  capability,
  signal,
  network unix,
  network inet dgram,
  deny network inet stream,
  deny network inet6 stream,
}
AA
	if apparmor_parser -r --skip-cache "$W/aa.profile" >"$W/err" 2>&1; then
		aa-exec -p ssa-test-nostream -- python3 -c '
import socket
for fam in (socket.AF_INET, socket.AF_INET6):
    try:
        socket.socket(fam, socket.SOCK_STREAM, 205).close()
        print("created")
    except OSError as e:
        print("denied", e.errno)
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()
print("dgram ok")' >"$W/out" 2>>"$W/err"
		check "AppArmor: deny network inet/inet6 stream also denies IPPROTO_TLS sockets" \
			"[ \$(grep -c 'denied 13' $W/out) = 2 ] && has 'dgram ok'"
		python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM, 205)' \
			>"$W/out" 2>"$W/err"
		rc=$?
		check "and an unconfined program still creates them" "[ $rc = 0 ]"
		apparmor_parser -R "$W/aa.profile" >/dev/null 2>&1
	else
		nok "AppArmor: the test profile loads"
	fi
else
	skp "AppArmor" "not enabled in this kernel"
fi

# --- lock (last: it holds until reboot) ---------------------------------------------------------
# What is loaded here stays until reboot, and the suites after this one
# use the test PKI: the CRLs come from a CA of their own, which has
# issued nothing those suites present.
"$SSACTL" policy load "$W/open.conf" >/dev/null 2>&1
mkdir -p "$W/lockca"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$W/lockca/ca.key" \
	2>/dev/null &&
	openssl req -x509 -new -key "$W/lockca/ca.key" -out "$W/lockca/ca.pem" -days 2 \
		-subj "/O=tls_ssa tests/CN=Lock Test CA" 2>/dev/null &&
	"$HERE/lib/mkcrl.sh" "$W/lockca" "$W/crl" >/dev/null 2>&1 &&
	"$SSACTL" crl load "$W/crl/empty.pem" >/dev/null
check "CRLs to refresh under lock" "[ $? = 0 ]"
echo 1 >"$FS/lock"
"$SSACTL" policy load "$W/a.conf" >"$W/out" 2>"$W/err"
check "after lock, the policy cannot change" "err_has 'locked'"
"$SSACTL" trust load "$PKI/ca.pem" >"$W/out" 2>"$W/err"
check "nor the trust store" "err_has 'not permitted'"
"$SSACTL" crl clear >"$W/out" 2>"$W/err"
check "nor can the CRLs be cleared" "err_has 'not permitted'"
"$SSACTL" crl load "$W/crl/older.pem" >"$W/out" 2>"$W/err"
check "or replaced by an older CRL of the same issuer" "err_has 'not permitted'"
"$SSACTL" crl load "$W/crl/revoked.pem" >"$W/out" 2>"$W/err"
check "but a newer CRL refreshes them" "has '1 CRLs loaded'"

tap_end
