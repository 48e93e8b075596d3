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
#include <linux/seq_file.h>
#include <linux/dcache.h>
#include <net/inet_sock.h>

#include "tls_ssa.h"
#include "compat.h"

static atomic64_t ssa_next_id = ATOMIC64_INIT(0);
static atomic_long_t ssa_live = ATOMIC_LONG_INIT(0);
static struct kmem_cache *ssa_sock_cache;
static LIST_HEAD(ssa_socks);		/* every live ssa_sock */
static DEFINE_SPINLOCK(ssa_socks_lock);	/* bh: sk_destruct may be softirq */

/* sk_user_data is set once, before any other path can see the socket
 * (ssa_sock_publish()), and cleared only by sk_destruct: a reference on
 * the socket is what keeps it, and @held says the caller has one.
 */
#define ssa_sk_state(sk, held)							\
	((struct ssa_sock *)((uintptr_t)rcu_dereference_protected(		\
		__sk_user_data(sk), held) & SK_USER_DATA_PTRMASK))

/**
 * ssa_sock_get() - the tls_ssa state of a socket
 * @sk: socket the caller holds a reference on (it owns it, or is one of
 *	its callbacks)
 *
 * Return: the state, or NULL if @sk is not an SSA socket or has none
 * (a clone that was not given its own yet).
 */
struct ssa_sock *ssa_sock_get(const struct sock *sk)
{
	if (!ssa_sk_is_ssa(sk))
		return NULL;
	return ssa_sk_state(sk, refcount_read(&sk->sk_refcnt) > 0);
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
	struct ssa_sock *ssk = ssa_sk_state(sk, !refcount_read(&sk->sk_refcnt));

	if (ssk) {
		spin_lock_bh(&ssa_socks_lock);
		list_del(&ssk->node);
		spin_unlock_bh(&ssa_socks_lock);
		rcu_assign_sk_user_data(sk, NULL);
		ssa_quota_release(ssk);
		kfree(ssk->exe);
		kfree(ssk->profile);
		kfree_sensitive(ssk->hostname);
		kfree(ssk->peer_identity);
		kfree(ssk->peer_der);
		kfree(ssk->alpn);
		kfree(ssk->alpn_selected);
		ssa_trust_put(ssk->trust);
		ssa_creds_put(ssk->creds);
		ssa_listener_free(ssk->lsn);
		ssa_resume_free(ssk->resume);
		ssa_rx_free(ssk);
		ssa_ktls_free(ssk);
		memzero_explicit(ssk, sizeof(*ssk));
		kmem_cache_free(ssa_sock_cache, ssk);
		atomic_long_dec(&ssa_live);
	}
	ssa_family_destruct(sk)(sk);
}

/* The states each state may move to. */
static const u8 ssa_state_next[] = {
	[SSA_IDLE]	  = BIT(SSA_LISTEN) | BIT(SSA_CONNECTING),
	[SSA_LISTEN]	  = 0,
	[SSA_CONNECTING]  = BIT(SSA_HANDSHAKE) | BIT(SSA_FAILED) | BIT(SSA_IDLE),
	[SSA_HANDSHAKE]	  = BIT(SSA_ESTABLISHED) | BIT(SSA_FAILED),
	[SSA_ESTABLISHED] = 0,
	[SSA_FAILED]	  = BIT(SSA_IDLE),	/* TCP never connected: try again */
};

/**
 * ssa_state_move() - the one way a socket's state changes
 * @ssk: the socket's state
 * @from: the state it must be in
 * @to: the state it moves to, which must be legal from @from
 *
 * Atomic: of two movers racing from one state, one wins.  Any context.
 *
 * Return: true if @ssk was in @from and is now in @to.
 */
