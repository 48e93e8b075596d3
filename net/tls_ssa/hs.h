/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One handshake's state, shared by the files that make it up: handshake.c
 * (the bio and the steps), hs_conf.c (the policy made into mbedTLS's
 * configuration), hs_error.c (mbedTLS's results in errno and words).
 * Private to them: the engine (engine.c) sees struct ssa_hs as opaque.
 */
#ifndef _SSA_HS_H
#define _SSA_HS_H

#include "tls_ssa.h"
#include "ssa_mbedtls.h"

/**
 * struct ssa_hs - one handshake in flight (freed when it ends)
 * @conf: mbedTLS configuration for this connection
 * @ssl: mbedTLS context
 * @ssk: the socket's state
 * @sock: the socket
 * @trust: the anchors this handshake verifies against
 * @ciphers: 0-terminated suite list for mbedTLS
 * @groups: 0-terminated group list for mbedTLS
 * @alpn: NULL-terminated protocol list for mbedTLS, pointing into @alpn_buf
 * @alpn_buf: copy of the socket's ALPN list, split in place
 * @sig_algs: signature schemes the policy allows, 0-terminated
 * @verify: the policy requires the peer's certificate to verify
 * @terms: the policy's terms a resumed session must have been made under
 * @offered: the peer of the session offered, shown if it is resumed
 * @sni: server: the name the client asked for (NUL-terminated), or ""
 * @sock_err: errno of the last failed socket call in the bio
 * @server: this is the server side
 * @cache: a client that takes part in session resumption (session.c)
 * @sess_key: its session cache key
 * @resumed: the handshake resumed a session
 * @corked: we corked the socket for the flight being written
 * @name_ok: the leaf certificate names the peer
 * @nc: name constraints of the CAs above the certificate being verified
 * @nc_n: entries in @nc
 * @nc_depth: depth of the last certificate the verify callback saw
 * @nc_skip: the chain already fails: no name constraint checks
 * @why: what the chain broke that the flags cannot say (a name
 *	constraint, a missing CRL), in words, or NULL
 * @crls: the CRLs this handshake checks against, or NULL
 * @revocation: the policy's revocation mode (SSA_POL_REV_*)
 * @ocsp: a client that asked for the server's OCSP staple
 * @leaf_no_crl: hard-fail, and no CRL covers the leaf: the staple must
 * @leaf: the leaf of the chain that verified (in the session), or NULL
 * @issuer: its issuer (in the chain or the trust anchors), or NULL
 * @secret_len: length of the TLS 1.3 traffic secrets
 * @c_secret: client_application_traffic_secret_0
 * @s_secret: server_application_traffic_secret_0
 * @master: TLS 1.2 master secret
 * @randoms: TLS 1.2 client random || server random
 * @prf: TLS 1.2 PRF id
 */
struct ssa_hs {
	mbedtls_ssl_config conf;
	mbedtls_ssl_context ssl;
	struct ssa_sock *ssk;
	struct socket *sock;
	struct ssa_trust *trust;
	int ciphers[16];
	u16 groups[8];
	const char *alpn[16];
	char alpn_buf[SSA_ALPN_LEN + 1];
	u16 sig_algs[16];
	bool verify;
	struct ssa_session_terms terms;
	struct ssa_session_peer offered;
	char sni[TLS_SSA_STRING_MAX + 1];
	int sock_err;
	bool server;
	bool cache;
	u8 sess_key[SSA_SESSION_KEY_LEN];
	bool resumed;
	bool corked;
	bool name_ok;
	struct {
		const u8 *p;
		size_t len;
	} nc[MBEDTLS_X509_MAX_INTERMEDIATE_CA + 2];
	u8 nc_n;
	int nc_depth;
	bool nc_skip;
	const char *why;
	struct ssa_crl_set *crls;
	int revocation;
	bool ocsp;
	bool leaf_no_crl;
	const mbedtls_x509_crt *leaf;
	const mbedtls_x509_crt *issuer;
	size_t secret_len;
	u8 c_secret[64];
	u8 s_secret[64];
	u8 master[48];
	u8 randoms[64];
	int prf;
};

bool ssa_crt_self_issued(const mbedtls_x509_crt *crt);
int ssa_hs_policy(struct ssa_hs *hs);
int ssa_hs_setup(struct ssa_hs *hs);

#endif /* _SSA_HS_H */
