// SPDX-License-Identifier: GPL-2.0
/*
 * Own certificates and private keys (TLS_CERTIFICATE_CHAIN,
 * TLS_PRIVATE_KEY).
 *
 * A socket collects chain/key pairs while it is unconnected: each chain
 * opens a pair and the key that follows closes it, checked against the
 * chain's leaf.  Keys live in kernel memory only; no option reads them
 * back.  Once the socket listens (or connects), the set is frozen and
 * shared, reference counted, with the handshakes that use it.
 */

#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/kref.h>
#include <linux/workqueue.h>
#include <linux/string.h>

#include "tls_ssa.h"
#include "ssa_mbedtls.h"

/**
 * struct ssa_cred - one certificate chain and its private key
 * @chain: the chain, leaf first
 * @key: the leaf's private key
 * @keyed: @key holds the key that matches @chain's leaf
 */
struct ssa_cred {
	mbedtls_x509_crt chain;
	mbedtls_pk_context key;
	bool keyed;
};

/**
 * struct ssa_creds - the chain/key pairs of one socket
 * @ref: the socket's reference plus one per handshake using the set
 * @free_work: frees the set in process context (mbedTLS may sleep)
 * @n: pairs in @cred (the last one may still wait for its key)
 * @cred: the pairs, in the order they were set; the first is the default
 */
struct ssa_creds {
	struct kref ref;
	struct work_struct free_work;
	unsigned int n;
	struct ssa_cred cred[SSA_CREDS_MAX];
};

static void ssa_creds_free_work(struct work_struct *work)
{
	struct ssa_creds *c = container_of(work, struct ssa_creds, free_work);
	unsigned int i;

	for (i = 0; i < c->n; i++) {
		mbedtls_x509_crt_free(&c->cred[i].chain);
		mbedtls_pk_free(&c->cred[i].key);
	}
	kfree_sensitive(c);
}

static void ssa_creds_release(struct kref *ref)
{
	struct ssa_creds *c = container_of(ref, struct ssa_creds, ref);

	/* The last reference may go from sk_destruct in softirq context. */
	INIT_WORK(&c->free_work, ssa_creds_free_work);
	queue_work(ssa_wq, &c->free_work);
}

/**
 * ssa_creds_put() - drop a reference to a credential set
 * @c: the set, or NULL
 */
void ssa_creds_put(struct ssa_creds *c)
{
	if (c)
		kref_put(&c->ref, ssa_creds_release);
}

/**
 * ssa_creds_get() - take a reference to a credential set
 * @c: the set, or NULL
 *
 * Return: @c.
 */
struct ssa_creds *ssa_creds_get(struct ssa_creds *c)
{
	if (c)
		kref_get(&c->ref);
	return c;
}

/* What a TLS server may sign with: RSA 2048-4096, ECDSA P-256/P-384. */
static const char *ssa_key_unsuitable(const mbedtls_pk_context *pk)
{
	size_t bits = mbedtls_pk_get_bitlen(pk);

	switch (mbedtls_pk_get_type(pk)) {
	case MBEDTLS_PK_RSA:
		return bits < 2048 || bits > 4096 ? "RSA keys must have 2048 to 4096 bits" : NULL;
	case MBEDTLS_PK_ECKEY:
		return bits != 256 && bits != 384 ? "EC keys must be P-256 or P-384" : NULL;
	default:
		return "only RSA and ECDSA keys are supported";
	}
}

/**
 * ssa_creds_add_chain() - start a new pair with a certificate chain
 * @ssk: the socket (locked, unconnected)
 * @pem: NUL-terminated PEM text
 * @len: bytes in @pem, without the NUL
 *
 * Return: 0, or -EINVAL/-ENOSPC/-ENOMEM with TLS_ERROR set.
 */
int ssa_creds_add_chain(struct ssa_sock *ssk, const char *pem, size_t len)
{
	struct ssa_creds *c = ssk->creds;
	struct ssa_cred *cr;
	const char *why;
	long nomem;
	int ret;

	if (c && c->n && !c->cred[c->n - 1].keyed) {
		ssa_sock_set_error(ssk, "TLS_CERTIFICATE_CHAIN: the previous chain has no TLS_PRIVATE_KEY yet");
		return -EINVAL;
	}
	if (c && c->n == SSA_CREDS_MAX) {
		ssa_sock_set_error(ssk, "TLS_CERTIFICATE_CHAIN: at most %d chains per socket",
				   SSA_CREDS_MAX);
		return -ENOSPC;
	}
	if (!c) {
		c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
		if (!c)
			return -ENOMEM;
		kref_init(&c->ref);
		ssk->creds = c;
	}
	cr = &c->cred[c->n];
	mbedtls_x509_crt_init(&cr->chain);
	mbedtls_pk_init(&cr->key);
	nomem = ssa_mbedtls_alloc_failures();
	ret = ssa_x509_crt_parse(&cr->chain, (const u8 *)pem, len + 1);
	if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED ||
	    (ret && ssa_mbedtls_alloc_failures() != nomem)) {
		mbedtls_x509_crt_free(&cr->chain);
		return -ENOMEM;
	}
	why = ret ? "not a PEM certificate chain (or one of its certificates is malformed)" :
		    ssa_key_unsuitable(&cr->chain.pk);
	if (why) {
		mbedtls_x509_crt_free(&cr->chain);
		ssa_sock_set_error(ssk, "TLS_CERTIFICATE_CHAIN: %s", why);
		return -EINVAL;
	}
	c->n++;
	return 0;
}

