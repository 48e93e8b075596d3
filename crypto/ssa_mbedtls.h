/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one way kernel code in tls_ssa includes mbedTLS: the public headers
 * it uses, followed by the undoing of what the libc shims had to do to
 * the kernel's namespace (see include/ssa_libc.h).
 */
#ifndef _SSA_MBEDTLS_H
#define _SSA_MBEDTLS_H

/*
 * mbedTLS 3.6's ssl.h tests MBEDTLS_SSL_DTLS_CONNECTION_ID_COMPAT with #if
 * after config_adjust_ssl.h has #undef'd it in every build without DTLS
 * (and check_config.h rejects defining it), so -Wundef cannot be
 * satisfied by configuration: silence it for mbedTLS's headers only.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wundef"
#include <mbedtls/build_info.h>
/*
 * 3.6.7 fixed about twenty advisories in code this module compiles in
 * (X.509, TLS 1.3 key schedule and HelloRetryRequest, TLS 1.2 EMS and
 * tickets, RSA, ECC): refuse to be built against anything older.
 */
#if MBEDTLS_VERSION_NUMBER < 0x03060700 || MBEDTLS_VERSION_MAJOR != 3
#error "tls_ssa needs mbedTLS 3.x >= 3.6.7 (see Documentation/building.rst, MBEDTLS_SRC=)"
#endif
#include <mbedtls/platform.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/threading.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/x509_crt.h>
#include <mbedtls/pk.h>
#include <mbedtls/error.h>
#include <mbedtls/version.h>
#include <mbedtls/pem.h>
#include <mbedtls/bignum.h>
#include <mbedtls/hkdf.h>
#include <mbedtls/md.h>
#include <mbedtls/oid.h>
#include <mbedtls/asn1.h>
#include <mbedtls/sha256.h>
#include <mbedtls/psa_util.h>
#include <psa/crypto.h>

#pragma GCC diagnostic pop
#pragma pop_macro("current")

#endif /* _SSA_MBEDTLS_H */
