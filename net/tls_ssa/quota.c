// SPDX-License-Identifier: GPL-2.0
/*
 * Quotas on handshakes in flight.
 *
 * Four limits, each from the policy (policy_parse.c):
 *   - max_handshakes_total: the machine's, clients and servers together;
 *   - max_handshakes_per_user: a user's client handshakes, by the global
 *     kuid that created the socket (in a user namespace, the kuid its uid
 *     maps to: a user with subordinate uids counts as each of them);
 *   - max_handshakes per listener (server.c keeps that count);
 *   - max_handshakes_per_address: a listener's handshakes from one peer
 *     address (IPv4, or an IPv6 /64, which one client usually holds whole).
 *
 * Clients may take three quarters of the machine's total, so that local
 * users never lock servers out.  A client over its user's or that limit
 * fails connect() with EAGAIN and says which limit in TLS_ERROR: an error
 * now tells a program more than a wait it did not ask for, and a wait
 * would hold a TCP connection open at the peer.  Server connections over a limit stay in
 * TCP's backlog (server.c), and listeners that waited for the machine's
 * limit are woken one at a time, round-robin, as handshakes end.
 *
 * Counts by user and address live in a small hash table of entries made
 * on first use and freed at zero.
 */

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/list.h>
#include <net/ipv6.h>

#include "tls_ssa.h"

enum {
	SSA_Q_TOTAL,
	SSA_Q_USER,
	SSA_Q_ADDR,
};

/**
 * struct ssa_quota_ent - handshakes in flight for one user or address
 * @node: in ssa_q_table
 * @kind: SSA_Q_USER or SSA_Q_ADDR
 * @key: the uid, or the address
 * @n: handshakes counted
 */
struct ssa_quota_ent {
	struct hlist_node node;
	int kind;
	struct in6_addr key;
	unsigned int n;
};

static DEFINE_SPINLOCK(ssa_q_lock);	/* the table, the total, the waiters */
static DEFINE_HASHTABLE(ssa_q_table, 8);
static unsigned int ssa_q_total;
static LIST_HEAD(ssa_q_waiters);
static u32 ssa_q_seed __read_mostly;

static u32 ssa_q_hash(int kind, const struct in6_addr *key)
{
	return jhash2(key->s6_addr32, 4, ssa_q_seed ^ kind);
}

static struct ssa_quota_ent *ssa_q_find(int kind, const struct in6_addr *key, u32 h)
{
	struct ssa_quota_ent *e;

	lockdep_assert_held(&ssa_q_lock);
	hash_for_each_possible(ssa_q_table, e, node, h)
		if (e->kind == kind && ipv6_addr_equal(&e->key, key))
			return e;
	return NULL;
}

/* Count one for @key unless it has @limit already. */
static int ssa_q_take(int kind, const struct in6_addr *key, unsigned int limit)
{
	u32 h = ssa_q_hash(kind, key);
	struct ssa_quota_ent *e;

	lockdep_assert_held(&ssa_q_lock);
	e = ssa_q_find(kind, key, h);
	if (!e) {
		e = kzalloc(sizeof(*e), GFP_ATOMIC);
		if (!e)
			return -ENOMEM;
		e->kind = kind;
		e->key = *key;
		hash_add(ssa_q_table, &e->node, h);
	}
	if (e->n >= limit)
		return -EAGAIN;
	e->n++;
	return 0;
}

static void ssa_q_drop(int kind, const struct in6_addr *key)
{
	struct ssa_quota_ent *e;

	lockdep_assert_held(&ssa_q_lock);
	e = ssa_q_find(kind, key, ssa_q_hash(kind, key));
	if (WARN_ON_ONCE(!e || !e->n))
		return;
	if (!--e->n) {
		hash_del(&e->node);
		kfree(e);
	}
}

static void ssa_q_uid_key(kuid_t uid, struct in6_addr *key)
{
	memset(key, 0, sizeof(*key));
	key->s6_addr32[0] = (__force __be32)__kuid_val(uid);
}

/* The peer's address as a quota key: IPv4 mapped, IPv6 by its /64. */
static void ssa_q_addr_key(const struct sock *sk, struct in6_addr *key)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 && !ipv6_addr_v4mapped(&sk->sk_v6_daddr)) {
		*key = sk->sk_v6_daddr;
		key->s6_addr32[2] = 0;
		key->s6_addr32[3] = 0;
		return;
	}