bool ssa_state_move(struct ssa_sock *ssk, enum ssa_state from, enum ssa_state to)
{
	if (WARN_ON_ONCE(from >= ARRAY_SIZE(ssa_state_next) ||
			 !(ssa_state_next[from] & BIT(to))))
		return false;
	return cmpxchg(&ssk->state, from, to) == from;
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
	struct ssa_sock *ssk = kmem_cache_zalloc(ssa_sock_cache, GFP_KERNEL);

	if (!ssk)
		return NULL;
	ssk->id = atomic64_inc_return(&ssa_next_id);
	ssk->sk = sk;
	INIT_LIST_HEAD(&ssk->accept_node);
	init_waitqueue_head(&ssk->rx_wait);
	mutex_init(&ssk->opt_lock);
	spin_lock_init(&ssk->error_lock);
	ssa_handshake_init_sock(ssk);
	return ssk;
}

static void ssa_sock_publish(struct sock *sk, struct ssa_sock *ssk)
{
	__rcu_assign_sk_user_data_with_flags(sk, ssk, SK_USER_DATA_NOCOPY);
	sk->sk_destruct = ssa_sk_destruct;
	atomic_long_inc(&ssa_live);
	spin_lock_bh(&ssa_socks_lock);
	list_add_tail(&ssk->node, &ssa_socks);
	spin_unlock_bh(&ssa_socks_lock);
}

/* Who is creating this socket (process context, in socket()): the
 * executable's policy profile, its path for display, the effective user,
 * the pid.
 * Fails only for want of memory: a socket whose program's path went
 * missing would fall under the default policy, not its program's profile.
 */
static int ssa_app_capture(struct ssa_sock *ssk)
{
	struct mm_struct *mm = current->mm;
	struct file *exe = NULL;
	char *buf, *path;
	int err = 0;

	ssk->app.uid = from_kuid_munged(&init_user_ns, current_euid());
	ssk->pid = task_tgid_nr(current);
	if (!mm)
		return 0;
	/* get_mm_exe_file(), which modules cannot call: since 6.7 a struct
	 * file may be freed and reused within an RCU grace period
	 * (SLAB_TYPESAFE_BY_RCU), so the reference only counts if the file
	 * is still the mm's executable once we hold it.
	 */
	rcu_read_lock();
	for (;;) {
		exe = rcu_dereference(mm->exe_file);
		if (!exe || !ssa_file_tryget(exe)) {
			exe = NULL;
			break;
		}
		if (exe == rcu_access_pointer(mm->exe_file))
			break;
		rcu_read_unlock();
		fput(exe);
		rcu_read_lock();
	}
	rcu_read_unlock();
	if (!exe)
		return 0;
	ssk->app.ino = file_inode(exe)->i_ino;
	ssk->app.dev = file_inode(exe)->i_sb->s_dev;
	ssk->profile = ssa_policy_profile(exe);
	if (IS_ERR(ssk->profile)) {
		ssk->profile = NULL;
		err = -ENOMEM;
		goto out;
	}
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	path = d_path(&exe->f_path, buf, PATH_MAX);
	if (!IS_ERR(path)) {
		ssk->exe = kstrdup(path, GFP_KERNEL_ACCOUNT);
		if (!ssk->exe)
			err = -ENOMEM;
	}
	kfree(buf);
out:
	fput(exe);
	return err;
}

