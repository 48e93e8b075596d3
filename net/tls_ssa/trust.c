// SPDX-License-Identifier: GPL-2.0
/*
 * Trust anchors: the system store (read once at load from the Debian CA
 * bundle) and per-socket pinned anchors (TLS_TRUSTED_PEER_CERTIFICATES).
 *
 * A store is immutable once published and reference counted, so a
 * handshake keeps using the store it started with even if the system
 * store is replaced underneath it (the policy work will do that).
 */

#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/kref.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/cred.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/fs_struct.h>

#include "tls_ssa.h"
#include "ssa_mbedtls.h"

#define SSA_SYSTEM_BUNDLE	"/etc/ssl/certs/ca-certificates.crt"
#define SSA_PEM_MAX		(4 << 20)

/**
 * struct ssa_trust - a set of trust anchors
 * @ref: references: the publisher's plus one per user
 * @free_work: frees the store in process context after a grace period
 *	(freeing mbedTLS objects may sleep)
 * @count: certificates parsed
 * @digest: SHA-256 over the certificates, identifying the set
 * @pinned_node: on ssa_pinned, if the store was pinned by a program
 * @pem_digest: SHA-256 of the PEM text it was pinned from
 * @crt: the certificates, a chain in mbedTLS's sense
 */
struct ssa_trust {
	struct kref ref;
	struct rcu_work free_work;
	int count;
	u8 digest[SSA_SESSION_KEY_LEN];
	struct list_head pinned_node;
	u8 pem_digest[SSA_SESSION_KEY_LEN];
	mbedtls_x509_crt crt;
};

static struct ssa_trust __rcu *ssa_system_trust;
/* Pinned stores, shared by the text they were parsed from: a thousand
 * sockets pinning the same bundle hold one parsed copy.  Bottom halves:
 * the last reference may go in sk_destruct.
 */
static LIST_HEAD(ssa_pinned);
static DEFINE_SPINLOCK(ssa_pinned_lock);
static DEFINE_MUTEX(ssa_trust_lock);	/* serialises publishing */

