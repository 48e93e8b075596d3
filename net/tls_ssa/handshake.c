// SPDX-License-Identifier: GPL-2.0
/*
 * One handshake, either side: mbedTLS over the socket's own TCP, then the
 * keys to kTLS.
 *
 * ssa_hs_begin() makes the state, ssa_hs_advance() runs mbedTLS until it
 * waits for the peer (it never sleeps: the bio uses MSG_DONTWAIT), and
 * ssa_hs_complete() keeps the results and hands the keys to kTLS.  When
 * to call them is the engine's business (engine.c).  No socket lock is
 * held across mbedTLS calls (design.rst §5 rule 6).
 */

#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/uio.h>
#include <linux/sched/clock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "tls_ssa.h"
#include "compat.h"
#include "ssa_mbedtls.h"
#include "ssa_mbedtls_peek.h"

#define SSA_PEER_ID_MAX		256

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
 * @nc_why: the name constraint the chain broke, in words, or NULL
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
	const char *nc_why;
	size_t secret_len;
	u8 c_secret[64];
	u8 s_secret[64];
	u8 master[48];
	u8 randoms[64];
	int prf;
};

/* --- bio: the socket's own TCP, never reading more than asked --------- */

static int ssa_bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct ssa_hs *hs = ctx;
	const struct ssa_family *fam = ssa_family_get(hs->sock->sk);
	struct kvec vec = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	int ret;

	iov_iter_kvec(&msg.msg_iter, WRITE, &vec, 1, len);
	ret = fam->base_ops->sendmsg(hs->sock, &msg, len);
	if (ret == -EAGAIN)
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	if (ret < 0) {
		hs->sock_err = ret;
		return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
	}
	return ret;
}

static int ssa_bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct ssa_hs *hs = ctx;
	const struct ssa_family *fam = ssa_family_get(hs->sock->sk);
	struct kvec vec = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	int ret;

	iov_iter_kvec(&msg.msg_iter, READ, &vec, 1, len);
	ret = fam->base_ops->recvmsg(hs->sock, &msg, len, MSG_DONTWAIT);
	if (ret == -EAGAIN)
		return MBEDTLS_ERR_SSL_WANT_READ;
	if (ret == 0)
		return MBEDTLS_ERR_SSL_CONN_EOF;
	if (ret < 0) {
		hs->sock_err = ret;
		return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
	}
	return ret;
}

/* --- mbedTLS callbacks -------------------------------------------------- */

static void ssa_export_keys(void *ctx, mbedtls_ssl_key_export_type type,
			    const unsigned char *secret, size_t secret_len,
			    const unsigned char client_random[32],
			    const unsigned char server_random[32],
			    mbedtls_tls_prf_types tls_prf_type)
{
	struct ssa_hs *hs = ctx;

	switch (type) {
	case MBEDTLS_SSL_KEY_EXPORT_TLS12_MASTER_SECRET:
		if (secret_len != sizeof(hs->master))
			return;
		memcpy(hs->master, secret, secret_len);
		memcpy(hs->randoms, client_random, 32);
		memcpy(hs->randoms + 32, server_random, 32);
		hs->prf = tls_prf_type;
		break;
	case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_APPLICATION_TRAFFIC_SECRET:
		if (secret_len > sizeof(hs->c_secret))
			return;
		memcpy(hs->c_secret, secret, secret_len);
		hs->secret_len = secret_len;
		break;
	case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_SERVER_APPLICATION_TRAFFIC_SECRET:
		if (secret_len > sizeof(hs->s_secret))
			return;
		memcpy(hs->s_secret, secret, secret_len);
		break;
	default:
		break;
	}
}

/* Runs for each certificate of the peer's chain, root first. */
static bool ssa_crt_self_issued(const mbedtls_x509_crt *crt)
{
	return crt->issuer_raw.len == crt->subject_raw.len &&
	       !memcmp(crt->issuer_raw.p, crt->subject_raw.p, crt->subject_raw.len);
}

/* Name constraints (namecons.c): mbedTLS walks a verified chain from its
 * trust anchor down to the leaf; each CA's constraints bind every
 * certificate below it, except self-issued intermediates (RFC 5280 6.1.3).
 */