/* A new socket starts from what the policy allows its program. */
static void ssa_sock_policy_defaults(struct ssa_sock *ssk)
{
	struct ssa_pol_settings pol;

	ssa_policy_for(ssk->profile, &pol);
	ssk->version_min = pol.min_version;
	ssk->version_max = pol.max_version;
	ssk->ciphers = pol.ciphers;
	ssk->groups = pol.groups;
	ssk->session_ttl = pol.session_ttl;
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
	ssk->peer_auth = TLS_PEER_AUTH_NONE;
	ssk->state = SSA_IDLE;
	if (ssa_app_capture(ssk)) {
		kfree(ssk->exe);
		kfree(ssk->profile);
		kmem_cache_free(ssa_sock_cache, ssk);
		return -ENOMEM;
	}
	ssa_sock_policy_defaults(ssk);
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
	/* Both or neither: without its program's path the connection would
	 * fall under the default policy instead of its program's profile.
	 */
	if (parent->alpn) {
		ssk->alpn = kstrdup(parent->alpn, GFP_KERNEL);
		if (!ssk->alpn)
			goto nomem;
	}
	if (parent->exe) {
		ssk->exe = kstrdup(parent->exe, GFP_KERNEL);
		if (!ssk->exe)
			goto nomem;
	}
	if (parent->profile) {
		ssk->profile = kstrdup(parent->profile, GFP_KERNEL);
		if (!ssk->profile)
			goto nomem;
	}
	ssk->version_min = parent->version_min;
	ssk->version_max = parent->version_max;
	ssk->ciphers = parent->ciphers;
	ssk->groups = parent->groups;
	ssk->session_ttl = parent->session_ttl;
	ssk->peer_auth = parent->peer_auth;
	ssk->trust = ssa_trust_get(parent->trust);
	ssk->creds = ssa_creds_get(parent->creds);
	ssk->app = parent->app;
	ssk->pid = parent->pid;
	ssk->state = SSA_HANDSHAKE;
	set_bit(SSA_F_SERVER, &ssk->flags);
	ssa_sock_publish(sk, ssk);
	return 0;

nomem:
	kfree(ssk->alpn);
	kfree(ssk->exe);
	kfree(ssk->profile);
	kmem_cache_free(ssa_sock_cache, ssk);
	return -ENOMEM;
}

/**
 * ssa_sock_state_bytes() - what the module holds for live sockets
 *
 * Their state and its strings.
 * setsockopt may replace and free the option strings (hostname, ALPN) of
 * a socket in SSA_IDLE, and a socket in SSA_CONNECTING may go back to
 * SSA_IDLE at any moment, so they count only from SSA_HANDSHAKE on, when
 * they are fixed for good; the rest is set once and freed only after the
 * socket leaves the list.
 */
size_t ssa_sock_state_bytes(void)
{
	struct ssa_sock *ssk;
	size_t sum = 0;

	spin_lock_bh(&ssa_socks_lock);
	list_for_each_entry(ssk, &ssa_socks, node) {
		sum += kmem_cache_size(ssa_sock_cache) + ksize(ssk->exe) + ksize(ssk->profile) +
		       ksize(ssk->peer_identity) + ksize(ssk->peer_der) + ksize(ssk->resume) +
		       ksize(ssk->alpn_selected) + ksize(ssk->standin);
		if (READ_ONCE(ssk->state) >= SSA_HANDSHAKE)
			sum += ksize(ssk->hostname) + ksize(ssk->alpn);
	}
	spin_unlock_bh(&ssa_socks_lock);
	return sum;
}

static const char *const ssa_state_names[] = {
	[SSA_IDLE] = "idle",
	[SSA_LISTEN] = "listen",
	[SSA_CONNECTING] = "connecting",
	[SSA_HANDSHAKE] = "handshake",
	[SSA_ESTABLISHED] = "established",
	[SSA_FAILED] = "failed",
};

