// SPDX-License-Identifier: GPL-2.0
/*
 * The administrator's policy in the kernel (design.rst §6).
 *
 * One immutable policy object is active at a time, published with RCU.
 * A write parses the new text into a fresh object (policy_parse.c) and
 * swaps it in only if it is valid; otherwise the old one stays and the
 * reason, with its line, is kept for the "last_error" file.  Sockets read
 * the policy when an option is set and when a handshake starts, so a new
 * policy applies to new handshakes and leaves established connections
 * alone.  "lock" freezes the policy and the trust store until reboot.
 */

#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/mutex.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/fs.h>
#include <linux/namei.h>

#include "tls_ssa.h"

/**
 * struct ssa_policy_obj - a published policy
 * @rcu: frees it after readers are done
 * @gen: which load made it (0: the built-in policy); session.c keys on it
 * @p: the policy
 */
struct ssa_policy_obj {
	struct rcu_head rcu;
	u64 gen;
	struct ssa_policy p;
};

static struct ssa_policy_obj __rcu *ssa_active;
static DEFINE_MUTEX(ssa_policy_lock);	/* one writer; protects below */
static struct ssa_pol_error ssa_last_error;
static bool ssa_locked;
static u64 ssa_generation;		/* loads so far */

static struct ssa_policy_obj *ssa_policy_alloc(void)
{
	return kvzalloc(sizeof(struct ssa_policy_obj), GFP_KERNEL);
}

static void ssa_policy_free_rcu(struct rcu_head *rcu)
{
	kvfree(container_of(rcu, struct ssa_policy_obj, rcu));
}

/**
 * ssa_policy_init() - publish the built-in policy
 *
 * Return: 0 or -ENOMEM.
 */
int ssa_policy_init(void)
{
	struct ssa_policy_obj *o = ssa_policy_alloc();

	if (!o)
		return -ENOMEM;
	ssa_policy_defaults(&o->p);
	rcu_assign_pointer(ssa_active, o);
	return 0;
}

/**
 * ssa_policy_exit() - free the active policy (no reader can be left)
 */
void ssa_policy_exit(void)
{
	struct ssa_policy_obj *o = rcu_replace_pointer(ssa_active, NULL, true);

	synchronize_rcu();
	kvfree(o);
}

/**
 * ssa_policy_load() - parse and activate a new policy
 * @text: the policy text
 * @len: its length
 *
 * Return: 0, -EPERM if locked, -EINVAL/-E2BIG (see ssa_policy_last_error()),
 * or -ENOMEM.
 */
int ssa_policy_load(const char *text, size_t len)
{
	struct ssa_policy_obj *o, *old;
	struct ssa_pol_error err;
	int ret;

	o = ssa_policy_alloc();
	if (!o)
		return -ENOMEM;
	ret = ssa_policy_parse(text, len, &o->p, &err);
	mutex_lock(&ssa_policy_lock);
	if (ssa_locked) {
		ret = -EPERM;
		ssa_last_error.line = 0;
		strscpy(ssa_last_error.msg, "the policy is locked until reboot",
			sizeof(ssa_last_error.msg));
	} else if (ret) {
		ssa_last_error = err;
	} else {
		o->gen = ++ssa_generation;
		old = rcu_replace_pointer(ssa_active, o, lockdep_is_held(&ssa_policy_lock));
		o = NULL;
		ssa_last_error.line = 0;
		ssa_last_error.msg[0] = '\0';
		if (old)
			call_rcu(&old->rcu, ssa_policy_free_rcu);
	}
	mutex_unlock(&ssa_policy_lock);
	kvfree(o);
	/* Sessions made under the old policy can never be offered again
	 * (their keys name its generation): free them now.
	 */
	if (!ret)
		ssa_session_flush();
	return ret;
}

/**
 * ssa_policy_last_error() - why the last write failed
 * @buf: output
 * @size: bytes in @buf
 *
 * Return: length written ("" if the last write succeeded).
 */
int ssa_policy_last_error(char *buf, size_t size)
{
	int n;

	mutex_lock(&ssa_policy_lock);
	if (!ssa_last_error.msg[0])
		n = scnprintf(buf, size, "%s", "");
	else if (ssa_last_error.line)
		n = scnprintf(buf, size, "line %u: %s\n", ssa_last_error.line, ssa_last_error.msg);
	else
		n = scnprintf(buf, size, "%s\n", ssa_last_error.msg);
	mutex_unlock(&ssa_policy_lock);
	return n;
}

/**
 * ssa_policy_show() - the active policy in canonical form
 *
 * Return: a kvmalloc'd NUL-terminated text (kvfree it), or NULL.
 */
char *ssa_policy_show(void)
{
	struct ssa_policy_obj *o;
	char *buf = NULL;
	int need;

	mutex_lock(&ssa_policy_lock);	/* keeps the object: writers wait */
	o = rcu_dereference_protected(ssa_active, lockdep_is_held(&ssa_policy_lock));
	need = ssa_policy_format(&o->p, NULL, 0) + 1;
	buf = kvmalloc(need, GFP_KERNEL);
	if (buf)
		ssa_policy_format(&o->p, buf, need);
	mutex_unlock(&ssa_policy_lock);
	return buf;
}

/**
 * ssa_policy_for() - the effective policy for a program
 * @exe: the program's profile (ssa_policy_profile()), or NULL
 * @out: [default] intersected with the program's profile
 */
void ssa_policy_for(const char *exe, struct ssa_pol_settings *out)
{
	ssa_policy_for_gen(exe, out, NULL);
}

