// SPDX-License-Identifier: GPL-2.0
/*
 * X.509 name constraints (RFC 5280 4.2.1.10), which mbedTLS 3.6 does not
 * know: without help it refuses every certificate whose nameConstraints
 * extension is critical, as RFC 5280 requires CAs to mark it, so
 * enterprise and government PKIs could not be used at all.
 *
 * Two halves:
 *   - parsing: every certificate tls_ssa parses (the peer's chain inside
 *     mbedTLS, trust anchors, our own chains) goes through
 *     ssa_x509_crt_parse_der(), which lets a syntactically valid
 *     nameConstraints extension through and still refuses any other
 *     critical extension mbedTLS does not know.  mbedTLS's own calls in
 *     ssl_tls.c and ssl_tls13_generic.c are renamed to it in Kbuild.
 *   - checking: ssa_nc_check() tests one certificate's names against one
 *     CA's constraints.  handshake.c's verify callback calls it for every
 *     CA in a trusted chain and every certificate below it.
 *
 * Enforced forms: dNSName (against subjectAltName dNSNames, wildcards
 * included), iPAddress (against iPAddress SANs) and directoryName
 * (against the subject and directoryName SANs, RDN by RDN in their DER
 * encoding).  A constraint of any other form (rfc822Name, URI, otherName,
 * ...) cannot be checked; as RFC 5280 requires, the certificate is then
 * rejected if it carries a name of that form, and accepted otherwise.
 */

#include <linux/kernel.h>
#include <linux/string.h>

#include "tls_ssa.h"
#include "ssa_mbedtls.h"
#include <mbedtls/asn1.h>
#include <mbedtls/oid.h>
#include <mbedtls/pem.h>

/* GeneralName tags (context-specific, RFC 5280 4.2.1.6). */
enum {
	SSA_GN_OTHER = 0, SSA_GN_RFC822 = 1, SSA_GN_DNS = 2, SSA_GN_X400 = 3,
	SSA_GN_DIR = 4, SSA_GN_EDI = 5, SSA_GN_URI = 6, SSA_GN_IP = 7, SSA_GN_RID = 8,
};

#define SSA_NC_MALFORMED \
	MBEDTLS_ERROR_ADD(MBEDTLS_ERR_X509_INVALID_EXTENSIONS, MBEDTLS_ERR_ASN1_INVALID_DATA)

/* One subtree's base: its GeneralName form and contents. */
struct ssa_nc_base {
	bool excluded;
	int type;
	const u8 *p;
	size_t len;
};

typedef int (*ssa_nc_fn)(void *arg, const struct ssa_nc_base *b);

/* A directoryName base: [4] holding exactly one Name (a SEQUENCE). */
static bool ssa_nc_is_name(const struct ssa_nc_base *b, u8 tag)
{
	u8 *q = (u8 *)b->p;
	size_t len;

	return (tag & MBEDTLS_ASN1_CONSTRUCTED) &&
	       !mbedtls_asn1_get_tag(&q, b->p + b->len, &len,
				     MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) &&
	       q + len == b->p + b->len;
}

/* Walk GeneralSubtrees (the contents of [0] or [1]), calling @fn for each
 * base.  Return: 0, @fn's non-zero result, or SSA_NC_MALFORMED.
 */