/* The whole of an open regular file, NUL-terminated. */
static void *ssa_read_filp(struct file *f, size_t *len)
{
	loff_t size = i_size_read(file_inode(f)), pos = 0;
	char *buf;
	ssize_t n;

	if (!S_ISREG(file_inode(f)->i_mode) || size <= 0 || size > SSA_PEM_MAX)
		return ERR_PTR(size > SSA_PEM_MAX ? -EFBIG : -EINVAL);
	buf = kvmalloc(size + 1, GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	while (pos < size) {
		n = kernel_read(f, buf + pos, size - pos, &pos);
		if (n <= 0)
			break;
	}
	buf[pos] = '\0';
	*len = pos;
	return buf;
}

/**
 * ssa_read_file() - read a whole file as the calling process
 * @path: absolute path
 * @len: out: bytes read
 *
 * Opens with the caller's credentials in the caller's namespaces, so a
 * process cannot use a file it could not read itself.  The buffer is
 * NUL-terminated (for PEM parsing) and must be released with
 * kvfree_sensitive(buf, *len + 1).
 *
 * Return: the contents, or an ERR_PTR.
 */
void *ssa_read_file(const char *path, size_t *len)
{
	struct file *f;
	void *buf;

	/* O_NONBLOCK: a FIFO must not hold the caller (it is refused below). */
	f = filp_open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
	if (IS_ERR(f))
		return f;
	buf = ssa_read_filp(f, len);
	fput(f);
	return buf;
}

/**
 * ssa_init_path() - look a path up as the administrator sees it
 * @name: absolute path
 * @out: the result; path_put() it
 *
 * Resolves from init's root, in the initial mount namespace, with the
 * kernel's credentials: a mount the caller made in a namespace of its own
 * (unshare -Urm, then mount --bind over the path) is not on the way, and
 * directories the caller cannot search are.  Symbolic links are followed,
 * within that root.  Only for paths the administrator's policy names.
 *
 * Return: 0 or a negative errno.
 */
int ssa_init_path(const char *name, struct path *out)
{
	const struct cred *old;
	struct cred *kcred;
	struct path root;
	struct file *f;

	if (name[0] != '/')
		return -EINVAL;
	kcred = prepare_kernel_cred(&init_task);
	if (!kcred)
		return -ENOMEM;
	task_lock(&init_task);
	get_fs_root(init_task.fs, &root);
	task_unlock(&init_task);
	/* O_PATH: a lookup, nothing of the file's own is opened. */
	old = override_creds(kcred);
	f = file_open_root(&root, name, O_PATH, 0);
	revert_creds(old);
	put_cred(kcred);
	path_put(&root);
	if (IS_ERR(f))
		return PTR_ERR(f);
	*out = f->f_path;
	path_get(out);
	fput(f);
	return 0;
}

static void ssa_trust_free_work(struct work_struct *work)
{
	struct ssa_trust *t = container_of(to_rcu_work(work), struct ssa_trust,
					   free_work);

	mbedtls_x509_crt_free(&t->crt);
	kfree(t);
}

static void ssa_trust_release(struct kref *ref)
{
	struct ssa_trust *t = container_of(ref, struct ssa_trust, ref);

	if (!list_empty(&t->pinned_node)) {
		spin_lock_bh(&ssa_pinned_lock);
		list_del(&t->pinned_node);
		spin_unlock_bh(&ssa_pinned_lock);
	}
	INIT_RCU_WORK(&t->free_work, ssa_trust_free_work);
	queue_rcu_work(ssa_wq, &t->free_work);
}

/**
 * ssa_trust_put() - drop a reference to a store
 * @t: the store, or NULL
 */
void ssa_trust_put(struct ssa_trust *t)
{
	if (t)
		kref_put(&t->ref, ssa_trust_release);
}

/**
 * ssa_trust_get() - take another reference to a store
 * @t: the store, or NULL
 *
 * Return: @t.
 */
struct ssa_trust *ssa_trust_get(struct ssa_trust *t)
{
	if (t)
		kref_get(&t->ref);
	return t;
}

/**
 * ssa_trust_chain() - the certificates of a store, for mbedTLS
 * @t: the store
 *
 * Return: the first certificate of the chain.
 */
mbedtls_x509_crt *ssa_trust_chain(struct ssa_trust *t)
{
	return &t->crt;
}

/**
 * ssa_trust_parse() - build a store from PEM text
 * @pem: NUL-terminated PEM, one or more certificates
 * @len: bytes in @pem, without the NUL
 * @err: out: a reason in words on failure
 *
 * Certificates mbedTLS cannot parse are skipped; at least one must parse.
 *
 * Return: a store with one reference, or an ERR_PTR.
 */
struct ssa_trust *ssa_trust_parse(const char *pem, size_t len, const char **err)
{
	const mbedtls_x509_crt *c;
	mbedtls_sha256_context h;
	struct ssa_trust *t;
	long nomem;
	int ret;

	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return ERR_PTR(-ENOMEM);
	kref_init(&t->ref);
	INIT_LIST_HEAD(&t->pinned_node);
	mbedtls_x509_crt_init(&t->crt);
	nomem = ssa_mbedtls_alloc_failures();
	ret = ssa_x509_crt_parse(&t->crt, (const u8 *)pem, len + 1);
	/* Certificates it could not parse are skipped, unless for memory. */
	if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED || (ret && ssa_mbedtls_alloc_failures() != nomem))
		ret = MBEDTLS_ERR_X509_ALLOC_FAILED;
	if (ret < 0 || !t->crt.raw.p) {
		*err = ret == MBEDTLS_ERR_X509_ALLOC_FAILED ? "out of memory" :
		       "no certificate could be parsed";
		mbedtls_x509_crt_free(&t->crt);
		kfree(t);
		return ERR_PTR(ret == MBEDTLS_ERR_X509_ALLOC_FAILED ? -ENOMEM : -EINVAL);
	}
	mbedtls_sha256_init(&h);
	mbedtls_sha256_starts(&h, 0);
	for (c = &t->crt; c && c->raw.p; c = c->next) {
		mbedtls_sha256_update(&h, c->raw.p, c->raw.len);
		t->count++;
	}
	mbedtls_sha256_finish(&h, t->digest);
	mbedtls_sha256_free(&h);
	return t;
}