/**
 * ssa_creds_add_key() - give the last chain its private key
 * @ssk: the socket (locked, unconnected)
 * @pem: NUL-terminated PEM text
 * @len: bytes in @pem, without the NUL
 *
 * The key must match the leaf certificate of the last chain; a mismatch
 * leaves the chain waiting for the right key.
 *
 * Return: 0, or -EINVAL/-ENOMEM with TLS_ERROR set.
 */
int ssa_creds_add_key(struct ssa_sock *ssk, const char *pem, size_t len)
{
	struct ssa_creds *c = ssk->creds;
	mbedtls_pk_context key;
	struct ssa_cred *cr;
	const char *why;
	int ret;

	if (!c || !c->n || c->cred[c->n - 1].keyed) {
		ssa_sock_set_error(ssk, "TLS_PRIVATE_KEY: set its TLS_CERTIFICATE_CHAIN first");
		return -EINVAL;
	}
	cr = &c->cred[c->n - 1];
	mbedtls_pk_init(&key);
	ret = mbedtls_pk_parse_key(&key, (const u8 *)pem, len + 1, NULL, 0,
				   mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
	if (ret == MBEDTLS_ERR_PK_PASSWORD_REQUIRED || ret == MBEDTLS_ERR_PK_PASSWORD_MISMATCH)
		why = "encrypted private keys are not supported; give the key unencrypted";
	else if (ret == MBEDTLS_ERR_PK_ALLOC_FAILED)
		why = "out of memory";
	else if (ret)
		why = "not a PEM private key";
	else if (mbedtls_pk_check_pair(&cr->chain.pk, &key, mbedtls_psa_get_random,
				       MBEDTLS_PSA_RANDOM_STATE))
		why = "the key does not match the chain's leaf certificate";
	else
		why = NULL;
	if (why) {
		mbedtls_pk_free(&key);
		ssa_sock_set_error(ssk, "TLS_PRIVATE_KEY: %s", why);
		return ret == MBEDTLS_ERR_PK_ALLOC_FAILED ? -ENOMEM : -EINVAL;
	}
	cr->key = key;		/* moves the context; nothing else points into it */
	cr->keyed = true;
	return 0;
}

/**
 * ssa_creds_check() - are the socket's credentials complete?
 * @ssk: the socket (locked)
 * @need: a certificate is required (a listening socket)
 *
 * Return: 0, or -ENOKEY with TLS_ERROR set.
 */
int ssa_creds_check(struct ssa_sock *ssk, bool need)
{
	const struct ssa_creds *c = ssk->creds;

	if (c && c->n && !c->cred[c->n - 1].keyed) {
		ssa_sock_set_error(ssk, "the last TLS_CERTIFICATE_CHAIN has no TLS_PRIVATE_KEY");
		return -ENOKEY;
	}
	if (need && (!c || !c->n)) {
		ssa_sock_set_error(ssk, "a TLS server needs TLS_CERTIFICATE_CHAIN and TLS_PRIVATE_KEY before listen()");
		return -ENOKEY;
	}
	return 0;
}

/**
 * ssa_creds_count() - number of complete pairs
 * @c: the set, or NULL
 *
 * Return: pairs with a key.
 */
unsigned int ssa_creds_count(const struct ssa_creds *c)
{
	return c ? c->n - (c->n && !c->cred[c->n - 1].keyed) : 0;
}

/**
 * ssa_creds_pair() - one pair of a complete set, for mbedTLS
 * @c: the set
 * @i: index, below ssa_creds_count()
 * @key: out: the private key
 *
 * Return: the chain.
 */
mbedtls_x509_crt *ssa_creds_pair(struct ssa_creds *c, unsigned int i,
				 mbedtls_pk_context **key)
{
	*key = &c->cred[i].key;
	return &c->cred[i].chain;
}

/**
 * ssa_creds_for_name() - the pair whose leaf names a host (SNI)
 * @c: the set
 * @host: the name the client asked for
 *
 * Return: index of the first matching pair, or 0 (the default).
 */
unsigned int ssa_creds_for_name(const struct ssa_creds *c, const char *host)
{
	unsigned int i, n = ssa_creds_count(c);

	for (i = 0; i < n; i++)
		if (ssa_cert_matches_peer(&c->cred[i].chain, host, NULL))
			return i;
	return 0;
}
