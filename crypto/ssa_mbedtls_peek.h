/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Facts from mbedTLS's private state (crypto/mbedtls_peek.c).
 */
#ifndef _SSA_MBEDTLS_PEEK_H
#define _SSA_MBEDTLS_PEEK_H

int ssa_mbedtls_resuming(const mbedtls_ssl_context *ssl);
size_t ssa_mbedtls_tls13_rms(const mbedtls_ssl_context *ssl, unsigned char *out);
int ssa_mbedtls_tls13_ticket(mbedtls_ssl_session *s, int suite, const char *hostname,
			     const unsigned char *rms, const unsigned char *msg, size_t len);
size_t ssa_mbedtls_hs_msg_len(const mbedtls_ssl_context *ssl);
int ssa_mbedtls_record_overflow(const mbedtls_ssl_context *ssl);

#endif /* _SSA_MBEDTLS_PEEK_H */