/**
 * ssa_trust_pinned() - a program's own anchors (TLS_TRUSTED_PEER_CERTIFICATES)
 * @pem: NUL-terminated PEM, one or more certificates
 * @len: bytes in @pem, without the NUL
 * @err: out: a reason in words on failure
 *
 * The same text pinned again, by any socket, shares the store parsed the
 * first time; it is charged to the memory cgroup of the first.
 *
 * Return: a store with a reference for the caller, or an ERR_PTR.
 */
struct ssa_trust *ssa_trust_pinned(const char *pem, size_t len, const char **err)
{
	u8 d[SSA_SESSION_KEY_LEN];
	struct ssa_trust *t;

	if (mbedtls_sha256((const u8 *)pem, len, d, 0)) {
		*err = "cannot hash the certificates";
		return ERR_PTR(-EINVAL);
	}
	spin_lock_bh(&ssa_pinned_lock);
	list_for_each_entry(t, &ssa_pinned, pinned_node) {
		if (!memcmp(t->pem_digest, d, sizeof(d)) && kref_get_unless_zero(&t->ref)) {
			spin_unlock_bh(&ssa_pinned_lock);
			return t;
		}
	}
	spin_unlock_bh(&ssa_pinned_lock);
	t = ssa_trust_parse(pem, len, err);
	if (IS_ERR(t))
		return t;
	memcpy(t->pem_digest, d, sizeof(d));
	spin_lock_bh(&ssa_pinned_lock);
	list_add(&t->pinned_node, &ssa_pinned);
	spin_unlock_bh(&ssa_pinned_lock);
	return t;
}

/**
 * ssa_trust_digest() - what identifies a set of anchors
 * @t: the store, or NULL
 *
 * Return: SSA_SESSION_KEY_LEN bytes (zeros for no store).
 */
const u8 *ssa_trust_digest(const struct ssa_trust *t)
{
	static const u8 none[SSA_SESSION_KEY_LEN];

	return t ? t->digest : none;
}

/**
 * ssa_trust_system() - a reference to the system store
 *
 * Return: the store (put it with ssa_trust_put()), or NULL if none.
 */
struct ssa_trust *ssa_trust_system(void)
{
	struct ssa_trust *t;

	rcu_read_lock();
	t = rcu_dereference(ssa_system_trust);
	if (t && !kref_get_unless_zero(&t->ref))
		t = NULL;
	rcu_read_unlock();
	return t;
}

/* Publish @t as the system store; takes over the caller's reference. */
static void ssa_trust_publish(struct ssa_trust *t)
{
	struct ssa_trust *old;

	mutex_lock(&ssa_trust_lock);
	old = rcu_replace_pointer(ssa_system_trust, t,
				  lockdep_is_held(&ssa_trust_lock));
	mutex_unlock(&ssa_trust_lock);
	ssa_trust_put(old);
}

/**
 * ssa_read_file_granted() - read a file the policy grants a program
 * @path: absolute path, as the policy names it
 * @len: out: bytes read
 *
 * The administrator's grant stands in for the program's own permission
 * (design.rst §6 key grants), so the file is the one the administrator named:
 * @path is resolved from init's root in the initial mount namespace
 * (ssa_init_path()), must be a regular file before anything is opened,
 * and is opened with the kernel's credentials.
 *
 * Return: as ssa_read_file().
 */
