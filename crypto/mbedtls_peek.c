// SPDX-License-Identifier: GPL-2.0
/*
 * Everything tls_ssa reads or writes of mbedTLS's private state, and
 * nothing else: the rest of the module, and the ECP glue, keep to
 * mbedTLS's public headers and fields.  An mbedTLS upgrade is reviewed
 * here, and the guard below makes any other series stop the build.
 *
 * - Facts about a handshake: whether it resumes, the peer's chain while
 *   it fails, the alert the peer sent, the record sequence numbers kTLS
 *   goes on from, the length of the handshake message in hand, whether
 *   a record header claims too much.
 * - Sessions: whether one can be resumed and for how long, and TLS 1.3
 *   client sessions built from NewSessionTicket messages that kTLS (not
 *   mbedTLS) receives.
 * - What tls_ssa's patches to mbedTLS (crypto/patches) call:
 *   - room for long handshake messages.  mbedTLS reassembles a handshake
 *     message that spans records in its input buffer, which holds one
 *     16 KiB record; a ClientHello with post-quantum key shares or a long
 *     certificate chain does not fit.  Patch 0005 calls
 *     ssa_mbedtls_hs_room() when the first fragment of such a message
 *     arrives: the buffer grows for that handshake only, within
 *     SSA_MBEDTLS_HS_MSG_MAX (MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH), and
 *     goes with the context, which tls_ssa frees when the handshake ends;
 *   - the size of a key share (patch 0006), so that one of the wrong size
 *     is refused while the hello is parsed;
 *   - the fatal alert mbedTLS sent (patch 0007), so that tls_ssa sends
 *     one where mbedTLS did not: a sealed TLS 1.3 record no longer says
 *     what it carries.  It is kept in the context's user data, which
 *     tls_ssa uses for nothing else.
 * - Elliptic-curve points' coordinates, for crypto/ecp_accel.c.
 *
 * Built like mbedTLS's own files (its library/ headers are on the path).
 */

#include "ssl_misc.h"
#include "mbedtls/platform.h"
#include "ssa_mbedtls_platform.h"
#include "ssa_mbedtls_peek.h"
#include "ssa_mbedtls_accel.h"

/**
 * ssa_mbedtls_resuming() - is the handshake in flight a resumption?
 * @ssl: a context whose handshake has not finished
 *
 * TLS 1.2: the server accepted the session (ticket); TLS 1.3: the key
 * exchange uses a PSK, which for tls_ssa can only come from a ticket.
 *
 * A client's flag is set by mbedtls_ssl_set_session() and cleared when
 * the ServerHello declines, so only the last value before the handshake
 * ends is the answer.
 *
 * Return: 1 if so, 0 if not, -1 if no handshake is in flight.
 */
int ssa_mbedtls_resuming(const mbedtls_ssl_context *ssl)
{
	const mbedtls_ssl_handshake_params *hs = ssl->handshake;

	if (!hs)
		return -1;
	if (hs->resume)
		return 1;
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
	if (ssl->tls_version == MBEDTLS_SSL_VERSION_TLS1_3 &&
	    (hs->key_exchange_mode & MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ALL))
		return 1;
#endif
	return 0;
}

#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS)
#include "ssl_tls13_keys.h"

/* The suite's hash length, or 0. */
static size_t ssa_suite_hash_len(int suite)
{
	const mbedtls_ssl_ciphersuite_t *cs = mbedtls_ssl_ciphersuite_from_id(suite);

	return cs ? PSA_HASH_LENGTH(mbedtls_md_psa_alg_from_type((mbedtls_md_type_t)cs->mac)) : 0;
}

/**
 * ssa_mbedtls_tls13_rms() - a finished TLS 1.3 client's resumption secret
 * @ssl: the context, handshake over
 * @out: at least MBEDTLS_TLS1_3_MD_MAX_SIZE bytes
 *
 * Return: the secret's length, or 0 if there is none (TLS 1.2).
 */
size_t ssa_mbedtls_tls13_rms(const mbedtls_ssl_context *ssl, unsigned char *out)
{
	const mbedtls_ssl_session *s = ssl->session;
	size_t n;

	if (!s || s->tls_version != MBEDTLS_SSL_VERSION_TLS1_3)
		return 0;
	n = ssa_suite_hash_len(s->ciphersuite);
	if (!n || n > sizeof(s->app_secrets.resumption_master_secret))
		return 0;
	memcpy(out, s->app_secrets.resumption_master_secret, n);
	return n;
}

