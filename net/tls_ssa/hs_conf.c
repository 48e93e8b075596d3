// SPDX-License-Identifier: GPL-2.0
/*
 * A handshake's configuration: the socket's options and the policy made
 * into mbedTLS's, and the certificate checks mbedTLS calls back for
 * (name constraints, the peer's name).
 */

#include <linux/kernel.h>
#include <linux/string.h>
#include <net/sock.h>

#include "hs.h"

/**
 * ssa_crt_self_issued() - is a certificate's issuer its own subject?
 * @crt: the certificate
 */
bool ssa_crt_self_issued(const mbedtls_x509_crt *crt)
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
		hs->why = NULL;
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
		hs->why = why;
		hs->nc_skip = true;
		*flags |= MBEDTLS_X509_BADCERT_OTHER;
	}
}

/* Revocation (crl.c): mbedTLS checked each certificate below the top of
 * the chain (the trust anchor) against its issuer's CRLs (patch 0010),
 * and flagged a revoked one, and CRLs it could not use.  The policy says
 * what an unusable CRL, or none, means: soft-fail lets the certificate
 * pass, hard-fail does not.  A revoked certificate fails in both.  Runs
 * before the name constraints, which a chain with flags skips: a CRL
 * soft-fail forgives must not switch them off.
 */
static void ssa_verify_revocation(struct ssa_hs *hs, const mbedtls_x509_crt *crt, int depth,
				  bool top, u32 *flags)
{
	const u32 unusable = MBEDTLS_X509_BADCRL_NOT_TRUSTED | MBEDTLS_X509_BADCRL_EXPIRED |
			     MBEDTLS_X509_BADCRL_FUTURE | MBEDTLS_X509_BADCRL_BAD_MD |
			     MBEDTLS_X509_BADCRL_BAD_PK;

	if (*flags & MBEDTLS_X509_BADCERT_REVOKED)
		ssa_stat_inc(SSA_STAT_REVOKED);
	if (hs->revocation == SSA_POL_REV_SOFT) {
		*flags &= ~unusable;
		return;
	}
	if (hs->revocation != SSA_POL_REV_HARD || top || (*flags & unusable))
		return;
	if (!ssa_crl_from_issuer(hs->crls, crt)) {
		/* The server's OCSP staple may yet cover the leaf. */
		if (!depth && hs->ocsp) {
			hs->leaf_no_crl = true;
			return;
		}
		/* The flags say it better if anything else is wrong. */
		if (!*flags && !hs->why)
			hs->why = "no CRL of the certificate's issuer is loaded (revocation = hard-fail)";
		*flags |= MBEDTLS_X509_BADCERT_OTHER;
	}
}

/* Runs for each certificate of the peer's chain, root first. */
static int ssa_verify_cb(void *ctx, mbedtls_x509_crt *crt, int depth, u32 *flags)
{
	struct ssa_hs *hs = ctx;
	bool top = depth >= hs->nc_depth;	/* the first call of a walk */

	if (top) {
		hs->leaf = hs->issuer = NULL;
		hs->leaf_no_crl = false;
	}
	if (depth == 1)
		hs->issuer = crt;
	else if (!depth)
		hs->leaf = crt;
	ssa_verify_revocation(hs, crt, depth, top, flags);
	ssa_verify_nc(hs, crt, depth, flags);

	if (depth == 0 && !hs->server) {
		hs->name_ok = ssa_cert_matches_peer(crt, hs->ssk->hostname, hs->sock->sk);
		if (!hs->name_ok)
			*flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
	}
	return 0;
}

/* OCSP stapling (ocsp.c, mbedTLS patch 0011): once the server's chain
 * has verified, mbedTLS hands over its staple, or NULL.  A staple that
 * says revoked fails the handshake under any policy; so does one that
 * is there but does not verify, is stale or is about another
 * certificate: a server that staples chose what to staple, and a wrong
 * staple is a misconfiguration or an attack, neither of which soft-fail
 * forgives.  What soft-fail forgives is the absence of an answer: no
 * staple, or "unknown".  Hard-fail takes a good staple or a CRL of the
 * leaf's issuer, and must-staple (RFC 7633) a staple.
 */