void *ssa_read_file_granted(const char *path, size_t *len)
{
	struct cred *kcred;
	struct path p;
	struct file *f;
	void *buf;
	int err;

	err = ssa_init_path(path, &p);
	if (err)
		return ERR_PTR(err);
	if (!d_is_reg(p.dentry)) {
		buf = ERR_PTR(-EINVAL);
		goto out_path;
	}
	kcred = prepare_kernel_cred(&init_task);
	if (!kcred) {
		buf = ERR_PTR(-ENOMEM);
		goto out_path;
	}
	f = dentry_open(&p, O_RDONLY | O_NOCTTY | O_NONBLOCK, kcred);
	put_cred(kcred);
	if (IS_ERR(f)) {
		buf = f;
		goto out_path;
	}
	buf = ssa_read_filp(f, len);
	fput(f);
out_path:
	path_put(&p);
	return buf;
}

/**
 * ssa_trust_replace() - replace the system store (securityfs "trust")
 * @pem: the new bundle, NUL-terminated
 * @len: its length
 *
 * Return: 0, or -EINVAL (nothing parsed) / -ENOMEM; the old store stays.
 */
int ssa_trust_replace(const char *pem, size_t len)
{
	const char *why = NULL;
	struct ssa_trust *t;

	t = ssa_trust_parse(pem, len, &why);
	if (IS_ERR(t)) {
		pr_warn("trust store not replaced: %s\n", why);
		return PTR_ERR(t);
	}
	pr_info("%d trust anchors loaded by the administrator\n", t->count);
	ssa_trust_publish(t);
	return 0;
}

/**
 * ssa_trust_show() - list the system anchors (securityfs "trust")
 * @m: the output: one "NOT_AFTER SUBJECT" line per anchor
 * @v: unused
 *
 * Return: 0.
 */
int ssa_trust_show(struct seq_file *m, void *v)
{
	struct ssa_trust *t = ssa_trust_system();
	const mbedtls_x509_crt *c;
	char dn[256];

	for (c = t ? &t->crt : NULL; c && c->raw.p; c = c->next) {
		if (mbedtls_x509_dn_gets(dn, sizeof(dn), &c->subject) < 0)
			strscpy(dn, "?", sizeof(dn));
		seq_printf(m, "%04d-%02d-%02dT%02d:%02d:%02dZ %s\n", c->valid_to.year,
			   c->valid_to.mon, c->valid_to.day, c->valid_to.hour,
			   c->valid_to.min, c->valid_to.sec, dn);
	}
	ssa_trust_put(t);
	return 0;
}

/**
 * ssa_trust_init() - load the system bundle, if the machine has one
 *
 * Without a bundle every verified handshake fails (closed), unless the
 * socket pins its own anchors.
 */
void ssa_trust_init(void)
{
	const char *why = NULL;
	struct ssa_trust *t;
	size_t len = 0;
	char *pem;

	pem = ssa_read_file(SSA_SYSTEM_BUNDLE, &len);
	if (IS_ERR(pem)) {
		pr_warn("no system trust store (%s: %ld)\n",
			SSA_SYSTEM_BUNDLE, PTR_ERR(pem));
		return;
	}
	t = ssa_trust_parse(pem, len, &why);
	kvfree(pem);
	if (IS_ERR(t)) {
		pr_warn("%s: %s\n", SSA_SYSTEM_BUNDLE, why);
		return;
	}
	pr_info("%d trust anchors from %s\n", t->count, SSA_SYSTEM_BUNDLE);
	ssa_trust_publish(t);
}

/**
 * ssa_trust_exit() - drop the system store
 */
void ssa_trust_exit(void)
{
	ssa_trust_publish(NULL);
	/* The last store's free work must finish before the module goes. */
	rcu_barrier();
	flush_workqueue(ssa_wq);
}
