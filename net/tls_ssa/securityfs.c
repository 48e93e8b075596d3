// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/security/tls_ssa/: the administrator's interface.
 *
 *   policy       read: the active policy (canonical); write: a new one,
 *                whole, in one write()
 *   last_error   why the last policy write failed, with its line
 *   trust        read: the system anchors (subject, expiry); write: a PEM
 *                bundle that replaces them
 *   crl          read: the CRLs in use, one key=value line each; write:
 *                PEM CRLs that replace them (none: no CRL)
 *   ocsp         read: the OCSP staples SSA servers send, one line each;
 *                write: PEM pairs (issuer, OCSP RESPONSE) that replace them
 *   connections  one line per live SSA socket (CAP_NET_ADMIN)
 *   stats        counters (CAP_NET_ADMIN)
 *   version      module and mbedTLS versions
 *   lock         write "1": policy and trust immutable until reboot
 *
 * Writers need CAP_MAC_ADMIN or CAP_SYS_ADMIN; writes are serialised by
 * the policy and trust code.
 */

#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/capability.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <linux/fs.h>

#include "tls_ssa.h"
#include "ssa_mbedtls.h"

#define SSA_TRUST_TEXT_MAX	(4 << 20)

static struct dentry *ssa_fs_dir;
static struct dentry *ssa_fs_files[9];

static bool ssa_fs_admin(void)
{
	return capable(CAP_MAC_ADMIN) || capable(CAP_SYS_ADMIN);
}

/* Who may see every user's connections (pid, program, addresses, server
 * names, in every network namespace), as with ss -p for other users'
 * sockets: the initial namespace's network administrator.
 */
static bool ssa_fs_observer(void)
{
	return capable(CAP_NET_ADMIN) || capable(CAP_SYS_ADMIN);
}

/* A whole text written at offset 0 in one write(), copied in. */
static char *ssa_fs_text(const char __user *ubuf, size_t count, loff_t *ppos, size_t max)
{
	char *buf;

	if (!ssa_fs_admin())
		return ERR_PTR(-EPERM);
	if (*ppos)
		return ERR_PTR(-EINVAL);	/* one write() per text */
	if (count > max)
		return ERR_PTR(-E2BIG);
	buf = kvmalloc(count + 1, GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(buf, ubuf, count)) {
		kvfree(buf);
		return ERR_PTR(-EFAULT);
	}
	buf[count] = '\0';
	return buf;
}

/* A text write: copied in whole, given to @apply, zeroed and freed. */
static ssize_t ssa_fs_write(const char __user *ubuf, size_t count, loff_t *ppos, size_t max,
			    int (*apply)(char *text, size_t len))
{
	char *text = ssa_fs_text(ubuf, count, ppos, max);
	int ret;

	if (IS_ERR(text))
		return PTR_ERR(text);
	ret = apply(text, count);
	kvfree_sensitive(text, count + 1);
	if (ret)
		return ret;
	*ppos = count;
	return count;
}

/* --- policy, last_error -------------------------------------------------------- */

static int ssa_fs_policy_show(struct seq_file *m, void *v)
{
	char *text = ssa_policy_show();

	if (!text)
		return -ENOMEM;
	seq_puts(m, text);
	kvfree(text);
	return 0;
}

static int ssa_fs_policy_open(struct inode *inode, struct file *file)
{
	return single_open(file, ssa_fs_policy_show, NULL);
}

static int ssa_fs_policy_apply(char *text, size_t len)
{
	return ssa_policy_load(text, len);
}

static ssize_t ssa_fs_policy_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	return ssa_fs_write(ubuf, count, ppos, SSA_POL_TEXT_MAX, ssa_fs_policy_apply);
}

static const struct file_operations ssa_fs_policy_fops = {
	.owner = THIS_MODULE,
	.open = ssa_fs_policy_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = ssa_fs_policy_write,
};

static int ssa_fs_error_show(struct seq_file *m, void *v)
{
	char buf[256];

	ssa_policy_last_error(buf, sizeof(buf));
	seq_puts(m, buf);
	return 0;
}

/* --- trust ------------------------------------------------------------------ */

static int ssa_fs_trust_open(struct inode *inode, struct file *file)
{
	return single_open(file, ssa_trust_show, NULL);
}

static int ssa_fs_trust_apply(char *text, size_t len)
{
	return ssa_policy_trust_replace(text, len);
}

static ssize_t ssa_fs_trust_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	return ssa_fs_write(ubuf, count, ppos, SSA_TRUST_TEXT_MAX, ssa_fs_trust_apply);
}

static const struct file_operations ssa_fs_trust_fops = {
	.owner = THIS_MODULE,
	.open = ssa_fs_trust_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = ssa_fs_trust_write,
};

/* --- crl ---------------------------------------------------------------------- */

static int ssa_fs_crl_open(struct inode *inode, struct file *file)
{
	return single_open(file, ssa_crl_show, NULL);
}

/* Under "lock" CRLs can be refreshed, not dropped or made older
 * (ssa_policy_crl_replace()): they must be renewed before their nextUpdate.
 */
static ssize_t ssa_fs_crl_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	return ssa_fs_write(ubuf, count, ppos, SSA_TRUST_TEXT_MAX, ssa_policy_crl_replace);
}

