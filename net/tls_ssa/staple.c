// SPDX-License-Identifier: GPL-2.0
/*
 * OCSP staples from the administrator (securityfs "ocsp"), which SSA
 * servers send to the clients that ask (mbedTLS patch 0012).
 *
 * The kernel fetches nothing: "ssactl ocsp fetch" asks the responder in
 * userspace (openssl ocsp), and "ssactl ocsp load" writes every staple at
 * once, as PEM: each "OCSP RESPONSE" block follows the "CERTIFICATE" of
 * the CA that issued the certificate it is about.  The text replaces the
 * set in use; a text with no block empties it.  A response is taken only
 * if it would pass an SSA client's own check (ocsp.c) now: signed by that
 * CA or its delegated responder, about one of its certificates, current;
 * a server that staples what its clients refuse fails its handshakes.
 *
 * A handshake staples the response about its end-entity certificate:
 * same serial, same issuer name and, where both certificates say, the
 * same issuer key identifier; not past its nextUpdate; not signed by a
 * responder that holds the certificate's own key.  Sets are
 * immutable once published and reference counted, as CRL sets are.
 */

#include <linux/slab.h>
#include <linux/kref.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/seq_file.h>
#include <linux/ctype.h>
#include <linux/timekeeping.h>
#include <linux/time.h>

#include "tls_ssa.h"
#include "ssa_mbedtls.h"

#define SSA_STAPLE_MAX		64	/* staples in a set */
/* What one TLS 1.3 Certificate message or TLS 1.2 CertificateStatus
 * message has room for next to a certificate chain (mbedTLS's 16 KiB).
 */
#define SSA_STAPLE_DER_MAX	(8 << 10)

#define SSA_PEM_CRT_BEGIN	"-----BEGIN CERTIFICATE-----"
#define SSA_PEM_CRT_END		"-----END CERTIFICATE-----"
#define SSA_PEM_OCSP_BEGIN	"-----BEGIN OCSP RESPONSE-----"
#define SSA_PEM_OCSP_END	"-----END OCSP RESPONSE-----"

/**
 * struct ssa_staple - one OCSP response, with the CA it is about
 * @issuer: the CA that issued the certificate
 * @der: the OCSPResponse, as it is sent
 * @len: its length
 * @info: its serial (into @der) and validity
 * @status: SSA_OCSP_GOOD, _REVOKED or _UNKNOWN
 */
struct ssa_staple {
	mbedtls_x509_crt issuer;
	u8 *der;
	size_t len;
	struct ssa_ocsp_info info;
	int status;
};

/**
 * struct ssa_staple_set - the administrator's staples
 * @ref: references: the publisher's plus one per lookup
 * @free_work: frees the set in process context after a grace period
 * @count: staples in @s
 * @s: the staples
 */
struct ssa_staple_set {
	struct kref ref;
	struct rcu_work free_work;
	unsigned int count;
	struct ssa_staple s[];
};

static struct ssa_staple_set __rcu *ssa_staples;
static DEFINE_MUTEX(ssa_staple_lock);	/* serialises replacements */

static void ssa_staple_free(struct ssa_staple_set *set)
{
	unsigned int i;

	for (i = 0; i < set->count; i++) {
		mbedtls_x509_crt_free(&set->s[i].issuer);
		kfree(set->s[i].der);
	}
	kvfree(set);
}

static void ssa_staple_free_work(struct work_struct *work)
{
	ssa_staple_free(container_of(to_rcu_work(work), struct ssa_staple_set, free_work));
}

static void ssa_staple_release(struct kref *ref)
{
	struct ssa_staple_set *set = container_of(ref, struct ssa_staple_set, ref);

	INIT_RCU_WORK(&set->free_work, ssa_staple_free_work);
	queue_rcu_work(ssa_wq, &set->free_work);
}

static void ssa_staple_put(struct ssa_staple_set *set)
{
	if (set)
		kref_put(&set->ref, ssa_staple_release);
}

static struct ssa_staple_set *ssa_staple_get(void)
{
	struct ssa_staple_set *set;

	rcu_read_lock();
	set = rcu_dereference(ssa_staples);
	if (set && !kref_get_unless_zero(&set->ref))
		set = NULL;
	rcu_read_unlock();
	return set;
}

/* One PEM block of @label at *@p (white space first), decoded into @pem;
 * *@p moves past it.  1: found, 0: another block or the end is there,
 * or a negative errno.
 */
static int ssa_staple_block(const char **p, const char *begin, const char *end,
			    mbedtls_pem_context *pem)
{
	size_t used;
	int ret;

	while (isspace(**p))
		(*p)++;
	if (strncmp(*p, begin, strlen(begin)))
		return 0;
	mbedtls_pem_init(pem);
	ret = mbedtls_pem_read_buffer(pem, begin, end, (const u8 *)*p, NULL, 0, &used);
	if (ret) {
		mbedtls_pem_free(pem);
		return ret == MBEDTLS_ERR_PEM_ALLOC_FAILED ? -ENOMEM : -EINVAL;
	}
	*p += used;
	return 1;
}

