#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkcrl.sh PKI DIR - CRLs for the selftests, from the CAs of mkpki.sh:
#   empty.pem        ca's, current, lists nothing
#   older.pem        ca's, current, but its thisUpdate two days back
#   stale.pem        ca's, lists nothing, nextUpdate in 2020
#   ncca-empty.pem   ncca's (the constrained intermediate), lists nothing
#   revoked.pem      ca's, current, lists srv, ncca and client
#                    (those of them the PKI holds; ncca-empty.pem only
#                    if it holds ncca: a PKI of one CA gets its CRLs)
#   revoked.der      the same, DER
#   forged.der       the same with one bit of its signature flipped
# Each CA gets an openssl ca configuration of its own in DIR (the PKI's
# names the directory the PKI was first made in).
set -e
PKI=$1 D=$2
mkdir -p "$D"

conf() {	# conf CA
	mkdir -p "$D/$1.db"
	: >"$D/$1.db/index"
	cat >"$D/$1.cnf" <<CNF
[ca]
default_ca = the_ca
[the_ca]
database = $D/$1.db/index
certificate = $PKI/$1.pem
private_key = $PKI/$1.key
default_md = sha256
default_crl_days = 1
CNF
}
gencrl() { openssl ca -config "$D/$1.cnf" -gencrl -out "$D/$2" "${@:3}" 2>>"$D/openssl.err"; }
revoke() { openssl ca -config "$D/$1.cnf" -revoke "$PKI/$2.pem" 2>>"$D/openssl.err"; }

conf ca
gencrl ca stale.pem -crl_lastupdate 20200101000000Z -crl_nextupdate 20200102000000Z
gencrl ca older.pem -crl_lastupdate "$(date -u -d '-2 days' +%Y%m%d%H%M%SZ)" \
	-crl_nextupdate "$(date -u -d '+30 days' +%Y%m%d%H%M%SZ)"
gencrl ca empty.pem
if [ -e "$PKI/ncca.pem" ]; then
	conf ncca
	gencrl ncca ncca-empty.pem
fi
for c in srv ncca client; do
	[ ! -e "$PKI/$c.pem" ] || revoke ca "$c"
done
gencrl ca revoked.pem
openssl crl -in "$D/revoked.pem" -outform DER -out "$D/revoked.der"
# The last byte is the signature's.
python3 - "$D/revoked.der" "$D/forged.der" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[-1] ^= 1
open(sys.argv[2], "wb").write(d)
EOF
