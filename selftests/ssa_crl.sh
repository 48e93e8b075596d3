#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Revocation by the administrator's CRLs and the server's OCSP staples,
# inside the VM: "ssactl crl"
# and securityfs "crl"; a revoked leaf and a revoked intermediate refused
# (EKEYREJECTED, "revoked"), even right after a resumable session with the
# same server; DER and PEM; a stale CRL and a forged one under soft-fail
# (passes, name constraints still checked) and hard-fail (refused), a
# forged CRL that must not hide the real one, a missing CRL under
# hard-fail; profiles that tighten and cannot loosen the mode; what stats
# and ssactl status report; writes that lie (junk, a bad CRL after good
# ones, too big, not root).  OCSP staples from openssl s_server
# -status_file, TLS 1.3 and 1.2: good, revoked, unknown, about another
# certificate, signed by another CA, past nextUpdate (the clock moved
# on), must-staple with and without one, under soft-fail, hard-fail
# (with and without a CRL) and off.  The CRLs come from lib/mkcrl.sh
# (openssl ca over the test PKI), the responses from lib/mkocsp.sh
# (openssl ocsp).  SSA servers stapling what "ssactl ocsp load" gave
# them, to s_client -status and to SSA clients, TLS 1.3 and 1.2: good,
# revoked, for another certificate (not sent), must-staple, resumption
# (none), expiry (not sent, not loaded), and loads that lie; "ssactl ocsp
# fetch" and tools/ssactl/ssa-revocation-refresh against openssl ocsp as
# a responder.  ssa_policy.sh checks the CRLs under lock.  TAP output
# with a kselftest "# Totals:" line.

set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SSACTL=$REPO/tools/ssactl/ssactl
CLIENT=$(readlink -f "$REPO/samples/ssa_client")
SERVER=$REPO/samples/ssa_server
FS=/sys/kernel/security/tls_ssa
PORT=23500
. "$HERE/lib/tap.sh" crl
PKI=$W/pki
CLOCK_SHIFT=0	# seconds the VM's clock is ahead, while a test needs it
on_exit() {
	[ "$CLOCK_SHIFT" = 0 ] || date -s "@$(($(date +%s) - CLOCK_SHIFT))" >/dev/null
	printf '[default]\n' >"$FS/policy" 2>/dev/null
	printf '\n' >"$FS/crl" 2>/dev/null
	printf '\n' >"$FS/ocsp" 2>/dev/null
}

