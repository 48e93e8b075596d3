/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mbedTLS configuration for the tls_ssa kernel module.
 *
 * Selected with -DMBEDTLS_CONFIG_FILE.  Only what a TLS 1.2/1.3 handshake
 * whose record layer is kTLS needs: AEAD suites kTLS carries, ECDHE,
 * ECDSA/RSA certificates, X.509 and PEM parsing, PSA crypto with the
 * kernel's RNG.  No file system, sockets, timing, SIMD (AES-NI), CBC,
 * renegotiation or early data.
 */
#ifndef _SSA_MBEDTLS_CONFIG_H
#define _SSA_MBEDTLS_CONFIG_H

/* The platform glue's prototypes (calloc, free, time, zeroize). */
#include "ssa_mbedtls_platform.h"

/* --- system support ---------------------------------------------------- */
#define MBEDTLS_HAVE_ASM		/* bignum inline asm: integer registers only */
#define MBEDTLS_NO_UDBL_DIVISION	/* no 128-bit division helpers in the kernel */
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_PLATFORM_CALLOC_MACRO		ssa_mbedtls_calloc
#define MBEDTLS_PLATFORM_FREE_MACRO		ssa_mbedtls_free
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO		snprintf
#define MBEDTLS_PLATFORM_VSNPRINTF_MACRO	vsnprintf
#define MBEDTLS_PLATFORM_PRINTF_MACRO		printk
#define MBEDTLS_PLATFORM_FPRINTF_MACRO		ssa_mbedtls_fprintf
#define MBEDTLS_PLATFORM_SETBUF_MACRO		ssa_mbedtls_setbuf
#define MBEDTLS_PLATFORM_EXIT_MACRO		ssa_mbedtls_exit
#define MBEDTLS_PLATFORM_TIME_TYPE_MACRO	long long
#define MBEDTLS_PLATFORM_TIME_MACRO		ssa_mbedtls_time
#define MBEDTLS_PLATFORM_MS_TIME_ALT
#define MBEDTLS_PLATFORM_GMTIME_R_ALT
#define MBEDTLS_PLATFORM_ZEROIZE_ALT
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_THREADING_C
#define MBEDTLS_THREADING_ALT
#define MBEDTLS_DEPRECATED_REMOVED


/* --- PSA crypto ---------------------------------------------------------- */
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG	/* get_random_bytes() */
#define MBEDTLS_USE_PSA_CRYPTO
#define MBEDTLS_PSA_KEY_STORE_DYNAMIC
/* Every buffer handed to PSA is kernel memory private to the call: no
 * copying of inputs and outputs (a kmalloc, memcpy and wipe per call).
 */
#define MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS

/* --- symmetric ----------------------------------------------------------- */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_GCM_C
#define MBEDTLS_CCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_CIPHER_MODE_CTR

/* --- hashes -------------------------------------------------------------- */
#define MBEDTLS_MD_C
#define MBEDTLS_SHA1_C		/* only to parse certificates signed with it */
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_HKDF_C

/* --- public key ---------------------------------------------------------- */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PEM_WRITE_C

/* --- X.509 --------------------------------------------------------------- */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CRL_PARSE_C
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT

/* --- TLS ----------------------------------------------------------------- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ALPN
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_TICKET_C
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES
#define MBEDTLS_SSL_KEYING_MATERIAL_EXPORT
/* A handshake message longer than a record is reassembled in an input
 * buffer grown for that handshake only (crypto/patches/0005 and
 * crypto/mbedtls_peek.c).  VARIABLE_BUFFER_LENGTH needs
 * MAX_FRAGMENT_LENGTH, which the same patch keeps the server from
 * negotiating: kTLS could not honour it.
 */
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH

/* --- misc ---------------------------------------------------------------- */
#define MBEDTLS_ERROR_C		/* mbedtls_strerror() for TLS_ERROR */
#define MBEDTLS_VERSION_C

#endif /* _SSA_MBEDTLS_CONFIG_H */