static const struct file_operations ssa_fs_crl_fops = {
	.owner = THIS_MODULE,
	.open = ssa_fs_crl_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = ssa_fs_crl_write,
};

/* --- ocsp -------------------------------------------------------------------- */

static int ssa_fs_ocsp_open(struct inode *inode, struct file *file)
{
	return single_open(file, ssa_staple_show, NULL);
}

/* The staples SSA servers send: an issuer's certificate before each. */
static ssize_t ssa_fs_ocsp_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	return ssa_fs_write(ubuf, count, ppos, SSA_TRUST_TEXT_MAX, ssa_staple_replace);
}

static const struct file_operations ssa_fs_ocsp_fops = {
	.owner = THIS_MODULE,
	.open = ssa_fs_ocsp_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = ssa_fs_ocsp_write,
};

/* --- stats, version ---------------------------------------------------------- */

static int ssa_fs_stats_show(struct seq_file *m, void *v)
{
	ssa_stats_show(m);
	return 0;
}

static int ssa_fs_version_show(struct seq_file *m, void *v)
{
	seq_printf(m, "tls_ssa %s mbedtls %s\n", SSA_VERSION, MBEDTLS_VERSION_STRING);
	return 0;
}

#define SSA_FS_SINGLE(name, show)						\
static int name##_open(struct inode *inode, struct file *file)			\
{										\
	return single_open(file, show, NULL);					\
}										\
static const struct file_operations name##_fops = {				\
	.owner = THIS_MODULE,							\
	.open = name##_open,							\
	.read = seq_read,							\
	.llseek = seq_lseek,							\
	.release = single_release,						\
}

SSA_FS_SINGLE(ssa_fs_error, ssa_fs_error_show);
SSA_FS_SINGLE(ssa_fs_version, ssa_fs_version_show);

/* --- connections, stats: for the network administrator ------------------------ */

static int ssa_fs_conns_open(struct inode *inode, struct file *file)
{
	if (!ssa_fs_observer())
		return -EPERM;
	return single_open_size(file, ssa_conns_show, NULL, ssa_conns_size());
}

static int ssa_fs_stats_open(struct inode *inode, struct file *file)
{
	if (!ssa_fs_observer())
		return -EPERM;
	return single_open(file, ssa_fs_stats_show, NULL);
}

static const struct file_operations ssa_fs_conns_fops = {
	.owner = THIS_MODULE,
	.open = ssa_fs_conns_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static const struct file_operations ssa_fs_stats_fops = {
	.owner = THIS_MODULE,
	.open = ssa_fs_stats_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

/* --- lock ---------------------------------------------------------------------- */

static ssize_t ssa_fs_lock_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	char c;

	if (!ssa_fs_admin())
		return -EPERM;
	if (!count || get_user(c, ubuf))
		return -EFAULT;
	if (c != '1')
		return -EINVAL;
	ssa_policy_lock_down();
	return count;
}

static const struct file_operations ssa_fs_lock_fops = {
	.owner = THIS_MODULE,
	.write = ssa_fs_lock_write,
	.llseek = noop_llseek,
};

/**
 * ssa_securityfs_init() - create /sys/kernel/security/tls_ssa
 *
 * A kernel without securityfs still runs SSA sockets, under the built-in
 * policy; that is logged, not fatal.
 */
void ssa_securityfs_init(void)
{
	static const struct {
		const char *name;
		umode_t mode;
		const struct file_operations *fops;
	} files[ARRAY_SIZE(ssa_fs_files)] = {
		{ "policy", 0644, &ssa_fs_policy_fops },
		{ "last_error", 0444, &ssa_fs_error_fops },
		{ "trust", 0644, &ssa_fs_trust_fops },
		{ "crl", 0644, &ssa_fs_crl_fops },
		{ "ocsp", 0644, &ssa_fs_ocsp_fops },
		{ "connections", 0400, &ssa_fs_conns_fops },
		{ "stats", 0400, &ssa_fs_stats_fops },
		{ "version", 0444, &ssa_fs_version_fops },
		{ "lock", 0200, &ssa_fs_lock_fops },
	};
	unsigned int i;

	ssa_fs_dir = securityfs_create_dir("tls_ssa", NULL);
	if (IS_ERR(ssa_fs_dir)) {
		pr_warn("no securityfs (%ld): the built-in policy applies\n",
			PTR_ERR(ssa_fs_dir));
		ssa_fs_dir = NULL;
		return;
	}
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		ssa_fs_files[i] = securityfs_create_file(files[i].name, files[i].mode,
							 ssa_fs_dir, NULL, files[i].fops);
		if (IS_ERR(ssa_fs_files[i])) {
			pr_warn("securityfs %s: %ld\n", files[i].name,
				PTR_ERR(ssa_fs_files[i]));
			ssa_fs_files[i] = NULL;
		}
	}
}

/**
 * ssa_securityfs_exit() - remove what ssa_securityfs_init() created
 */
void ssa_securityfs_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ssa_fs_files); i++)
		securityfs_remove(ssa_fs_files[i]);
	securityfs_remove(ssa_fs_dir);
}
