// SPDX-License-Identifier: GPL-2.0
/*
 * The post-handshake ops: the proto_ops an established SSA socket
 * carries, in front of the kTLS table the hand-off left it with.  They
 * gate every call on the hand-off's outcome, refuse what the application
 * may not do (SOL_TLS cmsgs, connect, listen), send close_notify on
 * shutdown and close, and read through record.c so that control records
 * never reach the application (design.rst §4).
 */

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/tcp.h>
#include <linux/splice.h>
#include <net/tcp.h>
#include <net/tls.h>
#include <uapi/linux/tls.h>

#include "tls_ssa.h"
#include "compat.h"

/* kTLS has one ops table per (family, tx conf, rx conf); ours wrap the
 * one a socket ends up with.  Built on first use, kept until unload.
 */
#define SSA_POST_OPS_MAX	8

static struct {
	const struct proto_ops *ktls;
	struct proto_ops ops;
} ssa_post_ops[SSA_POST_OPS_MAX];
static DEFINE_MUTEX(ssa_post_ops_lock);	/* serialises building tables */
/* tls.ko, pinned from the first cached table until unload: the tables
 * point into it, and a tls.ko loaded again could reuse their addresses.
 */
static struct module *ssa_tls_module;

static const struct proto_ops *ssa_ktls_ops(const struct socket *sock)
{
	const struct proto_ops *ops = READ_ONCE(sock->ops);
	unsigned int i;

	for (i = 0; i < SSA_POST_OPS_MAX; i++)
		if (&ssa_post_ops[i].ops == ops)
			/* pairs with ssa_post_ops_get()'s release */
			return smp_load_acquire(&ssa_post_ops[i].ktls);
	return ops;
}

/* After a failed hand-off the socket may sit on partly configured kTLS
 * ops: nothing may be sent or read through them.
 */
static int ssa_post_gate(struct socket *sock, struct ssa_sock **ssk, bool nonblock, bool send)
{
	*ssk = ssa_sock_get(sock->sk);
	if (!*ssk)
		return -EBADFD;
	/* The engine puts these ops in place a moment before it publishes
	 * SSA_ESTABLISHED: a call in that moment waits for it like a call
	 * through the first ops.
	 */
	if (READ_ONCE((*ssk)->state) == SSA_HANDSHAKE)
		return ssa_data_gate(sock, nonblock, send);
	if (READ_ONCE((*ssk)->state) != SSA_ESTABLISHED)
		return ssa_sock_error(*ssk);
	return 0;
}

static bool ssa_post_nonblock(struct socket *sock, bool flag)
{
	return flag || (sock->file && (sock->file->f_flags & O_NONBLOCK));
}

/* The application sends data only (design.rst §4): a SOL_TLS cmsg would let
 * it write alerts or handshake records under the connection's keys.
 * ____sys_sendmsg() has copied the control data into the kernel on both
 * paths (the compat one leaves msg_control_is_user set, as kTLS's own
 * tls_process_cmsg() knows); kTLS refuses malformed cmsgs with -EINVAL,
 * and so does this.
 */
static int ssa_post_cmsg_check(struct msghdr *msg)
{
	struct cmsghdr *cmsg;

	if (!msg->msg_controllen)
		return 0;
	for_each_cmsghdr(cmsg, msg) {
		if (!CMSG_OK(msg, cmsg))
			return -EINVAL;
		if (cmsg->cmsg_level == SOL_TLS)
			return -EPERM;
	}
	return 0;
}

static int ssa_post_sendmsg(struct socket *sock, struct msghdr *msg, size_t size)
{
	struct ssa_sock *ssk;
	int err = ssa_post_gate(sock, &ssk, ssa_post_nonblock(sock, msg->msg_flags & MSG_DONTWAIT),
				true) ?: ssa_post_cmsg_check(msg);

	return err ?: ssa_ktls_ops(sock)->sendmsg(sock, msg, size);
}

#if SSA_HAVE_SENDPAGE
static ssize_t ssa_post_sendpage(struct socket *sock, struct page *page,
				 int offset, size_t size, int flags)
{
	struct ssa_sock *ssk;
	int err = ssa_post_gate(sock, &ssk, ssa_post_nonblock(sock, flags & MSG_DONTWAIT), true);

	return err ?: ssa_ktls_ops(sock)->sendpage(sock, page, offset, size, flags);
}
#endif

static int ssa_post_setsockopt(struct socket *sock, int level, int optname,
			       sockptr_t optval, unsigned int optlen)
{
	if (level == IPPROTO_TLS)
		return ssa_sockopt_set(sock->sk, optname, optval, optlen);
	if (level == SOL_TLS || (level == SOL_TCP && optname == TCP_ULP))
		return -EOPNOTSUPP;
	return ssa_opt_locked_set(sock, ssa_ktls_ops(sock), level, optname, optval, optlen);
}

