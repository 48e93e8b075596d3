// SPDX-License-Identifier: GPL-2.0
/*
 * tls_ssa: stapled OCSP responses (RFC 6960), checked for one certificate.
 *
 * mbedTLS 3.6 has no OCSP, so the response is read here with its ASN.1
 * reader and checked with its hashes and public keys.  A staple is
 * believed only if all of this holds:
 *
 *  - it is a successful response of the basic type (4.2.1);
 *  - its signature verifies, with SHA-256, -384 or -512 (never SHA-1 or
 *    MD5: a response is a statement anyone could forge a collision for),
 *    under the key of the certificate's issuer, or under a delegated
 *    responder (4.2.2.2): a certificate in the response that the issuer
 *    itself signed, valid now, carrying id-kp-OCSPSigning;
 *  - the ResponderID names the key that signed (by name or key hash);
 *  - a SingleResponse's CertID is the certificate's: issuer name and key
 *    hashes (SHA-1 or SHA-2, which is only a lookup key here) and serial;
 *  - its thisUpdate is not in the future, beyond SSA_OCSP_SKEW, and now
 *    is before its nextUpdate; one without nextUpdate counts for
 *    SSA_OCSP_MAX_AGE after its thisUpdate.  A revoked status needs no
 *    window: a certificate does not come back (certificateHold, which
 *    could, is a reason code the Web PKI does not use).
 *
 * Everything the peer sent is bounded by @len and by the DER lengths,
 * each checked against what contains it before it is used.
 */

#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time64.h>

#include "tls_ssa.h"
#include "ssa_mbedtls.h"

#define SSA_OCSP_SKEW		(5 * 60)
#define SSA_OCSP_MAX_AGE	(4 * 24 * 3600)
/* A response signed by a delegate carries it: at most this many certs. */
#define SSA_OCSP_MAX_CERTS	4

#define SSA_ASN1_CON(n)	(MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | (n))
#define SSA_ASN1_PRIM(n)	(MBEDTLS_ASN1_CONTEXT_SPECIFIC | (n))
#define SSA_ASN1_SEQ		(MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)

/* id-pkix-ocsp-basic: 1.3.6.1.5.5.7.48.1.1 */
static const u8 ssa_oid_ocsp_basic[] = MBEDTLS_OID_PKIX "\x30\x01\x01";

/* What the response says, pointing into the peer's bytes. */
struct ssa_ocsp {
	const u8 *tbs;			/* ResponseData, with its header */
	size_t tbs_len;
	mbedtls_asn1_buf sig_alg;
	mbedtls_asn1_buf sig;		/* the BIT STRING's content */
	const u8 *rid_name;		/* byName: the Name, with its header */
	size_t rid_name_len;
	const u8 *rid_key;		/* byKey: SHA-1 of the subjectPublicKey */
	size_t rid_key_len;
	u8 *certs, *certs_end;		/* [0] certs, inside the SEQUENCE OF */
	const u8 *signer_key;		/* a delegate's SubjectPublicKeyInfo, in certs */
	size_t signer_key_len;
	time64_t signer_until;		/* the delegate's notAfter; 0: the issuer signed */
	/* the SingleResponse about the certificate */
	mbedtls_asn1_buf serial;	/* its serial, in the CertID */
	int status;
	time64_t this_update, next_update;	/* next_update 0: none */
};

/* @p at a @tag: its content's length in @len, @p past the header; or -EBADMSG. */
static int ssa_der(u8 **p, const u8 *end, size_t *len, int tag)
{
	return mbedtls_asn1_get_tag(p, end, len, tag) ? -EBADMSG : 0;
}

/* GeneralizedTime, as DER has it (RFC 5280 4.1.2.5.2): YYYYMMDDHHMMSSZ. */
static int ssa_der_time(u8 **p, const u8 *end, time64_t *t)
{
	unsigned int v[6], i, k;
	const u8 *s;
	size_t len;

	if (ssa_der(p, end, &len, MBEDTLS_ASN1_GENERALIZED_TIME) || len != 15 || (*p)[14] != 'Z')
		return -EBADMSG;
	s = *p;
	for (i = 0; i < 14; i++)
		if (s[i] < '0' || s[i] > '9')
			return -EBADMSG;
	v[0] = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	for (i = 1, k = 4; i < 6; i++, k += 2)
		v[i] = (s[k] - '0') * 10 + (s[k + 1] - '0');
	if (v[0] < 1950 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
	    v[4] > 59 || v[5] > 60)
		return -EBADMSG;
	*t = mktime64(v[0], v[1], v[2], v[3], v[4], v[5]);
	*p += len;
	return 0;
}

