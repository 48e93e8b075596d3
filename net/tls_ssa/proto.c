// SPDX-License-Identifier: GPL-2.0
/*
 * IPPROTO_TLS registration (design.rst §5 rule 1).
 *
 * An IPPROTO_TLS socket *is* a TCP socket: the protosw entry points at an
 * unregistered copy of tcp_prot/tcpv6_prot whose init runs TCP's own and
 * then sets sk_protocol back to IPPROTO_TCP (that field goes into the IP
 * header, and kTLS and the ULP layer insist on TCP), and at a copy of the
 * family's stream proto_ops with the calls TLS must control overridden.
 * Both copies are owned by this module, so every socket (and every
 * TIME_WAIT remnant, through sk_prot_creator) pins it: rmmod is refused
 * while any exists.  No global kernel structure is patched.
 */

#include <linux/module.h>
#include <linux/net.h>
#include <linux/tcp.h>
#include <linux/splice.h>
#include <linux/sched/signal.h>
#include <net/protocol.h>
#include <net/inet_common.h>
#include <net/tcp.h>
#include <net/tls.h>
#if IS_ENABLED(CONFIG_IPV6)
#include <net/ipv6.h>
#include <net/transp_v6.h>
#endif

#include "tls_ssa.h"
#include "compat.h"

static struct ssa_family ssa_inet;
#if IS_ENABLED(CONFIG_IPV6)
static struct ssa_family ssa_inet6;
#endif

/**
 * ssa_family_get() - the IPPROTO_TLS plumbing of a socket's family
 * @sk: an SSA socket
 *
 * Return: the family's tables, including the genuine TCP prot and ops.
 */
struct ssa_family *ssa_family_get(const struct sock *sk)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		return &ssa_inet6;
#endif
	return &ssa_inet;
}

/**
 * ssa_sk_is_ssa() - was this socket created as IPPROTO_TLS?
 * @sk: any socket
 *
 * sk_prot_creator never changes, even when kTLS replaces sk_prot.
 *
 * Return: true for IPPROTO_TLS sockets and their clones.
 */
bool ssa_sk_is_ssa(const struct sock *sk)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_prot_creator == &ssa_inet6.prot)
		return true;
#endif
	return sk->sk_prot_creator == &ssa_inet.prot;
}

/* proto->release_cb: TCP's deferred work, then a handshake step that
 * waited for the lock (until the hand-off, which installs kTLS's proto).
 */
static void ssa_release_cb(struct sock *sk)
{
	ssa_family_get(sk)->base_prot->release_cb(sk);
	ssa_handshake_release_cb(sk);
}

/* proto->init: runs in socket() after inet_create() set sk_protocol. */
static int ssa_sk_init(struct sock *sk)
{
	const struct ssa_family *fam = ssa_family_get(sk);
	int err;

	err = fam->base_prot->init(sk);
	if (err)
		return err;
	sk->sk_protocol = IPPROTO_TCP;
	return ssa_sock_attach(sk);
}

/* --- connect() and the handshake's start --------------------------------- */

/* sk_state_change while TCP connects: once TCP is up, hand the socket to
 * the handshake worker; if TCP gave up, the connect failed.  Softirq
 * context, socket bh-locked; stays installed (harmless) until the worker
 * removes it.
 */
/* TCP moved on while we are SSA_CONNECTING: start the handshake once it
 * is up, or fail if it gave up.  Any context; the cmpxchg makes it happen
 * once, whether the state hook or connect() itself sees it first.
 */