/**
 * ssa_policy_for_gen() - ssa_policy_for(), and which policy it came from
 * @exe: the program's profile (ssa_policy_profile()), or NULL
 * @out: [default] intersected with the program's profile
 * @gen: out, if not NULL: the generation of the policy @out came from
 */
void ssa_policy_for_gen(const char *exe, struct ssa_pol_settings *out, u64 *gen)
{
	struct ssa_policy_obj *o;

	rcu_read_lock();
	o = rcu_dereference(ssa_active);
	if (o)
		ssa_policy_effective(&o->p, exe, out);
	else
		ssa_pol_settings_defaults(out);
	if (gen)
		*gen = o ? o->gen : 0;
	rcu_read_unlock();
}

/**
 * ssa_policy_profile() - the profile whose executable a program runs
 * @exe: the program's executable file
 *
 * A profile names an executable by its path in the initial mount
 * namespace; a program matches when its executable is the very file that
 * path names there (the same inode), whatever namespace the program runs
 * in and whatever path it was started by.  A bind mount of another
 * program over the profile's path, in a mount namespace of the caller's
 * own, therefore matches nothing; a service in a sandbox of its own
 * (systemd's PrivateTmp=, ProtectSystem=) that runs the named file still
 * gets its profile.  Matched at socket() time; the socket then follows
 * whatever profile of that path the current policy has.
 *
 * Return: a kmalloc'd copy of the profile's path, NULL if no profile
 * matches, or ERR_PTR(-ENOMEM).
 */
char *ssa_policy_profile(struct file *exe)
{
	struct ssa_policy_obj *o;
	unsigned int i, n = 0;
	char *paths, *name = NULL;

	rcu_read_lock();
	o = rcu_dereference(ssa_active);
	n = o ? o->p.napps : 0;
	rcu_read_unlock();
	if (!n)
		return NULL;
	/* Path lookups sleep, and may wait on anything (NFS, an automounter
	 * that itself makes TLS sockets): no lock is held across them, only
	 * a copy of the paths taken under RCU.
	 */
	paths = kmalloc_array(SSA_POL_APPS_MAX, SSA_POL_PATH_MAX, GFP_KERNEL);
	if (!paths)
		return ERR_PTR(-ENOMEM);
	rcu_read_lock();
	o = rcu_dereference(ssa_active);
	n = o ? o->p.napps : 0;
	for (i = 0; i < n; i++)
		strscpy(paths + i * SSA_POL_PATH_MAX, o->p.apps[i].exe, SSA_POL_PATH_MAX);
	rcu_read_unlock();
	for (i = 0; i < n && !name; i++) {
		const char *exe_path = paths + i * SSA_POL_PATH_MAX;
		struct path p;

		if (ssa_init_path(exe_path, &p))
			continue;
		if (d_inode(p.dentry) == file_inode(exe))
			name = kstrdup(exe_path, GFP_KERNEL_ACCOUNT) ?: ERR_PTR(-ENOMEM);
		path_put(&p);
	}
	kfree(paths);
	return name;
}

/**
 * ssa_policy_may_use() - does the policy grant a program a file?
 * @exe: the program's profile (ssa_policy_profile()), or NULL
 * @path: the file as the program named it
 *
 * Return: true if [default] or the program's profile has "grant = @path".
 */
bool ssa_policy_may_use(const char *exe, const char *path)
{
	struct ssa_policy_obj *o;
	bool ok;

	rcu_read_lock();
	o = rcu_dereference(ssa_active);
	ok = o && ssa_policy_grants(&o->p, exe, path);
	rcu_read_unlock();
	return ok;
}

/**
 * ssa_policy_lock_down() - make policy and trust store immutable until reboot
 *
 * Pins the module, so it cannot be unloaded (and reloaded unlocked).
 */
void ssa_policy_lock_down(void)
{
	mutex_lock(&ssa_policy_lock);
	if (!ssa_locked) {
		ssa_locked = true;
		__module_get(THIS_MODULE);
	}
	mutex_unlock(&ssa_policy_lock);
}

/**
 * ssa_policy_trust_replace() - replace the system anchors unless locked
 * @pem: the new bundle, NUL-terminated
 * @len: its length
 *
 * The lock is checked and the store replaced under the policy mutex, so
 * a "lock" written meanwhile cannot be overtaken.
 *
 * Return: 0, -EPERM if locked, or as ssa_trust_replace().
 */
int ssa_policy_trust_replace(const char *pem, size_t len)
{
	int ret;

	mutex_lock(&ssa_policy_lock);
	ret = ssa_locked ? -EPERM : ssa_trust_replace(pem, len);
	mutex_unlock(&ssa_policy_lock);
	return ret;
}

/**
 * ssa_policy_crl_replace() - replace the CRLs, as far as "lock" allows
 * @pem: the new CRLs, NUL-terminated (trimmed in place)
 * @len: its length
 *
 * Locked, CRLs can still be refreshed (they must be, before their
 * nextUpdate) but no issuer's CRL can go or get older.  Cached sessions
 * are forgotten after a replacement.
 *
 * Return: as ssa_crl_replace().
 */
int ssa_policy_crl_replace(char *pem, size_t len)
{
	int ret;

	mutex_lock(&ssa_policy_lock);
	ret = ssa_crl_replace(pem, len, ssa_locked);
	mutex_unlock(&ssa_policy_lock);
	if (!ret)
		ssa_session_flush();
	return ret;
}