/* hash OUT of IN with MD: 0, or -EINVAL for a hash not built in. */
static int ssa_ocsp_hash(mbedtls_md_type_t md, const u8 *in, size_t len, u8 *out, size_t *olen)
{
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type(md);

	if (!info || mbedtls_md(info, in, len, out))
		return -EINVAL;
	*olen = mbedtls_md_get_size(info);
	return 0;
}

/* The subjectPublicKey BIT STRING's content of @crt: what key hashes cover. */
static int ssa_ocsp_key_bits(const mbedtls_x509_crt *crt, mbedtls_asn1_bitstring *bits)
{
	u8 *p = crt->pk_raw.p, *end = p + crt->pk_raw.len;
	mbedtls_asn1_buf alg, params;
	size_t len;

	if (ssa_der(&p, end, &len, SSA_ASN1_SEQ) || mbedtls_asn1_get_alg(&p, end, &alg, &params) ||
	    mbedtls_asn1_get_bitstring(&p, end, bits))
		return -EBADMSG;
	return 0;
}

/* Does the ResponderID name @crt? */
static bool ssa_ocsp_names(const struct ssa_ocsp *r, const mbedtls_x509_crt *crt)
{
	u8 h[MBEDTLS_MD_MAX_SIZE];
	mbedtls_asn1_bitstring bits;
	size_t hlen;

	if (r->rid_name)
		return r->rid_name_len == crt->subject_raw.len &&
		       !memcmp(r->rid_name, crt->subject_raw.p, r->rid_name_len);
	return !ssa_ocsp_key_bits(crt, &bits) &&
	       !ssa_ocsp_hash(MBEDTLS_MD_SHA1, bits.p, bits.len, h, &hlen) &&
	       hlen == r->rid_key_len && !memcmp(h, r->rid_key, hlen);
}

/* Is @id (a CertID's content) about a certificate @issuer issued, with
 * the serial @want (any, if NULL)?  The serial goes to @serial.
 */
static int ssa_ocsp_certid_is(u8 *p, const u8 *end, const mbedtls_x509_buf *want,
			      const mbedtls_x509_crt *issuer, mbedtls_asn1_buf *serial)
{
	mbedtls_asn1_buf alg, params, name_h, key_h;
	u8 h[MBEDTLS_MD_MAX_SIZE];
	mbedtls_asn1_bitstring bits;
	mbedtls_md_type_t md;
	size_t hlen;

	if (mbedtls_asn1_get_alg(&p, end, &alg, &params) ||
	    ssa_der(&p, end, &name_h.len, MBEDTLS_ASN1_OCTET_STRING))
		return -EBADMSG;
	name_h.p = p;
	p += name_h.len;
	if (ssa_der(&p, end, &key_h.len, MBEDTLS_ASN1_OCTET_STRING))
		return -EBADMSG;
	key_h.p = p;
	p += key_h.len;
	if (ssa_der(&p, end, &serial->len, MBEDTLS_ASN1_INTEGER))
		return -EBADMSG;
	serial->p = p;
	if (p + serial->len != end)
		return -EBADMSG;
	/* A hash this module does not have cannot name the certificate. */
	if (mbedtls_oid_get_md_alg(&alg, &md) ||
	    (md != MBEDTLS_MD_SHA1 && md != MBEDTLS_MD_SHA256 && md != MBEDTLS_MD_SHA384 &&
	     md != MBEDTLS_MD_SHA512))
		return 0;
	if (want && (serial->len != want->len || memcmp(serial->p, want->p, serial->len)))
		return 0;
	if (ssa_ocsp_hash(md, issuer->subject_raw.p, issuer->subject_raw.len, h, &hlen) ||
	    hlen != name_h.len || memcmp(h, name_h.p, hlen))
		return 0;
	if (ssa_ocsp_key_bits(issuer, &bits) || ssa_ocsp_hash(md, bits.p, bits.len, h, &hlen) ||
	    hlen != key_h.len || memcmp(h, key_h.p, hlen))
		return 0;
	return 1;
}

