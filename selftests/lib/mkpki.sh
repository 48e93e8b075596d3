#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkpki.sh DIR - test certificates for the selftests, made fresh each run:
#   ca.pem                  test CA (ECDSA P-256)
#   srv.{pem,key}           localhost, 127.0.0.1, ::1; serverAuth    (ECDSA)
#   rsa.{pem,key}           the same names, RSA 2048
#   expired.{pem,key}       valid 2020-01-01 .. 2021-01-01
#   notyet.{pem,key}        valid from 2099
#   other.{pem,key}         names other.example only
#   wild.{pem,key}          *.example.test
#   clientonly.{pem,key}    extendedKeyUsage clientAuth only
#   self.{pem,key}          self-signed localhost
#   rogue.{pem,key}         localhost, signed by a CA nobody trusts
#   alt.{pem,key}           alt.example only, RSA 2048 (a second SNI name)
#   p384.{pem,key}          the localhost names, ECDSA P-384
#   weak.{pem,key}          the localhost names, RSA 1024 (too small to serve)
#   client.{pem,key}        client certificate (clientAuth), from ca
#   rogueclient.{pem,key}   client certificate from rogueca
#   critext.{pem,key}       localhost, with a critical extension nobody knows
#   mustst.{pem,key}        localhost, TLS Feature status_request (must-staple)
#   ncca.pem                intermediate CA (from ca) with critical name
#                           constraints: DNS localhost, 127/8, ::1; not
#                           bad.localhost
#   ncok.{pem,key}          the localhost names, from ncca (chain in .pem)
#   ncout.{pem,key}         localhost + other.example (outside), from ncca
#   ncexcl.{pem,key}        localhost + bad.localhost (excluded), from ncca
#
# The certificates are made once per boot (the VM's /tmp is fresh each
# time) and copied for later callers: each run takes dozens of openssl
# calls, which a debug kernel makes slow.  SSA_PKI_FRESH=1 makes new ones.
set -e
D=$1
CACHE=/tmp/.ssa-pki-cache
mkdir -p "$D"
if [ -z "${SSA_PKI_FRESH:-}" ] && [ -e "$CACHE/.complete" ]; then
	cp -a "$CACHE/." "$D/"
	rm -f "$D/.complete"
	exit 0
fi
cd "$D"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }

ca() {	# ca NAME CN
	key "$1"
	openssl req -x509 -new -key "$1.key" -out "$1.pem" -subj "/O=tls_ssa tests/CN=$2" \
		-days 3650 -addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
	ca_db "$1"
}

# subca NAME PARENT CN [extension line]: an intermediate CA, signed by PARENT
subca() {
	key "$1"
	openssl req -new -key "$1.key" -out "$1.csr" -subj "/O=tls_ssa tests/CN=$3" 2>/dev/null
	printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' >"$1.ext"
	[ -z "${4:-}" ] || echo "$4" >>"$1.ext"
	openssl ca -batch -config "$2.cnf" -extfile "$1.ext" -notext -in "$1.csr" \
		-out "$1.pem" -days 3650 2>/dev/null
	ca_db "$1"
}

ca_db() {	# ca_db NAME: the openssl ca database and configuration
	mkdir -p "$1.db"
	: >"$1.db/index"
	echo 1000 >"$1.db/serial"
	cat >"$1.cnf" <<CNF
[ca]
default_ca = the_ca
[the_ca]
dir = $D/$1.db
database = \$dir/index
serial = \$dir/serial
new_certs_dir = \$dir
certificate = $D/$1.pem
private_key = $D/$1.key
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
[ext]
CNF
}

# leaf CA NAME SAN EKU [startdate enddate] [keyalg] [extra extension line]
leaf() {
	local ca=$1 name=$2 san=$3 eku=$4 start=${5:-} end=${6:-} alg=${7:-ec} extra=${8:-}
	case $alg in
	rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$name.key" 2>/dev/null ;;
	rsa1024) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$name.key" 2>/dev/null ;;
	p384) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$name.key" 2>/dev/null ;;
	*) key "$name" ;;
	esac
	local cn=${san%%,*}
	openssl req -new -key "$name.key" -out "$name.csr" -subj "/CN=${cn#DNS:}" 2>/dev/null
	printf 'subjectAltName=%s\nextendedKeyUsage=%s\nbasicConstraints=CA:FALSE\n' \
		"$san" "$eku" >"$name.ext"
	[ -z "$extra" ] || echo "$extra" >>"$name.ext"
	local dates=(-days 365)
	[ -n "$start" ] && dates=(-startdate "$start" -enddate "$end")
	openssl ca -batch -config "$ca.cnf" -extfile "$name.ext" -notext -in "$name.csr" \
		-out "$name.pem" "${dates[@]}" 2>/dev/null
}

ca ca "SSA Test CA"
ca rogueca "Rogue CA"
NAMES="DNS:localhost,IP:127.0.0.1,IP:::1"
leaf ca srv "$NAMES" serverAuth
leaf ca rsa "$NAMES" serverAuth "" "" rsa
leaf ca expired "$NAMES" serverAuth 20200101000000Z 20210101000000Z
leaf ca notyet "$NAMES" serverAuth 20990101000000Z 20991231000000Z
leaf ca other "DNS:other.example" serverAuth
leaf ca wild "DNS:*.example.test" serverAuth
leaf ca clientonly "$NAMES" clientAuth
leaf rogueca rogue "$NAMES" serverAuth
leaf ca alt "DNS:alt.example" serverAuth "" "" rsa
leaf ca p384 "$NAMES" serverAuth "" "" p384
leaf ca weak "$NAMES" serverAuth "" "" rsa1024
leaf ca client "DNS:client.example" clientAuth
leaf rogueca rogueclient "DNS:client.example" clientAuth
leaf ca critext "$NAMES" serverAuth "" "" ec "1.3.6.1.4.1.55555.1=critical,ASN1:NULL"
leaf ca mustst "$NAMES" serverAuth "" "" ec "tlsfeature=status_request"
# A name-constrained intermediate and three leaves below it; each leaf's
# .pem is its chain (leaf, then ncca), as a server sends it.
subca ncca ca "Constrained CA" "nameConstraints=critical,permitted;DNS:localhost,\
permitted;IP:127.0.0.0/255.0.0.0,permitted;IP:::1/ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,\
excluded;DNS:bad.localhost"
leaf ncca ncok "$NAMES" serverAuth
leaf ncca ncout "DNS:localhost,DNS:other.example" serverAuth
leaf ncca ncexcl "DNS:localhost,DNS:bad.localhost" serverAuth
for f in ncok ncout ncexcl; do cat ncca.pem >>"$f.pem"; done
key self
openssl req -x509 -new -key self.key -out self.pem -subj "/CN=localhost" -days 365 \
	-addext "subjectAltName=$NAMES" 2>/dev/null
# Keep a copy for the next caller (renamed into place: callers never see
# half a cache).
if [ -z "${SSA_PKI_FRESH:-}" ]; then
	rm -rf "$CACHE.$$"
	cp -a "$D/." "$CACHE.$$/" && touch "$CACHE.$$/.complete" &&
		{ rm -rf "$CACHE"; mv "$CACHE.$$" "$CACHE"; } || rm -rf "$CACHE.$$"
fi