/* The next CERTIFICATE and OCSP RESPONSE pair of @p into @st: 1, 0 at
 * the end of the text, or a negative errno (@why says what was wrong).
 */
static int ssa_staple_parse_one(const char **p, struct ssa_staple *st, time64_t now,
				const char **why)
{
	mbedtls_pem_context pem;
	const u8 *der;
	size_t len;
	int ret;

	mbedtls_x509_crt_init(&st->issuer);
	ret = ssa_staple_block(p, SSA_PEM_CRT_BEGIN, SSA_PEM_CRT_END, &pem);
	if (ret <= 0) {
		*why = "expected a CERTIFICATE block (the issuer) or the end of the text";
		return ret ?: (**p ? -EINVAL : 0);
	}
	der = mbedtls_pem_get_buffer(&pem, &len);
	ret = ssa_x509_crt_parse_der(&st->issuer, der, len);
	mbedtls_pem_free(&pem);
	if (ret) {
		*why = "an issuer certificate does not parse";
		return ret == MBEDTLS_ERR_X509_ALLOC_FAILED ? -ENOMEM : -EINVAL;
	}
	ret = ssa_staple_block(p, SSA_PEM_OCSP_BEGIN, SSA_PEM_OCSP_END, &pem);
	if (ret <= 0) {
		*why = "an issuer certificate is not followed by an OCSP RESPONSE block";
		return ret ?: -EINVAL;
	}
	der = mbedtls_pem_get_buffer(&pem, &len);
	if (len > SSA_STAPLE_DER_MAX) {
		mbedtls_pem_free(&pem);
		*why = "an OCSP response is over 8 KiB";
		return -E2BIG;
	}
	/* The PEM context's buffer is mbedTLS's: keep a copy of our own. */
	st->der = kmemdup(der, len, GFP_KERNEL_ACCOUNT);
	mbedtls_pem_free(&pem);
	if (!st->der) {
		*why = "out of memory";
		return -ENOMEM;
	}
	st->len = len;
	ret = ssa_ocsp_inspect(st->der, st->len, &st->issuer, now, &st->info, why);
	if (ret < 0)
		return ret == -ENOMEM ? ret : -EINVAL;
	st->status = ret;
	return 1;
}

/**
 * ssa_staple_replace() - replace the OCSP staples (securityfs "ocsp")
 * @pem: NUL-terminated text: pairs of a "CERTIFICATE" block, the issuer,
 *	and an "OCSP RESPONSE" block, white space between them
 * @len: bytes in @pem, without the NUL
 *
 * Every pair must be taken (see the top of this file), or nothing
 * changes; why not is logged.
 *
 * Return: 0, -EINVAL (a block that does not parse or is out of order, or
 * a response an SSA client would refuse now), -E2BIG (over
 * SSA_STAPLE_MAX pairs or a response over SSA_STAPLE_DER_MAX), -ENOMEM.
 */
int ssa_staple_replace(char *pem, size_t len)
{
	struct ssa_staple_set *set, *old;
	time64_t now = ktime_get_real_seconds();
	const char *p = pem, *why = NULL;
	unsigned int count;
	int ret;

	set = kvzalloc(struct_size(set, s, SSA_STAPLE_MAX), GFP_KERNEL_ACCOUNT);
	if (!set)
		return -ENOMEM;
	kref_init(&set->ref);
	for (;;) {
		if (set->count == SSA_STAPLE_MAX) {
			while (isspace(*p))
				p++;
			ret = *p ? -E2BIG : 0;
			why = "more than 64 staples";
			break;
		}
		/* Counted first, so that a failure frees what it began. */
		ret = ssa_staple_parse_one(&p, &set->s[set->count++], now, &why);
		if (ret <= 0) {
			if (!ret)
				set->count--;
			break;
		}
	}
	if (ret) {
		pr_warn("OCSP staples not replaced: staple %u: %s\n", set->count, why);
		ssa_staple_free(set);
		return ret;
	}
	count = set->count;	/* once published, the set may go at any time */
	if (!count) {
		ssa_staple_free(set);
		set = NULL;
	}
	mutex_lock(&ssa_staple_lock);
	old = rcu_replace_pointer(ssa_staples, set, lockdep_is_held(&ssa_staple_lock));
	mutex_unlock(&ssa_staple_lock);
	ssa_staple_put(old);
	pr_info("%u OCSP staples loaded by the administrator\n", count);
	return 0;
}