/* One SingleResponse: 1 if about serial @want of @issuer's (any, if NULL;
 * r->status etc. are set), 0 if not.
 */
static int ssa_ocsp_single(struct ssa_ocsp *r, u8 *p, const u8 *end,
			   const mbedtls_x509_buf *want, const mbedtls_x509_crt *issuer)
{
	size_t len;
	int ret;

	if (ssa_der(&p, end, &len, SSA_ASN1_SEQ) || p + len != end ||
	    ssa_der(&p, end, &len, SSA_ASN1_SEQ))	/* CertID */
		return -EBADMSG;
	ret = ssa_ocsp_certid_is(p, p + len, want, issuer, &r->serial);
	if (ret <= 0)
		return ret;
	p += len;
	if (p >= end)
		return -EBADMSG;
	switch (*p) {
	case SSA_ASN1_PRIM(0):		/* good [0] IMPLICIT NULL */
	case SSA_ASN1_PRIM(2):		/* unknown [2] IMPLICIT NULL */
		r->status = *p == SSA_ASN1_PRIM(0) ? SSA_OCSP_GOOD : SSA_OCSP_UNKNOWN;
		if (ssa_der(&p, end, &len, *p) || len)
			return -EBADMSG;
		break;
	case SSA_ASN1_CON(1):		/* revoked [1] IMPLICIT RevokedInfo */
		r->status = SSA_OCSP_REVOKED;
		if (ssa_der(&p, end, &len, SSA_ASN1_CON(1)))
			return -EBADMSG;
		p += len;
		break;
	default:
		return -EBADMSG;
	}
	if (ssa_der_time(&p, end, &r->this_update))
		return -EBADMSG;
	r->next_update = 0;
	if (p < end && *p == SSA_ASN1_CON(0)) {
		if (ssa_der(&p, end, &len, SSA_ASN1_CON(0)) ||
		    ssa_der_time(&p, p + len, &r->next_update))
			return -EBADMSG;
	}
	if (p < end && *p == SSA_ASN1_CON(1)) {	/* singleExtensions: none we use */
		if (ssa_der(&p, end, &len, SSA_ASN1_CON(1)))
			return -EBADMSG;
		p += len;
	}
	return p == end ? 1 : -EBADMSG;
}

/* ResponseData: the responder, and the SingleResponse about @want. */
static int ssa_ocsp_tbs(struct ssa_ocsp *r, u8 *p, const u8 *end,
			const mbedtls_x509_buf *want, const mbedtls_x509_crt *issuer)
{
	time64_t produced;
	size_t len;
	u8 *list_end;
	int ret, found = 0;

	if (p < end && *p == SSA_ASN1_CON(0)) {	/* version [0] EXPLICIT, v1 (0) */
		int v;

		if (ssa_der(&p, end, &len, SSA_ASN1_CON(0)) || mbedtls_asn1_get_int(&p, p + len, &v) ||
		    v != 0)
			return -EBADMSG;
	}
	if (p < end && *p == SSA_ASN1_CON(1)) {		/* byName [1] EXPLICIT Name */
		if (ssa_der(&p, end, &len, SSA_ASN1_CON(1)))
			return -EBADMSG;
		r->rid_name = p;
		r->rid_name_len = len;
		if (ssa_der(&p, p + len, &len, SSA_ASN1_SEQ) || p + len != r->rid_name + r->rid_name_len)
			return -EBADMSG;
		p += len;
	} else if (p < end && *p == SSA_ASN1_CON(2)) {	/* byKey [2] EXPLICIT KeyHash */
		u8 *k_end;

		if (ssa_der(&p, end, &len, SSA_ASN1_CON(2)))
			return -EBADMSG;
		k_end = p + len;
		if (ssa_der(&p, k_end, &r->rid_key_len, MBEDTLS_ASN1_OCTET_STRING) ||
		    p + r->rid_key_len != k_end)
			return -EBADMSG;
		r->rid_key = p;
		p = k_end;
	} else {
		return -EBADMSG;
	}
	if (ssa_der_time(&p, end, &produced) || ssa_der(&p, end, &len, SSA_ASN1_SEQ))
		return -EBADMSG;
	list_end = p + len;
	while (p < list_end) {
		u8 *one = p;

		if (ssa_der(&p, list_end, &len, SSA_ASN1_SEQ))
			return -EBADMSG;
		p += len;
		ret = found ? 0 : ssa_ocsp_single(r, one, p, want, issuer);
		if (ret < 0)
			return ret;
		found |= ret;
	}
	if (p < end && *p == SSA_ASN1_CON(1)) {	/* responseExtensions: a nonce at most */
		if (ssa_der(&p, end, &len, SSA_ASN1_CON(1)))
			return -EBADMSG;
		p += len;
	}
	if (p != end)
		return -EBADMSG;
	return found ? 0 : -ENOENT;
}