static void ssa_connect_progress(struct sock *sk, struct ssa_sock *ssk)
{
	int st = inet_sk_state_load(sk);

	if (READ_ONCE(ssk->state) != SSA_CONNECTING)
		return;
	if (st == TCP_ESTABLISHED) {
		if (ssa_state_move(ssk, SSA_CONNECTING, SSA_HANDSHAKE) &&
		    !ssa_handshake_queue(ssk, READ_ONCE(sk->sk_socket))) {
			ssk->hs_err = -ECONNABORTED;
			ssa_quota_release(ssk);	/* before FAILED: connect() may retry */
			ssa_state_move(ssk, SSA_HANDSHAKE, SSA_FAILED);
		}
	} else if (st == TCP_CLOSE) {
		int err = -(READ_ONCE(sk->sk_err) ?: ECONNREFUSED);

		/* hs_err before the state: readers of FAILED read it next. */
		if (READ_ONCE(ssk->state) != SSA_CONNECTING)
			return;
		ssk->hs_err = err;
		/* All before FAILED, which lets connect() try again (and take
		 * the quota again): the count given back, the flag, the words.
		 */
		ssa_quota_release(ssk);
		set_bit(SSA_F_TCP_FAILED, &ssk->flags);
		ssa_sock_set_error(ssk, "TCP connect failed (%d)", err);
		ssa_state_move(ssk, SSA_CONNECTING, SSA_FAILED);
	}
}

/* From connect(): under the socket lock, as the hook runs (in softirq
 * with the lock free, or from its owner's release_sock()), so that one
 * look at TCP and its consequences never interleave with another's.
 */
static void ssa_connect_progress_locked(struct sock *sk, struct ssa_sock *ssk)
{
	lock_sock(sk);
	ssa_connect_progress(sk, ssk);
	release_sock(sk);
}

static void ssa_state_change(struct sock *sk)
{
	struct ssa_sock *ssk = ssa_sock_get(sk);

	if (!ssk)
		return;
	ssa_connect_progress(sk, ssk);
	ssk->orig_state_change(sk);
}

static void ssa_state_change_hook(struct sock *sk, struct ssa_sock *ssk)
{
	write_lock_bh(&sk->sk_callback_lock);
	/* Never our own as the original: it would call itself forever. */
	if (!WARN_ON_ONCE(sk->sk_state_change == ssa_state_change)) {
		ssk->orig_state_change = sk->sk_state_change;
		sk->sk_state_change = ssa_state_change;
	}
	write_unlock_bh(&sk->sk_callback_lock);
}

/**
 * ssa_state_change_unhook() - give sk_state_change back to the socket
 * @sk: the socket
 * @ssk: its state
 */
void ssa_state_change_unhook(struct sock *sk, struct ssa_sock *ssk)
{
	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_state_change == ssa_state_change)
		sk->sk_state_change = ssk->orig_state_change;
	write_unlock_bh(&sk->sk_callback_lock);
}

/**
 * ssa_sock_error() - the error a failed socket reports
 * @ssk: the socket's state, or NULL
 *
 * Return: the handshake's errno, or -ENOTCONN.
 */
int ssa_sock_error(const struct ssa_sock *ssk)
{
	return ssk && READ_ONCE(ssk->state) == SSA_FAILED && ssk->hs_err ?
	       ssk->hs_err : -ENOTCONN;
}

/* Wait (interruptibly) until the handshake has an outcome. */
static int ssa_wait_handshake(struct sock *sk, struct ssa_sock *ssk, long timeo)
{
	long ret;

	ret = wait_event_interruptible_timeout(*sk_sleep(sk),
					       READ_ONCE(ssk->state) >= SSA_ESTABLISHED,
					       timeo);
	if (ret > 0)
		return READ_ONCE(ssk->state) == SSA_ESTABLISHED ? 0 : ssa_sock_error(ssk);
	if (!ret)
		return -EINPROGRESS;	/* SO_SNDTIMEO ran out; as TCP does */
	return sock_intr_errno(timeo);
}

