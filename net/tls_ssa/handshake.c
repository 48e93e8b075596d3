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

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/uio.h>
#include <linux/sched/clock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "hs.h"
#include "compat.h"
#include "ssa_mbedtls_peek.h"

#define SSA_PEER_ID_MAX		256

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

/* --- the handshake loop ---------------------------------------------------- */

/* The peer presented one certificate, issued by itself. */
static bool ssa_hs_self_signed(struct ssa_hs *hs)
{
	const mbedtls_x509_crt *c = ssa_mbedtls_peer_chain(&hs->ssl);

	return c && !c->next && ssa_crt_self_issued(c);
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

	while (!ssa_mbedtls_hs_finished(ssl)) {
		int ret, resuming;

		ret = mbedtls_ssl_handshake_step(ssl);
		if (ret)
			return ret;
		resuming = ssa_mbedtls_resuming(ssl);
		if (resuming >= 0)	/* the last value before wrap-up counts */
			hs->resumed = resuming;
		if (!ssa_mbedtls_hs_finished(ssl) && local_clock() > until)
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

/* The alert RFC 8446 6.2 names for what mbedTLS found wrong. */
static u8 ssa_hs_alert_for(int ret)
{
	switch (ret) {
	case MBEDTLS_ERR_SSL_INVALID_RECORD:	/* plain HTTP to a TLS port... */
	case MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE:
		return MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE;
	case MBEDTLS_ERR_SSL_DECODE_ERROR:
		return MBEDTLS_SSL_ALERT_MSG_DECODE_ERROR;
	case MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER:
		return MBEDTLS_SSL_ALERT_MSG_ILLEGAL_PARAMETER;
	case MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE:
		return MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE;
	case MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION:
		return MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION;
	case MBEDTLS_ERR_SSL_UNSUPPORTED_EXTENSION:
		return MBEDTLS_SSL_ALERT_MSG_UNSUPPORTED_EXT;
	case MBEDTLS_ERR_SSL_BAD_CERTIFICATE:
		return MBEDTLS_SSL_ALERT_MSG_BAD_CERT;
	case MBEDTLS_ERR_SSL_INVALID_MAC:
		return MBEDTLS_SSL_ALERT_MSG_BAD_RECORD_MAC;
	default:
		return MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR;
	}
}

/* mbedTLS ends some failures without a word: a record it cannot parse,
 * a result no alert was pended for.  The peer is
 * owed the alert (RFC 8446 6.2), under the key it reads with now, which
 * mbedTLS's output transform is.  Not when the socket failed, nor to a
 * peer that sent a fatal alert itself (6.2: no reply).
 */
static void ssa_hs_alert_if_silent(struct ssa_hs *hs, int ret)
{
	u8 alert = ssa_hs_alert_for(ret);

	if (hs->sock_err || ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE ||
	    ret == MBEDTLS_ERR_SSL_CONN_EOF || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY ||
	    ssa_mbedtls_sent_alert(&hs->ssl) >= 0)
		return;
	/* mbedTLS refuses a record longer than it can hold as bad input or
	 * an invalid record; RFC 8446 5.1, 5.2 name the alert.
	 */
	if ((ret == MBEDTLS_ERR_SSL_BAD_INPUT_DATA || ret == MBEDTLS_ERR_SSL_INVALID_RECORD) &&
	    ssa_mbedtls_record_overflow(&hs->ssl))
		alert = MBEDTLS_SSL_ALERT_MSG_RECORD_OVERFLOW;
	mbedtls_ssl_send_alert_message(&hs->ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL, alert);
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
	int ret, err;

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
	ssa_hs_alert_if_silent(hs, ret);
	if (ret == MBEDTLS_ERR_SSL_DECODE_ERROR &&
	    ssa_mbedtls_hs_msg_len(&hs->ssl) > SSA_MBEDTLS_HS_MSG_MAX) {
		ssa_sock_set_error(hs->ssk, "peer sent a handshake message of %zu bytes, too large (at most %u)",
				   ssa_mbedtls_hs_msg_len(&hs->ssl), SSA_MBEDTLS_HS_MSG_MAX);
		return -EPROTO;
	}
	err = ssa_hs_error(hs->ssk, ret, hs->sock_err,
			   mbedtls_ssl_get_verify_result(&hs->ssl), ssa_hs_self_signed(hs),
			   ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE ?
			   ssa_mbedtls_peer_alert(&hs->ssl) : -1);
	/* mbedTLS says "handshake failure" for a signature or a Finished
	 * that does not verify too; its alert tells them apart.
	 */
	if (ret == MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE && !hs->sock_err &&
	    ssa_mbedtls_sent_alert(&hs->ssl) == MBEDTLS_SSL_ALERT_MSG_DECRYPT_ERROR)
		ssa_sock_set_error(hs->ssk, "the peer's Finished, CertificateVerify or PSK binder does not verify (decrypt_error)");
	if (ssa_mbedtls_sent_alert(&hs->ssl) == MBEDTLS_SSL_ALERT_MSG_RECORD_OVERFLOW)
		ssa_sock_set_error(hs->ssk, "peer sent a record longer than TLS allows (record_overflow)");
	ret = err;
	if (ret == -EKEYREJECTED && hs->why)
		ssa_sock_set_error(hs->ssk, "certificate verify failed: %s", hs->why);
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
		ssa_sock_set_error(ssk, "certificate verify failed: %s", hs->why ?:
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
		/* RFC 8446 5.1: a key change must fall on a record boundary */
		mbedtls_ssl_send_alert_message(&hs->ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
					       MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE);
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
		ssa_sock_set_error(ssk, err == -ENOMEM ?
				   "out of memory deriving the traffic keys" :
				   "could not derive the traffic keys");
		goto out;
	}
	/* Sequence numbers from mbedTLS's own counters (design.rst §5 rule 4). */
	ssa_mbedtls_record_seqs(&hs->ssl, tx->seq, rx->seq);
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
	ssa_stat_dec(SSA_STAT_HS_CONTEXTS);
	ssa_hs_uncork(hs);
	mbedtls_ssl_free(&hs->ssl);
	mbedtls_ssl_config_free(&hs->conf);
	ssa_trust_put(hs->trust);
	ssa_crl_put(hs->crls);
	ssa_session_peer_free(&hs->offered);
	kvfree_sensitive(hs, sizeof(*hs));
}

/**
 * ssa_hs_context_bytes() - what a handshake with its context holds at least
 *
 * Our state and mbedTLS's two record buffers, made at ssa_hs_begin();
 * mbedTLS's key exchange, the transcript and the peer's chain come and
 * go on top while it runs.
 */
size_t ssa_hs_context_bytes(void)
{
	return sizeof(struct ssa_hs) + MBEDTLS_SSL_IN_CONTENT_LEN + MBEDTLS_SSL_OUT_CONTENT_LEN;
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
	ssa_stat_inc(SSA_STAT_HS_CONTEXTS);
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
	if (hs->trust && hs->revocation != SSA_POL_REV_OFF)
		hs->crls = ssa_crl_get();
	hs->terms.crl_gen = ssa_crl_gen(hs->crls);
	if (!hs->server)
		hs->cache = ssa_session_key(ssk, hs->trust, &hs->terms, hs->sess_key);
	ret = ssa_hs_setup(hs);
	if (ret) {
		err = ssa_hs_error(ssk, ret, 0, 0, false, -1);
		goto fail;
	}
	mbedtls_ssl_set_bio(&hs->ssl, hs, ssa_bio_send, ssa_bio_recv, NULL);
	mbedtls_ssl_set_export_keys_cb(&hs->ssl, ssa_export_keys, hs);
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
