// SPDX-License-Identifier: GPL-2.0
/*
 * Listening sockets: accept() returns only connections whose handshake
 * has completed.
 *
 * TCP queues established connections on the listener as usual and calls
 * its sk_data_ready; ours queues the listener's "pull" worker instead of
 * waking the application.  The pull worker takes connections off TCP's
 * accept queue (as a kernel accept would), up to a bound of handshakes in
 * flight per listener, gives each its own SSA state and starts its
 * handshake on the server workqueue.  A connection whose handshake
 * completes goes on the listener's ready list and wakes accept()/poll();
 * one that fails is closed and counted.  Connections beyond the bound
 * wait in TCP's accept queue (the backlog), so nothing is dropped while
 * there is room, and no slow or silent client holds up the others.
 *
 * Until accept() the connection lives on a file-less "lite" socket owned
 * by the handshake; accept() grafts it onto the application's socket.
 *
 * Lifetimes: the listener's state is freed with the listener's sock; the
 * pull worker and every handshake in flight hold a reference to that sock.
 */

#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/sched/signal.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/inet_connection_sock.h>

#include "tls_ssa.h"
#include "compat.h"
#include "ssa_mbedtls.h"

/**
 * struct ssa_listener - what a listening SSA socket keeps
 * @sk: the listening socket
 * @lock: protects @ready, @nready, @inflight, @closed
 * @ready: handshaken connections (struct ssa_sock.accept_node), oldest first
 * @nready: entries on @ready
 * @inflight: handshakes running (and reserved slots)
 * @max_inflight: the policy's max_handshakes when listen() was called
 * @closed: the application closed the listener
 * @pull_work: takes connections off TCP's accept queue
 * @free_work: frees this state in process context
 * @orig_data_ready: the listener's own sk_data_ready (wakes accept/poll)
 * @ticket: session ticket keys (if @tickets)
 * @tickets: this listener issues session tickets
 */
struct ssa_listener {
	struct sock *sk;
	spinlock_t lock;
	struct list_head ready;
	unsigned int nready;
	unsigned int inflight;
	unsigned int max_inflight;
	bool closed;
	struct work_struct pull_work;
	struct work_struct free_work;
	void (*orig_data_ready)(struct sock *sk);
	mbedtls_ssl_ticket_context ticket;
	bool tickets;
};

/* TCP's default sk_data_ready, for connections cloned from a listener
 * (they inherit the listener's callback until the pull worker takes them).
 */
static void (*ssa_def_readable)(struct sock *sk);

/* --- the listener's callbacks ---------------------------------------------- */

/* Pull more connections if the bounds allow; any context. */
static void ssa_listener_kick(struct ssa_listener *lsn)
{
	sock_hold(lsn->sk);
	if (!queue_work(ssa_srv_wq, &lsn->pull_work))
		sock_put(lsn->sk);
}

/* sk_data_ready of a listener (softirq): TCP queued a connection.  A
 * connection cloned from the listener runs this too until the pull
 * worker gives it TCP's callback back.
 */
static void ssa_listen_data_ready(struct sock *sk)
{
	struct ssa_sock *ssk;

	if (READ_ONCE(sk->sk_state) != TCP_LISTEN) {
		ssa_def_readable(sk);
		return;
	}
	/* TCP may call this (Fast Open, a child's first data) on a listener
	 * whose last reference is already gone, its state about to be
	 * freed: touch only a live one.
	 */
	if (!refcount_inc_not_zero(&sk->sk_refcnt))
		return;
	ssk = ssa_sock_get(sk);
	if (ssk && ssk->lsn)
		ssa_listener_kick(ssk->lsn);
	sock_put(sk);
}

/* --- taking connections off TCP's queue ---------------------------------- */

static bool ssa_listener_reserve(struct ssa_listener *lsn)
{
	unsigned int cap = max_t(unsigned int, READ_ONCE(lsn->sk->sk_max_ack_backlog), 1);
	bool ok;

	spin_lock_bh(&lsn->lock);
	ok = !lsn->closed && lsn->inflight < lsn->max_inflight &&
	     lsn->inflight + lsn->nready < cap;
	if (ok)
		lsn->inflight++;
	spin_unlock_bh(&lsn->lock);
	return ok;
}

static void ssa_listener_unreserve(struct ssa_listener *lsn)
{
	spin_lock_bh(&lsn->lock);
	lsn->inflight--;
	spin_unlock_bh(&lsn->lock);
}