static int ssa_post_getsockopt(struct socket *sock, int level, int optname,
			       char __user *optval, int __user *optlen)
{
	if (level == IPPROTO_TLS)
		return ssa_sockopt_get(sock->sk, optname, optval, optlen);
	if (level == SOL_TLS)
		return -EOPNOTSUPP;
	return ssa_opt_locked_get(sock, ssa_ktls_ops(sock), level, optname, optval, optlen);
}

static int ssa_post_connect(struct socket *sock, struct sockaddr *uaddr,
			    int addr_len, int flags)
{
	struct ssa_sock *ssk = ssa_sock_get(sock->sk);

	return ssk && ssk->state == SSA_ESTABLISHED ? -EISCONN : ssa_sock_error(ssk);
}

static int ssa_post_listen(struct socket *sock, int backlog)
{
	return -EINVAL;
}

/* Send a close_notify alert once (RFC 8446 6.1), best effort; true if sent. */
static bool ssa_send_close_notify(struct socket *sock, struct ssa_sock *ssk,
				  int flags)
{
	u8 cbuf[CMSG_SPACE(sizeof(u8))] __aligned(sizeof(long));
	static const u8 alert[2] = { 1, 0 };	/* warning, close_notify */
	struct msghdr msg = { .msg_flags = flags };
	struct kvec vec = { .iov_base = (void *)alert, .iov_len = 2 };
	struct cmsghdr *cmsg;

	if (ssk->state != SSA_ESTABLISHED || test_and_set_bit(SSA_F_CLOSE_SENT, &ssk->flags))
		return false;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_TLS;
	cmsg->cmsg_type = TLS_SET_RECORD_TYPE;
	cmsg->cmsg_len = CMSG_LEN(sizeof(u8));
	*(u8 *)CMSG_DATA(cmsg) = SSA_CT_ALERT;
	iov_iter_kvec(&msg.msg_iter, WRITE, &vec, 1, 2);
	return ssa_ktls_ops(sock)->sendmsg(sock, &msg, 2) == 2;
}

static int ssa_post_shutdown(struct socket *sock, int how)
{
	struct ssa_sock *ssk = ssa_sock_get(sock->sk);
	bool was_open = READ_ONCE(sock->sk->sk_state) != TCP_CLOSE;
	bool sent = false;
	int err;

	/* shutdown() takes SHUT_RD/WR/RDWR (0/1/2); SHUT_WR/RDWR stop sending. */
	if (ssk && how >= SHUT_WR && how <= SHUT_RDWR)
		sent = ssa_send_close_notify(sock, ssk, sock->file &&
					     (sock->file->f_flags & O_NONBLOCK) ? MSG_DONTWAIT : 0);
	err = ssa_ktls_ops(sock)->shutdown(sock, how);
	/* A peer that has closed answers our close_notify with a reset, and
	 * over loopback the reset is in before TCP's shutdown runs, which
	 * then finds TCP_CLOSE: -ENOTCONN for a socket that was connected.
	 * Plain TCP would have sent its FIN and returned 0, leaving the reset
	 * to the next call; so do we.
	 */
	return err == -ENOTCONN && sent && was_open ? 0 : err;
}

static int ssa_post_release(struct socket *sock)
{
	const struct proto_ops *ktls = ssa_ktls_ops(sock);
	struct ssa_sock *ssk = sock->sk ? ssa_sock_get(sock->sk) : NULL;

	/* Without SO_LINGER, close() must not block on a full send buffer. */
	if (ssk)
		ssa_send_close_notify(sock, ssk,
				      sock_flag(sock->sk, SOCK_LINGER) ? 0 : MSG_DONTWAIT);
	return ktls->release(sock);
}

/* Application data, known to head the queue, into the caller's buffer.
 * kTLS reports the record type in a cmsg, which goes to a kernel buffer
 * (in the native layout: MSG_CMSG_COMPAT would make put_cmsg() treat it
 * as a user pointer); the caller's own control buffer is left as it was.
 */
static int ssa_rx_data(struct socket *sock, const struct proto_ops *ktls,
		       struct ssa_sock *ssk, struct msghdr *msg, size_t size, int flags)
{
	u8 cbuf[CMSG_SPACE(sizeof(u8))] __aligned(sizeof(long));
	struct cmsghdr *cmsg = (struct cmsghdr *)cbuf;
	void __user *uctl = msg->msg_control_user;
	size_t uctllen = msg->msg_controllen;
	bool uctl_is_user = msg->msg_control_is_user;
	unsigned int compat = msg->msg_flags & MSG_CMSG_COMPAT;
	u8 type = 0;
	int ret;

