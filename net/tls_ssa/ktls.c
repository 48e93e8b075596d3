// SPDX-License-Identifier: GPL-2.0
/*
 * The hand-off to kTLS: the "tls" ULP attached before the handshake, the
 * keys installed with SOL_TLS TLS_TX/TLS_RX on the genuine TCP prot/ops
 * (design.rst §5 rule 2), each through a stand-in socket, and then the
 * post-handshake ops (post.c) in front of kTLS's.  The keys come from
 * keys.c.
 */

#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <net/tcp.h>
#include <net/tls.h>
#include <uapi/linux/tls.h>

#include "tls_ssa.h"
#include "compat.h"

/* kTLS writes its proto_ops into sk->sk_socket->ops when it takes the ULP
 * and again when each direction gets its keys, and builds its per-family
 * tables from the ops it finds there the first time.  The application's
 * socket must never show those ops before the keys are in (it could send
 * plaintext, or poll writable during the handshake), nor lend ours to
 * kTLS's tables.  So kTLS works on a stand-in: for the duration of a call,
 * sk->sk_socket points to a struct socket of the call's own carrying the
 * genuine stream ops, and afterwards we read which ops kTLS chose from it.
 *
 * Anyone may look at sk->sk_socket meanwhile, and some without a lock:
 * sock_i_ino() and sock_i_uid() (/proc/net/tcp, inet_diag, ss) go from it
 * to the inode around it, tcp_poll() sets SOCK_NOSPACE in its flags, and
 * kTLS's receive parser may call through its ops from softirq.  So the
 * stand-in is a whole struct socket_alloc whose inode carries the real
 * socket's number and owner, with the real socket's file and flags; it
 * belongs to the socket (ssk->standin) and is freed only with it, since
 * whoever read the pointer before it was put back may still use it.
 * Each socket has its own, so nothing is shared between sockets.
 */
struct ssa_ulp_standin {
	struct socket_alloc sa;
	struct socket *real;
};

static struct socket *ssa_ulp_borrow(struct sock *sk, struct ssa_sock *ssk,
				     const struct proto_ops *ops)
{
	struct ssa_ulp_standin *st = ssk->standin;
	struct socket *sock;

	if (!st) {
		st = kzalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
		if (!st)
			return NULL;
		ssk->standin = st;
	}
	sock = &st->sa.socket;
	WRITE_ONCE(sock->ops, ops);
	sock->sk = sk;
	sock->type = SOCK_STREAM;
	sock->state = SS_CONNECTED;
	write_lock_bh(&sk->sk_callback_lock);
	st->real = sk->sk_socket;
	if (st->real) {
		st->sa.vfs_inode.i_ino = SOCK_INODE(st->real)->i_ino;
		st->sa.vfs_inode.i_uid = SOCK_INODE(st->real)->i_uid;
		sock->file = st->real->file;
		sock->flags = READ_ONCE(st->real->flags);
		sk->sk_socket = sock;
	}
	write_unlock_bh(&sk->sk_callback_lock);
	return st->real;
}

/* Return: the ops kTLS left on the stand-in. */
static const struct proto_ops *ssa_ulp_return(struct sock *sk, struct ssa_sock *ssk)
{
	struct ssa_ulp_standin *st = ssk->standin;
	const struct proto_ops *ops = READ_ONCE(st->sa.socket.ops);

	write_lock_bh(&sk->sk_callback_lock);
	WARN_ON_ONCE(sk->sk_socket != &st->sa.socket);
	sk->sk_socket = st->real;
	write_unlock_bh(&sk->sk_callback_lock);
	/* TCP ran out of send space meanwhile: the real socket must know. */
	if (test_bit(SOCK_NOSPACE, &st->sa.socket.flags))
		set_bit(SOCK_NOSPACE, &st->real->flags);
	return ops;
}

/**
 * ssa_ktls_free() - free a socket's stand-in (sk_destruct: nobody can
 * reach the socket any more)
 * @ssk: the socket's state
 */
void ssa_ktls_free(struct ssa_sock *ssk)
{
	kfree(ssk->standin);
	ssk->standin = NULL;
}

