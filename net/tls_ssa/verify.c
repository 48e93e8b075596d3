// SPDX-License-Identifier: GPL-2.0
/*
 * Peer certificate checks that tls_ssa does itself, on top of mbedTLS's
 * chain validation: the server name (RFC 6125, DNS-ID in subjectAltName
 * only, wildcard as the whole left-most label) or, when the application
 * gave no name, an iPAddress SAN equal to the connected address; and the
 * translation of mbedTLS's verification flags into TLS_ERROR words.
 */

#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>

#include "tls_ssa.h"
#include "ssa_mbedtls.h"

static bool ssa_label_eq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tolower(a[i]) != tolower(b[i]))
			return false;
	return true;
}

/**
 * ssa_dns_id_matches() - does a certificate DNS-ID match a host name?
 * @pattern: dNSName from the certificate (not NUL-terminated)
 * @plen: bytes in @pattern
 * @host: the reference identity, NUL-terminated, without a trailing dot
 *
 * RFC 6125 6.4: case-insensitive comparison; a wildcard only as the
 * complete left-most label ("*.example.com"), matching exactly one
 * non-empty label, never in front of a public suffix-like single label
 * ("*.com"), and never matching an IP address literal.
 *
 * Return: true on a match.
 */
bool ssa_dns_id_matches(const char *pattern, size_t plen, const char *host)
{
	size_t hlen = strlen(host);
	const char *hdot, *pdot;

	if (!plen || !hlen || memchr(pattern, '\0', plen))
		return false;
	/* An absolute name's trailing dot is not significant. */
	if (pattern[plen - 1] == '.')
		plen--;
	if (!plen)
		return false;
	if (plen < 2 || pattern[0] != '*' || pattern[1] != '.') {
		if (memchr(pattern, '*', plen))
			return false;	/* partial wildcards are not honoured */
		return plen == hlen && ssa_label_eq(pattern, host, hlen);
	}

	/* Wildcard: "*." + at least two labels of literal suffix. */
	pdot = pattern + 1;
	if (!memchr(pdot + 1, '.', plen - 2) || memchr(pdot, '*', plen - 1))
		return false;
	if (ssa_host_is_ip(host))
		return false;
	hdot = strchr(host, '.');
	if (!hdot || hdot == host)
		return false;
	return (size_t)(host + hlen - hdot) == plen - 1 &&
	       ssa_label_eq(pdot, hdot, plen - 1);
}

/**
 * ssa_host_is_ip() - is a reference name an IPv4 or IPv6 literal?
 * @host: NUL-terminated name
 *
 * Return: true for dotted-quad IPv4 and for IPv6 literals.
 */
bool ssa_host_is_ip(const char *host)
{
	u8 buf[16];

	return in4_pton(host, -1, buf, -1, NULL) ||
	       in6_pton(host, -1, buf, -1, NULL);
}

/* The iPAddress SAN must equal the peer's address (RFC 6125 6.2). */
static bool ssa_ip_id_matches(const u8 *san, size_t len, const struct sock *sk)
{
	if (sk->sk_family == AF_INET)
		return len == 4 && !memcmp(san, &inet_sk(sk)->inet_daddr, 4);
#if IS_ENABLED(CONFIG_IPV6)
	if (ipv6_addr_v4mapped(&sk->sk_v6_daddr))
		return len == 4 && !memcmp(san, &sk->sk_v6_daddr.s6_addr32[3], 4);
	return len == 16 && !memcmp(san, &sk->sk_v6_daddr, 16);
#else
	return false;
#endif
}

static bool ssa_ip_literal_matches(const u8 *san, size_t len, const char *host)
{
	u8 addr[16];

	if (in4_pton(host, -1, addr, -1, NULL))
		return len == 4 && !memcmp(san, addr, 4);
	if (in6_pton(host, -1, addr, -1, NULL))
		return len == 16 && !memcmp(san, addr, 16);
	return false;
}

/**
 * ssa_cert_matches_peer() - check a leaf certificate's identity
 * @crt: the leaf certificate
 * @host: TLS_REMOTE_HOSTNAME, or NULL to match the connected address
 * @sk: the connected socket (for the address)
 *
 * Return: true if the certificate names this peer.
 */
bool ssa_cert_matches_peer(const mbedtls_x509_crt *crt, const char *host,
			   const struct sock *sk)
{
	const mbedtls_x509_sequence *san;
	bool ip = !host || ssa_host_is_ip(host);

	for (san = &crt->subject_alt_names; san && san->buf.p; san = san->next) {
		int type = san->buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK;

		if (!ip && type == MBEDTLS_X509_SAN_DNS_NAME &&
		    ssa_dns_id_matches((const char *)san->buf.p, san->buf.len, host))
			return true;
		if (ip && type == MBEDTLS_X509_SAN_IP_ADDRESS &&
		    (host ? ssa_ip_literal_matches(san->buf.p, san->buf.len, host) :
			    ssa_ip_id_matches(san->buf.p, san->buf.len, sk)))
			return true;
	}
	return false;
}

/**
 * ssa_verify_reason() - describe mbedTLS verification flags in words
 * @flags: MBEDTLS_X509_BADCERT_* bits
 * @self_signed: the peer's chain is a single self-signed certificate
 *
 * Return: a static string for the most important problem.
 */
const char *ssa_verify_reason(u32 flags, bool self_signed)
{
	if (flags & MBEDTLS_X509_BADCERT_REVOKED)
		return "certificate has been revoked (a CRL of its issuer lists it)";
	if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH)
		return "hostname mismatch";
	if (flags & MBEDTLS_X509_BADCERT_EXPIRED)
		return "certificate has expired";
	if (flags & MBEDTLS_X509_BADCERT_FUTURE)
		return "certificate is not yet valid";
	if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED)
		return self_signed ? "self-signed certificate" :
				     "unknown or untrusted certificate authority";
	if (flags & (MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE |
		     MBEDTLS_X509_BADCERT_NS_CERT_TYPE))
		return "certificate key usage does not allow TLS server use";
	if (flags & (MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK |
		     MBEDTLS_X509_BADCERT_BAD_KEY))
		return "weak or unsupported certificate signature or key";
	if (flags & MBEDTLS_X509_BADCRL_EXPIRED)
		return "the CRL of the certificate's issuer is out of date (revocation = hard-fail)";
	if (flags & MBEDTLS_X509_BADCRL_FUTURE)
		return "the CRL of the certificate's issuer is not yet valid (revocation = hard-fail)";
	if (flags & (MBEDTLS_X509_BADCRL_NOT_TRUSTED | MBEDTLS_X509_BADCRL_BAD_MD |
		     MBEDTLS_X509_BADCRL_BAD_PK))
		return "the CRL of the certificate's issuer does not verify (revocation = hard-fail)";
	if (flags & MBEDTLS_X509_BADCERT_MISSING)
		return "no certificate from the peer";
	if (flags & MBEDTLS_X509_BADCERT_SKIP_VERIFY)
		return "verification skipped";
	return "certificate rejected";
}