/* A file-less socket to carry one connection through its handshake.
 * Our ops (so release() finds the socket's state); the module reference
 * is what sock_release() or accept() gives back.
 */
static struct socket *ssa_server_lite(struct ssa_listener *lsn)
{
	struct socket *sock;

	if (sock_create_lite(lsn->sk->sk_family, SOCK_STREAM, IPPROTO_TCP, &sock))
		return NULL;
	__module_get(THIS_MODULE);
	sock->ops = &ssa_family_get(lsn->sk)->ops;
	return sock;
}

/* Put a connection on its socket, give it its state, start its handshake.
 * On failure the connection is closed with the socket.
 */
static int ssa_server_start(struct ssa_listener *lsn, struct socket *sock, struct sock *child)
{
	struct ssa_sock *ssk;
	int err;

	write_lock_bh(&child->sk_callback_lock);
	child->sk_data_ready = ssa_def_readable;
	write_unlock_bh(&child->sk_callback_lock);

	/* sock_graft() takes sk_uid from the socket's inode: the listener's
	 * user, not the worker's root, until accept() grafts the caller's.
	 */
	SOCK_INODE(sock)->i_uid = sock_i_uid(lsn->sk);
	lock_sock(child);
	sock_graft(child, sock);
	sock->state = SS_CONNECTED;
	err = ssa_sock_attach_child(child, ssa_sock_get(lsn->sk));
	release_sock(child);
	if (err) {
		sock_release(sock);
		return err;
	}
	ssk = ssa_sock_get(child);
	ssk->parent = lsn;
	ssk->hs_sock = sock;
	sock_hold(lsn->sk);
	ssa_handshake_queue_server(ssk);
	return 0;
}

static void ssa_listener_pull(struct work_struct *work)
{
	struct ssa_listener *lsn = container_of(work, struct ssa_listener, pull_work);
	struct socket *sock;
	struct sock *child;
	int err;

	while (ssa_listener_reserve(lsn)) {
		sock = ssa_server_lite(lsn);
		child = sock ? ssa_csk_accept(lsn->sk, &err) : NULL;
		if (!child) {
			if (sock)
				sock_release(sock);
			ssa_listener_unreserve(lsn);
			break;	/* the queue is empty (or memory is short: next kick) */
		}
		if (ssa_server_start(lsn, sock, child)) {
			ssa_listener_unreserve(lsn);
			ssa_stat_inc(SSA_STAT_SERVER_FAILED);
			ssa_stat_failure(-ENOMEM);
		}
	}
	sock_put(lsn->sk);
}

/**
 * ssa_server_done() - a server handshake ended
 * @ssk: the connection's state (its hs_sock is the lite socket)
 * @err: 0 or the handshake's negative errno
 *
 * Queues the connection for accept(), or closes it; releases the
 * handshake's hold on the listener.  Process context.
 */
void ssa_server_done(struct ssa_sock *ssk, int err)
{
	struct ssa_listener *lsn = ssk->parent;
	struct sock *lsk = lsn->sk;
	bool queued = false;

	/* The listener may be freed once its reference goes below; the
	 * connection needs it no more.
	 */
	WRITE_ONCE(ssk->parent, NULL);
	spin_lock_bh(&lsn->lock);
	lsn->inflight--;
	if (!err && !lsn->closed) {
		list_add_tail(&ssk->accept_node, &lsn->ready);
		lsn->nready++;
		queued = true;
	}
	spin_unlock_bh(&lsn->lock);

	if (queued) {
		ssa_stat_inc(SSA_STAT_SERVER_OK);
		lsn->orig_data_ready(lsk);	/* wakes accept() and poll() */
	} else {
		if (err)
			ssa_stat_inc(SSA_STAT_SERVER_FAILED);
		sock_release(ssk->hs_sock);
	}
	ssa_listener_kick(lsn);
	sock_put(lsk);
}

/**
 * ssa_server_abandoned() - should a server handshake give up?
 * @ssk: the connection's state
 *
 * Return: true once the application has closed the listener.
 */
bool ssa_server_abandoned(const struct ssa_sock *ssk)
{
	return READ_ONCE(ssk->parent->closed);
}