# s_server [LABEL:]NAME [OPTIONS]: an OpenSSL server with PKI certificate
# NAME on a new $PORT, which $<LABEL>_PORT remembers (LABEL: NAME).
s_server() {
	local label=${1%%:*} name=${1#*:}
	PORT=$((PORT + 1))
	openssl s_server -accept "$PORT" -quiet -cert "$PKI/$name.pem" -key "$PKI/$name.key" \
		"${@:2}" >/dev/null 2>&1 </dev/null &
	PIDS+=($!)
	wait_port "$PORT" 20 $! || bail "s_server $1 does not listen"
	printf -v "${label}_PORT" %s "$PORT"
}

# client NAME [OPTIONS]: an SSA client to the server of NAME, the test CA
# pinned
client() {
	local p=${1}_PORT
	timeout 60 "$CLIENT" -A "$PKI/ca.pem" "${@:2}" localhost "${!p}" >"$W/out" 2>"$W/err" \
		</dev/null
}

# refused NAME TEST WORDS [OPTIONS]: the client to NAME (with the
# client's OPTIONS) fails, EKEYREJECTED, WORDS
refused() {
	client "$1" "${@:4}"
	check "$2" "[ $? != 0 ] && err_has EKEYREJECTED && grep -qi -- '$3' $W/err"
}

# passes NAME TEST [OPTIONS]: the client to NAME handshakes
passes() {
	client "$1" "${@:3}"
	check "$2" "[ $? = 0 ]"
}

policy() { printf '%b' "$1" >"$W/p.conf" && "$SSACTL" policy load "$W/p.conf" >/dev/null; }
crl_load() { "$SSACTL" crl load "$@" >"$W/out" 2>"$W/err"; }
stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$FS/stats"; }

"$HERE/lib/mkpki.sh" "$PKI" || bail "cannot make test certificates"
[ -d "$FS" ] || bail "$FS missing"
[ -e "$FS/crl" ] || bail "$FS/crl missing"
"$HERE/lib/mkcrl.sh" "$PKI" "$W/crl" >/dev/null ||
	bail "cannot make the CRLs: $(tail -n 3 "$W/crl/openssl.err")"
C=$W/crl
chmod -R a+rX "$W"
CHAIN=(-cert_chain "$PKI/ncca.pem")	# s_server -cert sends the leaf only
s_server srv
s_server rsa
s_server ncok "${CHAIN[@]}"
s_server ncout "${CHAIN[@]}"

# --- revoked certificates -------------------------------------------------------
client srv -M 1.2 -s
client srv -M 1.2 -s
check "no CRL: the server's certificate verifies, and a session resumes" \
	"[ $? = 0 ] && err_has 'resumed=1'"
crl_load "$C/revoked.pem"
check "ssactl crl load takes a PEM CRL" "[ $? = 0 ] && has '1 CRLs loaded'"
"$SSACTL" crl show >"$W/out" 2>"$W/err"
check "ssactl crl show: the issuer, three entries, not stale" \
	"has 'SSA Test CA' && grep -Eq '^[0-9T:Z-]+ +3 +no ' $W/out && has '1 CRLs, 0 stale'"
before=$(stat_of revoked_certificates)
client srv -M 1.2 -s
check "a revoked leaf is refused, not resumed, just after a session with it" \
	"[ $? != 0 ] && err_has EKEYREJECTED && err_has revoked"
check "stats count the revoked certificate" "[ $(stat_of revoked_certificates) -gt ${before:-0} ]"
refused srv "TLS 1.3: the revoked leaf is refused" "revoked"
passes rsa "a certificate the CRL does not list passes"
refused ncok "a leaf below a revoked intermediate is refused" "revoked"
crl_load "$C/empty.pem"
passes srv "a CRL that lists nothing revokes nothing"
crl_load "$C/revoked.der"
check "ssactl crl load takes a DER CRL" "[ $? = 0 ]"
refused srv "the DER CRL revokes as the PEM one does" "revoked"
mkdir -p "$W/crldir"
cp "$C/revoked.pem" "$W/crldir/a.pem"
cp "$C/revoked.der" "$W/crldir/b.crl"
ln -s "$C/empty.pem" "$W/crldir/c.pem"
echo junk >"$W/crldir/d.txt"
crl_load "$W/crldir"
check "ssactl crl load DIR: its *.pem and *.crl files, not links or others" \
	"[ $? = 0 ] && has '2 CRLs loaded'"
crl_load "$C/forged.der" "$C/revoked.pem"
check "a forged CRL and the real one load together" "[ $? = 0 ] && has '2 CRLs loaded'"
refused srv "a forged CRL of the issuer does not hide its real one" "revoked"

# --- soft-fail, the default: what cannot be used is not a revocation --------------
crl_load "$C/stale.pem"
passes srv "soft-fail: a stale CRL does not fail the handshake"
refused ncout "soft-fail: a stale CRL leaves name constraints on" "outside the subtrees"
"$SSACTL" status >"$W/out" 2>&1
check "ssactl status reports the stale CRL" "has 'CRLs: *1 loaded, 1 stale'"
check "stats: crls_loaded 1, crls_stale 1" \
	"[ '$(stat_of crls_loaded) $(stat_of crls_stale)' = '1 1' ]"
crl_load "$C/forged.der"
passes srv "soft-fail: a CRL whose signature fails revokes nothing"

# --- hard-fail -----------------------------------------------------------------
policy '[default]\nrevocation = hard-fail\n'
check "a policy with revocation = hard-fail loads" \
	"[ $? = 0 ] && grep -q 'revocation = hard-fail' $FS/policy"
refused srv "hard-fail: a CRL whose signature fails is refused" "does not verify"
crl_load "$C/stale.pem"
refused srv "hard-fail: a stale CRL is refused" "out of date"
crl_load "$C/stale.pem" "$C/empty.pem"
passes srv "hard-fail: a stale CRL next to a current one of the issuer passes"
crl_load "$C/empty.pem"
passes srv "hard-fail: a current CRL that does not list the leaf passes"
refused ncok "hard-fail: no CRL of the intermediate is refused" "no CRL"
crl_load "$C/empty.pem" "$C/ncca-empty.pem"
passes ncok "hard-fail: with the intermediate's CRL too, the chain passes"
crl_load "$C/stale.pem"
policy "[default]\\nrevocation = hard-fail\\n[app \"$CLIENT\"]\\nrevocation = off\\n"
refused srv "a profile's revocation = off does not loosen hard-fail" "out of date"
policy "[default]\\n[app \"$CLIENT\"]\\nrevocation = hard-fail\\n"
refused srv "a profile's revocation = hard-fail tightens soft-fail" "out of date"
policy '[default]\nrevocation = off\n'
crl_load "$C/revoked.pem"
passes srv "revocation = off: the administrator's CRLs are not consulted"
policy '[default]\n'

# --- OCSP staples (RFC 6066 8, RFC 8446 4.4.2.1, RFC 7633) --------------------------
"$HERE/lib/mkocsp.sh" "$PKI" "$W/ocsp" >/dev/null || bail "cannot make the OCSP responses"
O=$W/ocsp
"$SSACTL" crl clear >/dev/null
for s in good:good rev:revoked unk:unknown other:other wrong:wrongkey; do
	s_server "o${s%%:*}:srv" -status_file "$O/${s#*:}.der"
done
s_server omust:mustst -status_file "$O/mustst.der"
s_server mustst
good0=$(stat_of ocsp_staples_good)
passes ogood "TLS 1.3: a good OCSP staple passes"
check "stats count the good staple" "[ $(stat_of ocsp_staples_good) -gt ${good0:-0} ]"
passes ogood "TLS 1.2: a good OCSP staple (CertificateStatus) passes" -M 1.2
refused orev "TLS 1.3: a revoked staple is refused, under soft-fail" "revoked (OCSP)"
refused orev "TLS 1.2: a revoked staple is refused" "revoked (OCSP)" -M 1.2
passes ounk "soft-fail: a staple that says unknown passes"
bad0=$(stat_of ocsp_staples_refused)
refused oother "a staple about another certificate is refused" "not about the server"
refused owrong "a staple signed by another CA is refused" "responder is not the certificate issuer"
check "stats count the refused staples" "[ $(stat_of ocsp_staples_refused) -ge $((${bad0:-0} + 2)) ]"
refused mustst "must-staple without a staple is refused, under soft-fail too" "must-staple"
passes omust "must-staple with a good staple passes"
refused mustst "TLS 1.2: must-staple without a staple is refused" "must-staple" -M 1.2
# Past nextUpdate (a day away): the VM's clock two days on, then back.
CLOCK_SHIFT=$((2 * 86400))
date -s "@$(($(date +%s) + CLOCK_SHIFT))" >/dev/null
refused ogood "a staple past its nextUpdate is refused" "expired"
date -s "@$(($(date +%s) - CLOCK_SHIFT))" >/dev/null
CLOCK_SHIFT=0
passes ogood "... and the same staple passes again once the clock is back"
policy '[default]\nrevocation = hard-fail\n'
passes ogood "hard-fail: a good staple stands in for a CRL"
refused ounk "hard-fail: an unknown status and no CRL is refused" "does not know"
refused srv "hard-fail: no staple and no CRL is refused" "stapled no OCSP"
passes ogood "hard-fail, TLS 1.2: a good staple stands in for a CRL" -M 1.2
crl_load "$C/empty.pem"
passes srv "hard-fail: no staple but a current CRL passes"
passes ounk "hard-fail: unknown, but a current CRL, passes"
refused orev "a revoked staple outweighs a CRL that does not list the leaf" "revoked (OCSP)"
"$SSACTL" crl clear >/dev/null
policy '[default]\nrevocation = off\n'
passes orev "revocation = off: no staple is asked for or judged"
policy '[default]\n'

# --- an SSA server staples the administrator's responses ("ssactl ocsp") ----------
# ssa_server NAME CERT: an SSA server with PKI certificate CERT on a new
# $PORT, which $NAME_PORT remembers
ssa_server() {
	PORT=$((PORT + 1))
	"$SERVER" -c "$PKI/$2.pem" -k "$PKI/$2.key" -r "$W" "$PORT" >"$W/$1.log" 2>&1 </dev/null &
	PIDS+=($!)
	wait_port "$PORT" 20 $! || bail "ssa_server $1 does not listen"
	printf -v "${1}_PORT" %s "$PORT"
}
# s_status NAME [OPTIONS]: openssl s_client -status to the server of NAME
s_status() {
	local p=${1}_PORT
	timeout 30 openssl s_client -connect "localhost:${!p}" -CAfile "$PKI/ca.pem" -status \
		"${@:2}" </dev/null >"$W/out" 2>&1
}
ocsp_load() { "$SSACTL" ocsp load "$@" >"$W/out" 2>"$W/err"; }
STAPLED="has 'OCSP Response Status: successful' && has 'Cert Status: good'"
ssa_server sgood srv
ssa_server smust mustst
s_status sgood -tls1_3
check "no staple loaded: the SSA server sends none" "has 'no response sent'"
mkdir -p "$W/odir"
cp "$O/good.der" "$W/odir/www.ocsp"
cp "$PKI/ca.pem" "$W/odir/www.issuer.pem"
ln -s "$O/mustst.der" "$W/odir/link.ocsp"
ocsp_load "$W/odir"
check "ssactl ocsp load DIR: NAME.ocsp with NAME.issuer.pem, not links" \
	"[ $? = 0 ] && has '1 OCSP staples loaded'"
ocsp_load "$PKI/ca.pem" "$O/good.der" "$PKI/ca.pem" "$O/mustst.der"
check "ssactl ocsp load takes two staples, issuer before each" \
	"[ $? = 0 ] && has '2 OCSP staples loaded'"
"$SSACTL" ocsp show >"$W/out" 2>"$W/err"
check "ssactl ocsp show: good, not expired, the issuer" \
	"grep -Eq ' good +no +[0-9a-f]+ +.*SSA Test CA' $W/out && has '2 OCSP staples'"
sent0=$(stat_of ocsp_staples_sent)
s_status sgood -tls1_3
check "TLS 1.3: the SSA server staples the loaded response" "$STAPLED"
s_status sgood -tls1_2
check "TLS 1.2: the SSA server sends it in CertificateStatus" "$STAPLED"
check "stats count the staples sent" "[ $(stat_of ocsp_staples_sent) = $((${sent0:-0} + 2)) ]"
# shellcheck disable=SC2154	# sgood_PORT: set by ssa_server()
timeout 30 openssl s_client -connect "localhost:$sgood_PORT" -CAfile "$PKI/ca.pem" \
	</dev/null >/dev/null 2>&1
check "a client that does not ask gets no staple" \
	"[ $(stat_of ocsp_staples_sent) = $((${sent0:-0} + 2)) ]"
rm -f "$W/sess"
s_status sgood -tls1_2 -sess_out "$W/sess"
s_status sgood -tls1_2 -sess_in "$W/sess"
check "TLS 1.2: a resumed session sends no certificate and no staple" \
	"has '^Reused,' && ! has 'OCSP Response Status'"
good0=$(stat_of ocsp_staples_good)
passes sgood "an SSA client takes the SSA server's staple, TLS 1.3"
passes sgood "... and TLS 1.2" -M 1.2
check "the SSA client judged both staples good" \
	"[ $(stat_of ocsp_staples_good) = $((${good0:-0} + 2)) ]"
passes smust "a must-staple certificate served with its staple passes"
ocsp_load "$PKI/ca.pem" "$O/other.der"
s_status sgood -tls1_3
check "a staple about another certificate is not sent" "has 'no response sent'"
refused smust "must-staple, and the SSA server has no staple for it: refused" "must-staple"
ocsp_load "$PKI/ca.pem" "$O/revoked.der"
s_status sgood -tls1_3
check "a revoked status is stapled as it is" "has 'Cert Status: revoked'"
refused sgood "an SSA client refuses the SSA server's revoked staple" "revoked (OCSP)"
ocsp_load "$PKI/ca.pem" "$O/good.der"
ocsp_load "$PKI/ca.pem" "$O/wrongkey.der"
check "a response another CA signed does not load" "[ $? != 0 ] && err_has 'not loaded'"
ocsp_load "$PKI/rogueca.pem" "$O/good.der"
check "a response given with the wrong issuer does not load" "[ $? != 0 ]"
ocsp_load "$PKI/ca.pem" "$O/good.der" "$PKI/ca.pem" "$C/revoked.der"
check "a CRL in place of a response fails the whole load" "[ $? != 0 ]"
s_status sgood -tls1_3
check "... and the staples in use stay" "$STAPLED"
printf 'junk\n' 2>"$W/err" >"$FS/ocsp"
check "junk written to ocsp is refused (EINVAL)" "[ $? != 0 ] && err_has 'Invalid argument'"
base64 -w 64 "$O/good.der" >"$W/good.b64"
{ cat "$PKI/ca.pem"; echo '-----BEGIN OCSP RESPONSE-----'; head -c 200 "$W/good.b64"
  echo; echo '-----END OCSP RESPONSE-----'; } >"$W/cut.pem"
dd if="$W/cut.pem" of="$FS/ocsp" bs=1M 2>"$W/err"
check "a response cut short is refused" "[ $? != 0 ]"
{ echo '-----BEGIN OCSP RESPONSE-----'; cat "$W/good.b64"; echo '-----END OCSP RESPONSE-----'
  cat "$PKI/ca.pem"; } >"$W/swapped.pem"
dd if="$W/swapped.pem" of="$FS/ocsp" bs=1M 2>"$W/err"
check "a response before its issuer is refused" "[ $? != 0 ]"
for i in $(seq 65); do echo "$PKI/ca.pem $O/good.der"; done >"$W/pairs"
# shellcheck disable=SC2046
ocsp_load $(cat "$W/pairs")
check "65 staples are refused (E2BIG)" "[ $? != 0 ] && err_has 'too long'"
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	sh -c "printf '\n' >$FS/ocsp" 2>"$W/err"
check "an unprivileged user cannot clear the staples" "[ $? != 0 ] && [ -n \"\$(cat $FS/ocsp)\" ]"
# ssactl ocsp fetch and the refresh job, from openssl ocsp as a responder
PORT=$((PORT + 1)) RESPONDER=$PORT
openssl ocsp -index "$O/good.idx" -port "$RESPONDER" -CA "$PKI/ca.pem" -rsigner "$PKI/ca.pem" \
	-rkey "$PKI/ca.key" -ndays 1 -nrequest 2 >/dev/null 2>&1 </dev/null &
PIDS+=($!)
wait_port "$RESPONDER" 20 $! || bail "openssl ocsp does not listen"
"$SSACTL" ocsp fetch "$PKI/srv.pem" "$PKI/ca.pem" "$W/srv.ocsp" "http://127.0.0.1:$RESPONDER" \
	>"$W/out" 2>"$W/err"
check "ssactl ocsp fetch gets a response from the responder" "[ $? = 0 ] && [ -s $W/srv.ocsp ]"
"$SSACTL" ocsp clear >/dev/null
mkdir -p "$W/conf/ocsp.d"
cp "$PKI/srv.pem" "$W/conf/ocsp.d/www.pem"
cp "$PKI/ca.pem" "$W/conf/ocsp.d/www.issuer.pem"
echo "http://127.0.0.1:$RESPONDER" >"$W/conf/ocsp.d/www.url"
SSA_CONF_DIR=$W/conf SSA_STATE_DIR=$W/state SSACTL=$SSACTL \
	"$REPO/tools/ssactl/ssa-revocation-refresh" >"$W/out" 2>"$W/err"
rc=$?
s_status sgood -tls1_3
check "the refresh job fetches and loads the staple, which is then sent" "[ $rc = 0 ] && $STAPLED"
CLOCK_SHIFT=$((2 * 86400))
date -s "@$(($(date +%s) + CLOCK_SHIFT))" >/dev/null
s_status sgood -tls1_3
r1=$(has 'no response sent' && echo 1)
ocsp_load "$PKI/ca.pem" "$O/good.der"
r2=$?
"$SSACTL" status >"$W/st" 2>&1
date -s "@$(($(date +%s) - CLOCK_SHIFT))" >/dev/null
CLOCK_SHIFT=0
check "past its nextUpdate, a staple is not sent, nor loaded again" \
	"[ '$r1' = 1 ] && [ $r2 != 0 ] && grep -q 'OCSP: *1 staples, 1 expired' $W/st"
s_status sgood -tls1_3
check "... and it is sent again once the clock is back" "$STAPLED"
"$SSACTL" ocsp clear >"$W/out" 2>"$W/err"
check "ssactl ocsp clear" "[ $? = 0 ] && [ -z \"\$(cat $FS/ocsp)\" ]"
"$SSACTL" -j ocsp show >"$W/out" 2>"$W/err"
check "ssactl -j ocsp show is JSON, an empty list" \
	"python3 -c 'import json,sys; assert json.load(open(sys.argv[1])) == []' $W/out"

# --- an SSA server's client certificates ---------------------------------------
crl_load "$C/empty.pem"
PORT=$((PORT + 1)) MTLS=$PORT
"$SERVER" -c "$PKI/srv.pem" -k "$PKI/srv.key" -V 2 -A "$PKI/ca.pem" -r "$W" "$PORT" \
	>"$W/srv.log" 2>&1 </dev/null &
PIDS+=($!)
wait_port "$PORT" 20 $! || bail "ssa_server does not listen"
mtls() {
	timeout 60 "$CLIENT" -A "$PKI/ca.pem" -C "$PKI/client.pem" -K "$PKI/client.key" \
		-G /.ssa localhost "$MTLS" >"$W/out" 2>"$W/err" </dev/null
}
mtls
check "mTLS with a current CRL: the client's certificate is accepted" \
	"has 'peer=\"CN=client.example\"'"
# s_ticket: two TLS 1.2 connections with a client certificate, the second
# offering the first's ticket; "Reused" if the server took it.
s_ticket() {
	local i
	rm -f "$W/sess"
	for i in out in; do
		timeout 30 openssl s_client -connect "localhost:$MTLS" -tls1_2 -CAfile "$PKI/ca.pem" \
			-cert "$PKI/client.pem" -key "$PKI/client.key" -sess_$i "$W/sess" \
			</dev/null >"$W/out" 2>&1
	done
}
s_ticket
check "while CRLs are loaded, a server that checks client certificates resumes no session" \
	"has '^New,' && ! has '^Reused,'"
crl_load "$C/revoked.pem"
mtls
check "a revoked client certificate is refused by the server" "! has 'peer='"
"$SSACTL" crl clear >/dev/null
s_ticket
check "without CRLs, the same server resumes (the check above can fail)" "has '^Reused,'"

# --- writes that lie ---------------------------------------------------------------
crl_load "$C/empty.pem"
printf 'not a CRL\n' 2>"$W/err" >"$FS/crl"
check "junk written to crl is refused (EINVAL)" "[ $? != 0 ] && err_has 'Invalid argument'"
{ cat "$C/revoked.pem"; printf '%s\n' '-----BEGIN X509 CRL-----' 'AAAA' \
	'-----END X509 CRL-----'; } >"$W/mixed.pem"
dd if="$W/mixed.pem" of="$FS/crl" bs=1M 2>"$W/err"
check "a bad CRL after a good one fails the whole write" "[ $? != 0 ]"
passes srv "... and the CRLs in use stay (the good one was not taken)"
head -c $((5 << 20)) /dev/zero | tr '\0' ' ' >"$W/big"
dd if="$W/big" of="$FS/crl" bs=6M 2>"$W/err"
check "a 5 MiB write is refused (E2BIG)" "err_has 'too long'"
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	sh -c "printf '\n' >$FS/crl" 2>"$W/err"
check "an unprivileged user cannot clear the CRLs" "[ $? != 0 ] && [ \$(stat_of crls_loaded) = 1 ]"
printf 'junk' >"$W/junk.pem"
crl_load "$W/junk.pem"
check "ssactl crl load refuses a file with no CRL, and says so" \
	"[ $? != 0 ] && err_has 'no CRL in it'"
"$SSACTL" crl clear >"$W/out" 2>"$W/err"
check "ssactl crl clear" "[ $? = 0 ] && [ -z \"\$(cat $FS/crl)\" ] && [ \$(stat_of crls_loaded) = 0 ]"
"$SSACTL" -j crl show >"$W/out" 2>"$W/err"
check "ssactl -j crl show is JSON, an empty list" \
	"python3 -c 'import json,sys; assert json.load(open(sys.argv[1])) == []' $W/out"
tap_end
