// SPDX-License-Identifier: GPL-2.0
/*
 * Listening sockets: accept() returns only connections whose handshake
 * has completed.
 *
 * TCP queues established connections on the listener as usual and calls
 * its sk_data_ready; ours queues the listener's "pull" work instead of
 * waking the application.  The pull work takes connections off TCP's
 * accept queue (as a kernel accept would) while the quotas allow
 * (quota.c): max_handshakes in flight on this listener, the machine's
 * max_handshakes_total, and max_handshakes_per_address for the peer at the
 * head of the queue.  Each connection taken gets its own SSA state and
 * its handshake starts in the engine (engine.c).  A connection whose
 * handshake completes goes on the listener's ready list and wakes
 * accept()/poll(); one that fails is closed and counted.
 *
 * Connections beyond a quota wait in TCP's accept queue (the backlog), so
 * nothing is dropped while there is room.  So that silent clients cannot
 * hold a listener's quota for the whole handshake timeout, a listener at
 * a quota gives up its oldest handshakes that have run for SSA_EVICT_AGE,
 * those whose client has sent nothing first, one per connection that
 * waits: a client that talks is served, a flood only ages itself out.  A
 * connection from an address over its quota, with none of that address's
 * old enough to give up, is reset.
 *
 * Until accept() the connection lives on a file-less "lite" socket owned
 * by the handshake; accept() grafts it onto the application's socket.
 *
 * Lifetimes: the listener's state is freed with the listener's sock; the
 * pull worker and every handshake in flight hold a reference to that sock.
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/sched/signal.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/inet_connection_sock.h>
#include <net/request_sock.h>
#include <net/ipv6.h>

#include "tls_ssa.h"
#include "compat.h"
#include "ssa_mbedtls.h"

/**
 * struct ssa_listener - what a listening SSA socket keeps
 * @sk: the listening socket
 * @lock: protects @pending, @ready, @nready, @inflight, @evicting, @closed
 * @pending: connections in their handshake (struct ssa_sock.accept_node),
 *	oldest first
 * @ready: handshaken connections (struct ssa_sock.accept_node), oldest first
 * @nready: entries on @ready
 * @inflight: handshakes running (and reserved slots)
 * @evicting: handshakes told to give up their slot that have not yet
 * @max_inflight: the policy's max_handshakes when listen() was called
 * @max_total: the policy's max_handshakes_total then
 * @max_per_addr: the policy's max_handshakes_per_address then
 * @waiter: on quota.c's list while the machine-wide quota holds us up
 * @closed: the application closed the listener
 * @pull_work: takes connections off TCP's accept queue (delayed: a retry
 *	when the oldest handshake may be given up)
 * @free_work: frees this state in process context
 * @orig_data_ready: the listener's own sk_data_ready (wakes accept/poll)
 * @ticket: session ticket keys (if @tickets)
 * @tickets: this listener issues session tickets
 */
struct ssa_listener {
	struct sock *sk;
	spinlock_t lock;
	struct list_head pending;
	struct list_head ready;
	unsigned int nready;
	unsigned int inflight;
	unsigned int evicting;
	unsigned int max_inflight;
	unsigned int max_total;
	unsigned int max_per_addr;
	struct ssa_quota_waiter waiter;
	bool closed;
	struct delayed_work pull_work;
	struct work_struct free_work;
	void (*orig_data_ready)(struct sock *sk);
	mbedtls_ssl_ticket_context ticket;
	bool tickets;
};

/* How long a handshake runs before a listener at a quota may give it up. */
#define SSA_EVICT_AGE		HZ
/* How soon a pull put off for a listener lock the application holds looks again. */
#define SSA_PULL_DEFER		(HZ / 50 ?: 1)
/* Handshakes a listener may have on their way out at once. */
#define SSA_EVICT_BATCH		16U

/* TCP's default sk_data_ready, for connections cloned from a listener
 * (they inherit the listener's callback until the pull worker takes them).
 */
static void (*ssa_def_readable)(struct sock *sk);

/* --- the listener's callbacks ---------------------------------------------- */

/* Pull more connections if the bounds allow; any context. */
static void ssa_listener_kick(struct ssa_listener *lsn)
{
	sock_hold(lsn->sk);
	if (mod_delayed_work(ssa_srv_wq, &lsn->pull_work, 0))
		sock_put(lsn->sk);	/* it was pending, with a reference */
}