#endif
	ipv6_addr_set_v4mapped(inet_sk(sk)->inet_daddr, key);
}

/* Clients may fill three quarters of the total: local users, who can
 * hold a client's count through a long TCP connect, never lock servers
 * out.
 */
static unsigned int ssa_q_client_share(unsigned int total)
{
	return total - total / 4;
}

/**
 * ssa_quota_client() - count a client handshake against its quotas
 * @ssk: the client socket's state, in connect()
 *
 * Return: 0, or -EAGAIN (-ENOMEM) with TLS_ERROR saying which limit.
 */
int ssa_quota_client(struct ssa_sock *ssk)
{
	kuid_t uid = READ_ONCE(ssk->sk->sk_uid);	/* once: fchown() may change it */
	struct ssa_pol_settings pol;
	struct in6_addr key;
	int err = 0;

	ssa_policy_for(ssk->profile, &pol);
	ssa_q_uid_key(uid, &key);
	spin_lock_bh(&ssa_q_lock);
	if (WARN_ON_ONCE(ssk->quota.held)) {
		err = -EBUSY;
	} else if (ssa_q_total >= ssa_q_client_share(pol.max_handshakes_total)) {
		ssa_sock_set_error(ssk, "connect: the machine has %u handshakes in flight (max_handshakes_total)",
				   ssa_q_total);
		err = -EAGAIN;
	} else {
		err = ssa_q_take(SSA_Q_USER, &key, pol.max_handshakes_per_user);
		if (err == -EAGAIN)
			ssa_sock_set_error(ssk, "connect: this user has %u handshakes in flight (max_handshakes_per_user)",
					   pol.max_handshakes_per_user);
		else if (err)
			ssa_sock_set_error(ssk, "connect: out of memory for the handshake quota");
	}
	if (!err) {
		ssa_q_total++;
		ssk->quota.uid = uid;	/* the key, as taken */
		ssk->quota.held = BIT(SSA_Q_TOTAL) | BIT(SSA_Q_USER);
	}
	spin_unlock_bh(&ssa_q_lock);
	return err;
}

/**
 * ssa_quota_total_take() - count a server handshake in the machine's total
 * @w: the listener's waiter, queued to be woken if the total is reached
 * @limit: the policy's max_handshakes_total
 *
 * Return: true if counted (give it to a connection with
 * ssa_quota_server()), false if the caller must wait for @w's wake-up.
 */
bool ssa_quota_total_take(struct ssa_quota_waiter *w, unsigned int limit)
{
	bool ok;

	spin_lock_bh(&ssa_q_lock);
	ok = ssa_q_total < limit;
	if (ok) {
		ssa_q_total++;
		list_del_init(&w->node);	/* served, by whatever kick */
	} else if (list_empty(&w->node)) {
		w->limit = limit;
		list_add_tail(&w->node, &ssa_q_waiters);
	}
	spin_unlock_bh(&ssa_q_lock);
	return ok;
}

/* The longest-waiting listener for which the total has room, pinned. */
static struct ssa_quota_waiter *ssa_q_next_waiter(void)
{
	struct ssa_quota_waiter *w, *tmp;

	lockdep_assert_held(&ssa_q_lock);
	list_for_each_entry_safe(w, tmp, &ssa_q_waiters, node) {
		if (ssa_q_total >= w->limit)
			continue;	/* a lower limit: the next may have room */
		list_del_init(&w->node);
		if (w->pin(w))
			return w;
	}
	return NULL;
}

/* One slot, one listener woken: the one that has waited longest.  It is
 * pinned here and woken by the caller after the lock (its wake-up may
 * drop the last reference to it, whose release takes this lock).
 */
static struct ssa_quota_waiter *ssa_q_total_drop(void)
{
	lockdep_assert_held(&ssa_q_lock);
	if (WARN_ON_ONCE(!ssa_q_total))
		return NULL;
	ssa_q_total--;
	return ssa_q_next_waiter();
}

static void ssa_q_wake(struct ssa_quota_waiter *w)
{
	if (w)
		w->wake(w);
}

