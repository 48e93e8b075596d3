// SPDX-License-Identifier: GPL-2.0
/*
 * Client session resumption: a bounded kernel cache of sessions, keyed by
 * (peer name, port, application).
 *
 * The key is a SHA-256 over the peer's name (TLS_REMOTE_HOSTNAME, or its
 * address), the port, the executable and user that created the socket,
 * the socket's version/suite/group limits, and the trust anchors the
 * first handshake was verified against: a resumed session skips
 * certificate verification and keeps the first handshake's parameters,
 * so it must never be offered by a connection that would have verified
 * or negotiated differently.  Sockets
 * with a client certificate do not take part (a resumed session would
 * carry that identity to whoever resumes it).
 *
 * TLS 1.2 tickets arrive inside the handshake; the session is saved when
 * it ends, for sockets limited to TLS 1.2 (mbedTLS pins a resumed
 * handshake to the session's version, see ssa_session_keep()).  TLS 1.3 tickets arrive afterwards, through kTLS: the client
 * keeps the resumption secret (ssa_resume) and builds a session from each
 * NewSessionTicket.  Entries are single use (RFC 8446 C.4) and expire
 * with the ticket's lifetime or TLS_SESSION_TTL, whichever is shorter.
 */

#include <linux/slab.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/jiffies.h>
#include <linux/string.h>
#include <net/sock.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>

#include "tls_ssa.h"
#include "ssa_mbedtls.h"
#include "ssa_mbedtls_peek.h"

#define SSA_SESSIONS_MAX	512
/* Tickets one connection stores; each replaces the last under the same
 * key, so more buy nothing and cost a parse each.
 */
#define SSA_TICKETS_KEPT	4
#define SSA_SESSION_BLOB_MAX	(16 << 10)

/**
 * struct ssa_session - one cached client session
 * @node: on ssa_sessions, most recently stored first
 * @key: SHA-256 of the (peer, port, application, anchors) tuple
 * @expires: jiffies after which it is not offered
 * @peer: the peer as the full handshake verified it: a resumed handshake
 *	sees no certificate (TLS 1.3) or only the leaf (TLS 1.2)
 * @len: bytes in @blob
 * @blob: mbedtls_ssl_session_save() output
 */
struct ssa_session {
	struct list_head node;
	u8 key[SSA_SESSION_KEY_LEN];
	unsigned long expires;
	struct ssa_session_peer peer;
	size_t len;
	u8 blob[];
};

/**
 * struct ssa_resume - what a TLS 1.3 client keeps for its tickets
 * @key: the cache key of the connection
 * @suite: the connection's cipher suite
 * @ttl: TLS_SESSION_TTL, seconds
 * @kept: tickets stored so far (SSA_TICKETS_KEPT at most)
 * @rms_len: bytes in @rms
 * @rms: resumption_master_secret
 */
struct ssa_resume {
	u8 key[SSA_SESSION_KEY_LEN];
	int suite;
	unsigned int ttl;
	unsigned int kept;
	size_t rms_len;
	u8 rms[64];
};

static LIST_HEAD(ssa_sessions);
static unsigned int ssa_sessions_count;
static DEFINE_SPINLOCK(ssa_sessions_lock);

/**
 * ssa_session_peer_free() - drop a remembered peer
 * @p: the peer; emptied
 */
void ssa_session_peer_free(struct ssa_session_peer *p)
{
	kfree(p->id);
	kfree(p->der);
	memset(p, 0, sizeof(*p));
}

static void ssa_session_free(struct ssa_session *s)
{
	ssa_session_peer_free(&s->peer);
	kfree_sensitive(s);
}

/**
 * ssa_session_key() - the cache key of a client connection
 * @ssk: the socket (connected)
 * @trust: the anchors its handshake verifies against
 * @terms: the policy's verification mode, signature schemes and generation
 * @key: out, SSA_SESSION_KEY_LEN bytes
 *
 * A session made under verify = none, or with a signature scheme a newer
 * policy forbids, is never offered by a connection that would verify or
 * refuse it; nor is any session across a policy load.
 *
 * Return: true if the socket may use the cache.
 */