/* id pid state version cipher resumed local peer name exe */
static void ssa_conn_show(struct seq_file *m, const struct ssa_sock *ssk)
{
	const struct sock *sk = ssk->sk;
	const struct inet_sock *inet = inet_sk(sk);
	int st = READ_ONCE(ssk->state);
	int ci = -1;
	unsigned int i;

	for (i = 0; st == SSA_ESTABLISHED && i < ssa_ciphers_count; i++)
		if (ssa_ciphers[i].iana == ssk->cipher)
			ci = i;
	seq_printf(m, "%llu %d %s %s %s %d ", ssk->id, ssk->pid,
		   st < ARRAY_SIZE(ssa_state_names) ? ssa_state_names[st] : "?",
		   st != SSA_ESTABLISHED ? "-" : ssk->version == TLS_VERSION_1_3 ? "1.3" : "1.2",
		   ci >= 0 ? ssa_ciphers[ci].name : "-", st == SSA_ESTABLISHED && ssk->resumed);
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		seq_printf(m, "[%pI6c]:%u [%pI6c]:%u ", &sk->sk_v6_rcv_saddr,
			   ntohs(inet->inet_sport), &sk->sk_v6_daddr, ntohs(inet->inet_dport));
	else
#endif
		seq_printf(m, "%pI4:%u %pI4:%u ", &inet->inet_saddr, ntohs(inet->inet_sport),
			   &inet->inet_daddr, ntohs(inet->inet_dport));
	/* hostname is set before connect() or by the handshake, then fixed */
	/* Bounded lines, so the buffer sized at open() holds them all. */
	seq_printf(m, "%.64s %.96s\n",
		   st >= SSA_HANDSHAKE && ssk->hostname ? ssk->hostname : "-",
		   ssk->exe ?: "-");
}

/**
 * ssa_conns_show() - securityfs "connections": every live socket, one line
 * @m: the output, sized by ssa_conns_size()
 * @v: unused
 *
 * One walk of the list per read of the whole file (single_open): a walk
 * per read() chunk from the head, as seq_list_start() does, made reading
 * n sockets O(n^2) with bottom halves off.
 *
 * Return: 0.
 */
int ssa_conns_show(struct seq_file *m, void *v)
{
	struct ssa_sock *ssk;

	spin_lock_bh(&ssa_socks_lock);
	list_for_each_entry(ssk, &ssa_socks, node) {
		ssa_conn_show(m, ssk);
		if (seq_has_overflowed(m))
			break;		/* seq_read retries with a larger buffer */
	}
	spin_unlock_bh(&ssa_socks_lock);
	return 0;
}

/**
 * ssa_conns_size() - a buffer size that holds "connections" in one go
 *
 * Return: bytes; a line is at most about 250 (two IPv6 addresses, the
 * host name and the program's path cut at 64 and 96 bytes).
 */
size_t ssa_conns_size(void)
{
	return PAGE_SIZE + (size_t)atomic_long_read(&ssa_live) * 256;
}

/**
 * ssa_sock_set_error() - record why something failed, for TLS_ERROR
 * @ssk: socket state
 * @fmt: printf format of the reason
 *
 * The one rule for TLS_ERROR: @ssk->error is written and read only under
 * @ssk->error_lock, so a reader never sees half of one reason and half of
 * another.  Writers are the handshake step (opt_lock), the application's
 * calls (socket lock), timers and the data path; none needs to hold
 * anything else.  Any context but hard interrupts.
 */
void ssa_sock_set_error(struct ssa_sock *ssk, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	spin_lock_bh(&ssk->error_lock);
	vsnprintf(ssk->error, sizeof(ssk->error), fmt, ap);
	spin_unlock_bh(&ssk->error_lock);
	va_end(ap);
}

/**
 * ssa_sock_copy_error() - a consistent copy of TLS_ERROR
 * @ssk: socket state
 * @buf: where the string goes, NUL-terminated
 * @size: bytes at @buf, at least 1 (SSA_ERROR_LEN holds any)
 */
void ssa_sock_copy_error(struct ssa_sock *ssk, char *buf, size_t size)
{
	spin_lock_bh(&ssk->error_lock);
	strscpy(buf, ssk->error, size);
	spin_unlock_bh(&ssk->error_lock);
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

/**
 * ssa_sock_init() - the slab cache for per-socket state
 *
 * Return: 0 or -ENOMEM.
 */
int ssa_sock_init(void)
{
	ssa_sock_cache = KMEM_CACHE(ssa_sock, SLAB_ACCOUNT);
	return ssa_sock_cache ? 0 : -ENOMEM;
}

/**
 * ssa_sock_exit() - free the cache (every socket is gone by module exit)
 */
void ssa_sock_exit(void)
{
	kmem_cache_destroy(ssa_sock_cache);
}