/**
 * ssa_server_memcg() - the memory cgroup a server handshake is charged to
 * @ssk: a connection of the listener, in its handshake
 *
 * Return: the listener's socket's memory cgroup, or NULL.
 */
struct mem_cgroup *ssa_server_memcg(const struct ssa_sock *ssk)
{
	return READ_ONCE(ssk->parent->sk->sk_memcg);
}

/**
 * ssa_server_tickets() - the listener's session ticket keys
 * @ssk: a connection of the listener
 *
 * Return: the ticket context, or NULL if the listener issues none.
 */
mbedtls_ssl_ticket_context *ssa_server_tickets(struct ssa_sock *ssk)
{
	return ssk->parent->tickets ? &ssk->parent->ticket : NULL;
}

/* --- listen() ------------------------------------------------------------------ */

static void ssa_listener_free_work(struct work_struct *work)
{
	struct ssa_listener *lsn = container_of(work, struct ssa_listener, free_work);

	if (lsn->tickets)
		mbedtls_ssl_ticket_free(&lsn->ticket);	/* zeroes the keys */
	kfree(lsn);
}

/**
 * ssa_listener_free() - free a listener's state (from sk_destruct)
 * @lsn: the state, or NULL
 */
void ssa_listener_free(struct ssa_listener *lsn)
{
	if (!lsn)
		return;
	INIT_WORK(&lsn->free_work, ssa_listener_free_work);
	queue_work(ssa_wq, &lsn->free_work);
}

static struct ssa_listener *ssa_listener_create(struct sock *sk, struct ssa_sock *ssk)
{
	struct ssa_pol_settings pol;
	struct ssa_listener *lsn;
	int ret;

	ssa_policy_for(ssk->profile, &pol);

	lsn = kzalloc(sizeof(*lsn), GFP_KERNEL_ACCOUNT);
	if (!lsn)
		return NULL;
	lsn->sk = sk;
	spin_lock_init(&lsn->lock);
	INIT_LIST_HEAD(&lsn->ready);
	INIT_WORK(&lsn->pull_work, ssa_listener_pull);
	lsn->max_inflight = pol.max_handshakes;
	if (ssk->session_ttl > 0) {
		/* Keys made here, rotated by mbedTLS every TTL, zeroed on free. */
		mbedtls_ssl_ticket_init(&lsn->ticket);
		ret = mbedtls_ssl_ticket_setup(&lsn->ticket, mbedtls_psa_get_random,
					       MBEDTLS_PSA_RANDOM_STATE,
					       MBEDTLS_CIPHER_AES_256_GCM,
					       min_t(int, ssk->session_ttl, pol.session_ttl));
		if (ret) {
			mbedtls_ssl_ticket_free(&lsn->ticket);
			kfree(lsn);
			return NULL;
		}
		lsn->tickets = true;
	}
	return lsn;
}

/**
 * ssa_listen() - listen() on an SSA socket
 * @sock: the socket
 * @backlog: as for TCP
 *
 * Return: 0, -ENOKEY without a certificate, or TCP's error.
 */
int ssa_listen(struct socket *sock, int backlog)
{
	const struct ssa_family *fam = ssa_family_get(sock->sk);
	struct sock *sk = sock->sk;
	struct ssa_sock *ssk;
	int err;

	lock_sock(sk);
	ssk = ssa_sock_get(sk);
	if (!ssk) {
		err = -EBADFD;
		goto out;
	}
	if (ssk->state != SSA_IDLE && ssk->state != SSA_LISTEN) {
		err = -EINVAL;
		goto out;
	}
	if (!ssk->lsn) {
		err = ssa_creds_check(ssk, true);
		if (err)
			goto out;
		ssk->lsn = ssa_listener_create(sk, ssk);
		if (!ssk->lsn) {
			ssa_sock_set_error(ssk, "listen: out of memory for the listener");
			err = -ENOMEM;
			goto out;
		}
		write_lock_bh(&sk->sk_callback_lock);
		ssk->lsn->orig_data_ready = sk->sk_data_ready;
		if (!ssa_def_readable)
			WRITE_ONCE(ssa_def_readable, sk->sk_data_ready);
		sk->sk_data_ready = ssa_listen_data_ready;
		write_unlock_bh(&sk->sk_callback_lock);
	}
	release_sock(sk);
	err = fam->base_ops->listen(sock, backlog);
	lock_sock(sk);
	if (!err)
		WRITE_ONCE(ssk->state, SSA_LISTEN);
	else
		ssa_sock_set_error(ssk, "listen: TCP refused (%d)", err);
out:
	release_sock(sk);
	return err;
}