/**
 * ssa_quota_total_untake() - give back what ssa_quota_total_take() counted
 */
void ssa_quota_total_untake(void)
{
	struct ssa_quota_waiter *w;

	spin_lock_bh(&ssa_q_lock);
	w = ssa_q_total_drop();
	spin_unlock_bh(&ssa_q_lock);
	ssa_q_wake(w);
}

/**
 * ssa_quota_wake_next() - pass on a wake-up its listener could not use
 *
 * A woken listener whose own quota or ready list is full leaves the slot
 * to the next waiter.
 */
void ssa_quota_wake_next(void)
{
	struct ssa_quota_waiter *w;

	if (list_empty(&ssa_q_waiters))	/* racy: a hint; the lock decides */
		return;
	spin_lock_bh(&ssa_q_lock);
	w = ssa_q_next_waiter();
	spin_unlock_bh(&ssa_q_lock);
	ssa_q_wake(w);
}

/**
 * ssa_quota_unwait() - take a listener off the waiters (it goes away)
 * @w: its waiter
 */
void ssa_quota_unwait(struct ssa_quota_waiter *w)
{
	spin_lock_bh(&ssa_q_lock);
	list_del_init(&w->node);
	spin_unlock_bh(&ssa_q_lock);
}

/**
 * ssa_quota_server() - a server connection takes its total and address counts
 * @ssk: the connection's state
 * @limit: the policy's max_handshakes_per_address
 *
 * The total was counted by ssa_quota_total_take() and passes to @ssk.
 *
 * Return: 0, or -EAGAIN if its address is over @limit (the connection
 * keeps the total and gives it back with ssa_quota_release()).
 */
int ssa_quota_server(struct ssa_sock *ssk, unsigned int limit)
{
	int err;

	ssa_q_addr_key(ssk->sk, &ssk->quota.addr);
	spin_lock_bh(&ssa_q_lock);
	ssk->quota.held = BIT(SSA_Q_TOTAL);
	err = ssa_q_take(SSA_Q_ADDR, &ssk->quota.addr, limit);
	if (!err)
		ssk->quota.held |= BIT(SSA_Q_ADDR);
	spin_unlock_bh(&ssa_q_lock);
	return err;
}

/**
 * ssa_quota_peek_addr() - the quota key of a connection not yet accepted
 * @sk: the connection's sock
 * @key: out
 */
void ssa_quota_peek_addr(const struct sock *sk, struct in6_addr *key)
{
	ssa_q_addr_key(sk, key);
}

/**
 * ssa_quota_addr_count() - handshakes in flight counted for an address
 * @key: from ssa_quota_peek_addr()
 *
 * Return: the count (all listeners).
 */
unsigned int ssa_quota_addr_count(const struct in6_addr *key)
{
	struct ssa_quota_ent *e;
	unsigned int n;

	spin_lock_bh(&ssa_q_lock);
	e = ssa_q_find(SSA_Q_ADDR, key, ssa_q_hash(SSA_Q_ADDR, key));
	n = e ? e->n : 0;
	spin_unlock_bh(&ssa_q_lock);
	return n;
}

/**
 * ssa_quota_release() - give back every count a socket holds
 * @ssk: the socket's state (any context; idempotent)
 */
void ssa_quota_release(struct ssa_sock *ssk)
{
	struct ssa_quota_waiter *w = NULL;
	struct in6_addr key;
	unsigned long held;

	if (!READ_ONCE(ssk->quota.held))
		return;
	spin_lock_bh(&ssa_q_lock);
	held = ssk->quota.held;
	ssk->quota.held = 0;
	if (held & BIT(SSA_Q_USER)) {
		ssa_q_uid_key(ssk->quota.uid, &key);
		ssa_q_drop(SSA_Q_USER, &key);
	}
	if (held & BIT(SSA_Q_ADDR))
		ssa_q_drop(SSA_Q_ADDR, &ssk->quota.addr);
	if (held & BIT(SSA_Q_TOTAL))
		w = ssa_q_total_drop();
	spin_unlock_bh(&ssa_q_lock);
	ssa_q_wake(w);
}

/**
 * ssa_quota_init() - seed the table's hash
 */
void ssa_quota_init(void)
{
	ssa_q_seed = get_random_u32();
}