static int ssa_connect(struct socket *sock, struct sockaddr *uaddr,
		       int addr_len, int flags)
{
	struct sock *sk = sock->sk;
	const struct ssa_family *fam = ssa_family_get(sk);
	struct ssa_sock *ssk = ssa_sock_get(sk);
	bool nonblock = flags & O_NONBLOCK;
	int err;

	if (!ssk)
		return -EBADFD;
	/* TCP's disconnect: not a way out of TLS (kTLS stays on the socket). */
	if (addr_len >= (int)offsetofend(struct sockaddr, sa_family) &&
	    uaddr->sa_family == AF_UNSPEC) {
		ssa_sock_set_error(ssk, "connect: AF_UNSPEC (disconnect) is not supported on IPPROTO_TLS sockets");
		return -EOPNOTSUPP;
	}
	if (!sock->file) {
		ssa_sock_set_error(ssk, "connect: kernel sockets cannot use IPPROTO_TLS");
		return -EOPNOTSUPP;
	}
	lock_sock(sk);
	switch (ssk->state) {
	case SSA_IDLE:
		err = ssa_creds_check(ssk, false) ?: ssa_quota_client(ssk);
		if (err) {
			release_sock(sk);
			return err;
		}
		break;
	case SSA_LISTEN:
		release_sock(sk);
		return -EISCONN;
	case SSA_FAILED:
		/* TCP's connect failed before any TLS: like TCP, it may be
		 * tried again (to the same or another address).
		 */
		if (test_bit(SSA_F_TCP_FAILED, &ssk->flags) && sk->sk_state == TCP_CLOSE) {
			clear_bit(SSA_F_TCP_FAILED, &ssk->flags);
			ssk->hs_err = 0;
			ssa_state_move(ssk, SSA_FAILED, SSA_IDLE);
			ssa_state_change_unhook(sk, ssk);
			err = ssa_quota_client(ssk);
			if (err) {
				release_sock(sk);
				return err;
			}
			break;
		}
		release_sock(sk);
		return ssa_sock_error(ssk);
	default:
		release_sock(sk);
		if (nonblock)
			return -EALREADY;
		return ssa_wait_handshake(sk, ssk, sock_sndtimeo(sk, false));
	}
	sock_owned_by_me(sk);
	clear_bit(SSA_F_TCP_FAILED, &ssk->flags);	/* a stale mark of a lost race */
	ssa_state_change_hook(sk, ssk);
	WARN_ON_ONCE(!ssa_state_move(ssk, SSA_IDLE, SSA_CONNECTING));
	release_sock(sk);

	/* TCP's own connect; reaching ESTABLISHED starts the handshake. */
	err = fam->base_ops->connect(sock, uaddr, addr_len, flags);
	/* A signal in SYN_SENT: TCP goes on connecting, as it does for a
	 * TCP socket, and so does the handshake once it is up; connect()
	 * again waits for it (or says EALREADY).
	 */
	if (err == -ERESTARTSYS || err == -EINTR) {
		ssa_connect_progress_locked(sk, ssk);
		return err;
	}
	if (err && err != -EINPROGRESS) {
		/* Under the lock: another connect() must not hook the socket
		 * between our return to IDLE and the unhook.
		 */
		lock_sock(sk);
		if (ssa_state_move(ssk, SSA_CONNECTING, SSA_IDLE)) {
			/* TCP never got anywhere: the socket may try again. */
			ssa_state_change_unhook(sk, ssk);
			ssa_quota_release(ssk);
			ssa_sock_set_error(ssk, "TCP connect failed (%d)", err);
			release_sock(sk);
			return err;
		}
		release_sock(sk);
		/* Failed already: TCP (the state hook said so) or the handshake,
		 * which can end before TCP's connect() returns; each left its
		 * reason in TLS_ERROR.
		 */
		if (READ_ONCE(ssk->state) == SSA_FAILED)
			return err;
	}
	/* TCP may have been up before the hook could see it change. */
	ssa_connect_progress_locked(sk, ssk);
	if (nonblock)
		return -EINPROGRESS;
	return ssa_wait_handshake(sk, ssk, sock_sndtimeo(sk, false));
}

/* accept() hands out only connections whose handshake completed. */
static int ssa_accept(struct socket *sock, struct socket *newsock, SSA_ACCEPT_PARAMS)
{
	return ssa_accept_ready(sock, newsock, SSA_ACCEPT_FLAGS);
}

/* close() of a socket that never reached kTLS (kTLS's own have post.c's). */
static int ssa_release(struct socket *sock)
{
	struct ssa_sock *ssk;

	if (!sock->sk)
		return 0;
	ssk = ssa_sock_get(sock->sk);
	if (ssk && ssk->lsn)
		ssa_listener_close(ssk);
	return ssa_family_get(sock->sk)->base_ops->release(sock);
}

/* --- data calls before kTLS carries the connection --------------------------- */