static void ssa_verify_nc(struct ssa_hs *hs, const mbedtls_x509_crt *crt, int depth,
			  u32 *flags)
{
	const char *why = NULL;
	const u8 *nc;
	unsigned int i;
	size_t len;
	int ret;

	/* The first call of a walk is its top: start afresh. */
	if (depth >= hs->nc_depth) {
		hs->nc_n = 0;
		hs->nc_skip = false;
		hs->nc_why = NULL;
	}
	hs->nc_depth = depth;
	/* A chain that fails already is not worth the work. */
	if (hs->nc_skip || *flags) {
		hs->nc_skip = true;
		return;
	}
	if (!depth || !ssa_crt_self_issued(crt))
		for (i = 0; i < hs->nc_n && !why; i++)
			why = ssa_nc_check(hs->nc[i].p, hs->nc[i].len, crt);
	if (!why && depth) {
		ret = ssa_nc_find(crt, &nc, &len);
		if (ret < 0)
			why = "malformed name constraints";
		else if (ret && hs->nc_n == ARRAY_SIZE(hs->nc))
			why = "too many name-constrained CAs";
		else if (ret)
			hs->nc[hs->nc_n].p = nc, hs->nc[hs->nc_n++].len = len;
	}
	if (why) {
		hs->nc_why = why;
		hs->nc_skip = true;
		*flags |= MBEDTLS_X509_BADCERT_OTHER;
	}
}

static int ssa_verify_cb(void *ctx, mbedtls_x509_crt *crt, int depth, u32 *flags)
{
	struct ssa_hs *hs = ctx;

	ssa_verify_nc(hs, crt, depth, flags);

	if (depth == 0 && !hs->server) {
		hs->name_ok = ssa_cert_matches_peer(crt, hs->ssk->hostname, hs->sock->sk);
		if (!hs->name_ok)
			*flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
	}
	return 0;
}

/* --- set-up --------------------------------------------------------------- */

/* The administrator's policy for this handshake: the socket's own
 * settings narrowed by what the policy allows its program now (a policy
 * loaded since connect()/listen() applies).  The result is written back,
 * so getsockopt shows what was used.
 *
 * Signature schemes follow ssa_sigalgs[]'s order, RSA-PSS first.  (Before
 * mbedTLS 3.6.7 a TLS 1.2 client refused the RSA-PSS ServerKeyExchange it
 * had offered, and PKCS#1 v1.5 went first to avoid it.)
 *
 * Return: 0, or -EPERM with TLS_ERROR set if nothing is left.
 */
static int ssa_hs_policy(struct ssa_hs *hs)
{
	struct ssa_sock *ssk = hs->ssk;
	struct ssa_pol_settings pol;
	unsigned int i, n;

	ssa_policy_for_gen(ssk->profile, &pol, &hs->terms.policy_gen);
	ssk->version_min = max_t(u16, ssk->version_min, pol.min_version);
	ssk->version_max = min_t(u16, ssk->version_max, pol.max_version);
	ssk->ciphers &= pol.ciphers;
	ssk->groups &= pol.groups;
	ssk->session_ttl = min_t(int, ssk->session_ttl, pol.session_ttl);
	hs->verify = pol.verify;
	hs->terms.verify = pol.verify;
	hs->terms.sigalgs = pol.sigalgs;
	for (i = 0, n = 0; i < ssa_sigalgs_count && n < ARRAY_SIZE(hs->sig_algs) - 1; i++)
		if (pol.sigalgs & BIT(i))
			hs->sig_algs[n++] = ssa_sigalgs[i].iana;
	hs->sig_algs[n] = MBEDTLS_TLS1_3_SIG_NONE;

	if (ssk->version_min > ssk->version_max) {
		ssa_sock_set_error(ssk, "the policy leaves no TLS version for this socket");
		return -EPERM;
	}
	if (!ssk->ciphers || !ssk->groups) {
		ssa_sock_set_error(ssk, "the policy leaves no cipher suite or group for this socket");
		return -EPERM;
	}
	if (ssk->trust && !pol.app_trust_anchors) {
		ssa_sock_set_error(ssk, "the policy does not let this program choose its trust anchors");
		return -EPERM;
	}
	return 0;
}

/* SNI: remember the name and present the chain that names it (or the
 * first).  mbedTLS passes the name as it came, without a NUL.
 */