/* OCSPResponse down to BasicOCSPResponse's parts. */
static int ssa_ocsp_parse(struct ssa_ocsp *r, u8 *p, const u8 *end,
			  const mbedtls_x509_buf *want, const mbedtls_x509_crt *issuer,
			  const char **why)
{
	mbedtls_asn1_buf params;
	u8 *tbs_end, *basic_end;
	int status, ret;
	size_t len;

	*why = "the OCSP staple does not parse";
	if (ssa_der(&p, end, &len, SSA_ASN1_SEQ) || p + len != end ||
	    mbedtls_asn1_get_enum(&p, end, &status))
		return -EBADMSG;
	if (status != 0) {
		*why = "the OCSP staple is not a successful response";
		return -EBADMSG;
	}
	if (ssa_der(&p, end, &len, SSA_ASN1_CON(0)) || p + len != end ||
	    ssa_der(&p, end, &len, SSA_ASN1_SEQ) || p + len != end ||
	    ssa_der(&p, end, &len, MBEDTLS_ASN1_OID))
		return -EBADMSG;
	if (len != sizeof(ssa_oid_ocsp_basic) - 1 || memcmp(p, ssa_oid_ocsp_basic, len)) {
		*why = "the OCSP staple is not a basic response";
		return -EBADMSG;
	}
	p += len;
	if (ssa_der(&p, end, &len, MBEDTLS_ASN1_OCTET_STRING) || p + len != end ||
	    ssa_der(&p, end, &len, SSA_ASN1_SEQ) || p + len != end)
		return -EBADMSG;
	basic_end = p + len;

	r->tbs = p;
	if (ssa_der(&p, basic_end, &len, SSA_ASN1_SEQ))
		return -EBADMSG;
	tbs_end = p + len;
	r->tbs_len = tbs_end - r->tbs;
	ret = ssa_ocsp_tbs(r, p, tbs_end, want, issuer);
	if (ret == -ENOENT)
		*why = "the OCSP staple is not about the server's certificate";
	if (ret)
		return ret;
	p = tbs_end;
	if (mbedtls_asn1_get_alg(&p, basic_end, &r->sig_alg, &params))
		return -EBADMSG;
	/* mbedtls_asn1_get_bitstring() wants the BIT STRING last: certs may follow. */
	if (ssa_der(&p, basic_end, &len, MBEDTLS_ASN1_BIT_STRING) || len < 2 || *p)
		return -EBADMSG;
	r->sig.p = p + 1;
	r->sig.len = len - 1;
	p += len;
	r->certs = r->certs_end = NULL;
	if (p < basic_end && *p == SSA_ASN1_CON(0)) {
		if (ssa_der(&p, basic_end, &len, SSA_ASN1_CON(0)) ||
		    ssa_der(&p, p + len, &len, SSA_ASN1_SEQ))
			return -EBADMSG;
		r->certs = p;
		r->certs_end = p + len;
		p += len;
	}
	return p == basic_end ? 0 : -EBADMSG;
}

