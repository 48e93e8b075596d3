/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that knows which kernel tls_ssa is built for (DESIGN §5
 * rule 9): Debian 12's 6.1 and its 6.12 build.
 */
#ifndef _SSA_COMPAT_H
#define _SSA_COMPAT_H

#include <linux/version.h>
#include <linux/fs.h>

/* proto_ops->sendpage went away in 6.5 (MSG_SPLICE_PAGES replaced it). */
#if KERNEL_VERSION(6, 5, 0) > LINUX_VERSION_CODE
#define SSA_HAVE_SENDPAGE 1
#else
#define SSA_HAVE_SENDPAGE 0
#endif

/* A reference on a file only if it is not already being released. */
static inline bool ssa_file_tryget(struct file *f)
{
#if KERNEL_VERSION(6, 13, 0) > LINUX_VERSION_CODE
	return atomic_long_inc_not_zero(&f->f_count);
#else
	return file_ref_get(&f->f_ref);
#endif
}

/* Nobody but us holds the file: the application has closed it. */
static inline bool ssa_file_only_ours(struct file *f)
{
	return file_count(f) == 1;
}

#endif /* _SSA_COMPAT_H */
