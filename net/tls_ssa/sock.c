// SPDX-License-Identifier: GPL-2.0
/*
 * Per-socket state of IPPROTO_TLS sockets.
 *
 * The state hangs off sk_user_data, tagged SK_USER_DATA_NOCOPY so a
 * clone (an accepted child) never inherits the parent's pointer, and is
 * freed from sk_destruct, which every path that frees a sock runs -
 * including after kTLS has replaced sk_prot.  Holding sk_user_data also
 * keeps sockmap off SSA sockets (it refuses sockets that have it).
 */

#include <linux/slab.h>
#include <linux/atomic.h>
#include <linux/stdarg.h>
#include <linux/string.h>
#include <net/inet_common.h>
#include <net/ipv6.h>
#include <linux/file.h>
#include <linux/sched/mm.h>
#include <linux/cred.h>

#include "tls_ssa.h"
#include "compat.h"

static atomic64_t ssa_next_id = ATOMIC64_INIT(0);
static atomic_long_t ssa_live = ATOMIC_LONG_INIT(0);
static atomic_long_t ssa_stats[SSA_STAT_COUNT];

/**
 * ssa_sock_get() - the tls_ssa state of a socket
 * @sk: socket; the caller owns it (socket lock, or sole reference)
 *
 * Return: the state, or NULL if @sk is not an SSA socket or has none
 * (a clone that was not given its own yet).
 */
struct ssa_sock *ssa_sock_get(const struct sock *sk)
{
	uintptr_t p;

	if (!ssa_sk_is_ssa(sk))
		return NULL;
	p = (uintptr_t)rcu_dereference_protected(__sk_user_data(sk), 1);
	return (struct ssa_sock *)(p & SK_USER_DATA_PTRMASK);
}

/* The destructor the family installs before ours.  Clones inherit ours
 * but not our state, so it is derived from the family, not saved.
 */
static void (*ssa_family_destruct(const struct sock *sk))(struct sock *)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		return inet6_sock_destruct;
#endif
	return inet_sock_destruct;
}

/* May run in softirq context (the last reference dropped by a timer). */
static void ssa_sk_destruct(struct sock *sk)
{
	struct ssa_sock *ssk = ssa_sock_get(sk);

	if (ssk) {
		rcu_assign_sk_user_data(sk, NULL);
		kfree_sensitive(ssk->hostname);
		kfree(ssk->peer_identity);
		kvfree(ssk->peer_chain);
		ssa_trust_put(ssk->trust);
		ssa_creds_put(ssk->creds);
		ssa_listener_free(ssk->lsn);
		ssa_resume_free(ssk->resume);
		kfree_sensitive(ssk);
		atomic_long_dec(&ssa_live);
	}
	ssa_family_destruct(sk)(sk);
}

/**
 * ssa_sock_attach() - give a new IPPROTO_TLS socket its state
 * @sk: the socket, just initialised by the TCP prot's init
 *
 * Called from the protocol's init in process context (socket()).
 *
 * Return: 0, -ENOMEM, or -EPROTONOSUPPORT if the family's destructor is
 * not the one this module chains to.
 */
static struct ssa_sock *ssa_sock_alloc(struct sock *sk)
{
	struct ssa_sock *ssk = kzalloc(sizeof(*ssk), GFP_KERNEL);

	if (!ssk)
		return NULL;
	ssk->id = atomic64_inc_return(&ssa_next_id);
	ssk->sk = sk;
	INIT_LIST_HEAD(&ssk->accept_node);
	return ssk;
}

static void ssa_sock_publish(struct sock *sk, struct ssa_sock *ssk)
{
	__rcu_assign_sk_user_data_with_flags(sk, ssk, SK_USER_DATA_NOCOPY);
	sk->sk_destruct = ssa_sk_destruct;
	atomic_long_inc(&ssa_live);
}