/**
 * ssa_mbedtls_tls13_ticket() - a client session from a NewSessionTicket
 * @s: an initialised, empty session to fill
 * @suite: the connection's cipher suite
 * @hostname: the name the ticket is for, or NULL
 * @rms: the connection's resumption_master_secret (the suite's hash length)
 * @msg: the NewSessionTicket body (after its 4-byte header)
 * @len: bytes in @msg
 *
 * RFC 8446 4.6.1: the ticket's PSK is HKDF-Expand-Label(rms,
 * "resumption", ticket_nonce, Hash.length).  Extensions (early_data) are
 * ignored: tls_ssa sends no early data.
 *
 * Return: 0, MBEDTLS_ERR_SSL_DECODE_ERROR for a malformed message, or
 * MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE for a ticket not to be used
 * (lifetime 0, or over the 7 days RFC 8446 allows).
 */
int ssa_mbedtls_tls13_ticket(mbedtls_ssl_session *s, int suite, const char *hostname,
			     const unsigned char *rms, const unsigned char *msg, size_t len)
{
	size_t hlen = ssa_suite_hash_len(suite), nonce_len, ticket_len, ext_len;
	const unsigned char *p = msg, *end = msg + len, *nonce;
	psa_algorithm_t alg;
	int ret;

	if (!hlen || hlen > sizeof(s->resumption_key))
		return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
	if (end - p < 9)
		return MBEDTLS_ERR_SSL_DECODE_ERROR;
	s->ticket_lifetime = MBEDTLS_GET_UINT32_BE(p, 0);
	s->ticket_age_add = MBEDTLS_GET_UINT32_BE(p, 4);
	nonce_len = p[8];
	p += 9;
	if ((size_t)(end - p) < nonce_len + 2)
		return MBEDTLS_ERR_SSL_DECODE_ERROR;
	nonce = p;
	p += nonce_len;
	ticket_len = MBEDTLS_GET_UINT16_BE(p, 0);
	p += 2;
	if (!ticket_len || (size_t)(end - p) < ticket_len + 2)
		return MBEDTLS_ERR_SSL_DECODE_ERROR;
	ext_len = MBEDTLS_GET_UINT16_BE(p, ticket_len);
	if ((size_t)(end - p) != ticket_len + 2 + ext_len)
		return MBEDTLS_ERR_SSL_DECODE_ERROR;
	if (!s->ticket_lifetime ||
	    s->ticket_lifetime > MBEDTLS_SSL_TLS1_3_MAX_ALLOWED_TICKET_LIFETIME)
		return MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE;

	s->ticket = mbedtls_calloc(1, ticket_len);
	if (!s->ticket)
		return MBEDTLS_ERR_SSL_ALLOC_FAILED;
	memcpy(s->ticket, p, ticket_len);
	s->ticket_len = ticket_len;

	alg = mbedtls_md_psa_alg_from_type(
		(mbedtls_md_type_t)mbedtls_ssl_ciphersuite_from_id(suite)->mac);
	ret = mbedtls_ssl_tls13_hkdf_expand_label(alg, rms, hlen,
						  MBEDTLS_SSL_TLS1_3_LBL_WITH_LEN(resumption),
						  nonce, nonce_len, s->resumption_key, hlen);
	if (ret)
		return ret;
	s->resumption_key_len = hlen;
	s->endpoint = MBEDTLS_SSL_IS_CLIENT;
	s->tls_version = MBEDTLS_SSL_VERSION_TLS1_3;
	s->ciphersuite = suite;
	s->ticket_reception_time = mbedtls_ms_time();
	mbedtls_ssl_tls13_session_set_ticket_flags(s,
		MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL);
#if defined(MBEDTLS_SSL_SERVER_NAME_INDICATION)
	if (hostname) {
		size_t n = strlen(hostname) + 1;

		s->hostname = mbedtls_calloc(1, n);
		if (!s->hostname)
			return MBEDTLS_ERR_SSL_ALLOC_FAILED;
		memcpy(s->hostname, hostname, n);
	}
#endif
	return 0;
}
#endif

/**
 * ssa_mbedtls_hs_msg_len() - the length of the handshake message in hand
 * @ssl: a context
 *
 * Return: the length its header gave, the header included, or 0.
 */
size_t ssa_mbedtls_hs_msg_len(const mbedtls_ssl_context *ssl)
{
	return ssl->in_msgtype == MBEDTLS_SSL_MSG_HANDSHAKE ? ssl->in_hslen : 0;
}

/**
 * ssa_mbedtls_record_overflow() - does the record in hand claim too much?
 * @ssl: a context whose last read failed
 *
 * RFC 8446 5.1, 5.2 (RFC 5246 6.2 for TLS 1.2): a record's plaintext is
 * at most 2^14 bytes, its protected form 256 (2048) more; the peer that
 * claims more is owed record_overflow.
 *
 * Return: 1 if the header read last is a record header (a known content
 * type, version 3.x) that declares a longer record, else 0: garbage is
 * not an overflow.
 */
