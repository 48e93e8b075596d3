// SPDX-License-Identifier: GPL-2.0
/*
 * The peer's identity after the handshake: its chain kept as DER, and
 * made into PEM for TLS_PEER_CERTIFICATE_CHAIN.
 */

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/sizes.h>

#include "tls_ssa.h"
#include "ssa_mbedtls.h"

/**
 * ssa_peer_chain_keep() - keep the peer's chain (DER) for getsockopt
 * @ssk: the socket's state
 * @peer: the peer's certificate chain, leaf first
 *
 * DER, back to back, in one exact-size allocation: the smallest form
 * that outlives mbedTLS's context; ssa_peer_chain_pem() makes the PEM
 * that TLS_PEER_CERTIFICATE_CHAIN returns.
 *
 * Return: 0, -ENOMEM, or -E2BIG for a chain over 64 KiB.
 */
int ssa_peer_chain_keep(struct ssa_sock *ssk, const mbedtls_x509_crt *peer)
{
	const mbedtls_x509_crt *c;
	size_t len = 0;
	u8 *der;

	for (c = peer; c && c->raw.p; c = c->next)
		len += c->raw.len;
	if (!len)
		return 0;
	if (len > SZ_64K)
		return -E2BIG;
	der = kmalloc(len, GFP_KERNEL);
	if (!der)
		return -ENOMEM;
	ssk->peer_der = der;
	ssk->peer_der_len = len;
	for (c = peer; c && c->raw.p; c = c->next) {
		memcpy(der, c->raw.p, c->raw.len);
		der += c->raw.len;
	}
	return 0;
}

/**
 * ssa_peer_chain_pem() - the kept peer chain as PEM
 * @ssk: an established socket's state with a peer chain
 *
 * Return: a NUL-terminated string to kvfree(), or NULL (no memory).
 */
char *ssa_peer_chain_pem(const struct ssa_sock *ssk)
{
	static const char hdr[] = "-----BEGIN CERTIFICATE-----\n";
	static const char ftr[] = "-----END CERTIFICATE-----\n";
	const u8 *end = ssk->peer_der + ssk->peer_der_len, *p;
	size_t cap = 1, off = 0, olen, len;
	char *pem;
	int pass;

	/* Pass 0 sizes the buffer, pass 1 fills it.  Each certificate is one
	 * DER SEQUENCE, whose header gives its size.
	 */
	for (pass = 0; pass < 2; pass++) {
		if (pass) {
			pem = kvmalloc(cap, GFP_KERNEL);
			if (!pem)
				return NULL;
		}
		for (p = ssk->peer_der; p < end; p += len) {
			u8 *body = (u8 *)p;

			if (mbedtls_asn1_get_tag(&body, end, &len,
						 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
				goto bad;
			len += body - p;
			if (!pass) {
				/* base64 (4/3) and a newline per 64 characters */
				cap += sizeof(hdr) + sizeof(ftr) + len * 3 / 2 + 16;
				continue;
			}
			if (mbedtls_pem_write_buffer(hdr, ftr, p, len, (u8 *)pem + off,
						     cap - off, &olen))
				goto bad;
			off += olen - 1;	/* olen counts the NUL */
		}
	}
	pem[off] = '\0';
	return pem;
bad:
	if (pass)
		kvfree(pem);
	return NULL;
}