/**
 * ssa_data_gate() - may a data call pass yet?
 * @sock: the socket
 * @nonblock: the call must not wait
 * @send: it sends (SO_SNDTIMEO), or receives (SO_RCVTIMEO)
 *
 * Nothing may pass in plaintext: before the handshake, data calls wait
 * for it (or say EAGAIN), then go through whatever ops the socket has by
 * then (the post-handshake ops in front of kTLS).  A blocking call waits
 * as TCP's own would for its direction (SO_SNDTIMEO or SO_RCVTIMEO, then
 * EAGAIN) and a signal interrupts it.
 *
 * Return: 0 once established, or the errno the call returns.
 */
int ssa_data_gate(struct socket *sock, bool nonblock, bool send)
{
	struct ssa_sock *ssk = ssa_sock_get(sock->sk);
	long timeo;
	int err;

	switch (ssk ? READ_ONCE(ssk->state) : SSA_FAILED) {
	case SSA_IDLE:
	case SSA_LISTEN:
		return -ENOTCONN;
	case SSA_CONNECTING:
	case SSA_HANDSHAKE:
		if (nonblock)
			return -EAGAIN;
		timeo = send ? sock_sndtimeo(sock->sk, false) : sock_rcvtimeo(sock->sk, false);
		err = ssa_wait_handshake(sock->sk, ssk, timeo);
		return err == -EINPROGRESS ? -EAGAIN : err;
	case SSA_ESTABLISHED:
		return 0;
	default:
		return ssa_sock_error(ssk);
	}
}

static bool ssa_nonblock(struct socket *sock, bool flag)
{
	return flag || (sock->file && (sock->file->f_flags & O_NONBLOCK));
}

static int ssa_sendmsg(struct socket *sock, struct msghdr *msg, size_t size)
{
	int err = ssa_data_gate(sock, ssa_nonblock(sock, msg->msg_flags & MSG_DONTWAIT), true);

	if (err == -ENOTCONN)
		err = -EPIPE;
	if (err == -EPIPE && !(msg->msg_flags & MSG_NOSIGNAL))
		send_sig(SIGPIPE, current, 0);
	if (err)
		return err;
	return READ_ONCE(sock->ops)->sendmsg(sock, msg, size);
}

static int ssa_recvmsg(struct socket *sock, struct msghdr *msg, size_t size,
		       int flags)
{
	int err = ssa_data_gate(sock, ssa_nonblock(sock, flags & MSG_DONTWAIT), false);

	if (err)
		return err;
	return READ_ONCE(sock->ops)->recvmsg(sock, msg, size, flags);
}

#if SSA_HAVE_SENDPAGE
static ssize_t ssa_sendpage(struct socket *sock, struct page *page, int offset,
			    size_t size, int flags)
{
	int err = ssa_data_gate(sock, ssa_nonblock(sock, flags & MSG_DONTWAIT), true);

	if (err)
		return err == -ENOTCONN ? -EPIPE : err;
	return READ_ONCE(sock->ops)->sendpage(sock, page, offset, size, flags);
}
#endif

static ssize_t ssa_splice_read(struct socket *sock, loff_t *ppos,
			       struct pipe_inode_info *pipe, size_t len,
			       unsigned int flags)
{
	int err = ssa_data_gate(sock, ssa_nonblock(sock, flags & SPLICE_F_NONBLOCK), false);

	if (err)
		return err;
	return READ_ONCE(sock->ops)->splice_read(sock, ppos, pipe, len, flags);
}

/* Readable/writable only once kTLS carries the data (design.rst §4). */
static __poll_t ssa_poll(struct file *file, struct socket *sock,
			 struct poll_table_struct *wait)
{
	const struct ssa_family *fam = ssa_family_get(sock->sk);
	struct ssa_sock *ssk = ssa_sock_get(sock->sk);
	__poll_t mask = fam->base_ops->poll(file, sock, wait);

