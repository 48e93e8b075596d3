// SPDX-License-Identifier: GPL-2.0
/*
 * Certificate revocation lists from the administrator (securityfs "crl").
 *
 * The administrator writes every CRL at once, as PEM ("ssactl crl load"
 * makes PEM of DER files); the text replaces the set in use, and a text
 * with no CRL in it empties it.  A set is immutable once published and
 * reference counted, as a trust store is: a handshake keeps the set it
 * started with.
 *
 * mbedTLS checks each certificate of a chain against the CRLs of its
 * issuer while it verifies the chain (x509_crt_verifycrl(): the CRL's
 * issuer name, the issuer's cRLSign usage, the CRL's signature by the
 * issuer's key, thisUpdate and nextUpdate, the serial).  What an unusable
 * CRL, or none, means is the policy's "revocation" key (hs_conf.c).
 */

#include <linux/slab.h>
#include <linux/kref.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/seq_file.h>
#include <linux/ctype.h>

#include "tls_ssa.h"
#include "ssa_mbedtls.h"

#define SSA_CRL_MAX	256	/* CRLs in a set */

/**
 * struct ssa_crl_set - the administrator's CRLs
 * @ref: references: the publisher's plus one per handshake
 * @free_work: frees the set in process context after a grace period
 * @count: CRLs in @crl
 * @gen: which load made it (1, 2, ...); a session key names it
 * @crl: the CRLs, a list in mbedTLS's sense
 */
struct ssa_crl_set {
	struct kref ref;
	struct rcu_work free_work;
	unsigned int count;
	u64 gen;
	mbedtls_x509_crl crl;
};

static struct ssa_crl_set __rcu *ssa_crls;
static DEFINE_MUTEX(ssa_crl_lock);	/* serialises loads; protects below */
static u64 ssa_crl_loads;

static void ssa_crl_free_work(struct work_struct *work)
{
	struct ssa_crl_set *s = container_of(to_rcu_work(work), struct ssa_crl_set,
					     free_work);

	mbedtls_x509_crl_free(&s->crl);
	kfree(s);
}

static void ssa_crl_release(struct kref *ref)
{
	struct ssa_crl_set *s = container_of(ref, struct ssa_crl_set, ref);

	INIT_RCU_WORK(&s->free_work, ssa_crl_free_work);
	queue_rcu_work(ssa_wq, &s->free_work);
}

/**
 * ssa_crl_put() - drop a reference to a set
 * @s: the set, or NULL
 */
void ssa_crl_put(struct ssa_crl_set *s)
{
	if (s)
		kref_put(&s->ref, ssa_crl_release);
}

/**
 * ssa_crl_get() - a reference to the CRLs in use
 *
 * Return: the set (put it with ssa_crl_put()), or NULL if none is loaded.
 */
struct ssa_crl_set *ssa_crl_get(void)
{
	struct ssa_crl_set *s;

	rcu_read_lock();
	s = rcu_dereference(ssa_crls);
	if (s && !kref_get_unless_zero(&s->ref))
		s = NULL;
	rcu_read_unlock();
	return s;
}

/**
 * ssa_crl_list() - the CRLs of a set, for mbedTLS
 * @s: the set, or NULL
 *
 * Return: the first CRL of the list, or NULL.
 */
mbedtls_x509_crl *ssa_crl_list(struct ssa_crl_set *s)
{
	return s ? &s->crl : NULL;
}

/**
 * ssa_crl_gen() - which load made a set
 * @s: the set, or NULL
 *
 * Return: its generation, 0 for none.
 */
u64 ssa_crl_gen(const struct ssa_crl_set *s)
{
	return s ? s->gen : 0;
}

/* Two names as encoded (DER), byte for byte. */
static bool ssa_crl_same_name(const mbedtls_x509_buf *a, const mbedtls_x509_buf *b)
{
	return a->len == b->len && !memcmp(a->p, b->p, a->len);
}

/**
 * ssa_crl_from_issuer() - is there a CRL of a certificate's issuer?
 * @s: the set, or NULL
 * @crt: the certificate
 *
 * Compares the issuer names as encoded; mbedTLS, which compares them
 * as names, may find a CRL this does not, never the reverse.
 *
 * Return: true if @s has a CRL whose issuer is @crt's.
 */
bool ssa_crl_from_issuer(const struct ssa_crl_set *s, const mbedtls_x509_crt *crt)
{
	const mbedtls_x509_crl *c;

	for (c = s ? &s->crl : NULL; c && c->version; c = c->next)
		if (ssa_crl_same_name(&c->issuer_raw, &crt->issuer_raw))
			return true;
	return false;
}

/* Under "lock", CRLs can still be refreshed, not taken back: each issuer
 * of the set in use keeps a CRL at least as recent.  (Otherwise root could
 * clear them, or put back an older CRL that is still valid, and undo a
 * revocation that lock should keep.)
 */
static bool ssa_crl_keeps(const struct ssa_crl_set *new, const struct ssa_crl_set *old)
{
	const mbedtls_x509_crl *o, *n;

	for (o = old ? &old->crl : NULL; o && o->version; o = o->next) {
		for (n = new ? &new->crl : NULL; n && n->version; n = n->next)
			if (ssa_crl_same_name(&n->issuer_raw, &o->issuer_raw) &&
			    mbedtls_x509_time_cmp(&n->this_update, &o->this_update) >= 0)
				break;
		if (!n || !n->version)
			return false;
	}
	return true;
}