bool ssa_session_key(const struct ssa_sock *ssk, struct ssa_trust *trust,
		     const struct ssa_session_terms *terms, u8 *key)
{
	const struct sock *sk = ssk->sk;
	mbedtls_sha256_context h;
	__be16 port = inet_sk(sk)->inet_dport;
	const char *name = ssk->hostname;
	char addr[64];

	if (ssk->session_ttl <= 0 || ssa_creds_count(ssk->creds) || ssk->parent)
		return false;
	if (!name) {
#if IS_ENABLED(CONFIG_IPV6)
		if (sk->sk_family == AF_INET6)
			snprintf(addr, sizeof(addr), "%pI6c", &sk->sk_v6_daddr);
		else
#endif
			snprintf(addr, sizeof(addr), "%pI4", &inet_sk(sk)->inet_daddr);
		name = addr;
	}

	mbedtls_sha256_init(&h);
	mbedtls_sha256_starts(&h, 0);
	/* Fixed-size fields first, the name (with its NUL) last. */
	mbedtls_sha256_update(&h, (const u8 *)&ssk->app, sizeof(ssk->app));
	mbedtls_sha256_update(&h, (const u8 *)&port, sizeof(port));
	/* A session is offered only by a socket with the same limits: mbedTLS
	 * would otherwise resume, say, TLS 1.3 on a socket capped at 1.2.
	 */
	mbedtls_sha256_update(&h, (const u8 *)&ssk->version_min, sizeof(ssk->version_min));
	mbedtls_sha256_update(&h, (const u8 *)&ssk->version_max, sizeof(ssk->version_max));
	mbedtls_sha256_update(&h, (const u8 *)&ssk->ciphers, sizeof(ssk->ciphers));
	mbedtls_sha256_update(&h, (const u8 *)&ssk->groups, sizeof(ssk->groups));
	mbedtls_sha256_update(&h, ssa_trust_digest(trust), SSA_SESSION_KEY_LEN);
	mbedtls_sha256_update(&h, (const u8 *)terms, sizeof(*terms));
	mbedtls_sha256_update(&h, (const u8 *)name, strlen(name) + 1);
	mbedtls_sha256_finish(&h, key);
	mbedtls_sha256_free(&h);
	return true;
}

/* Store a session under @key, replacing an older one; it remembers
 * @ssk's peer (a copy: without memory, a resumed connection shows none).
 */
static void ssa_session_store(const struct ssa_sock *ssk, const u8 *key,
			      const mbedtls_ssl_session *sess, unsigned int ttl)
{
	struct ssa_session *s, *old = NULL, *evict = NULL, *it;
	size_t len = 0;

	if (mbedtls_ssl_session_save(sess, NULL, 0, &len) != MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL ||
	    !len || len > SSA_SESSION_BLOB_MAX)
		return;
	s = kzalloc(struct_size(s, blob, len), GFP_KERNEL);
	if (!s)
		return;
	if (mbedtls_ssl_session_save(sess, s->blob, len, &s->len)) {
		ssa_session_free(s);
		return;
	}
	memcpy(s->key, key, sizeof(s->key));
	s->expires = jiffies + (unsigned long)ttl * HZ;
	if (ssk->peer_identity && ssk->peer_der) {
		s->peer.id = kstrdup(ssk->peer_identity, GFP_KERNEL_ACCOUNT);
		s->peer.der = kmemdup(ssk->peer_der, ssk->peer_der_len, GFP_KERNEL_ACCOUNT);
		s->peer.der_len = ssk->peer_der_len;
		if (!s->peer.id || !s->peer.der)
			ssa_session_peer_free(&s->peer);
	}

	spin_lock_bh(&ssa_sessions_lock);
	list_for_each_entry(it, &ssa_sessions, node) {
		if (!memcmp(it->key, key, sizeof(it->key))) {
			old = it;
			list_del(&it->node);
			ssa_sessions_count--;
			break;
		}
	}
	if (ssa_sessions_count >= SSA_SESSIONS_MAX) {
		evict = list_last_entry(&ssa_sessions, struct ssa_session, node);
		list_del(&evict->node);
		ssa_sessions_count--;
	}
	list_add(&s->node, &ssa_sessions);
	ssa_sessions_count++;
	spin_unlock_bh(&ssa_sessions_lock);
	if (old)
		ssa_session_free(old);
	if (evict)
		ssa_session_free(evict);
}

/**
 * ssa_session_offer() - offer a cached session in a client handshake
 * @ssl: the client context, set up, handshake not started
 * @key: the connection's cache key
 * @peer: out: the session's peer, for the caller to keep if the server
 *	resumes it (ssa_session_peer_free() it otherwise)
 *
 * Takes the entry out of the cache (single use).
 *
 * Return: true if a session was set.
 */
bool ssa_session_offer(mbedtls_ssl_context *ssl, const u8 *key,
		       struct ssa_session_peer *peer)
{
	struct ssa_session *s = NULL, *it;
	mbedtls_ssl_session sess;
	bool ok;

	spin_lock_bh(&ssa_sessions_lock);
	list_for_each_entry(it, &ssa_sessions, node) {
		if (!memcmp(it->key, key, sizeof(it->key))) {
			s = it;
			list_del(&it->node);
			ssa_sessions_count--;
			break;
		}
	}
	spin_unlock_bh(&ssa_sessions_lock);
	if (!s)
		return false;
	ok = time_before(jiffies, s->expires);
	mbedtls_ssl_session_init(&sess);
	ok = ok && !mbedtls_ssl_session_load(&sess, s->blob, s->len) &&
	     !mbedtls_ssl_set_session(ssl, &sess);
	mbedtls_ssl_session_free(&sess);
	if (ok) {
		*peer = s->peer;
		memset(&s->peer, 0, sizeof(s->peer));
	}
	ssa_session_free(s);
	return ok;
}

