// SPDX-License-Identifier: GPL-2.0
/*
 * What a failed handshake says: mbedTLS's result, the socket error, the
 * verification flags and the peer's alert made into one errno (design.rst
 * §3) and words in TLS_ERROR.
 */

#include <linux/kernel.h>

#include "tls_ssa.h"
#include "ssa_mbedtls.h"

/* An error of mbedTLS's X.509 module (high-level code -0x2080..-0x3000,
 * possibly plus a low-level ASN.1/OID/PK code).
 */
static bool ssa_is_x509_error(int ret)
{
	int high = -ret & 0x7f80;

	return ret < 0 && high >= -MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE &&
	       high <= -MBEDTLS_ERR_X509_FATAL_ERROR;
}

/**
 * ssa_hs_error() - turn an mbedTLS handshake result into errno and words
 * @ssk: the socket, whose TLS_ERROR is set
 * @ret: mbedTLS's return code
 * @sock_err: errno from the bio's last socket call, or 0
 * @flags: certificate verification flags
 * @self_signed: the peer's chain is one self-signed certificate
 * @alert: the fatal alert the peer sent, or -1
 *
 * Return: the negative errno design.rst §3 assigns.
 */
int ssa_hs_error(struct ssa_sock *ssk, int ret, int sock_err, u32 flags,
		 bool self_signed, int alert)
{
	char why[96];

	if (sock_err == -ECONNRESET || sock_err == -EPIPE) {
		ssa_sock_set_error(ssk, "peer closed the connection during the handshake (reset)");
		return -ECONNRESET;
	}
	if (sock_err) {
		ssa_sock_set_error(ssk, "connection failed during the handshake (%d)", sock_err);
		return sock_err;
	}
	/* Verification ran and found fault (also when mbedTLS reports it as
	 * a bad Certificate message, e.g. for key usage).
	 */
	if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED ||
	    (ret == MBEDTLS_ERR_SSL_BAD_CERTIFICATE && flags && flags != (u32)-1)) {
		ssa_sock_set_error(ssk, "certificate verify failed: %s",
				   ssa_verify_reason(flags, self_signed));
		return -EKEYREJECTED;
	}
	/* mbedTLS could not take the peer's certificate at all (a parse
	 * failure, a critical extension it does not know): a rejection too.
	 */
	if (ret != MBEDTLS_ERR_X509_ALLOC_FAILED && ssa_is_x509_error(ret)) {
		mbedtls_strerror(ret, why, sizeof(why));
		ssa_sock_set_error(ssk, "peer certificate rejected: %s", why);
		return -EKEYREJECTED;
	}
	switch (ret) {
	case MBEDTLS_ERR_SSL_CONN_EOF:
		ssa_sock_set_error(ssk, "peer closed the connection during the handshake");
		return -ECONNRESET;
	case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
		if (alert >= 0)
			ssa_sock_set_error(ssk, "peer sent a fatal alert during the handshake: %s (%d)",
					   ssa_alert_name(alert), alert);
		else
			ssa_sock_set_error(ssk, "peer sent a fatal alert during the handshake");
		return -EPROTO;
	case MBEDTLS_ERR_SSL_ALLOC_FAILED:
	case MBEDTLS_ERR_X509_ALLOC_FAILED:
	case MBEDTLS_ERR_PK_ALLOC_FAILED:
	case MBEDTLS_ERR_MPI_ALLOC_FAILED:
	case MBEDTLS_ERR_MD_ALLOC_FAILED:
		ssa_sock_set_error(ssk, "out of memory during the handshake");
		return -ENOMEM;
	case MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE:
		ssa_sock_set_error(ssk, "peer sent an unexpected message: out of order, or in a record that crosses a key change (RFC 8446 5.1)");
		return -EPROTO;
	case MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION:
		ssa_sock_set_error(ssk, "no TLS version in common with the peer (allowed: TLS 1.2, TLS 1.3)");
		return -EPROTO;
	case MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE:
		ssa_sock_set_error(ssk, "handshake failure: no cipher suite, group or signature algorithm in common");
		return -EPROTO;
	default:
		mbedtls_strerror(ret, why, sizeof(why));
		ssa_sock_set_error(ssk, "handshake failed: %s", why);
		return -EPROTO;
	}
}
