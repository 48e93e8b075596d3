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
 * struct ssa_cred_part - a chain or a key, parsed before the socket is locked
 * @chain: the chain, leaf first (a chain part)
 * @key: the private key (a key part)
 * @is_key: this part is a key
 */
struct ssa_cred_part {
	mbedtls_x509_crt chain;
	mbedtls_pk_context key;
	bool is_key;
};

/**
 * ssa_cred_part_free() - free a part that was not attached
 * @part: the part, or an ERR_PTR, or NULL
 */
void ssa_cred_part_free(struct ssa_cred_part *part)
{
	if (IS_ERR_OR_NULL(part))
		return;
	mbedtls_x509_crt_free(&part->chain);
	mbedtls_pk_free(&part->key);
	kfree_sensitive(part);
}

static struct ssa_cred_part *ssa_cred_part_new(bool is_key)
{
	struct ssa_cred_part *part = kzalloc(sizeof(*part), GFP_KERNEL_ACCOUNT);

	if (!part)
		return ERR_PTR(-ENOMEM);
	mbedtls_x509_crt_init(&part->chain);
	mbedtls_pk_init(&part->key);
	part->is_key = is_key;
	return part;
}

/**
 * ssa_cred_parse_chain() - parse a certificate chain for a socket
 * @pem: NUL-terminated PEM text
 * @len: bytes in @pem, without the NUL
 * @why: out: a reason in words on failure
 *
 * Needs no lock: the result belongs to the caller until
 * ssa_creds_attach().
 *
 * Return: the part, or ERR_PTR(-EINVAL/-ENOMEM).
 */
struct ssa_cred_part *ssa_cred_parse_chain(const char *pem, size_t len, const char **why)
{
	struct ssa_cred_part *part = ssa_cred_part_new(false);
	long nomem;
	int ret;

	if (IS_ERR(part)) {
		*why = "out of memory";
		return part;
	}
	nomem = ssa_mbedtls_alloc_failures();
	ret = ssa_x509_crt_parse(&part->chain, (const u8 *)pem, len + 1);
	if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED ||
	    (ret && ssa_mbedtls_alloc_failures() != nomem)) {
		ssa_cred_part_free(part);
		*why = "out of memory";
		return ERR_PTR(-ENOMEM);
	}
	*why = ret ? "not a PEM certificate chain (or one of its certificates is malformed)" :
		     ssa_key_unsuitable(&part->chain.pk);
	if (*why) {
		ssa_cred_part_free(part);
		return ERR_PTR(-EINVAL);
	}
	return part;
}

/**
 * ssa_cred_parse_key() - parse a private key for a socket
 * @pem: NUL-terminated PEM text
 * @len: bytes in @pem, without the NUL
 * @why: out: a reason in words on failure
 *
 * Needs no lock, like ssa_cred_parse_chain(); whether the key matches its
 * chain is checked by ssa_creds_attach().
 *
 * Return: the part, or ERR_PTR(-EINVAL/-ENOMEM).
 */
struct ssa_cred_part *ssa_cred_parse_key(const char *pem, size_t len, const char **why)
{
	struct ssa_cred_part *part = ssa_cred_part_new(true);
	int ret;

	if (IS_ERR(part)) {
		*why = "out of memory";
		return part;
	}
	ret = mbedtls_pk_parse_key(&part->key, (const u8 *)pem, len + 1, NULL, 0,
				   mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE);
	if (!ret)
		return part;
	ssa_cred_part_free(part);
	if (ret == MBEDTLS_ERR_PK_PASSWORD_REQUIRED || ret == MBEDTLS_ERR_PK_PASSWORD_MISMATCH)
		*why = "encrypted private keys are not supported; give the key unencrypted";
	else if (ret == MBEDTLS_ERR_PK_ALLOC_FAILED)
		*why = "out of memory";
	else
		*why = "not a PEM private key";
	return ERR_PTR(ret == MBEDTLS_ERR_PK_ALLOC_FAILED ? -ENOMEM : -EINVAL);
}

/* A chain opens a new pair. */
static int ssa_creds_attach_chain(struct ssa_sock *ssk, struct ssa_cred_part *part)
{
	struct ssa_creds *c = ssk->creds;
	struct ssa_cred *cr;

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
		if (!c) {
			ssa_sock_set_error(ssk, "TLS_CERTIFICATE_CHAIN: out of memory");
			return -ENOMEM;
		}
		kref_init(&c->ref);
		ssk->creds = c;
	}
	cr = &c->cred[c->n++];
	/* Moves the contexts: nothing points into the part's own structs. */
	cr->chain = part->chain;
	mbedtls_pk_init(&cr->key);
	mbedtls_x509_crt_init(&part->chain);
	return 0;
}

/* A key closes the open pair, if it matches the chain's leaf. */
static int ssa_creds_attach_key(struct ssa_sock *ssk, struct ssa_cred_part *part)
{
	struct ssa_creds *c = ssk->creds;
	struct ssa_cred *cr;

	if (!c || !c->n || c->cred[c->n - 1].keyed) {
		ssa_sock_set_error(ssk, "TLS_PRIVATE_KEY: set its TLS_CERTIFICATE_CHAIN first");
		return -EINVAL;
	}
	cr = &c->cred[c->n - 1];
	if (mbedtls_pk_check_pair(&cr->chain.pk, &part->key, mbedtls_psa_get_random,
				  MBEDTLS_PSA_RANDOM_STATE)) {
		ssa_sock_set_error(ssk, "TLS_PRIVATE_KEY: the key does not match the chain's leaf certificate");
		return -EINVAL;
	}
	cr->key = part->key;
	mbedtls_pk_init(&part->key);
	cr->keyed = true;
	return 0;
}

/**
 * ssa_creds_attach() - add a parsed chain or key to the socket's pairs
 * @ssk: the socket (locked, unconnected)
 * @part: from ssa_cred_parse_chain() or ssa_cred_parse_key(); always consumed
 *
 * A chain opens a new pair; the key that follows closes it.
 *
 * Return: 0, or -EINVAL/-ENOSPC/-ENOMEM with TLS_ERROR set.
 */
int ssa_creds_attach(struct ssa_sock *ssk, struct ssa_cred_part *part)
{
	int err;

	sock_owned_by_me(ssk->sk);
	err = part->is_key ? ssa_creds_attach_key(ssk, part) : ssa_creds_attach_chain(ssk, part);
	ssa_cred_part_free(part);
	return err;
}

/**
 * ssa_creds_add() - parse and attach in one step (a locked socket)
 * @ssk: the socket (locked, unconnected)
 * @pem: NUL-terminated PEM text
 * @len: bytes in @pem, without the NUL
 * @key: @pem is the private key closing the open pair, not a chain
 *
 * Return: as ssa_creds_attach(), TLS_ERROR set on failure.
 */
int ssa_creds_add(struct ssa_sock *ssk, const char *pem, size_t len, bool key)
{
	struct ssa_cred_part *part;
	const char *why;

	part = key ? ssa_cred_parse_key(pem, len, &why) : ssa_cred_parse_chain(pem, len, &why);
	if (IS_ERR(part)) {
		ssa_sock_set_error(ssk, "%s: %s", key ? "TLS_PRIVATE_KEY" : "TLS_CERTIFICATE_CHAIN",
				   why);
		return PTR_ERR(part);
	}
	return ssa_creds_attach(ssk, part);
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