/* When a response stops counting: its nextUpdate, or SSA_OCSP_MAX_AGE
 * after its thisUpdate without one.
 */
static time64_t ssa_ocsp_expiry(const struct ssa_ocsp *r)
{
	return r->next_update ?: r->this_update + SSA_OCSP_MAX_AGE;
}

/* The signature over ResponseData, with a SHA-2 hash, by @key. */
static int ssa_ocsp_verify_sig(const struct ssa_ocsp *r, const mbedtls_x509_crt *key,
			       const char **why)
{
	u8 h[MBEDTLS_MD_MAX_SIZE];
	mbedtls_md_type_t md;
	mbedtls_pk_type_t pk;
	size_t hlen;

	*why = "the OCSP staple's signature algorithm is not accepted (SHA-256 or better)";
	if (mbedtls_oid_get_sig_alg(&r->sig_alg, &md, &pk) ||
	    (md != MBEDTLS_MD_SHA256 && md != MBEDTLS_MD_SHA384 && md != MBEDTLS_MD_SHA512) ||
	    (pk != MBEDTLS_PK_ECDSA && pk != MBEDTLS_PK_RSA) ||
	    !mbedtls_pk_can_do(&key->pk, pk))
		return -EKEYREJECTED;
	*why = "the OCSP staple's signature does not verify";
	if (ssa_ocsp_hash(md, r->tbs, r->tbs_len, h, &hlen) ||
	    mbedtls_pk_verify(&((mbedtls_x509_crt *)key)->pk, md, h, hlen, r->sig.p, r->sig.len))
		return -EKEYREJECTED;
	return 0;
}

/* Does @crt list id-kp-OCSPSigning itself?  mbedTLS's own check also
 * takes anyExtendedKeyUsage, which RFC 6960 4.2.2.2 does not: a
 * certificate for anything is not a responder for its issuer.
 */
static bool ssa_ocsp_signing(const mbedtls_x509_crt *crt)
{
	static const u8 oid[] = MBEDTLS_OID_OCSP_SIGNING;
	const mbedtls_x509_sequence *s;

	for (s = &crt->ext_key_usage; s && s->buf.p; s = s->next)
		if (s->buf.len == sizeof(oid) - 1 && !memcmp(s->buf.p, oid, s->buf.len))
			return true;
	return false;
}

/* A delegated responder among the response's certificates: named by the
 * ResponderID, signed by @issuer (alone: never by a CA further up, which
 * the chain's next links would offer), valid now (by the clock, not
 * @now), id-kp-OCSPSigning, not the certificate the response is about
 * (@leaf's key, or without @leaf, its serial); and its signature over
 * the response.
 */
