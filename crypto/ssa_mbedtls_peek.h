/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Facts from mbedTLS's private state (crypto/mbedtls_peek.c).
 */
#ifndef _SSA_MBEDTLS_PEEK_H
#define _SSA_MBEDTLS_PEEK_H

int ssa_mbedtls_resuming(const mbedtls_ssl_context *ssl);

#endif /* _SSA_MBEDTLS_PEEK_H */