static int ssa_sni_cb(void *ctx, mbedtls_ssl_context *ssl, const unsigned char *name,
		      size_t len)
{
	struct ssa_hs *hs = ctx;
	struct mbedtls_pk_context *key;
	mbedtls_x509_crt *chain;

	if (!len || len >= sizeof(hs->sni) || memchr(name, '\0', len))
		return -1;	/* mbedTLS answers with an unrecognized_name alert */
	memcpy(hs->sni, name, len);
	hs->sni[len] = '\0';
	chain = ssa_creds_pair(hs->ssk->creds, ssa_creds_for_name(hs->ssk->creds, hs->sni),
			       &key);
	return mbedtls_ssl_set_hs_own_cert(ssl, chain, key);
}

static const int ssa_authmode[] = {
	[TLS_PEER_AUTH_NONE] = MBEDTLS_SSL_VERIFY_NONE,
	[TLS_PEER_AUTH_REQUEST] = MBEDTLS_SSL_VERIFY_OPTIONAL,
	[TLS_PEER_AUTH_REQUIRE] = MBEDTLS_SSL_VERIFY_REQUIRED,
};

/* The server's side of the configuration: certificates, client
 * authentication, tickets.
 */
static int ssa_hs_setup_server(struct ssa_hs *hs)
{
	struct ssa_sock *ssk = hs->ssk;
	mbedtls_ssl_ticket_context *tickets = ssa_server_tickets(ssk);
	struct mbedtls_pk_context *key;
	mbedtls_x509_crt *chain;
	int ret;

	if (!ssa_creds_count(ssk->creds))
		return MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE;
	chain = ssa_creds_pair(ssk->creds, 0, &key);
	ret = mbedtls_ssl_conf_own_cert(&hs->conf, chain, key);
	if (ret)
		return ret;
	mbedtls_ssl_conf_sni(&hs->conf, ssa_sni_cb, hs);
	mbedtls_ssl_conf_authmode(&hs->conf, ssa_authmode[ssk->peer_auth]);
	if (hs->trust) {
		mbedtls_ssl_conf_ca_chain(&hs->conf, ssa_trust_chain(hs->trust), NULL);
		mbedtls_ssl_conf_verify(&hs->conf, ssa_verify_cb, hs);
	}
	if (tickets && ssk->session_ttl > 0)
		mbedtls_ssl_conf_session_tickets_cb(&hs->conf, mbedtls_ssl_ticket_write,
						    mbedtls_ssl_ticket_parse, tickets);
	return 0;
}

/* The client's: verification of the server, our certificate if any. */
static int ssa_hs_setup_client(struct ssa_hs *hs)
{
	struct ssa_sock *ssk = hs->ssk;
	struct mbedtls_pk_context *key;
	mbedtls_x509_crt *chain;
	int ret;

	/* "verify = none" is the administrator's explicit choice (policy). */
	mbedtls_ssl_conf_authmode(&hs->conf, hs->verify ? MBEDTLS_SSL_VERIFY_REQUIRED :
							 MBEDTLS_SSL_VERIFY_NONE);
	mbedtls_ssl_conf_ca_chain(&hs->conf, ssa_trust_chain(hs->trust), NULL);
	mbedtls_ssl_conf_verify(&hs->conf, ssa_verify_cb, hs);
	mbedtls_ssl_conf_session_tickets(&hs->conf, hs->cache ?
					 MBEDTLS_SSL_SESSION_TICKETS_ENABLED :
					 MBEDTLS_SSL_SESSION_TICKETS_DISABLED);
	if (ssa_creds_count(ssk->creds)) {
		chain = ssa_creds_pair(ssk->creds, 0, &key);
		ret = mbedtls_ssl_conf_own_cert(&hs->conf, chain, key);
		if (ret)
			return ret;
	}
	return 0;
}