static int ssa_nc_subtrees(const u8 *p, const u8 *end, bool excluded, ssa_nc_fn fn, void *arg)
{
	u8 *q = (u8 *)p;
	size_t len;
	int ret;

	if (q == end)
		return SSA_NC_MALFORMED;	/* SIZE (1..MAX) */
	while (q < end) {
		struct ssa_nc_base b = { .excluded = excluded };
		const u8 *sub_end;
		u8 tag;

		if (mbedtls_asn1_get_tag(&q, end, &len,
					 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
			return SSA_NC_MALFORMED;
		sub_end = q + len;
		if (sub_end - q < 2)
			return SSA_NC_MALFORMED;
		tag = *q;
		if ((tag & 0xc0) != MBEDTLS_ASN1_CONTEXT_SPECIFIC ||
		    (tag & MBEDTLS_ASN1_TAG_VALUE_MASK) > SSA_GN_RID)
			return SSA_NC_MALFORMED;
		q++;
		if (mbedtls_asn1_get_len(&q, sub_end, &len))
			return SSA_NC_MALFORMED;
		b.type = tag & MBEDTLS_ASN1_TAG_VALUE_MASK;
		b.p = q;
		b.len = len;
		q += len;
		/* minimum is 0 (DEFAULT, so absent in DER); maximum MUST be absent. */
		if (q != sub_end &&
		    (*q != (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 0) || sub_end - q != 3 ||
		     q[1] != 1 || q[2] != 0))
			return SSA_NC_MALFORMED;
		q = (u8 *)sub_end;
		/* The forms checked below must have exactly the right shape: a
		 * base that matched nothing would silently drop an exclusion.
		 */
		if ((b.type == SSA_GN_DNS || b.type == SSA_GN_IP) &&
		    (tag & MBEDTLS_ASN1_CONSTRUCTED))
			return SSA_NC_MALFORMED;
		if (b.type == SSA_GN_IP && b.len != 8 && b.len != 32)
			return SSA_NC_MALFORMED;
		if (b.type == SSA_GN_DIR && !ssa_nc_is_name(&b, tag))
			return SSA_NC_MALFORMED;
		if (b.type == SSA_GN_DNS && memchr(b.p, '\0', b.len))
			return SSA_NC_MALFORMED;
		ret = fn(arg, &b);
		if (ret)
			return ret;
	}
	return 0;
}

/* Walk a NameConstraints value (the extension's OCTET STRING contents). */
static int ssa_nc_walk(const u8 *p, size_t len, ssa_nc_fn fn, void *arg)
{
	const u8 *end = p + len;
	u8 *q = (u8 *)p;
	bool any = false;
	int ret, tag;
	size_t l;

	if (mbedtls_asn1_get_tag(&q, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) ||
	    q + l != end)
		return SSA_NC_MALFORMED;
	/* permittedSubtrees [0], then excludedSubtrees [1], each optional. */
	for (tag = 0; tag < 2; tag++) {
		if (q == end || *q != (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | tag))
			continue;
		q++;
		if (mbedtls_asn1_get_len(&q, end, &l))
			return SSA_NC_MALFORMED;
		ret = ssa_nc_subtrees(q, q + l, tag == 1, fn, arg);
		if (ret)
			return ret;
		q += l;
		any = true;
	}
	/* An empty NameConstraints is not allowed (RFC 5280 4.2.1.10). */
	return q == end && any ? 0 : SSA_NC_MALFORMED;
}

static int ssa_nc_accept(void *arg, const struct ssa_nc_base *b)
{
	return 0;
}

static bool ssa_oid_is_nc(const mbedtls_x509_buf *oid)
{
	return oid->len == MBEDTLS_OID_SIZE(MBEDTLS_OID_NAME_CONSTRAINTS) &&
	       !memcmp(oid->p, MBEDTLS_OID_NAME_CONSTRAINTS, oid->len);
}

/* mbedTLS calls this for each extension it does not know.  A critical one
 * makes the certificate fail to parse unless we return 0.
 */
static int ssa_x509_ext_cb(void *ctx, mbedtls_x509_crt const *crt, mbedtls_x509_buf const *oid,
			   int critical, const unsigned char *p, const unsigned char *end)
{
	if (ssa_oid_is_nc(oid))
		return ssa_nc_walk(p, end - p, ssa_nc_accept, NULL);
	return critical ? MBEDTLS_ERROR_ADD(MBEDTLS_ERR_X509_INVALID_EXTENSIONS,
					    MBEDTLS_ERR_ASN1_UNEXPECTED_TAG) : 0;
}

/**
 * ssa_x509_crt_parse_der() - mbedtls_x509_crt_parse_der() that knows name constraints
 * @chain: the chain to append to
 * @buf: one DER certificate
 * @len: its length
 *
 * mbedTLS's own calls (the peer's Certificate message, session copies)
 * are renamed to this in Kbuild.
 *
 * Return: 0 or an mbedTLS error.
 */
int ssa_x509_crt_parse_der(mbedtls_x509_crt *chain, const unsigned char *buf, size_t len)
{
	return mbedtls_x509_crt_parse_der_with_ext_cb(chain, buf, len, 1, ssa_x509_ext_cb, NULL);
}

/**
 * ssa_x509_crt_parse() - mbedtls_x509_crt_parse() that knows name constraints
 * @chain: the chain to append to
 * @buf: PEM (NUL-terminated, @len counting the NUL) or one DER certificate
 * @len: bytes in @buf
 *
 * The same contract as mbedtls_x509_crt_parse(): certificates that do not
 * parse are skipped and counted.
 *
 * Return: 0, the number of certificates that could not be parsed, or a
 * negative mbedTLS error (none parsed, or out of memory).
 */
int ssa_x509_crt_parse(mbedtls_x509_crt *chain, const unsigned char *buf, size_t len)
{
	int ret, ok = 0, bad = 0, first_err = MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT;
	mbedtls_x509_crt *tail;
	mbedtls_pem_context pem;
	size_t used;

	if (!chain || !buf)
		return MBEDTLS_ERR_X509_BAD_INPUT_DATA;
	if (!len || buf[len - 1] != '\0' ||
	    !strstr((const char *)buf, "-----BEGIN CERTIFICATE-----"))
		return ssa_x509_crt_parse_der(chain, buf, len);

	/* mbedTLS appends after walking the list from what it is given:
	 * given the head each time, a bundle of n certificates (4 MiB is
	 * some 11,000) costs n^2 / 2 steps.  Given the tail, n.
	 */
	for (tail = chain; tail->next; tail = tail->next)
		;
	while (len > 1) {
		used = 0;
		mbedtls_pem_init(&pem);
		ret = mbedtls_pem_read_buffer(&pem, "-----BEGIN CERTIFICATE-----",
					      "-----END CERTIFICATE-----", buf, NULL, 0, &used);
		if (ret == MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT) {
			mbedtls_pem_free(&pem);
			break;
		}
		if (ret == 0) {
			size_t der_len;
			const u8 *der = mbedtls_pem_get_buffer(&pem, &der_len);

			ret = ssa_x509_crt_parse_der(tail, der, der_len);
		}
		mbedtls_pem_free(&pem);
		if (!ret && tail->next)
			tail = tail->next;
		if (ret == MBEDTLS_ERR_PEM_ALLOC_FAILED || ret == MBEDTLS_ERR_X509_ALLOC_FAILED)
			return MBEDTLS_ERR_X509_ALLOC_FAILED;
		if (ret) {
			if (!bad++)
				first_err = ret;
		} else {
			ok++;
		}
		/* A block without an end gives no length: nothing more to read. */
		if (!used || used >= len)
			break;
		buf += used;
		len -= used;
	}
	if (!ok)
		return bad ? first_err : MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT;
	return bad;
}

/* --- checking ------------------------------------------------------------- */

/**
 * ssa_nc_find() - locate a certificate's nameConstraints extension
 * @crt: a CA certificate
 * @p: out: the extension's value
 * @len: out: its length
 *
 * Return: 1 if found (and well formed), 0 if absent, or a negative mbedTLS
 * error if it is malformed or present twice.
 */
int ssa_nc_find(const mbedtls_x509_crt *crt, const u8 **p, size_t *len)
{
	u8 *q = crt->v3_ext.p;
	const u8 *end;
	int found = 0;
	size_t l;

	if (!q || !crt->v3_ext.len)
		return 0;
	end = q + crt->v3_ext.len;
	if (mbedtls_asn1_get_tag(&q, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
		return SSA_NC_MALFORMED;
	end = q + l;
	while (q < end) {
		mbedtls_x509_buf oid = { .tag = MBEDTLS_ASN1_OID };
		const u8 *ext_end;
		int crit, r;

		if (mbedtls_asn1_get_tag(&q, end, &l,
					 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
			return SSA_NC_MALFORMED;
		ext_end = q + l;
		if (mbedtls_asn1_get_tag(&q, ext_end, &oid.len, MBEDTLS_ASN1_OID))
			return SSA_NC_MALFORMED;
		oid.p = q;
		q += oid.len;
		/* Critical or not, the constraints hold (RFC 5280 asks CAs to
		 * mark them critical; some do not).
		 */
		r = mbedtls_asn1_get_bool(&q, ext_end, &crit);
		if (r && r != MBEDTLS_ERR_ASN1_UNEXPECTED_TAG)
			return SSA_NC_MALFORMED;
		if (mbedtls_asn1_get_tag(&q, ext_end, &l, MBEDTLS_ASN1_OCTET_STRING) ||
		    q + l != ext_end)
			return SSA_NC_MALFORMED;
		if (ssa_oid_is_nc(&oid)) {
			if (found++)
				return SSA_NC_MALFORMED;	/* at most one instance */
			if (ssa_nc_walk(q, l, ssa_nc_accept, NULL))
				return SSA_NC_MALFORMED;
			*p = q;
			*len = l;
		}
		q = (u8 *)ext_end;
	}
	return found;
}

/* Case-insensitive, NUL-free comparison of @n bytes. */
static bool ssa_nc_ieq(const u8 *a, const u8 *b, size_t n)
{
	return !strncasecmp((const char *)a, (const char *)b, n);
}

/* Is DNS name @name within subtree @base?  RFC 5280: any name made by
 * adding labels on the left of the base (the base itself included); an
 * empty base holds every name; a base with a leading dot (".example.com",
 * a common practice) holds only names below it.  Trailing dots are not
 * significant.
 */
static bool ssa_nc_dns_within(const u8 *name, size_t n, const u8 *base, size_t b)
{
	if (n && name[n - 1] == '.')
		n--;
	if (b && base[b - 1] == '.')
		b--;
	if (!b)
		return true;
	if (base[0] == '.')
		return n > b && ssa_nc_ieq(name + n - b, base, b);
	if (n == b)
		return ssa_nc_ieq(name, base, n);
	return n > b && name[n - b - 1] == '.' && ssa_nc_ieq(name + n - b, base, b);
}

/* Could a wildcard name "*.rest" stand for a name within @base?  Either
 * all its expansions are within (the base holds "*.rest" itself), or the
 * base is one label plus "rest" (then that label is one expansion).
 */
static bool ssa_nc_wild_overlaps(const u8 *name, size_t n, const u8 *base, size_t b)
{
	const u8 *dot;

	if (ssa_nc_dns_within(name, n, base, b))
		return true;
	if (n < 3 || name[0] != '*' || name[1] != '.' || !b || base[0] == '.')
		return false;
	dot = memchr(base, '.', b);
	if (!dot || dot == base)
		return false;
	return ssa_nc_dns_within(dot + 1, base + b - dot - 1, name + 2, n - 2) &&
	       ssa_nc_dns_within(name + 2, n - 2, dot + 1, base + b - dot - 1);
}

/* Is address @a (4 or 16 bytes) within @base (address then mask)?  An
 * IPv4-mapped IPv6 address (::ffff:a.b.c.d) is also its IPv4 address, so
 * that an IPv4 subtree binds it too.
 */
static bool ssa_nc_ip_within(const u8 *a, size_t n, const u8 *base, size_t b)
{
	static const u8 mapped[12] = { [10] = 0xff, [11] = 0xff };
	size_t i;

	if (n == 16 && b == 8 && !memcmp(a, mapped, sizeof(mapped))) {
		a += 12;
		n = 4;
	}
	if (b != 2 * n)
		return false;
	for (i = 0; i < n; i++)
		if ((a[i] & base[n + i]) != (base[i] & base[n + i]))
			return false;
	return true;
}

/* Is distinguished name @name (a Name's DER, SEQUENCE header included)
 * within @base (the same)?  The base's RDNs must be the name's first RDNs,
 * byte for byte: CAs are required to encode a name the same way each
 * time (RFC 5280 4.1.2.6, 7.1), so a name encoded otherwise counts as
 * outside a permitted subtree, and also as outside an excluded one (a
 * constrained CA could re-encode an excluded name; tls_ssa identifies
 * peers by subjectAltName only, so that name would not identify one).
 */
static bool ssa_nc_dn_within(const u8 *name, size_t n, const u8 *base, size_t b)
{
	u8 *np = (u8 *)name, *bp = (u8 *)base;
	const u8 *nend = name + n, *bend = base + b;
	size_t nl, bl;

	if (mbedtls_asn1_get_tag(&np, nend, &nl,
				 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) ||
	    mbedtls_asn1_get_tag(&bp, bend, &bl,
				 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
		return false;
	nend = np + nl;
	bend = bp + bl;
	while (bp < bend) {
		const u8 *bstart = bp, *nstart = np;
		size_t rl, sl;

		if (mbedtls_asn1_get_tag(&bp, bend, &rl,
					 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SET) ||
		    mbedtls_asn1_get_tag(&np, nend, &sl,
					 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SET))
			return false;
		bp += rl;
		np += sl;
		if (bp - bstart != np - nstart || memcmp(bstart, nstart, bp - bstart))
			return false;
	}
	return true;
}

/* One name of the certificate being checked, against every subtree. */
struct ssa_nc_probe {
	int type;
	const u8 *p;
	size_t len;
	bool permitted_seen;
	bool permitted_hit;
};

#define SSA_NC_EXCLUDED_HIT	1
#define SSA_NC_UNCHECKABLE	2

static int ssa_nc_probe_fn(void *arg, const struct ssa_nc_base *b)
{
	struct ssa_nc_probe *pr = arg;
	bool hit;

	if (b->type != pr->type)
		return 0;
	switch (b->type) {
	case SSA_GN_DNS:
		hit = b->excluded ? ssa_nc_wild_overlaps(pr->p, pr->len, b->p, b->len) :
				    ssa_nc_dns_within(pr->p, pr->len, b->p, b->len);
		break;
	case SSA_GN_IP:
		hit = ssa_nc_ip_within(pr->p, pr->len, b->p, b->len);
		break;
	case SSA_GN_DIR:
		hit = ssa_nc_dn_within(pr->p, pr->len, b->p, b->len);
		break;
	default:
		return SSA_NC_UNCHECKABLE;
	}
	if (b->excluded)
		return hit ? SSA_NC_EXCLUDED_HIT : 0;
	pr->permitted_seen = true;
	pr->permitted_hit |= hit;
	return 0;
}

static const char *ssa_nc_check_name(const u8 *nc, size_t nc_len, int type, const u8 *p,
				     size_t len)
{
	struct ssa_nc_probe pr = { .type = type, .p = p, .len = len };
	int ret;

	if (type == SSA_GN_DNS && memchr(p, '\0', len))
		return "a dNSName holds a NUL byte";
	ret = ssa_nc_walk(nc, nc_len, ssa_nc_probe_fn, &pr);
	if (ret == SSA_NC_EXCLUDED_HIT)
		return "a name is in a subtree its CA's name constraints exclude";
	if (ret == SSA_NC_UNCHECKABLE)
		return "the CA constrains a name form tls_ssa cannot check";
	if (ret)
		return "malformed name constraints";
	if (pr.permitted_seen && !pr.permitted_hit)
		return "a name is outside the subtrees its CA's name constraints permit";
	return NULL;
}

/**
 * ssa_nc_check() - check a certificate's names against a CA's constraints
 * @nc: the CA's nameConstraints value (from ssa_nc_find())
 * @nc_len: its length
 * @crt: a certificate below that CA in the chain
 *
 * Every subjectAltName, the subject (as a directoryName, if not empty)
 * and any emailAddress attribute of the subject (as an rfc822Name) must
 * satisfy the constraints of its form.
 *
 * Return: NULL if they do, or the reason in words.
 */
const char *ssa_nc_check(const u8 *nc, size_t nc_len, const mbedtls_x509_crt *crt)
{
	const mbedtls_x509_sequence *san;
	const mbedtls_x509_name *rdn;
	const char *why;

	for (san = &crt->subject_alt_names; san && san->buf.p; san = san->next) {
		int type = san->buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK;

		why = ssa_nc_check_name(nc, nc_len, type, san->buf.p, san->buf.len);
		if (why)
			return why;
	}
	/* The subject's Name SEQUENCE, when it has at least one RDN. */
	if (crt->subject_raw.p && crt->subject_raw.len > 2) {
		why = ssa_nc_check_name(nc, nc_len, SSA_GN_DIR, crt->subject_raw.p,
					crt->subject_raw.len);
		if (why)
			return why;
	}
	for (rdn = &crt->subject; rdn && rdn->oid.p; rdn = rdn->next) {
		if (MBEDTLS_OID_CMP(MBEDTLS_OID_PKCS9_EMAIL, &rdn->oid))
			continue;
		why = ssa_nc_check_name(nc, nc_len, SSA_GN_RFC822, rdn->val.p, rdn->val.len);
		if (why)
			return why;
	}
	return NULL;
}