	msg->msg_control = cbuf;
	msg->msg_controllen = sizeof(cbuf);
	msg->msg_control_is_user = false;
	msg->msg_flags &= ~MSG_CMSG_COMPAT;
	ret = ktls->recvmsg(sock, msg, size, flags & ~MSG_CMSG_COMPAT);
	if (msg->msg_controllen < sizeof(cbuf) && cmsg->cmsg_level == SOL_TLS &&
	    cmsg->cmsg_type == TLS_GET_RECORD_TYPE)
		type = *(u8 *)CMSG_DATA(cmsg);
	msg->msg_control_user = uctl;
	msg->msg_controllen = uctllen;
	msg->msg_control_is_user = uctl_is_user;
	msg->msg_flags |= compat;
	if (ret > 0 && type != SSA_CT_APPLICATION_DATA) {
		/* ssa_rx_ready() saw data at the head, and no other reader can
		 * run: kTLS broke its own ordering.
		 */
		ssa_sock_set_error(ssk, "kernel TLS returned a record of type %u as data", type);
		WRITE_ONCE(ssk->rx_err, -EPROTO);
		return -EPROTO;
	}
	return ret;
}

/* Moves application data once it heads the queue (recvmsg or splice). */
typedef long (*ssa_post_read_fn)(struct socket *sock, const struct proto_ops *ktls,
				 struct ssa_sock *ssk, void *arg);

/* One read call: control records are handled in kernel memory first
 * (record.c), then @read moves the data.  A read that returns 0 with data
 * at the head took an empty record off (recvmsg of one alone, splice of
 * one the peek went past): round again, within the call's budget.
 */
static long ssa_post_read(struct socket *sock, struct ssa_sock *ssk, int nb, bool peek,
			  ssa_post_read_fn read, void *arg)
{
	const struct proto_ops *ktls = ssa_ktls_ops(sock);
	struct ssa_rx_budget b;
	long ret;

	ret = ssa_rx_lock(ssk, nb);
	if (ret)
		return ret;
	ssa_rx_budget_init(&b, sock->sk, nb);
	for (;;) {
		int ready = ssa_rx_ready(sock, ktls, ssk, nb, &b);

		ret = ready > 0 ? read(sock, ktls, ssk, arg) : ready;
		if (ready <= 0 || ret)
			break;
		ret = ssa_rx_empty_again(sock->sk, &b, nb, peek);
		if (ret)
			break;
	}
	ssa_rx_unlock(ssk);
	if (b.wake)
		ssa_rx_wake(sock->sk);
	return ret;
}

struct ssa_recvmsg_args {
	struct msghdr *msg;
	size_t size;
	int flags;
};

static long ssa_recvmsg_data(struct socket *sock, const struct proto_ops *ktls,
			     struct ssa_sock *ssk, void *arg)
{
	struct ssa_recvmsg_args *a = arg;

	return ssa_rx_data(sock, ktls, ssk, a->msg, a->size, a->flags);
}

/* Only application data reaches the application. */
static int ssa_post_recvmsg(struct socket *sock, struct msghdr *msg,
			    size_t size, int flags)
{
	struct ssa_recvmsg_args a = { .msg = msg, .size = size, .flags = flags };
	struct ssa_sock *ssk;
	int ret;

	ret = ssa_post_gate(sock, &ssk, ssa_post_nonblock(sock, flags & MSG_DONTWAIT), false);
	if (ret)
		return ret;
	/* The error queue carries no records: kTLS reads it, cmsgs and all. */
	if (flags & MSG_ERRQUEUE)
		return ssa_ktls_ops(sock)->recvmsg(sock, msg, size, flags);
	if (!size)
		return 0;
	return ssa_post_read(sock, ssk, flags & MSG_DONTWAIT, flags & MSG_PEEK,
			     ssa_recvmsg_data, &a);
}

struct ssa_splice_args {
	loff_t *ppos;
	struct pipe_inode_info *pipe;
	size_t len;
	unsigned int flags;
};

static long ssa_splice_data(struct socket *sock, const struct proto_ops *ktls,
			    struct ssa_sock *ssk, void *arg)
{
	struct ssa_splice_args *a = arg;

	return ktls->splice_read(sock, a->ppos, a->pipe, a->len, a->flags);
}

/* kTLS's splice_read refuses a control record at the head of the queue:
 * handle those first (waiting for a record as splice would).
 */