/* Pull again after @delay jiffies, unless a pull is pending already. */
static void ssa_listener_retry(struct ssa_listener *lsn, unsigned long delay)
{
	sock_hold(lsn->sk);
	if (!queue_delayed_work(ssa_srv_wq, &lsn->pull_work, delay))
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

/* Return: 0 with a slot taken, -EUSERS at max_handshakes, or -ENOSPC
 * (the ready list fills the backlog: accept() must make room) or
 * -ESHUTDOWN.
 */
static int ssa_listener_reserve(struct ssa_listener *lsn)
{
	unsigned int cap = max_t(unsigned int, READ_ONCE(lsn->sk->sk_max_ack_backlog), 1);
	int err = 0;

	spin_lock_bh(&lsn->lock);
	if (lsn->closed)
		err = -ESHUTDOWN;
	else if (lsn->nready >= cap)
		err = -ENOSPC;
	else if (lsn->inflight >= lsn->max_inflight)
		err = -EUSERS;
	else
		lsn->inflight++;
	spin_unlock_bh(&lsn->lock);
	return err;
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
 * The connection takes the machine-wide count the caller took; on failure
 * the connection is closed with the socket.
 */
static int ssa_server_start(struct ssa_listener *lsn, struct socket *sock, struct sock *child)
{
	struct ssa_sock *ssk;
	bool linger;
	int err;

	write_lock_bh(&child->sk_callback_lock);
	child->sk_data_ready = ssa_def_readable;
	write_unlock_bh(&child->sk_callback_lock);
	/* A clone has the listener's SO_LINGER: closing a failed handshake
	 * would wait it out in a worker.  accept() gives it back.
	 */
	linger = sock_flag(child, SOCK_LINGER);
	sock_reset_flag(child, SOCK_LINGER);

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
		ssa_quota_total_untake();
		sock_release(sock);
		return err;
	}
	ssk = ssa_sock_get(child);
	if (linger)
		set_bit(SSA_F_LINGER, &ssk->flags);
	if (ssa_quota_server(ssk, lsn->max_per_addr)) {
		/* The address filled its quota since we looked: reset. */
		ssa_quota_release(ssk);
		sock_release(sock);
		return -EAGAIN;
	}
	ssk->parent = lsn;
	ssk->hs_start = jiffies;
	sock_hold(lsn->sk);
	spin_lock_bh(&lsn->lock);
	list_add_tail(&ssk->accept_node, &lsn->pending);
	spin_unlock_bh(&lsn->lock);
	ssa_handshake_queue_server(ssk, sock);
	return 0;
}

/* At a quota: ask the oldest handshakes that have run SSA_EVICT_AGE to
 * give up their slots, those whose client has sent nothing first; from
 * @key's address only, if @key.  Up to @want at a time, and never more
 * than SSA_EVICT_BATCH on their way out: each slot comes back when its
 * handshake has gone, and the pull work runs again then.  If none is old
 * enough yet, the pull work runs again when the oldest is.
 *
 * Return: true if some are going (or already were).
 */
static bool ssa_listener_evict(struct ssa_listener *lsn, const struct in6_addr *key,
			       unsigned int want)
{
	unsigned long now = jiffies, when = 0;
	struct ssa_sock *c;
	bool retry = false, going;
	int pass;

	spin_lock_bh(&lsn->lock);
	want = min(want, SSA_EVICT_BATCH - min(lsn->evicting, SSA_EVICT_BATCH));
	/* Pass 0 takes silent clients only, pass 1 any. */
	for (pass = 0; pass < 2 && want; pass++) {
		list_for_each_entry(c, &lsn->pending, accept_node) {
			if (key && !ipv6_addr_equal(&c->quota.addr, key))
				continue;
			if (time_after(c->hs_start + SSA_EVICT_AGE, now)) {
				/* oldest first: the rest are younger */
				when = c->hs_start + SSA_EVICT_AGE;
				retry = true;
				break;
			}
			if (test_bit(SSA_F_HS_EVICT, &c->flags) || (!pass && READ_ONCE(c->hs)))
				continue;
			set_bit(SSA_F_HS_EVICT, &c->flags);
			lsn->evicting++;
			ssa_handshake_kick(c);
			if (!--want)
				break;
		}
	}
	going = lsn->evicting;
	spin_unlock_bh(&lsn->lock);
	if (!going && retry)
		ssa_listener_retry(lsn, when - now + 1);
	return going;
}

/* The peer of the connection at the head of TCP's accept queue. */
static bool ssa_listener_peek(struct ssa_listener *lsn, struct in6_addr *key)
{
	struct request_sock_queue *q = &inet_csk(lsn->sk)->icsk_accept_queue;
	struct request_sock *req;
	bool ok = false;

	spin_lock_bh(&q->rskq_lock);
	req = q->rskq_accept_head;
	if (req && req->sk) {
		ssa_quota_peek_addr(req->sk, key);
		ok = true;
	}
	spin_unlock_bh(&q->rskq_lock);
	return ok;
}

/* How many wait in TCP's accept queue. */
static unsigned int ssa_listener_backlog(struct ssa_listener *lsn)
{
	return READ_ONCE(lsn->sk->sk_ack_backlog);
}

static void ssa_listener_pull(struct work_struct *work)
{
	struct ssa_listener *lsn = container_of(to_delayed_work(work), struct ssa_listener,
						pull_work);
	struct ssa_sock *lssk = ssa_sock_get(lsn->sk);
	struct in6_addr key;
	struct socket *sock;
	struct sock *child;
	int err;

	for (;;) {
		err = ssa_listener_reserve(lsn);
		if (err) {
			unsigned int waiting = ssa_listener_backlog(lsn);

			/* Only our own quota is worth an eviction: a slot given
			 * up for the ready list or the machine's total would
			 * go to nobody here.
			 */
			if (err == -EUSERS && waiting)
				ssa_listener_evict(lsn, NULL, waiting);
			ssa_quota_wake_next();	/* a wake-up we cannot use */
			break;
		}
		if (!ssa_quota_total_take(&lsn->waiter, lsn->max_total)) {
			ssa_listener_unreserve(lsn);
			break;	/* quota.c wakes us when a slot frees */
		}
		if (!ssa_listener_peek(lsn, &key))
			goto give_back;	/* the queue is empty */
		if (ssa_quota_addr_count(&key) >= lsn->max_per_addr &&
		    ssa_listener_evict(lsn, &key, 1))
			goto give_back;	/* its slot comes back when the old one has gone */
		/* inet_csk_accept() takes the listener's lock: never while the
		 * application may hold it for ever (see struct ssa_sock.opt_lock).
		 */
		if (!mutex_trylock(&lssk->opt_lock))
			goto retry;
		if (ssa_sock_owned(lsn->sk)) {
			mutex_unlock(&lssk->opt_lock);
			goto retry;
		}
		sock = ssa_server_lite(lsn);
		child = sock ? ssa_csk_accept(lsn->sk, &err) : NULL;
		mutex_unlock(&lssk->opt_lock);
		if (!child) {
			if (sock)
				sock_release(sock);
			goto give_back;	/* the queue is empty (or memory is short: next kick) */
		}
		err = ssa_server_start(lsn, sock, child);
		if (err) {
			ssa_listener_unreserve(lsn);
			ssa_stat_inc(SSA_STAT_SERVER_FAILED);
			ssa_stat_failure(err);
		}
	}
	sock_put(lsn->sk);
	return;

retry:
	ssa_listener_retry(lsn, SSA_PULL_DEFER);
give_back:
	ssa_quota_total_untake();
	ssa_listener_unreserve(lsn);
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
	list_del_init(&ssk->accept_node);
	lsn->inflight--;
	if (test_bit(SSA_F_HS_EVICT, &ssk->flags))
		lsn->evicting--;
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

/* quota.c's wake-up of a listener that waited for the machine's quota. */
static bool ssa_listener_pin(struct ssa_quota_waiter *w)
{
	struct ssa_listener *lsn = container_of(w, struct ssa_listener, waiter);

	return refcount_inc_not_zero(&lsn->sk->sk_refcnt);
}

static void ssa_listener_wake(struct ssa_quota_waiter *w)
{
	struct ssa_listener *lsn = container_of(w, struct ssa_listener, waiter);

	if (mod_delayed_work(ssa_srv_wq, &lsn->pull_work, 0))
		sock_put(lsn->sk);	/* it was pending, with a reference */
}

/**
 * ssa_listener_free() - free a listener's state (from sk_destruct)
 * @lsn: the state, or NULL
 */
void ssa_listener_free(struct ssa_listener *lsn)
{
	if (!lsn)
		return;
	ssa_quota_unwait(&lsn->waiter);
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
	INIT_LIST_HEAD(&lsn->pending);
	INIT_LIST_HEAD(&lsn->ready);
	INIT_LIST_HEAD(&lsn->waiter.node);
	lsn->waiter.pin = ssa_listener_pin;
	lsn->waiter.wake = ssa_listener_wake;
	INIT_DELAYED_WORK(&lsn->pull_work, ssa_listener_pull);
	lsn->max_inflight = pol.max_handshakes;
	lsn->max_total = pol.max_handshakes_total;
	lsn->max_per_addr = pol.max_handshakes_per_address;
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
	if (err) {
		ssa_sock_set_error(ssk, "listen: TCP refused (%d)", err);
	} else if (ssk->state != SSA_LISTEN && !ssa_state_move(ssk, SSA_IDLE, SSA_LISTEN)) {
		/* a connect() ran while the lock was dropped */
		ssa_sock_set_error(ssk, "listen: the socket is connecting");
		err = -EINVAL;
	}
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
	if (test_bit(SSA_F_LINGER, &ssk->flags))
		sock_set_flag(sk, SOCK_LINGER);	/* the application's from now on */
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
 * Closes the handshaken connections nobody accepted, and has the
 * handshakes in flight give up now.
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
	list_for_each_entry(child, &lsn->pending, accept_node)
		if (test_bit(SSA_F_HS_LIVE, &child->flags))
			ssa_handshake_kick(child);	/* later ones see @closed */
	spin_unlock_bh(&lsn->lock);
	ssa_quota_unwait(&lsn->waiter);

	list_for_each_entry_safe(child, tmp, &orphans, accept_node) {
		list_del_init(&child->accept_node);
		sock_release(child->hs_sock);
	}
}
