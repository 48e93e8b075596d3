/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mbedTLS's private state, through crypto/mbedtls_peek.c only.
 */
#ifndef _SSA_MBEDTLS_PEEK_H
#define _SSA_MBEDTLS_PEEK_H

int ssa_mbedtls_resuming(const mbedtls_ssl_context *ssl);
size_t ssa_mbedtls_tls13_rms(const mbedtls_ssl_context *ssl, unsigned char *out);
int ssa_mbedtls_tls13_ticket(mbedtls_ssl_session *s, int suite, const char *hostname,
			     const unsigned char *rms, const unsigned char *msg, size_t len);
size_t ssa_mbedtls_hs_msg_len(const mbedtls_ssl_context *ssl);
int ssa_mbedtls_record_overflow(const mbedtls_ssl_context *ssl);
int ssa_mbedtls_hs_finished(const mbedtls_ssl_context *ssl);
const mbedtls_x509_crt *ssa_mbedtls_peer_chain(const mbedtls_ssl_context *ssl);
int ssa_mbedtls_peer_alert(const mbedtls_ssl_context *ssl);
void ssa_mbedtls_record_seqs(const mbedtls_ssl_context *ssl, unsigned char tx[8],
			     unsigned char rx[8]);
int ssa_mbedtls_session_lifetime(const mbedtls_ssl_session *s, uint32_t *lifetime);

/* Written against the private structures of mbedTLS 3.6 (3.6.7 and
 * later: ssl_misc.h, the SSL contexts' and sessions' private fields, the
 * ECP point's coordinates).  Another series must be read again first.
 */
#if MBEDTLS_VERSION_NUMBER < 0x03060700 || MBEDTLS_VERSION_MAJOR != 3 || MBEDTLS_VERSION_MINOR != 6
#error "tls_ssa knows the private state of mbedTLS 3.6.7 to 3.6.x only: review crypto/mbedtls_peek.c first"
#endif

#endif /* _SSA_MBEDTLS_PEEK_H */