static ssize_t ssa_post_splice_read(struct socket *sock, loff_t *ppos,
				    struct pipe_inode_info *pipe, size_t len,
				    unsigned int flags)
{
	struct ssa_splice_args a = { .ppos = ppos, .pipe = pipe, .len = len, .flags = flags };
	int nb = (flags & SPLICE_F_NONBLOCK) || (sock->file->f_flags & O_NONBLOCK) ?
		 MSG_DONTWAIT : 0;
	struct ssa_sock *ssk;
	int ret = ssa_post_gate(sock, &ssk, nb, false);

	if (ret)
		return ret;
	return ssa_post_read(sock, ssk, nb, false, ssa_splice_data, &a);
}

/* Nothing to report in the moment between these ops and SSA_ESTABLISHED
 * (see ssa_post_gate()): the engine wakes the socket's waiters after.
 * Readable means data for the application: control records alone are
 * handled here and are not (ssa_rx_poll_idle()).
 */
static __poll_t ssa_post_poll(struct file *file, struct socket *sock,
			      struct poll_table_struct *wait)
{
	const struct proto_ops *ktls = ssa_ktls_ops(sock);
	struct ssa_sock *ssk = ssa_sock_get(sock->sk);
	__poll_t mask = ktls->poll(file, sock, wait);

	if (!ssk)
		return mask;
	if (READ_ONCE(ssk->state) == SSA_HANDSHAKE)
		return 0;
	if (READ_ONCE(ssk->state) != SSA_ESTABLISHED)
		return mask;
	if (ssa_rx_done(ssk))
		return mask | EPOLLIN | EPOLLRDNORM;
	if ((mask & EPOLLIN) && !(mask & (EPOLLERR | EPOLLHUP | EPOLLRDHUP)) &&
	    ssa_rx_poll_idle(sock, ktls, ssk))
		mask &= ~(EPOLLIN | EPOLLRDNORM);
	/* What poll just read may have been the end or an error. */
	if (ssa_rx_done(ssk))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static void ssa_post_ops_setup(struct proto_ops *ops, const struct proto_ops *ktls)
{
	*ops = *ktls;
	ops->owner = THIS_MODULE;
	ops->release = ssa_post_release;
	ops->connect = ssa_post_connect;
	ops->listen = ssa_post_listen;
	ops->shutdown = ssa_post_shutdown;
	ops->setsockopt = ssa_post_setsockopt;
	ops->getsockopt = ssa_post_getsockopt;
	ops->recvmsg = ssa_post_recvmsg;
	ops->splice_read = ssa_post_splice_read;
	ops->sendmsg = ssa_post_sendmsg;
	ops->poll = ssa_post_poll;
#if SSA_HAVE_SENDPAGE
	ops->sendpage = ssa_post_sendpage;
#endif
}

/**
 * ssa_post_ops_get() - the post-handshake ops in front of a kTLS table
 * @sk: the socket being handed off (its ULP is kTLS's)
 * @ktls: the proto_ops kTLS left the socket with
 *
 * Builds the table on first use; tables are kept until unload, and the
 * first one pins tls.ko.
 *
 * Return: the ops, or NULL if there is no room (cannot happen with
 * kTLS's table count) or tls.ko is going away.
 */
const struct proto_ops *ssa_post_ops_get(struct sock *sk, const struct proto_ops *ktls)
{
	struct module *owner = inet_csk(sk)->icsk_ulp_ops->owner;
	const struct proto_ops *ops = NULL;
	unsigned int i;

	mutex_lock(&ssa_post_ops_lock);
	if (!ssa_tls_module) {
		if (!try_module_get(owner))
			goto out;
		ssa_tls_module = owner;
	} else if (WARN_ON_ONCE(ssa_tls_module != owner)) {
		goto out;
	}
	for (i = 0; i < SSA_POST_OPS_MAX; i++) {
		if (ssa_post_ops[i].ktls == ktls) {
			ops = &ssa_post_ops[i].ops;
			break;
		}
		if (!ssa_post_ops[i].ktls) {
			ssa_post_ops_setup(&ssa_post_ops[i].ops, ktls);
			/* the table is built before it can be matched */
			smp_store_release(&ssa_post_ops[i].ktls, ktls);
			ops = &ssa_post_ops[i].ops;
			break;
		}
	}
out:
	mutex_unlock(&ssa_post_ops_lock);
	return ops;
}

/**
 * ssa_post_ops_exit() - let tls.ko go (module unload; no SSA socket is left)
 */
void ssa_post_ops_exit(void)
{
	module_put(ssa_tls_module);
	ssa_tls_module = NULL;
}