static int ssa_ocsp_delegated(struct ssa_ocsp *r, const mbedtls_x509_crt *leaf,
			      const mbedtls_x509_crt *issuer, const char **why)
{
	mbedtls_x509_crt *ca, *signer;
	u8 *p = r->certs;
	unsigned int n = 0;
	u32 flags;
	size_t len;
	int ret = -EKEYREJECTED;

	*why = "the OCSP staple is not signed by the certificate's issuer or its responder";
	if (!p)
		return ret;
	/* Both only for this path: the issuer alone, and the candidate. */
	ca = kcalloc(2, sizeof(*ca), GFP_KERNEL_ACCOUNT);
	if (!ca) {
		*why = "out of memory";
		return -ENOMEM;
	}
	signer = ca + 1;
	mbedtls_x509_crt_init(ca);
	mbedtls_x509_crt_init(signer);
	if (ssa_x509_crt_parse_der(ca, issuer->raw.p, issuer->raw.len)) {
		ret = -ENOMEM;	/* it parsed once: memory is what can be missing */
		*why = "out of memory";
		goto out;
	}
	while (p < r->certs_end && n++ < SSA_OCSP_MAX_CERTS) {
		u8 *one = p;

		if (ssa_der(&p, r->certs_end, &len, SSA_ASN1_SEQ)) {
			ret = -EBADMSG;
			break;
		}
		p += len;
		mbedtls_x509_crt_free(signer);
		mbedtls_x509_crt_init(signer);
		if (ssa_x509_crt_parse_der(signer, one, p - one) || !ssa_ocsp_names(r, signer))
			continue;
		if (mbedtls_x509_crt_verify_with_profile(signer, ca, NULL,
							 &mbedtls_x509_crt_profile_default, NULL,
							 &flags, NULL, NULL)) {
			*why = "the OCSP staple's responder is not the certificate issuer's";
			break;
		}
		/* Nor may the leaf's key vouch for itself: compared by key, as
		 * the certificate itself can be re-encoded (lengths, ECDSA's s)
		 * and still verify, and another certificate may hold the key.
		 */
		if (!ssa_ocsp_signing(signer) ||
		    (leaf && signer->pk_raw.len == leaf->pk_raw.len &&
		     !memcmp(signer->pk_raw.p, leaf->pk_raw.p, leaf->pk_raw.len)) ||
		    (!leaf && signer->serial.len == r->serial.len &&
		     !memcmp(signer->serial.p, r->serial.p, r->serial.len))) {
			*why = "the OCSP staple's responder may not sign OCSP responses";
			break;
		}
		ret = ssa_ocsp_verify_sig(r, signer, why);
		/* mbedTLS parsed a copy of @one: the same bytes, at the same offset. */
		r->signer_key = one + (signer->pk_raw.p - signer->raw.p);
		r->signer_key_len = signer->pk_raw.len;
		r->signer_until = mktime64(signer->valid_to.year, signer->valid_to.mon,
					   signer->valid_to.day, signer->valid_to.hour,
					   signer->valid_to.min, signer->valid_to.sec);
		break;
	}
out:
	mbedtls_x509_crt_free(signer);
	mbedtls_x509_crt_free(ca);
	kfree(ca);
	return ret;
}

/**
 * ssa_ocsp_must_staple() - does a certificate demand an OCSP staple?
 * @crt: the certificate
 *
 * RFC 7633: a TLS Feature extension (id-pe-tlsfeature) that lists
 * status_request (5) means the server must staple, and a client must
 * refuse the certificate without a staple.  mbedTLS does not parse the
 * extension (it is not critical), so its DER is read here.
 *
 * Return: true if it does; false if not, or if its extensions do not
 * parse (mbedTLS parsed them already, so that cannot happen).
 */
bool ssa_ocsp_must_staple(const mbedtls_x509_crt *crt)
{
	static const u8 tlsfeature[] = MBEDTLS_OID_PKIX "\x01\x18";	/* 1.3.6.1.5.5.7.1.24 */
	u8 *p = crt->v3_ext.p, *end = p + crt->v3_ext.len, *ext_end, *list_end;
	size_t len;
	int critical, feature;

	if (!p || ssa_der(&p, end, &len, SSA_ASN1_SEQ))
		return false;
	while (p < end) {
		if (ssa_der(&p, end, &len, SSA_ASN1_SEQ))
			return false;
		ext_end = p + len;
		if (ssa_der(&p, ext_end, &len, MBEDTLS_ASN1_OID))
			return false;
		if (len != sizeof(tlsfeature) - 1 || memcmp(p, tlsfeature, len)) {
			p = ext_end;
			continue;
		}
		p += len;
		if (mbedtls_asn1_get_bool(&p, ext_end, &critical) &&
		    p < ext_end && *p == MBEDTLS_ASN1_BOOLEAN)
			return false;
		/* extnValue: OCTET STRING { SEQUENCE OF INTEGER } */
		if (ssa_der(&p, ext_end, &len, MBEDTLS_ASN1_OCTET_STRING) ||
		    ssa_der(&p, ext_end, &len, SSA_ASN1_SEQ))
			return false;
		list_end = p + len;
		while (p < list_end) {
			if (mbedtls_asn1_get_int(&p, list_end, &feature))
				return false;
			if (feature == MBEDTLS_TLS_EXT_STATUS_REQUEST)
				return true;
		}
		return false;
	}
	return false;
}

