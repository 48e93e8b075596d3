#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkocsp.sh PKI DIR - OCSP responses for the selftests, as a responder
# (openssl ocsp) makes them from the CA of mkpki.sh; nextUpdate is a day
# away:
#   good.der       srv is good, signed by ca
#   revoked.der    srv is revoked
#   unknown.der    the responder does not know srv
#   other.der      rsa (another certificate of ca) is good
#   wrongkey.der   srv is good, signed by rogueca (not srv's issuer)
#   mustst.der     mustst (must-staple) is good
set -e
PKI=$1 D=$2
mkdir -p "$D"
cd "$D"
serial() { openssl x509 -in "$PKI/$1.pem" -noout -serial | sed 's/^serial=//'; }
# index NAME "V|R CERT"...: an openssl ca database
index() {
	local f=$1 st c
	: >"$f"
	shift
	for e in "$@"; do
		read -r st c <<<"$e"
		if [ "$st" = R ]; then
			printf 'R\t301231000000Z\t%s\t%s\tunknown\t/CN=%s\n' \
				"$(date -u +%y%m%d%H%M%SZ)" "$(serial "$c")" "$c" >>"$f"
		else
			printf 'V\t301231000000Z\t\t%s\tunknown\t/CN=%s\n' "$(serial "$c")" "$c" >>"$f"
		fi
	done
}
index good.idx "V srv" "V rsa" "V mustst"
index revoked.idx "R srv"
index empty.idx
# resp OUT INDEX CERT SIGNER: what a responder answers for CERT
resp() {
	openssl ocsp -issuer "$PKI/ca.pem" -cert "$PKI/$3.pem" -no_nonce -reqout "$1.req" 2>>err
	openssl ocsp -index "$2" -CA "$PKI/ca.pem" -rsigner "$PKI/$4.pem" -rkey "$PKI/$4.key" \
		-reqin "$1.req" -respout "$1.der" -ndays 1 >/dev/null 2>>err
}
resp good good.idx srv ca
resp revoked revoked.idx srv ca
resp unknown empty.idx srv ca
resp other good.idx rsa ca
resp wrongkey good.idx srv rogueca
resp mustst good.idx mustst ca