/* Who is creating this socket: the executable and the effective user. */
static void ssa_app_capture(struct ssa_app *app)
{
	struct mm_struct *mm = current->mm;
	struct file *exe = NULL;

	app->uid = from_kuid_munged(&init_user_ns, current_euid());
	if (!mm)
		return;
	rcu_read_lock();
	exe = rcu_dereference(mm->exe_file);
	if (exe && !ssa_file_tryget(exe))
		exe = NULL;
	rcu_read_unlock();
	if (!exe)
		return;
	app->ino = file_inode(exe)->i_ino;
	app->dev = file_inode(exe)->i_sb->s_dev;
	fput(exe);
}

int ssa_sock_attach(struct sock *sk)
{
	struct ssa_sock *ssk;

	/* Chaining to the family's destructor relies on it being there. */
	if (sk->sk_destruct != ssa_family_destruct(sk))
		return -EPROTONOSUPPORT;

	ssk = ssa_sock_alloc(sk);
	if (!ssk)
		return -ENOMEM;
	ssk->version_min = SSA_DEFAULT_VERSION_MIN;
	ssk->version_max = SSA_DEFAULT_VERSION_MAX;
	ssk->ciphers = GENMASK(ssa_ciphers_count - 1, 0);
	ssk->groups = GENMASK(ssa_groups_count - 1, 0);
	ssk->session_ttl = SSA_SESSION_TTL_MAX;
	ssk->peer_auth = TLS_PEER_AUTH_NONE;
	ssk->state = SSA_IDLE;
	ssa_app_capture(&ssk->app);
	ssa_sock_publish(sk, ssk);
	return 0;
}

/**
 * ssa_sock_attach_child() - give a connection a listener accepted its state
 * @sk: the connection (locked), cloned from the listener
 * @parent: the listener's state
 *
 * The clone carries ssa_sk_destruct but not the listener's state (the
 * pointer is not copied); it gets the listener's settings, anchors and
 * credentials, in SSA_HANDSHAKE.
 *
 * Return: 0, -ENOMEM, or -EPROTONOSUPPORT if @sk is not such a clone.
 */
int ssa_sock_attach_child(struct sock *sk, const struct ssa_sock *parent)
{
	struct ssa_sock *ssk;

	if (!parent || sk->sk_destruct != ssa_sk_destruct || ssa_sock_get(sk))
		return -EPROTONOSUPPORT;
	ssk = ssa_sock_alloc(sk);
	if (!ssk)
		return -ENOMEM;
	memcpy(ssk->alpn, parent->alpn, sizeof(ssk->alpn));
	ssk->version_min = parent->version_min;
	ssk->version_max = parent->version_max;
	ssk->ciphers = parent->ciphers;
	ssk->groups = parent->groups;
	ssk->session_ttl = parent->session_ttl;
	ssk->peer_auth = parent->peer_auth;
	ssk->trust = ssa_trust_get(parent->trust);
	ssk->creds = ssa_creds_get(parent->creds);
	ssk->app = parent->app;
	ssk->state = SSA_HANDSHAKE;
	ssa_sock_publish(sk, ssk);
	return 0;
}

/**
 * ssa_stat_inc() - count an event
 * @s: the counter
 */
void ssa_stat_inc(enum ssa_stat s)
{
	atomic_long_inc(&ssa_stats[s]);
}

/**
 * ssa_stat_read() - read a counter
 * @s: the counter
 *
 * Return: events counted since the module loaded.
 */
long ssa_stat_read(enum ssa_stat s)
{
	return atomic_long_read(&ssa_stats[s]);
}

/**
 * ssa_sock_set_error() - record why something failed, for TLS_ERROR
 * @ssk: socket state
 * @fmt: printf format of the reason
 */
void ssa_sock_set_error(struct ssa_sock *ssk, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ssk->error, sizeof(ssk->error), fmt, ap);
	va_end(ap);
}

/**
 * ssa_sock_count() - number of live SSA socket states
 *
 * Return: sockets created and not yet destroyed.
 */
long ssa_sock_count(void)
{
	return atomic_long_read(&ssa_live);
}