	switch (ssk ? READ_ONCE(ssk->state) : SSA_FAILED) {
	case SSA_LISTEN:
		/* TCP's accept queue holds connections still to handshake. */
		return (mask & ~(EPOLLIN | EPOLLRDNORM)) | ssa_listen_poll(ssk);
	case SSA_CONNECTING:
	case SSA_HANDSHAKE:
		/* Nothing until the outcome: TCP's own error or hang-up during
		 * the handshake is the worker's to judge (it may already have
		 * consumed sk_err), and a poller woken by it would read
		 * SO_ERROR 0 and take the connection for established.  The
		 * worker (or the state hook, for TCP failures) sets SSA_FAILED
		 * and sk_err before it wakes us again.
		 */
		return 0;
	case SSA_FAILED:
		return mask | EPOLLERR;
	default:
		return mask;
	}
}

/**
 * ssa_opt_locked_set() - the kernel's own setsockopt(), under opt_lock
 * @sock: an SSA socket
 * @ops: the ops that serve it (the genuine stream ops, or kTLS's)
 * @level: option level
 * @optname: option
 * @optval: value
 * @optlen: its length
 *
 * The kernel may hold the socket lock while it copies the caller's memory
 * (IP_OPTIONS, TCP_MD5SIG, ...): under opt_lock a handshake step never
 * waits on a caller stuck in that copy (see struct ssa_sock).
 *
 * Return: what @ops returns, or -ERESTARTSYS.
 */
int ssa_opt_locked_set(struct socket *sock, const struct proto_ops *ops, int level,
		       int optname, sockptr_t optval, unsigned int optlen)
{
	struct ssa_sock *ssk = ssa_sock_get(sock->sk);
	int err;

	if (!ssk)
		return ops->setsockopt(sock, level, optname, optval, optlen);
	if (mutex_lock_interruptible(&ssk->opt_lock))
		return -ERESTARTSYS;
	err = ops->setsockopt(sock, level, optname, optval, optlen);
	mutex_unlock(&ssk->opt_lock);
	return err;
}

/**
 * ssa_opt_locked_get() - the kernel's own getsockopt(), under opt_lock
 * @sock: an SSA socket
 * @ops: the ops that serve it
 * @level: option level
 * @optname: option
 * @optval: user buffer
 * @optlen: its length, in and out
 *
 * Return: what @ops returns, or -ERESTARTSYS.
 */
int ssa_opt_locked_get(struct socket *sock, const struct proto_ops *ops, int level,
		       int optname, char __user *optval, int __user *optlen)
{
	struct ssa_sock *ssk = ssa_sock_get(sock->sk);
	int err;

	if (!ssk)
		return ops->getsockopt(sock, level, optname, optval, optlen);
	if (mutex_lock_interruptible(&ssk->opt_lock))
		return -ERESTARTSYS;
	err = ops->getsockopt(sock, level, optname, optval, optlen);
	mutex_unlock(&ssk->opt_lock);
	return err;
}

/* Levels TLS must control: IPPROTO_TLS is ours; SOL_TLS would hand the
 * traffic keys to the application and TCP_ULP would let it install a
 * record layer behind our back.
 */
static int ssa_setsockopt(struct socket *sock, int level, int optname,
			  sockptr_t optval, unsigned int optlen)
{
	if (level == IPPROTO_TLS)
		return ssa_sockopt_set(sock->sk, optname, optval, optlen);
	if (level == SOL_TLS || (level == SOL_TCP && optname == TCP_ULP))
		return -EOPNOTSUPP;
	/* Fast Open would put data in the SYN before any TLS, and connect()
	 * would return before TCP is up, with no state change to start the
	 * handshake from.
	 */
	if (level == SOL_TCP && optname == TCP_FASTOPEN_CONNECT) {
		struct ssa_sock *ssk = ssa_sock_get(sock->sk);

		if (ssk)
			ssa_sock_set_error(ssk, "TCP Fast Open (TCP_FASTOPEN_CONNECT) is not supported on IPPROTO_TLS sockets");
		return -EOPNOTSUPP;
	}
	return ssa_opt_locked_set(sock, ssa_family_get(sock->sk)->base_ops, level, optname,
				  optval, optlen);
}