int ssa_mbedtls_record_overflow(const mbedtls_ssl_context *ssl)
{
	size_t len, max = MBEDTLS_SSL_IN_CONTENT_LEN;
	const unsigned char *h = ssl->in_hdr;

	if (!h || ssl->in_left < mbedtls_ssl_in_hdr_len(ssl))
		return 0;
	if (h[0] < MBEDTLS_SSL_MSG_CHANGE_CIPHER_SPEC || h[0] > MBEDTLS_SSL_MSG_APPLICATION_DATA ||
	    h[1] != 0x03)
		return 0;
	len = MBEDTLS_GET_UINT16_BE(h, 3);
	if (ssl->transform_in)
		max += ssl->tls_version == MBEDTLS_SSL_VERSION_TLS1_3 ? 256 : 2048;
	return len > max;
}

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

/**
 * ssa_mbedtls_hs_finished() - has the handshake taken its last step?
 * @ssl: a context
 *
 * Not mbedtls_ssl_is_handshake_over(), which is true from
 * MBEDTLS_SSL_HANDSHAKE_OVER on: a TLS 1.3 server goes on from there to
 * the states after it (MBEDTLS_SSL_TLS1_3_NEW_SESSION_TICKET, _FLUSH)
 * to send its tickets, and comes back to HANDSHAKE_OVER when they are
 * out.  Stopping at the first would send no ticket.
 *
 * Return: 1 once the state is HANDSHAKE_OVER itself, else 0.
 */
int ssa_mbedtls_hs_finished(const mbedtls_ssl_context *ssl)
{
	return ssl->state == MBEDTLS_SSL_HANDSHAKE_OVER;
}

/**
 * ssa_mbedtls_peer_chain() - the chain the peer presented
 * @ssl: a context, during or after its handshake
 *
 * mbedtls_ssl_get_peer_cert() answers only once the handshake is over;
 * a failed one still has the chain in the session being negotiated.
 *
 * Return: the first certificate, or NULL.
 */
const mbedtls_x509_crt *ssa_mbedtls_peer_chain(const mbedtls_ssl_context *ssl)
{
	const mbedtls_ssl_session *s = ssl->session_negotiate ?: ssl->session;

	return s ? s->peer_cert : NULL;
}

/**
 * ssa_mbedtls_peer_alert() - the description of the alert just read
 * @ssl: a context whose last step returned MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE
 *
 * Return: the alert's description, or -1 if there is no message in hand.
 */
int ssa_mbedtls_peer_alert(const mbedtls_ssl_context *ssl)
{
	return ssl->in_msg ? ssl->in_msg[1] : -1;
}

/**
 * ssa_mbedtls_record_seqs() - the record sequence numbers to go on from
 * @ssl: a context whose handshake is over
 * @tx: the next record sent, 8 bytes big-endian
 * @rx: the next record received, 8 bytes big-endian
 */
void ssa_mbedtls_record_seqs(const mbedtls_ssl_context *ssl, unsigned char tx[8],
			     unsigned char rx[8])
{
	memcpy(tx, ssl->cur_out_ctr, 8);
	memcpy(rx, ssl->in_ctr, 8);
}

/**
 * ssa_mbedtls_session_lifetime() - can a session be resumed, for how long
 * @s: a session mbedTLS filled in
 * @lifetime: the ticket's lifetime hint in seconds, 0 for none
 *
 * Return: 1 if it carries a ticket or a session id to resume with, else 0.
 */
int ssa_mbedtls_session_lifetime(const mbedtls_ssl_session *s, uint32_t *lifetime)
{
	*lifetime = 0;
#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_CLI_C)
	if (s->ticket_len) {
		*lifetime = s->ticket_lifetime;
		return 1;
	}
#endif
	return s->id_len != 0;
}

/**
 * ssa_mbedtls_point_x() - a point's X coordinate (Montgomery: its u)
 * @p: the point
 *
 * Return: the coordinate, read-only.
 */
const mbedtls_mpi *ssa_mbedtls_point_x(const mbedtls_ecp_point *p)
{
	return &p->X;
}

/**
 * ssa_mbedtls_point_y() - a point's Y coordinate
 * @p: the point
 *
 * Return: the coordinate, read-only.
 */
const mbedtls_mpi *ssa_mbedtls_point_y(const mbedtls_ecp_point *p)
{
	return &p->Y;
}

/**
 * ssa_mbedtls_point_set_u() - a Montgomery point as ecp_mul_mxz leaves it
 * @r: the point
 * @u: its u coordinate, little-endian
 * @len: bytes at @u
 *
 * X = u, Z = 1, no Y.
 *
 * Return: 0 or an mbedTLS error.
 */
int ssa_mbedtls_point_set_u(mbedtls_ecp_point *r, const unsigned char *u, size_t len)
{
	int ret = mbedtls_mpi_read_binary_le(&r->X, u, len);

	if (!ret)
		ret = mbedtls_mpi_lset(&r->Z, 1);
	mbedtls_mpi_free(&r->Y);
	return ret;
}
