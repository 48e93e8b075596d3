/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tls_ssa - the Secure Socket API: TLS as an operating-system service.
 *
 * An application asks for TLS with
 *
 *	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TLS);
 *
 * and configures it with setsockopt(fd, IPPROTO_TLS, <option>, ...).
 * IPPROTO_TLS is only a socket() selector and a setsockopt() level: on the
 * wire the connection is TLS over ordinary TCP (IP protocol 6).
 *
 * Options 85-96 keep the numbers and meanings of the original SSA
 * prototype, so programs written for it build and run unchanged.
 *
 * Value formats (optlen always counts the bytes passed):
 *   string  - NUL-terminated text; optlen may include the NUL or not.
 *             On get, the result is NUL-terminated and optlen is set to
 *             its length including the NUL; ERANGE if the buffer is short.
 *   int     - a C int (optlen >= sizeof(int)).
 *   u64     - a __u64 (optlen >= sizeof(__u64)).
 *   path or inline PEM - a string; if it starts with "-----BEGIN" it is
 *             PEM text, otherwise an absolute path opened with the
 *             caller's credentials at setsockopt() time.
 *
 * Errors (errno):
 *   ENOPROTOOPT  unknown option number at level IPPROTO_TLS
 *   EOPNOTSUPP   option used in the wrong phase or direction (e.g. a
 *                client option after connect(), setting a get-only option)
 *   EPERM        the value would weaken the administrator's policy
 *   EINVAL       malformed value
 *   ERANGE       getsockopt buffer too small for the value
 *   ENOTCONN     a negotiated value asked for before the handshake
 *   EKEYREJECTED peer certificate rejected (connect/accept)
 *   EPROTO       handshake failure (bad message, no common suite, alert)
 * TLS_ERROR always holds the reason for the last failure in words.
 */
#ifndef _UAPI_LINUX_TLS_SSA_H
#define _UAPI_LINUX_TLS_SSA_H

#include <linux/types.h>

/* socket(AF_INET or AF_INET6, SOCK_STREAM, IPPROTO_TLS); also the sockopt level */
#ifndef IPPROTO_TLS
#define IPPROTO_TLS	205
#endif

/*
 * Option numbers at level IPPROTO_TLS.
 *
 * "set"/"get" give the allowed directions.  Client options must be set
 * before connect(); listener options before listen().
 */

/*
 * set/get, string: client - the server name sent as SNI and matched
 * against the certificate (RFC 6125).
 */
#define TLS_REMOTE_HOSTNAME		85
/* get, string: server - the SNI the client asked for ("" if none). */
#define TLS_HOSTNAME			86
/*
 * set, path or inline PEM: trust anchors for this socket; they replace
 * the system store (pinning), if the policy allows it.
 */
#define TLS_TRUSTED_PEER_CERTIFICATES	87
/*
 * set, path or inline PEM: own certificate chain, leaf first; may be
 * given several times (one chain per SNI name).
 */
#define TLS_CERTIFICATE_CHAIN		88
/*
 * set, path or inline PEM: private key for the last chain set; kept in
 * kernel memory only, never readable back.
 */
#define TLS_PRIVATE_KEY			89
/*
 * set: comma-separated ALPN list ("h2,http/1.1");
 * get: the protocol selected by the handshake ("" if none).
 */
#define TLS_ALPN			90
/*
 * set/get, int seconds: session resumption lifetime; 0 disables
 * resumption for this socket; capped by the policy.
 */
#define TLS_SESSION_TTL			91
/*
 * set, string: one IANA cipher suite name to remove
 * (e.g. "TLS_CHACHA20_POLY1305_SHA256").
 */
#define TLS_DISABLE_CIPHER		92
/* get, string: the peer certificate's subject (RFC 4514 style). */
#define TLS_PEER_IDENTITY		93
/*
 * set, int: listening socket - 0 no client certificate, 1 request one,
 * 2 require one.
 */
#define TLS_REQUEST_PEER_AUTH		94
/* get, string: the peer's certificate chain as received, in PEM. */
#define TLS_PEER_CERTIFICATE_CHAIN	95
/*
 * get, u64: opaque connection id, as shown by "ssactl conns"; never a
 * kernel address.
 */
#define TLS_ID				96
/*
 * set/get, int: lowest TLS version, TLS_VERSION_1_2 or TLS_VERSION_1_3;
 * may only be raised above the policy.
 */
#define TLS_VERSION_MIN			97
/*
 * set/get, int: highest TLS version; may only be lowered, never below
 * the effective minimum.
 */
#define TLS_VERSION_MAX			98
/* get, int: the negotiated version (TLS_VERSION_1_2 or _1_3). */
#define TLS_NEGOTIATED_VERSION		99
/*
 * get, string: why the last handshake or option failed, in words
 * ("" if nothing failed).
 */
#define TLS_ERROR			100
/* get, int: the negotiated cipher suite's IANA number (e.g. 0x1301). */
#define TLS_NEGOTIATED_CIPHER		101
/*
 * set/get, string: colon-separated IANA suite names; must be a subset
 * of what the policy allows.
 */
#define TLS_CIPHERS			102
/*
 * set/get, string: colon-separated group names ("x25519:secp256r1");
 * must be a subset of what the policy allows.
 */
#define TLS_GROUPS			103
/* get, int: 1 if the session was resumed, 0 otherwise. */
#define TLS_SESSION_RESUMED		104

#define TLS_SSA_OPT_FIRST		TLS_REMOTE_HOSTNAME
#define TLS_SSA_OPT_LAST		TLS_SESSION_RESUMED

/* Values for TLS_VERSION_MIN/MAX and TLS_NEGOTIATED_VERSION */
#define TLS_VERSION_1_2			0x0303
#define TLS_VERSION_1_3			0x0304

/* Values for TLS_REQUEST_PEER_AUTH */
#define TLS_PEER_AUTH_NONE		0
#define TLS_PEER_AUTH_REQUEST		1
#define TLS_PEER_AUTH_REQUIRE		2

/* Longest string accepted by a string option (hostnames, lists). */
#define TLS_SSA_STRING_MAX		255

#endif /* _UAPI_LINUX_TLS_SSA_H */