/* Is @st about @leaf, and current? */
static bool ssa_staple_is_for(const struct ssa_staple *st, const mbedtls_x509_crt *leaf,
			      time64_t now)
{
	const mbedtls_x509_buf *akid = &leaf->authority_key_id.keyIdentifier;
	const mbedtls_x509_buf *skid = &st->issuer.subject_key_id;

	if (now >= st->info.expiry || st->info.serial_len != leaf->serial.len ||
	    memcmp(st->info.serial, leaf->serial.p, leaf->serial.len) ||
	    st->issuer.subject_raw.len != leaf->issuer_raw.len ||
	    memcmp(st->issuer.subject_raw.p, leaf->issuer_raw.p, leaf->issuer_raw.len))
		return false;
	/* Two CAs may share a name: their key identifiers tell them apart,
	 * and so does the issuer's key where the chain sent carries it.
	 */
	if (akid->len && skid->len && (akid->len != skid->len || memcmp(akid->p, skid->p, akid->len)))
		return false;
	if (leaf->next && leaf->next->subject_raw.len == leaf->issuer_raw.len &&
	    !memcmp(leaf->next->subject_raw.p, leaf->issuer_raw.p, leaf->issuer_raw.len) &&
	    (leaf->next->pk_raw.len != st->issuer.pk_raw.len ||
	     memcmp(leaf->next->pk_raw.p, st->issuer.pk_raw.p, st->issuer.pk_raw.len)))
		return false;
	/* Nor would a client believe a responder holding the leaf's key. */
	return !(st->info.signer_key_len == leaf->pk_raw.len &&
		 !memcmp(st->info.signer_key, leaf->pk_raw.p, leaf->pk_raw.len));
}

/**
 * ssa_staple_for() - the staple for a server's certificate
 * @leaf: the end-entity certificate the handshake presents
 * @der: out: a copy of the response from mbedtls_calloc() (mbedTLS frees
 *	it with the handshake), or NULL if there is none
 * @len: out: its length
 *
 * Return: 0, or -ENOMEM.
 */
int ssa_staple_for(const mbedtls_x509_crt *leaf, u8 **der, size_t *len)
{
	struct ssa_staple_set *set = ssa_staple_get();
	time64_t now = ktime_get_real_seconds();
	unsigned int i;
	int ret = 0;

	*der = NULL;
	*len = 0;
	for (i = 0; set && i < set->count; i++) {
		if (!ssa_staple_is_for(&set->s[i], leaf, now))
			continue;
		*der = mbedtls_calloc(1, set->s[i].len);
		if (!*der) {
			ret = -ENOMEM;
			break;
		}
		memcpy(*der, set->s[i].der, set->s[i].len);
		*len = set->s[i].len;
		break;
	}
	ssa_staple_put(set);
	return ret;
}

/* " KEY=YYYY-MM-DDTHH:MM:SSZ", as the crl file has its times. */
static void ssa_staple_put_time(struct seq_file *m, const char *key, time64_t t)
{
	struct tm tm;

	time64_to_tm(t, 0, &tm);
	seq_printf(m, " %s=%04ld-%02d-%02dT%02d:%02d:%02dZ", key, tm.tm_year + 1900,
		   tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/**
 * ssa_staple_show() - list the staples (securityfs "ocsp")
 * @m: the output: one line per staple, "key=value" fields separated by
 *	spaces, the issuer last (it may hold spaces):
 *	"serial=HEX status=good|revoked|unknown this_update=T expiry=T
 *	expired=0|1 issuer=DN"
 * @v: unused
 *
 * Return: 0.
 */
int ssa_staple_show(struct seq_file *m, void *v)
{
	static const char *const status[] = {
		[SSA_OCSP_GOOD] = "good",
		[SSA_OCSP_REVOKED] = "revoked",
		[SSA_OCSP_UNKNOWN] = "unknown",
	};
	struct ssa_staple_set *set = ssa_staple_get();
	time64_t now = ktime_get_real_seconds();
	const struct ssa_staple *st;
	unsigned int i;
	char dn[256];

	for (i = 0; set && i < set->count; i++) {
		st = &set->s[i];
		if (mbedtls_x509_dn_gets(dn, sizeof(dn), &st->issuer.subject) < 0)
			strscpy(dn, "?", sizeof(dn));
		seq_printf(m, "serial=%*phN status=%s", (int)min_t(size_t, st->info.serial_len, 64),
			   st->info.serial, status[st->status]);
		ssa_staple_put_time(m, "this_update", st->info.this_update);
		ssa_staple_put_time(m, "expiry", st->info.expiry);
		seq_printf(m, " expired=%d issuer=%s\n", now >= st->info.expiry, dn);
	}
	ssa_staple_put(set);
	return 0;
}

/**
 * ssa_staple_exit() - drop the staples in use
 *
 * Called before ssa_trust_exit(), whose barrier and flush wait for the
 * set's free work too.
 */
void ssa_staple_exit(void)
{
	struct ssa_staple_set *old;

	mutex_lock(&ssa_staple_lock);
	old = rcu_replace_pointer(ssa_staples, NULL, lockdep_is_held(&ssa_staple_lock));
	mutex_unlock(&ssa_staple_lock);
	ssa_staple_put(old);
}