/* A parsed response's signer and validity: its status, or an error. */
static int ssa_ocsp_judge(struct ssa_ocsp *r, const mbedtls_x509_crt *leaf,
			  const mbedtls_x509_crt *issuer, time64_t now, const char **why)
{
	int ret;

	if (ssa_ocsp_names(r, issuer))
		ret = ssa_ocsp_verify_sig(r, issuer, why);
	else
		ret = ssa_ocsp_delegated(r, leaf, issuer, why);
	if (ret)
		return ret;

	/* Revocation is for good: the responder's word stands however old. */
	if (r->status == SSA_OCSP_REVOKED) {
		*why = "the certificate is revoked (OCSP)";
		return r->status;
	}
	if (r->this_update > now + SSA_OCSP_SKEW) {
		*why = "the OCSP staple is not valid yet (thisUpdate is in the future)";
		return -ESTALE;
	}
	if (now >= ssa_ocsp_expiry(r)) {
		*why = "the OCSP staple has expired (nextUpdate has passed)";
		return -ESTALE;
	}
	if (r->status == SSA_OCSP_UNKNOWN)
		*why = "the OCSP responder does not know the certificate";
	return r->status;
}

/**
 * ssa_ocsp_check() - what a stapled OCSP response says of a certificate
 * @der: the OCSPResponse, as the peer sent it
 * @len: its length
 * @leaf: the certificate it must be about
 * @issuer: the certificate that issued @leaf, of the verified chain
 * @now: the time, in seconds since the epoch
 * @why: where to point a reason in words when the result is not
 *	SSA_OCSP_GOOD
 *
 * Return: SSA_OCSP_GOOD or SSA_OCSP_UNKNOWN, what a response that
 * verifies and is current says, or SSA_OCSP_REVOKED from one that
 * verifies; -EBADMSG if it does not
 * parse or is not a successful basic response, -EKEYREJECTED if its
 * signature or signer does not verify, -ESTALE outside its validity,
 * -ENOENT if it holds nothing about @leaf, -ENOMEM.
 */
int ssa_ocsp_check(const u8 *der, size_t len, const mbedtls_x509_crt *leaf,
		   const mbedtls_x509_crt *issuer, time64_t now, const char **why)
{
	struct ssa_ocsp r = {};
	int ret;

	/* mbedTLS's reader takes non-const pointers; nothing is written. */
	ret = ssa_ocsp_parse(&r, (u8 *)der, der + len, &leaf->serial, issuer, why);
	return ret ? ret : ssa_ocsp_judge(&r, leaf, issuer, now, why);
}

/**
 * ssa_ocsp_inspect() - what an OCSP response says, for a server to staple
 * @der: the OCSPResponse
 * @len: its length
 * @issuer: the certificate that issued the certificates it may be about
 * @now: the time, in seconds since the epoch
 * @info: out: the serial of the certificate (pointing into @der), the
 *	validity window of the first SingleResponse about one that @issuer
 *	issued, and the key of the delegated responder that signed, if one
 *	did (also into @der): the certificate must not hold it
 * @why: where to point a reason in words when the result is an error
 *
 * The checks of ssa_ocsp_check(), for whichever certificate of @issuer's
 * the response is about first; which certificate it is, the caller
 * compares when it staples.
 *
 * Return: as ssa_ocsp_check(); -ENOENT if it is about no certificate of
 * @issuer's.
 */
int ssa_ocsp_inspect(const u8 *der, size_t len, const mbedtls_x509_crt *issuer, time64_t now,
		     struct ssa_ocsp_info *info, const char **why)
{
	struct ssa_ocsp r = {};
	int ret;

	ret = ssa_ocsp_parse(&r, (u8 *)der, der + len, NULL, issuer, why);
	if (ret == -ENOENT)
		*why = "the OCSP response is about no certificate of the issuer given with it";
	if (!ret)
		ret = ssa_ocsp_judge(&r, NULL, issuer, now, why);
	if (ret >= 0) {
		info->serial = r.serial.p;
		info->serial_len = r.serial.len;
		info->this_update = r.this_update;
		/* A client checks the delegate's validity too: no later than it. */
		info->expiry = ssa_ocsp_expiry(&r);
		if (r.signer_until && r.signer_until < info->expiry)
			info->expiry = r.signer_until;
		info->signer_key = r.signer_key;
		info->signer_key_len = r.signer_key_len;
	}
	return ret;
}