static int ssa_getsockopt(struct socket *sock, int level, int optname,
			  char __user *optval, int __user *optlen)
{
	if (level == IPPROTO_TLS)
		return ssa_sockopt_get(sock->sk, optname, optval, optlen);
	if (level == SOL_TLS)
		return -EOPNOTSUPP;
	return ssa_opt_locked_get(sock, ssa_family_get(sock->sk)->base_ops, level, optname,
				  optval, optlen);
}

static void ssa_family_setup(struct ssa_family *fam, const char *name,
			     struct proto *base_prot,
			     const struct proto_ops *base_ops)
{
	fam->base_prot = base_prot;
	fam->base_ops = base_ops;

	fam->prot = *base_prot;
	strscpy(fam->prot.name, name, sizeof(fam->prot.name));
	fam->prot.owner = THIS_MODULE;
	fam->prot.init = ssa_sk_init;
	fam->prot.release_cb = ssa_release_cb;

	fam->ops = *base_ops;
	fam->ops.owner = THIS_MODULE;
	fam->ops.connect = ssa_connect;
	fam->ops.listen = ssa_listen;
	fam->ops.accept = ssa_accept;
	fam->ops.release = ssa_release;
	fam->ops.poll = ssa_poll;
	fam->ops.sendmsg = ssa_sendmsg;
	fam->ops.recvmsg = ssa_recvmsg;
	fam->ops.splice_read = ssa_splice_read;
#if SSA_HAVE_SENDPAGE
	fam->ops.sendpage = ssa_sendpage;
#endif
	fam->ops.setsockopt = ssa_setsockopt;
	fam->ops.getsockopt = ssa_getsockopt;

	fam->protosw = (struct inet_protosw) {
		.type = SOCK_STREAM,
		.protocol = IPPROTO_TLS,
		.prot = &fam->prot,
		.ops = &fam->ops,
		.flags = INET_PROTOSW_ICSK,
	};
}

#if IS_ENABLED(CONFIG_IPV6)
/* inet6_stream_ops is not exported (6.1), so take the genuine table from
 * a throwaway kernel TCPv6 socket: what every AF_INET6 SOCK_STREAM socket
 * uses, without a symbol lookup.
 */
static const struct proto_ops *ssa_inet6_stream_ops(void)
{
	const struct proto_ops *ops = NULL;
	struct socket *probe;

	if (sock_create_kern(&init_net, AF_INET6, SOCK_STREAM, IPPROTO_TCP,
			     &probe))
		return NULL;
	if (probe->sk->sk_prot == &tcpv6_prot)
		ops = probe->ops;
	sock_release(probe);
	return ops;
}
#endif

/**
 * ssa_proto_init() - register IPPROTO_TLS for AF_INET and AF_INET6
 *
 * Return: 0 or a negative errno; nothing stays registered on failure.
 */
int ssa_proto_init(void)
{
	ssa_family_setup(&ssa_inet, "TLS_SSA", &tcp_prot, &inet_stream_ops);
	inet_register_protosw(&ssa_inet.protosw);
	ssa_inet.registered = true;

#if IS_ENABLED(CONFIG_IPV6)
	{
		const struct proto_ops *ops6;
		int err;

		ops6 = ssa_inet6_stream_ops();
		if (ops6)
			ssa_family_setup(&ssa_inet6, "TLS_SSAv6", &tcpv6_prot, ops6);
		err = ops6 ? inet6_register_protosw(&ssa_inet6.protosw) : -EAFNOSUPPORT;
		if (err) {
			pr_err("cannot register IPPROTO_TLS for AF_INET6: %d\n",
			       err);
			ssa_proto_exit();
			return err;
		}
		ssa_inet6.registered = true;
	}
#endif
	return 0;
}

/**
 * ssa_proto_exit() - unregister what ssa_proto_init() registered
 *
 * Waits for an RCU grace period, so no socket() is still looking at our
 * entries when it returns.
 */
void ssa_proto_exit(void)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (ssa_inet6.registered) {
		inet6_unregister_protosw(&ssa_inet6.protosw);
		ssa_inet6.registered = false;
	}
#endif
	if (ssa_inet.registered) {
		inet_unregister_protosw(&ssa_inet.protosw);
		ssa_inet.registered = false;
	}
}