/**
 * ssa_ktls_attach() - put the "tls" ULP on a socket before its handshake
 * @sock: the socket, TCP established; the handshake worker owns it
 * @ssk: its state
 *
 * kTLS accepts its ULP only on an ESTABLISHED socket, and a peer may send
 * its last data and FIN the moment the handshake ends (before the keys
 * could go in), so the ULP goes on first.  Without keys kTLS passes
 * everything through to TCP, so the handshake runs over it unchanged,
 * and the socket keeps our ops: nothing the application calls reaches
 * kTLS before ssa_ktls_install().  kTLS gets the genuine TCP prot (it
 * keeps one base table per family, design.rst §5 rule 2).
 *
 * Return: 0 or a negative errno, with TLS_ERROR set.
 */
int ssa_ktls_attach(struct socket *sock, struct ssa_sock *ssk)
{
	struct sock *sk = sock->sk;
	struct ssa_family *fam = ssa_family_get(sk);
	int err;

	if (!ssa_ulp_borrow(sk, ssk, fam->base_ops)) {
		ssa_sock_set_error(ssk, "out of memory attaching kernel TLS");
		return -ENOMEM;
	}
	WRITE_ONCE(sk->sk_prot, fam->base_prot);
	err = fam->base_prot->setsockopt(sk, SOL_TCP, TCP_ULP, KERNEL_SOCKPTR("tls"), 3);
	ssa_ulp_return(sk, ssk);
	if (err) {
		WRITE_ONCE(sk->sk_prot, &fam->prot);
		ssa_sock_set_error(ssk, "kernel TLS unavailable: TCP_ULP \"tls\" failed (%d)", err);
	}
	return err;
}

/* One direction's keys (TLS_TX or TLS_RX), on the stand-in. */
static int ssa_ktls_set_key(struct sock *sk, struct ssa_sock *ssk, int dir,
			    const u8 *info, unsigned int len)
{
	int err = READ_ONCE(sk->sk_prot)->setsockopt(sk, SOL_TLS, dir,
						     KERNEL_SOCKPTR((void *)info), len);

	if (err)
		ssa_sock_set_error(ssk, "kernel TLS refused the %s keys (%d)%s",
				   dir == TLS_TX ? "send" : "receive", err,
				   err == -ENOENT ? ": cipher module not available" : "");
	return err;
}

/**
 * ssa_ktls_install() - hand an established TLS session to kTLS
 * @sock: the socket, with the "tls" ULP attached (ssa_ktls_attach())
 * @ssk: its state
 * @tx: crypto_info for sending
 * @rx: crypto_info for receiving
 * @len: bytes in each
 *
 * Works in any TCP state the handshake can end in, including CLOSE_WAIT
 * (a peer that sent its data and FIN right after the handshake).  The
 * socket goes from our pre-handshake ops straight to the post-handshake
 * ops in front of kTLS's, with no moment in between.
 *
 * Return: 0, or a negative errno with TLS_ERROR set.
 */
int ssa_ktls_install(struct socket *sock, struct ssa_sock *ssk,
		     const u8 *tx, const u8 *rx, unsigned int len)
{
	struct sock *sk = sock->sk;
	struct ssa_family *fam = ssa_family_get(sk);
	const struct proto_ops *ktls, *post;
	int err;

	if (!ssa_ulp_borrow(sk, ssk, fam->base_ops)) {
		ssa_sock_set_error(ssk, "out of memory installing the kernel TLS keys");
		return -ENOMEM;
	}
	err = ssa_ktls_set_key(sk, ssk, TLS_TX, tx, len) ?:
	      ssa_ktls_set_key(sk, ssk, TLS_RX, rx, len);
	ktls = ssa_ulp_return(sk, ssk);
	if (err)
		return err;	/* our ops stay: the socket carries nothing */
	post = ssa_post_ops_get(sk, ktls);
	if (!post) {
		/* Cannot happen with kTLS's table count and a live tls.ko. */
		ssa_sock_set_error(ssk, "no room for kernel TLS's ops table");
		return -ENOMEM;
	}
	WRITE_ONCE(sock->ops, post);
	return 0;
}
