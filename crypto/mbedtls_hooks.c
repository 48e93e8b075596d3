// SPDX-License-Identifier: GPL-2.0
/*
 * What tls_ssa's patches to mbedTLS (crypto/patches) call.
 *
 * Room for long handshake messages: mbedTLS reassembles a handshake
 * message that spans records in its input buffer, which holds one
 * 16 KiB record; a ClientHello with post-quantum key shares or a long
 * certificate chain does not fit.  Patch 0005 calls ssa_mbedtls_hs_room()
 * when the first fragment of such a message arrives: the buffer grows
 * for that handshake only, within SSA_MBEDTLS_HS_MSG_MAX
 * (MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH), and goes with the context, which
 * tls_ssa frees when the handshake ends.
 *
 * The size of a key share (patch 0006), so that one of the wrong size is
 * refused while the hello is parsed.
 *
 * The fatal alert mbedTLS sent (patch 0007), so that tls_ssa sends one
 * where mbedTLS did not: a sealed TLS 1.3 record no longer says what it
 * carries.  It is kept in the context's user data, which tls_ssa uses
 * for nothing else.
 *
 * Built like mbedTLS's own files (its library/ headers are on the path).
 */

#include "ssl_misc.h"
#include "mbedtls/platform.h"
#include "ssa_mbedtls_platform.h"

/* Offsets of the input pointers that mbedTLS keeps into in_buf. */
struct ssa_in_ptrs {
	ptrdiff_t ctr, hdr, len, iv, msg, offt;
};

static ptrdiff_t ssa_off(const mbedtls_ssl_context *ssl, const unsigned char *p)
{
	return p ? p - ssl->in_buf : -1;
}

static unsigned char *ssa_ptr(const mbedtls_ssl_context *ssl, ptrdiff_t off)
{
	return off < 0 ? NULL : ssl->in_buf + off;
}

/**
 * ssa_mbedtls_hs_room() - make in_buf hold the handshake message begun
 * @ssl: a TLS (not DTLS) context whose in_msg holds the first fragment
 *	 of a handshake message longer than that record, in_hslen set
 *
 * Needed: the record header room before the message, the message, and
 * one more whole record after its last-but-one fragment.
 *
 * Return: 0, MBEDTLS_ERR_SSL_DECODE_ERROR (a decode_error alert pending)
 * for a message longer than SSA_MBEDTLS_HS_MSG_MAX, or
 * MBEDTLS_ERR_SSL_ALLOC_FAILED.
 */
int ssa_mbedtls_hs_room(mbedtls_ssl_context *ssl)
{
	size_t need = MBEDTLS_SSL_SEQUENCE_NUMBER_LEN + mbedtls_ssl_in_hdr_len(ssl) +
		      ssl->in_hslen + MBEDTLS_SSL_IN_BUFFER_LEN;
	struct ssa_in_ptrs o;
	unsigned char *buf;

	if (ssl->in_hslen > SSA_MBEDTLS_HS_MSG_MAX) {
		MBEDTLS_SSL_PEND_FATAL_ALERT(MBEDTLS_SSL_ALERT_MSG_DECODE_ERROR,
					     MBEDTLS_ERR_SSL_DECODE_ERROR);
		return MBEDTLS_ERR_SSL_DECODE_ERROR;
	}
	if (need <= ssl->in_buf_len)
		return 0;
	buf = mbedtls_calloc(1, need);
	if (!buf)
		return MBEDTLS_ERR_SSL_ALLOC_FAILED;
	o.ctr = ssa_off(ssl, ssl->in_ctr);
	o.hdr = ssa_off(ssl, ssl->in_hdr);
	o.len = ssa_off(ssl, ssl->in_len);
	o.iv = ssa_off(ssl, ssl->in_iv);
	o.msg = ssa_off(ssl, ssl->in_msg);
	o.offt = ssa_off(ssl, ssl->in_offt);
	memcpy(buf, ssl->in_buf, ssl->in_buf_len);
	mbedtls_zeroize_and_free(ssl->in_buf, ssl->in_buf_len);
	ssl->in_buf = buf;
	ssl->in_buf_len = need;
	ssl->in_ctr = ssa_ptr(ssl, o.ctr);
	ssl->in_hdr = ssa_ptr(ssl, o.hdr);
	ssl->in_len = ssa_ptr(ssl, o.len);
	ssl->in_iv = ssa_ptr(ssl, o.iv);
	ssl->in_msg = ssa_ptr(ssl, o.msg);
	ssl->in_offt = ssa_ptr(ssl, o.offt);
	return 0;
}

/**
 * ssa_mbedtls_share_len() - the size of a key share of an (EC)DHE group
 * @group: the TLS NamedGroup
 *
 * Return: the bytes of its public value (RFC 8446 4.2.8.2: X25519 32,
 * X448 56, an uncompressed secp256r1 point 65...), or 0 for a group
 * mbedTLS has no curve for, whose share goes unchecked here.
 */
size_t ssa_mbedtls_share_len(uint16_t group)
{
	psa_key_type_t type;
	size_t bits;

	if (mbedtls_ssl_get_psa_curve_info_from_tls_id(group, &type, &bits))
		return 0;
	if (PSA_KEY_TYPE_ECC_GET_FAMILY(type) == PSA_ECC_FAMILY_MONTGOMERY)
		return PSA_BITS_TO_BYTES(bits);
	return 1 + 2 * PSA_BITS_TO_BYTES(bits);
}

/* user data: this bit, plus the alert's description */
#define SSA_ALERT_SENT	0x100

/**
 * ssa_mbedtls_alert_hook() - note a fatal alert mbedTLS is sending
 * @ssl: the context
 * @desc: the alert's description
 */
void ssa_mbedtls_alert_hook(mbedtls_ssl_context *ssl, unsigned char desc)
{
	mbedtls_ssl_set_user_data_n(ssl, SSA_ALERT_SENT | desc);
}

/**
 * ssa_mbedtls_sent_alert() - the fatal alert mbedTLS sent, if it did
 * @ssl: a context whose handshake failed
 *
 * mbedTLS sends the alert RFC 8446 6.2 asks for on most failures, not
 * on all; the caller sends one where it did not (through
 * mbedtls_ssl_send_alert_message(), so this then reports that one).
 *
 * Return: the last fatal alert's description, or -1 if none was sent.
 */
int ssa_mbedtls_sent_alert(const mbedtls_ssl_context *ssl)
{
	uintptr_t n = mbedtls_ssl_get_user_data_n((mbedtls_ssl_context *)ssl);

	return n & SSA_ALERT_SENT ? (int)(n & 0xff) : -1;
}
