// SPDX-License-Identifier: GPL-2.0
/*
 * The few facts tls_ssa needs from mbedTLS's private handshake state.
 * Built like mbedTLS's own files (its library/ headers are on the path),
 * so the rest of the module keeps to mbedTLS's public headers.
 */

#include "ssl_misc.h"
#include "ssa_mbedtls_peek.h"

/**
 * ssa_mbedtls_resuming() - is the handshake in flight a resumption?
 * @ssl: a context whose handshake has not finished
 *
 * TLS 1.2: the server accepted the session (ticket); TLS 1.3: the key
 * exchange uses a PSK, which for tls_ssa can only come from a ticket.
 *
 * Return: 1 if so, 0 if not (or no handshake is in flight).
 */
int ssa_mbedtls_resuming(const mbedtls_ssl_context *ssl)
{
	const mbedtls_ssl_handshake_params *hs = ssl->handshake;

	if (!hs)
		return 0;
	if (hs->resume)
		return 1;
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
	if (ssl->tls_version == MBEDTLS_SSL_VERSION_TLS1_3 &&
	    (hs->key_exchange_mode & MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ALL))
		return 1;
#endif
	return 0;
}