static int ssa_ocsp_cb(void *ctx, const unsigned char *staple, size_t len)
{
	struct ssa_hs *hs = ctx;
	const char *why = NULL;
	int ret;

	if (!hs->leaf || !hs->issuer)	/* the chain was not walked */
		return 0;
	if (staple) {
		ret = ssa_ocsp_check(staple, len, hs->leaf, hs->issuer, ktime_get_real_seconds(),
				     &why);
		if (ret == SSA_OCSP_GOOD) {
			ssa_stat_inc(SSA_STAT_OCSP_GOOD);
			return 0;
		}
		if (ret == SSA_OCSP_REVOKED) {
			ssa_stat_inc(SSA_STAT_REVOKED);
			hs->why = why;
			return MBEDTLS_SSL_ALERT_MSG_CERT_REVOKED;
		}
		if (ret == -ENOMEM)	/* not the staple's fault: ENOMEM, not a verdict */
			return MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR;
		if (ret != SSA_OCSP_UNKNOWN) {
			ssa_stat_inc(SSA_STAT_OCSP_BAD);
			hs->why = why;
			return MBEDTLS_SSL_ALERT_MSG_BAD_CERT_STATUS_RESPONSE;
		}
	} else if (ssa_ocsp_must_staple(hs->leaf)) {
		hs->why = "the certificate demands an OCSP staple (must-staple) and the server sent none";
		return MBEDTLS_SSL_ALERT_MSG_BAD_CERT_STATUS_RESPONSE;
	}
	if (hs->leaf_no_crl) {
		hs->why = staple ? "the OCSP responder does not know the certificate and no CRL of its issuer is loaded (revocation = hard-fail)" :
				   "no CRL of the certificate's issuer is loaded and the server stapled no OCSP response (revocation = hard-fail)";
		return MBEDTLS_SSL_ALERT_MSG_BAD_CERT;
	}
	return 0;
}

/**
 * ssa_hs_policy() - the administrator's policy for this handshake
 * @hs: the handshake
 *
 * The socket's own settings narrowed by what the policy allows its
 * program now (a policy loaded since connect()/listen() applies).  The
 * result is written back, so getsockopt shows what was used.
 *
 * Signature schemes follow ssa_sigalgs[]'s order, RSA-PSS first.  (Before
 * mbedTLS 3.6.7 a TLS 1.2 client refused the RSA-PSS ServerKeyExchange it
 * had offered, and PKCS#1 v1.5 went first to avoid it.)
 *
 * Return: 0, or -EPERM with TLS_ERROR set if nothing is left.
 */
int ssa_hs_policy(struct ssa_hs *hs)
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
	hs->revocation = pol.revocation;
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

/* OCSP stapling, server side (staple.c, mbedTLS patch 0012): for a
 * client that asked, the administrator's staple for the certificate
 * chosen (after SNI), if one is loaded and current.
 */
static int ssa_staple_cb(void *ctx, const mbedtls_x509_crt *own, unsigned char **staple,
			 size_t *len)
{
	if (ssa_staple_for(own, staple, len))
		return MBEDTLS_ERR_SSL_ALLOC_FAILED;
	if (*staple)
		ssa_stat_inc(SSA_STAT_OCSP_STAPLED);
	return 0;
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
	mbedtls_ssl_conf_ocsp_staple(&hs->conf, ssa_staple_cb, NULL);
	mbedtls_ssl_conf_authmode(&hs->conf, ssa_authmode[ssk->peer_auth]);
	if (hs->trust) {
		mbedtls_ssl_conf_ca_chain(&hs->conf, ssa_trust_chain(hs->trust),
					  ssa_crl_list(hs->crls));
		mbedtls_ssl_conf_verify(&hs->conf, ssa_verify_cb, hs);
	}
	/* A resumed session skips the client's certificate, and with it
	 * the CRLs loaded since the ticket was made: no tickets then.
	 */
	if (tickets && ssk->session_ttl > 0 && !(hs->crls && ssk->peer_auth != TLS_PEER_AUTH_NONE))
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
	mbedtls_ssl_conf_ca_chain(&hs->conf, ssa_trust_chain(hs->trust), ssa_crl_list(hs->crls));
	mbedtls_ssl_conf_verify(&hs->conf, ssa_verify_cb, hs);
	hs->ocsp = hs->verify && hs->revocation != SSA_POL_REV_OFF;
	if (hs->ocsp)
		mbedtls_ssl_conf_ocsp(&hs->conf, ssa_ocsp_cb, hs);
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

/**
 * ssa_hs_setup() - mbedTLS's configuration and context for a handshake
 * @hs: the handshake, its policy applied (ssa_hs_policy())
 *
 * The bio and the key export are the caller's to set.
 *
 * Return: 0 or an mbedTLS error.
 */
int ssa_hs_setup(struct ssa_hs *hs)
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
	return 0;
}