/**
 * ssa_session_keep() - after a client handshake, keep what resumption needs
 * @ssk: the socket
 * @ssl: its finished context
 * @key: its cache key
 *
 * TLS 1.2: the session (with its ticket) goes into the cache.  TLS 1.3:
 * the resumption secret stays with the socket for the tickets to come.
 */
void ssa_session_keep(struct ssa_sock *ssk, mbedtls_ssl_context *ssl, const u8 *key)
{
	struct ssa_resume *r;
	mbedtls_ssl_session sess;
	u32 lifetime;

	if (mbedtls_ssl_get_version_number(ssl) == MBEDTLS_SSL_VERSION_TLS1_3) {
		r = kzalloc(sizeof(*r), GFP_KERNEL);
		if (!r)
			return;
		r->rms_len = ssa_mbedtls_tls13_rms(ssl, r->rms);
		if (!r->rms_len) {
			kfree_sensitive(r);
			return;
		}
		memcpy(r->key, key, sizeof(r->key));
		r->suite = mbedtls_ssl_get_ciphersuite_id_from_ssl(ssl);
		r->ttl = ssk->session_ttl;
		ssk->resume = r;
		return;
	}
	/* mbedTLS resumes only at the session's version, and its ClientHello
	 * then offers no other: a TLS 1.2 session would keep a socket that
	 * allows 1.3 on 1.2 for good.  Such sockets keep only 1.3 sessions.
	 */
	if (ssk->version_max > TLS_VERSION_1_2)
		return;
	mbedtls_ssl_session_init(&sess);
	if (!mbedtls_ssl_get_session(ssl, &sess) &&
	    ssa_mbedtls_session_lifetime(&sess, &lifetime)) {
		unsigned int ttl = ssk->session_ttl;

		if (lifetime)
			ttl = min_t(unsigned int, ttl, lifetime);
		ssa_session_store(ssk, key, &sess, ttl);
	}
	mbedtls_ssl_session_free(&sess);
}

/**
 * ssa_session_ticket() - a TLS 1.3 NewSessionTicket arrived through kTLS
 * @ssk: the client socket
 * @msg: the message body (after the 4-byte handshake header)
 * @len: bytes in @msg
 *
 * Return: 0, or -EPROTO for a malformed ticket (TLS_ERROR says so).
 */
int ssa_session_ticket(struct ssa_sock *ssk, const u8 *msg, size_t len)
{
	struct ssa_resume *r = ssk->resume;
	mbedtls_ssl_session sess;
	u32 lifetime;
	int ret;

	if (!r || r->kept >= SSA_TICKETS_KEPT)
		return 0;
	r->kept++;
	mbedtls_ssl_session_init(&sess);
	ret = ssa_mbedtls_tls13_ticket(&sess, r->suite, ssk->hostname, r->rms, msg, len);
	if (!ret) {
		ssa_mbedtls_session_lifetime(&sess, &lifetime);
		ssa_session_store(ssk, r->key, &sess, min_t(unsigned int, r->ttl, lifetime));
	}
	mbedtls_ssl_session_free(&sess);
	if (ret == MBEDTLS_ERR_SSL_DECODE_ERROR) {
		ssa_sock_set_error(ssk, "malformed NewSessionTicket from the peer");
		return -EPROTO;
	}
	return 0;
}

/**
 * ssa_session_wants_ticket() - is the next NewSessionTicket worth reading?
 * @ssk: the client socket
 *
 * Return: true while the socket resumes and has stored fewer than
 * SSA_TICKETS_KEPT tickets.
 */
bool ssa_session_wants_ticket(const struct ssa_sock *ssk)
{
	return ssk->resume && ssk->resume->kept < SSA_TICKETS_KEPT;
}

/**
 * ssa_resume_free() - forget a socket's resumption secret
 * @r: the state, or NULL
 */
void ssa_resume_free(struct ssa_resume *r)
{
	kfree_sensitive(r);
}

/**
 * ssa_session_flush() - forget every cached session
 *
 * A new policy generation makes every key of the old one unreachable.
 */
void ssa_session_flush(void)
{
	struct ssa_session *s, *tmp;
	LIST_HEAD(old);

	spin_lock_bh(&ssa_sessions_lock);
	list_splice_init(&ssa_sessions, &old);
	ssa_sessions_count = 0;
	spin_unlock_bh(&ssa_sessions_lock);
	list_for_each_entry_safe(s, tmp, &old, node) {
		list_del(&s->node);
		ssa_session_free(s);
	}
}

/**
 * ssa_session_exit() - empty the cache (module unload)
 */
void ssa_session_exit(void)
{
	ssa_session_flush();
}