/**
 * ssa_crl_replace() - replace the CRLs in use (securityfs "crl")
 * @pem: NUL-terminated PEM, zero or more "X509 CRL" blocks; white space
 *	at its end is trimmed in place
 * @len: bytes in @pem, without the NUL
 * @locked: the policy is locked: refuse to drop an issuer or go back
 *
 * Every block must parse, or nothing changes.  Sessions made under the
 * old set are never offered again (their keys name its generation); the
 * caller frees them (ssa_session_flush()).
 *
 * Return: 0, -EINVAL (a CRL that does not parse, or text after the
 * last), -E2BIG (more than SSA_CRL_MAX), -EPERM (@locked and an issuer
 * dropped or an older CRL) or -ENOMEM.
 */
int ssa_crl_replace(char *pem, size_t len, bool locked)
{
	struct ssa_crl_set *s = NULL, *old;
	const mbedtls_x509_crl *c;
	unsigned int count = 0;
	size_t end;
	char why[96];
	int ret;

	/* mbedTLS takes one newline after the last block, no more. */
	end = len;
	while (len && isspace(pem[len - 1]))
		len--;
	if (len && len < end) {
		pem[len++] = '\n';
		pem[len] = '\0';
	}
	if (len) {
		s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
		if (!s)
			return -ENOMEM;
		kref_init(&s->ref);
		mbedtls_x509_crl_init(&s->crl);
		ret = mbedtls_x509_crl_parse(&s->crl, (const u8 *)pem, len + 1);
		for (c = &s->crl; !ret && c && c->version; c = c->next)
			count = ++s->count;
		if (!ret && !s->count)
			ret = MBEDTLS_ERR_X509_INVALID_FORMAT;
		if (ret || s->count > SSA_CRL_MAX) {
			if (ret)
				mbedtls_strerror(ret, why, sizeof(why));
			pr_warn("CRLs not replaced: %s\n", ret ? why : "more than 256 CRLs");
			mbedtls_x509_crl_free(&s->crl);
			kfree(s);
			if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED)
				return -ENOMEM;
			return ret ? -EINVAL : -E2BIG;
		}
	}
	mutex_lock(&ssa_crl_lock);
	old = rcu_dereference_protected(ssa_crls, lockdep_is_held(&ssa_crl_lock));
	if (locked && !ssa_crl_keeps(s, old)) {
		mutex_unlock(&ssa_crl_lock);
		pr_warn("CRLs not replaced: locked, and an issuer's CRL would go or get older\n");
		ssa_crl_put(s);
		return -EPERM;
	}
	if (s)
		s->gen = ++ssa_crl_loads;
	rcu_assign_pointer(ssa_crls, s);
	mutex_unlock(&ssa_crl_lock);
	ssa_crl_put(old);
	pr_info("%u CRLs loaded by the administrator\n", count);
	return 0;
}

static void ssa_crl_put_time(struct seq_file *m, const char *key, const mbedtls_x509_time *t)
{
	seq_printf(m, " %s=%04d-%02d-%02dT%02d:%02d:%02dZ", key, t->year, t->mon, t->day,
		   t->hour, t->min, t->sec);
}

static unsigned int ssa_crl_entries(const mbedtls_x509_crl *c)
{
	const mbedtls_x509_crl_entry *e;
	unsigned int n = 0;

	for (e = &c->entry; e && e->raw.p; e = e->next)
		n++;
	return n;
}

/* A CRL past its nextUpdate; mbedTLS takes one without as stale too. */
static bool ssa_crl_stale(const mbedtls_x509_crl *c)
{
	return !c->next_update.year || mbedtls_x509_time_is_past(&c->next_update);
}

/**
 * ssa_crl_show() - list the CRLs in use (securityfs "crl")
 * @m: the output: one line per CRL, "key=value" fields separated by
 *	spaces, the issuer last (it may hold spaces):
 *	"this_update=T next_update=T revoked=N stale=0|1 issuer=DN"
 * @v: unused
 *
 * Return: 0.
 */
int ssa_crl_show(struct seq_file *m, void *v)
{
	struct ssa_crl_set *s = ssa_crl_get();
	const mbedtls_x509_crl *c;
	char dn[256];

	for (c = ssa_crl_list(s); c && c->version; c = c->next) {
		if (mbedtls_x509_dn_gets(dn, sizeof(dn), &c->issuer) < 0)
			strscpy(dn, "?", sizeof(dn));
		ssa_crl_put_time(m, "this_update", &c->this_update);
		if (c->next_update.year)
			ssa_crl_put_time(m, "next_update", &c->next_update);
		else
			seq_puts(m, " next_update=none");
		seq_printf(m, " revoked=%u stale=%d issuer=%s\n", ssa_crl_entries(c),
			   ssa_crl_stale(c), dn);
	}
	ssa_crl_put(s);
	return 0;
}

/**
 * ssa_crl_stats() - how many CRLs are loaded, and how many are stale
 * @loaded: out: CRLs in use
 * @stale: out: of those, past their nextUpdate
 */
void ssa_crl_stats(unsigned int *loaded, unsigned int *stale)
{
	struct ssa_crl_set *s = ssa_crl_get();
	const mbedtls_x509_crl *c;

	*loaded = *stale = 0;
	for (c = ssa_crl_list(s); c && c->version; c = c->next) {
		(*loaded)++;
		*stale += ssa_crl_stale(c);
	}
	ssa_crl_put(s);
}

/**
 * ssa_crl_exit() - drop the CRLs in use
 *
 * Called before ssa_trust_exit(), whose barrier and flush wait for the
 * set's free work too.
 */
void ssa_crl_exit(void)
{
	struct ssa_crl_set *old;

	mutex_lock(&ssa_crl_lock);
	old = rcu_replace_pointer(ssa_crls, NULL, lockdep_is_held(&ssa_crl_lock));
	mutex_unlock(&ssa_crl_lock);
	ssa_crl_put(old);
}
