// SPDX-License-Identifier: GPL-2.0
/*
 * What tls_ssa needs from mbedTLS's private state: whether a handshake
 * resumes, and TLS 1.3 client sessions built from NewSessionTicket
 * messages that kTLS (not mbedTLS) receives.
 * Built like mbedTLS's own files (its library/ headers are on the path),
 * so the rest of the module keeps to mbedTLS's public headers.
 */

#include "ssl_misc.h"
#include "mbedtls/platform.h"
#include "ssa_mbedtls_peek.h"

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
