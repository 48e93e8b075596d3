/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that knows which kernel tls_ssa is built for (design.rst §5
 * rule 9): Debian 12's 6.1 and its 6.12 build.
 */
#ifndef _SSA_COMPAT_H
#define _SSA_COMPAT_H

#include <linux/version.h>
#include <linux/fs.h>
#include <net/inet_connection_sock.h>

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

/* proto_ops->accept and inet_csk_accept() take a proto_accept_arg since
 * 6.10.  SSA_ACCEPT_PARAMS is the tail of the accept op's parameter list,
 * SSA_ACCEPT_FLAGS the flags it carries.
 */
#if KERNEL_VERSION(6, 10, 0) > LINUX_VERSION_CODE
#define SSA_ACCEPT_PARAMS	int flags, bool kern
#define SSA_ACCEPT_FLAGS	(flags)

static inline struct sock *ssa_csk_accept(struct sock *sk, int *err)
{
	return inet_csk_accept(sk, O_NONBLOCK, err, true);
}
#else
#define SSA_ACCEPT_PARAMS	struct proto_accept_arg *arg
#define SSA_ACCEPT_FLAGS	(arg->flags)

static inline struct sock *ssa_csk_accept(struct sock *sk, int *err)
{
	struct proto_accept_arg arg = { .flags = O_NONBLOCK, .kern = true };
	struct sock *child = inet_csk_accept(sk, &arg);

	*err = arg.err;
	return child;
}
#endif

#endif /* _SSA_COMPAT_H */