static int ssa_hs_setup(struct ssa_hs *hs)
{
	struct ssa_sock *ssk = hs->ssk;
	unsigned int i, n;
	char *p;
	int ret;

	mbedtls_ssl_config_init(&hs->conf);
	mbedtls_ssl_init(&hs->ssl);
	ret = mbedtls_ssl_config_defaults(&hs->conf, hs->server ? MBEDTLS_SSL_IS_SERVER :
								 MBEDTLS_SSL_IS_CLIENT,
					  MBEDTLS_SSL_TRANSPORT_STREAM,
					  MBEDTLS_SSL_PRESET_DEFAULT);
	if (ret)
		return ret;
	mbedtls_ssl_conf_min_tls_version(&hs->conf, ssk->version_min);
	mbedtls_ssl_conf_max_tls_version(&hs->conf, ssk->version_max);

	for (i = 0, n = 0; i < ssa_ciphers_count && n < ARRAY_SIZE(hs->ciphers) - 1; i++)
		if (ssk->ciphers & BIT(i))
			hs->ciphers[n++] = ssa_ciphers[i].iana;
	hs->ciphers[n] = 0;
	mbedtls_ssl_conf_ciphersuites(&hs->conf, hs->ciphers);

	for (i = 0, n = 0; i < ssa_groups_count && n < ARRAY_SIZE(hs->groups) - 1; i++)
		if (ssk->groups & BIT(i))
			hs->groups[n++] = ssa_groups[i].iana;
	hs->groups[n] = 0;
	mbedtls_ssl_conf_groups(&hs->conf, hs->groups);

	if (ssk->alpn) {
		strscpy(hs->alpn_buf, ssk->alpn, sizeof(hs->alpn_buf));
		for (p = hs->alpn_buf, n = 0; p && n < ARRAY_SIZE(hs->alpn) - 1; n++)
			hs->alpn[n] = strsep(&p, ",");
		hs->alpn[n] = NULL;
		ret = mbedtls_ssl_conf_alpn_protocols(&hs->conf, hs->alpn);
		if (ret)
			return ret;
	}

	mbedtls_ssl_conf_sig_algs(&hs->conf, hs->sig_algs);
	mbedtls_ssl_conf_rng(&hs->conf, mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
	ret = hs->server ? ssa_hs_setup_server(hs) : ssa_hs_setup_client(hs);
	if (ret)
		return ret;

	ret = mbedtls_ssl_setup(&hs->ssl, &hs->conf);
	if (ret)
		return ret;
	/* CVE-2025-27809: without a name mbedTLS would skip the name check;
	 * an explicit NULL says "no SNI" and our callback checks the address.
	 */
	if (!hs->server) {
		ret = mbedtls_ssl_set_hostname(&hs->ssl, ssk->hostname);
		if (ret)
			return ret;
		if (hs->cache)
			ssa_session_offer(&hs->ssl, hs->sess_key, &hs->offered);
	}
	mbedtls_ssl_set_bio(&hs->ssl, hs, ssa_bio_send, ssa_bio_recv, NULL);
	mbedtls_ssl_set_export_keys_cb(&hs->ssl, ssa_export_keys, hs);
	return 0;
}

/* --- the handshake loop ---------------------------------------------------- */

/* The peer presented one certificate, issued by itself. */
static bool ssa_hs_self_signed(struct ssa_hs *hs)
{
	const mbedtls_ssl_session *sess = hs->ssl.session_negotiate ?: hs->ssl.session;
	const mbedtls_x509_crt *c = sess ? sess->peer_cert : NULL;

	return c && !c->next && ssa_crt_self_issued(c);
}

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

/**
 * ssa_peer_chain_keep() - keep the peer's chain (DER) for getsockopt
 * @ssk: the socket's state
 * @peer: the peer's certificate chain, leaf first
 *
 * DER, back to back, in one exact-size allocation: the smallest form
 * that outlives mbedTLS's context; ssa_peer_chain_pem() makes the PEM
 * that TLS_PEER_CERTIFICATE_CHAIN returns.
 *
 * Return: 0, -ENOMEM, or -E2BIG for a chain over 64 KiB.
 */
int ssa_peer_chain_keep(struct ssa_sock *ssk, const mbedtls_x509_crt *peer)
{
	const mbedtls_x509_crt *c;
	size_t len = 0;
	u8 *der;

	for (c = peer; c && c->raw.p; c = c->next)
		len += c->raw.len;
	if (!len)
		return 0;
	if (len > SZ_64K)
		return -E2BIG;
	der = kmalloc(len, GFP_KERNEL);
	if (!der)
		return -ENOMEM;
	ssk->peer_der = der;
	ssk->peer_der_len = len;
	for (c = peer; c && c->raw.p; c = c->next) {
		memcpy(der, c->raw.p, c->raw.len);
		der += c->raw.len;
	}
	return 0;
}

/**
 * ssa_peer_chain_pem() - the kept peer chain as PEM
 * @ssk: an established socket's state with a peer chain
 *
 * Return: a NUL-terminated string to kvfree(), or NULL (no memory).
 */
char *ssa_peer_chain_pem(const struct ssa_sock *ssk)
{
	static const char hdr[] = "-----BEGIN CERTIFICATE-----\n";
	static const char ftr[] = "-----END CERTIFICATE-----\n";
	const u8 *end = ssk->peer_der + ssk->peer_der_len, *p;
	size_t cap = 1, off = 0, olen, len;
	char *pem;
	int pass;

	/* Pass 0 sizes the buffer, pass 1 fills it.  Each certificate is one
	 * DER SEQUENCE, whose header gives its size.
	 */
	for (pass = 0; pass < 2; pass++) {
		if (pass) {
			pem = kvmalloc(cap, GFP_KERNEL);
			if (!pem)
				return NULL;
		}
		for (p = ssk->peer_der; p < end; p += len) {
			u8 *body = (u8 *)p;

			if (mbedtls_asn1_get_tag(&body, end, &len,
						 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
				goto bad;
			len += body - p;
			if (!pass) {
				/* base64 (4/3) and a newline per 64 characters */
				cap += sizeof(hdr) + sizeof(ftr) + len * 3 / 2 + 16;
				continue;
			}
			if (mbedtls_pem_write_buffer(hdr, ftr, p, len, (u8 *)pem + off,
						     cap - off, &olen))
				goto bad;
			off += olen - 1;	/* olen counts the NUL */
		}
	}
	pem[off] = '\0';
	return pem;
bad:
	if (pass)
		kvfree(pem);
	return NULL;
}

/* mbedtls_ssl_handshake(), one step at a time, to note whether the
 * handshake resumes and to stop when the step's CPU budget is spent.
 * (mbedTLS >= 3.6.7 itself makes the TLS 1.3 messages that precede a key
 * change end their record, RFC 8446 5.1; up to 3.6.6 this loop checked it.)
 *
 * Return: 0 when the handshake is over, 1 when @until passed first, or
 * mbedTLS's result (WANT_READ/WANT_WRITE when it waits for the peer).
 */
static int ssa_hs_steps(struct ssa_hs *hs, u64 until)
{
	mbedtls_ssl_context *ssl = &hs->ssl;

	while (ssl->state != MBEDTLS_SSL_HANDSHAKE_OVER) {
		int ret, resuming;

		ret = mbedtls_ssl_handshake_step(ssl);
		if (ret)
			return ret;
		resuming = ssa_mbedtls_resuming(ssl);
		if (resuming >= 0)	/* the last value before wrap-up counts */
			hs->resumed = resuming;
		if (ssl->state != MBEDTLS_SSL_HANDSHAKE_OVER && local_clock() > until)
			return 1;
	}
	return 0;
}

/* A flight goes out as one burst: the socket is corked while mbedTLS
 * writes its records one by one (across the steps of a yield too) and
 * pushed once mbedTLS waits for the peer.  Otherwise Nagle holds a
 * flight's later records until the peer's delayed ACK (40 ms a flight),
 * and a flight goes out in as many small segments as it has records.  A
 * cork the application set itself is left alone.
 */
static void ssa_hs_uncork(struct ssa_hs *hs)
{
	if (hs->corked) {
		tcp_sock_set_cork(hs->sock->sk, false);
		hs->corked = false;
	}
}

/**
 * ssa_hs_advance() - run a handshake as far as it goes without waiting
 * @hs: the handshake (ssa_hs_begin())
 * @budget_ns: CPU time after which it yields, between two mbedTLS steps
 *
 * Never sleeps for the peer: the bio uses MSG_DONTWAIT.
 *
 * Return: 0 when the handshake is done, -EINPROGRESS when it waits for
 * the peer (to read or for room to write), -EAGAIN when it yielded with
 * work left, or a negative errno with TLS_ERROR set.
 */
int ssa_hs_advance(struct ssa_hs *hs, u64 budget_ns)
{
	struct sock *sk = hs->sock->sk;
	int ret;

	/* a bit-field, and ours to change only if the application's is off */
	if (!hs->corked && !(tcp_sk(sk)->nonagle & TCP_NAGLE_CORK)) {
		tcp_sock_set_cork(sk, true);
		hs->corked = true;
	}
	ret = ssa_hs_steps(hs, local_clock() + budget_ns);
	if (ret == 1)
		return -EAGAIN;		/* still corked: the flight goes on */
	ssa_hs_uncork(hs);
	if (!ret)
		return 0;
	if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE)
		return -EINPROGRESS;
	/* mbedTLS drops a record it cannot parse without a word; RFC 8446
	 * section 5 wants unexpected_message (plain HTTP to a TLS port...).
	 */
	if (ret == MBEDTLS_ERR_SSL_INVALID_RECORD && !hs->sock_err)
		mbedtls_ssl_send_alert_message(&hs->ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
					       MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE);
	ret = ssa_hs_error(hs->ssk, ret, hs->sock_err,
			   mbedtls_ssl_get_verify_result(&hs->ssl), ssa_hs_self_signed(hs),
			   ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE && hs->ssl.in_msg ?
			   hs->ssl.in_msg[1] : -1);
	if (ret == -EKEYREJECTED && hs->nc_why)
		ssa_sock_set_error(hs->ssk, "certificate verify failed: %s", hs->nc_why);
	return ret;
}

/* --- results kept after the handshake ---------------------------------------- */

static int ssa_hs_keep_results(struct ssa_hs *hs)
{
	struct ssa_sock *ssk = hs->ssk;
	const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(&hs->ssl);
	const char *alpn = mbedtls_ssl_get_alpn_protocol(&hs->ssl);
	char id[SSA_PEER_ID_MAX];

	ssk->version = mbedtls_ssl_get_version_number(&hs->ssl);
	ssk->cipher = mbedtls_ssl_get_ciphersuite_id_from_ssl(&hs->ssl);
	ssk->resumed = hs->resumed;
	if (alpn && *alpn) {
		ssk->alpn_selected = kstrdup(alpn, GFP_KERNEL_ACCOUNT);
		if (!ssk->alpn_selected)
			return -ENOMEM;
	}
	if (hs->server && hs->sni[0]) {
		ssk->hostname = kstrdup(hs->sni, GFP_KERNEL);
		if (!ssk->hostname)
			return -ENOMEM;
	}
	/* A resumed session shows the peer its full handshake verified. */
	if (!hs->server && hs->resumed && hs->offered.id) {
		ssk->peer_identity = hs->offered.id;
		ssk->peer_der = hs->offered.der;
		ssk->peer_der_len = hs->offered.der_len;
		memset(&hs->offered, 0, sizeof(hs->offered));
		return 0;
	}
	if (!peer)
		return 0;
	/* "request": a client certificate is optional, a bad one is not. */
	if (hs->server && mbedtls_ssl_get_verify_result(&hs->ssl)) {
		mbedtls_ssl_send_alert_message(&hs->ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
					       MBEDTLS_SSL_ALERT_MSG_BAD_CERT);
		ssa_sock_set_error(ssk, "certificate verify failed: %s", hs->nc_why ?:
				   ssa_verify_reason(mbedtls_ssl_get_verify_result(&hs->ssl),
						     ssa_hs_self_signed(hs)));
		return -EKEYREJECTED;
	}
	if (mbedtls_x509_dn_gets(id, sizeof(id), &peer->subject) < 0)
		id[0] = '\0';
	/* Kept for the connection's life: no bigger than it needs. */
	ssk->peer_identity = kstrdup(id, GFP_KERNEL);
	if (!ssk->peer_identity)
		return -ENOMEM;
	return ssa_peer_chain_keep(ssk, peer);
}

/* Keys for kTLS from what mbedTLS exported, then the hand-off. */
static int ssa_hs_to_ktls(struct ssa_hs *hs)
{
	struct ssa_sock *ssk = hs->ssk;
	const struct ssa_cipher_desc *desc = ssa_cipher_desc_find(ssk->cipher);
	struct ssa_traffic_keys ck = {}, sk = {};
	struct ssa_traffic_keys *tx = hs->server ? &sk : &ck, *rx = hs->server ? &ck : &sk;
	u8 tx_info[SSA_CRYPTO_INFO_MAX], rx_info[SSA_CRYPTO_INFO_MAX];
	unsigned int len;
	int err;

	if (!desc) {
		ssa_sock_set_error(ssk, "negotiated suite 0x%04x cannot be carried by kernel TLS",
				   ssk->cipher);
		return -EPROTO;
	}
	if (mbedtls_ssl_check_pending(&hs->ssl)) {
		ssa_sock_set_error(ssk, "peer sent data before the handshake completed");
		return -EPROTO;
	}
	if (ssk->version == TLS_VERSION_1_3)
		err = hs->secret_len ? ssa_tls13_traffic_keys(desc, hs->c_secret, hs->secret_len, &ck) ?:
				       ssa_tls13_traffic_keys(desc, hs->s_secret, hs->secret_len, &sk) :
				       -EINVAL;
	else
		err = ssa_tls12_traffic_keys(desc, hs->prf, hs->master, hs->randoms,
					     hs->randoms + 32, &ck, &sk);
	if (err) {
		ssa_sock_set_error(ssk, "could not derive the traffic keys");
		goto out;
	}
	/* Sequence numbers from mbedTLS's own counters (design.rst §5 rule 4). */
	memcpy(tx->seq, hs->ssl.cur_out_ctr, 8);
	memcpy(rx->seq, hs->ssl.in_ctr, 8);
	ssa_ktls_fill(desc, ssk->version, tx, tx_info);
	len = ssa_ktls_fill(desc, ssk->version, rx, rx_info);
	err = ssa_ktls_install(hs->sock, ssk, tx_info, rx_info, len);
out:
	memzero_explicit(&ck, sizeof(ck));
	memzero_explicit(&sk, sizeof(sk));
	memzero_explicit(tx_info, sizeof(tx_info));
	memzero_explicit(rx_info, sizeof(rx_info));
	return err;
}

/**
 * ssa_hs_free() - free a handshake's state
 * @hs: the handshake, or NULL
 */
void ssa_hs_free(struct ssa_hs *hs)
{
	if (!hs)
		return;
	ssa_hs_uncork(hs);
	mbedtls_ssl_free(&hs->ssl);
	mbedtls_ssl_config_free(&hs->conf);
	ssa_trust_put(hs->trust);
	ssa_session_peer_free(&hs->offered);
	kvfree_sensitive(hs, sizeof(*hs));
}

/**
 * ssa_hs_begin() - make a handshake's state and configure mbedTLS
 * @ssk: the socket's state
 * @sock: the socket it runs on
 * @hs_out: out: the handshake, for ssa_hs_advance()
 *
 * Return: 0, or a negative errno with TLS_ERROR set.
 */
int ssa_hs_begin(struct ssa_sock *ssk, struct socket *sock, struct ssa_hs **hs_out)
{
	struct ssa_hs *hs;
	int err, ret;

	hs = kvzalloc(sizeof(*hs), GFP_KERNEL_ACCOUNT);
	if (!hs) {
		ssa_sock_set_error(ssk, "out of memory for the handshake");
		return -ENOMEM;
	}
	hs->ssk = ssk;
	hs->sock = sock;
	hs->server = ssk->parent;
	err = ssa_hs_policy(hs) ?: ssa_ktls_attach(sock, ssk);
	if (err)
		goto fail;
	/* A server needs anchors only to check client certificates. */
	if (!hs->server || ssk->peer_auth != TLS_PEER_AUTH_NONE)
		hs->trust = ssk->trust ? ssa_trust_get(ssk->trust) : ssa_trust_system();
	if (!hs->trust && (!hs->server || ssk->peer_auth != TLS_PEER_AUTH_NONE)) {
		ssa_sock_set_error(ssk, "no trust anchors: the system store is missing and none were pinned");
		err = -EKEYREJECTED;
		goto fail;
	}
	if (!hs->server)
		hs->cache = ssa_session_key(ssk, hs->trust, &hs->terms, hs->sess_key);
	ret = ssa_hs_setup(hs);
	if (ret) {
		err = ssa_hs_error(ssk, ret, 0, 0, false, -1);
		goto fail;
	}
	*hs_out = hs;
	return 0;
fail:
	ssa_hs_free(hs);
	return err;
}

/**
 * ssa_hs_complete() - keep a finished handshake's results, hand off to kTLS
 * @hs: a handshake ssa_hs_advance() finished
 *
 * The caller has given the socket's callbacks back first: kTLS saves them.
 *
 * Return: 0 once kTLS carries the connection, or a negative errno with
 * TLS_ERROR set.
 */
int ssa_hs_complete(struct ssa_hs *hs)
{
	int err = ssa_hs_keep_results(hs) ?: ssa_hs_to_ktls(hs);

	if (!err && hs->cache)
		ssa_session_keep(hs->ssk, &hs->ssl, hs->sess_key);
	return err;
}