/* --- accept() ------------------------------------------------------------------- */

static struct ssa_sock *ssa_listener_dequeue(struct ssa_listener *lsn)
{
	struct ssa_sock *ssk = NULL;

	spin_lock_bh(&lsn->lock);
	if (!list_empty(&lsn->ready)) {
		ssk = list_first_entry(&lsn->ready, struct ssa_sock, accept_node);
		list_del_init(&ssk->accept_node);
		lsn->nready--;
	}
	spin_unlock_bh(&lsn->lock);
	return ssk;
}

static bool ssa_listener_has_ready(struct ssa_listener *lsn)
{
	return READ_ONCE(lsn->nready) > 0;
}

/* Move a handshaken connection from its lite socket to @newsock. */
static void ssa_server_graft(struct ssa_sock *ssk, struct socket *newsock)
{
	struct socket *lite = ssk->hs_sock;
	struct sock *sk = lite->sk;

	lock_sock(sk);
	sock_graft(sk, newsock);
	/* The post-handshake ops; same owner as the listener's ops the
	 * accept syscall took a module reference for.
	 */
	WRITE_ONCE(newsock->ops, lite->ops);
	newsock->state = SS_CONNECTED;
	ssk->hs_sock = NULL;
	release_sock(sk);

	lite->sk = NULL;
	lite->ops = NULL;
	sock_release(lite);
	module_put(THIS_MODULE);	/* the lite socket's, see ssa_server_start() */
}

/**
 * ssa_accept_ready() - accept() on an SSA listener
 * @sock: the listening socket
 * @newsock: the application's new socket
 * @flags: O_NONBLOCK and friends
 *
 * Return: 0, -EAGAIN, -EINVAL (not listening), or -ERESTARTSYS/-EINTR.
 */
int ssa_accept_ready(struct socket *sock, struct socket *newsock, int flags)
{
	struct sock *sk = sock->sk;
	struct ssa_sock *ssk = ssa_sock_get(sk);
	struct ssa_listener *lsn = ssk ? ssk->lsn : NULL;
	long timeo = sock_rcvtimeo(sk, flags & O_NONBLOCK);
	struct ssa_sock *child;

	if (!lsn)
		return -EINVAL;
	for (;;) {
		if (inet_sk_state_load(sk) != TCP_LISTEN)
			return -EINVAL;
		child = ssa_listener_dequeue(lsn);
		if (child)
			break;
		if (!timeo)
			return -EAGAIN;
		timeo = wait_event_interruptible_timeout(*sk_sleep(sk),
				ssa_listener_has_ready(lsn) ||
				inet_sk_state_load(sk) != TCP_LISTEN, timeo);
		if (timeo < 0)
			return sock_intr_errno(timeo);
		if (!timeo && !ssa_listener_has_ready(lsn))
			return -EAGAIN;
	}
	ssa_server_graft(child, newsock);
	ssa_listener_kick(lsn);		/* room for another handshake */
	return 0;
}

/**
 * ssa_listen_poll() - readiness of an SSA listener
 * @ssk: its state
 *
 * Return: EPOLLIN | EPOLLRDNORM when accept() would not block.
 */
__poll_t ssa_listen_poll(struct ssa_sock *ssk)
{
	return ssk->lsn && ssa_listener_has_ready(ssk->lsn) ? EPOLLIN | EPOLLRDNORM : 0;
}

/**
 * ssa_listener_close() - the application closes a listener
 * @ssk: the listener's state
 *
 * Closes the handshaken connections nobody accepted; handshakes in
 * flight notice and close theirs.
 */
void ssa_listener_close(struct ssa_sock *ssk)
{
	struct ssa_listener *lsn = ssk->lsn;
	struct ssa_sock *child, *tmp;
	LIST_HEAD(orphans);

	if (!lsn)
		return;
	spin_lock_bh(&lsn->lock);
	lsn->closed = true;
	list_splice_init(&lsn->ready, &orphans);
	lsn->nready = 0;
	spin_unlock_bh(&lsn->lock);

	list_for_each_entry_safe(child, tmp, &orphans, accept_node) {
		list_del_init(&child->accept_node);
		sock_release(child->hs_sock);
	}
}
