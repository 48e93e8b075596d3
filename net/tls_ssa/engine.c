// SPDX-License-Identifier: GPL-2.0
/*
 * The handshake engine: when each handshake runs, and on what.
 *
 * A handshake is a state machine stepped when there is something to do.
 * While it runs, the engine has the socket's sk_data_ready, sk_write_space
 * and sk_state_change (each still calls the socket's own), and a timer for
 * its deadline; each of them queues the socket's work item on the engine's
 * pools: unbound workqueues, the servers' as wide as the machine has CPUs
 * (the clients' wider, see ssa_handshake_init()).  A step runs
 * mbedTLS until it waits for the peer and returns (handshake.c), so a
 * silent peer costs memory and a timer, never a worker.  A step that has
 * used SSA_ENG_BUDGET_NS of CPU yields between two mbedTLS steps and
 * queues itself again behind the others: a public-key operation itself is
 * not split, but a handshake never holds a worker for a whole handshake's
 * worth of them while others wait.
 *
 * A client handshake starts when TCP reaches ESTABLISHED (proto.c); it
 * pins the socket's file until it ends, and notices an application that
 * closed the socket (only its own reference is left) within a second.  A
 * server handshake starts when the listener's pull work takes the
 * connection off TCP's accept queue (server.c); mbedTLS's state is made
 * only once the client has sent a byte, so a connection that says nothing
 * costs the socket, our state and the timer.
 *
 * Every queue_work() of a socket's work item holds a reference to its
 * sock, which the work item drops: a kick that races with the end of the
 * handshake finds the state, sees SSA_F_HS_LIVE clear and does nothing.
 * Callbacks are swapped under sk_callback_lock and given back before the
 * hand-off to kTLS, which saves them for itself.
 */

#include <linux/kernel.h>
#include <linux/workqueue.h>
#include <linux/timer.h>
#include <linux/jiffies.h>
#include <linux/file.h>
#include <linux/cpumask.h>
#include <linux/sched/mm.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "tls_ssa.h"
#include "compat.h"

/* CPU a step may use before it yields to the handshakes queued behind it. */
#define SSA_ENG_BUDGET_NS	(2 * NSEC_PER_MSEC)
/* How soon a step put off for a socket lock the application holds looks again. */
#define SSA_ENG_DEFER		(HZ / 50 ?: 1)

struct workqueue_struct *ssa_wq;	/* frees and other process-context chores */
struct workqueue_struct *ssa_srv_wq;	/* the listeners' pull work */
static struct workqueue_struct *ssa_eng_wq;	/* client handshake steps */
static struct workqueue_struct *ssa_eng_srv_wq;	/* server handshake steps */

/**
 * ssa_sock_owned() - does a process hold the socket's lock now?
 * @sk: the socket
 *
 * A setsockopt() whose argument waits on a page fault (a FUSE mapping)
 * holds the lock as long as its owner likes.  A worker that would take
 * the lock looks here first and puts the work off instead, as TCP's own
 * timers do; a lock taken between this look and the work is still waited
 * for.
 */
bool ssa_sock_owned(struct sock *sk)
{
	bool owned;

	spin_lock_bh(&sk->sk_lock.slock);
	owned = sock_owned_by_user_nocheck(sk);
	spin_unlock_bh(&sk->sk_lock.slock);
	return owned;
}

/**
 * ssa_handshake_kick() - have the engine look at a socket's handshake
 * @ssk: the socket's state; its sock must be alive (any context)
 */
void ssa_handshake_kick(struct ssa_sock *ssk)
{
	/* Apart: a server's socket is the engine's alone until accept(),
	 * so nothing an application does can hold up a server step.
	 */
	struct workqueue_struct *wq = test_bit(SSA_F_SERVER, &ssk->flags) ? ssa_eng_srv_wq :
									    ssa_eng_wq;

	sock_hold(ssk->sk);
	if (!queue_work(wq, &ssk->hs_work))
		sock_put(ssk->sk);
}

/* --- what wakes a handshake ---------------------------------------------- */

/* Any of the socket's events: a step to run.  Return: the socket's state. */
static struct ssa_sock *ssa_eng_event(struct sock *sk)
{
	struct ssa_sock *ssk = ssa_sock_get(sk);

	if (ssk && test_bit(SSA_F_HS_LIVE, &ssk->flags))
		ssa_handshake_kick(ssk);
	return ssk;
}

static void ssa_eng_data_ready(struct sock *sk)
{
	struct ssa_sock *ssk = ssa_eng_event(sk);

	if (ssk)
		READ_ONCE(ssk->hs_data_ready)(sk);
}

static void ssa_eng_write_space(struct sock *sk)
{
	struct ssa_sock *ssk = ssa_eng_event(sk);

	if (ssk)
		READ_ONCE(ssk->hs_write_space)(sk);
}

static void ssa_eng_state_change(struct sock *sk)
{
	struct ssa_sock *ssk = ssa_eng_event(sk);

	if (ssk)
		READ_ONCE(ssk->hs_state_change)(sk);
}

/* The application closed the socket, or the listener. */
static bool ssa_eng_abandoned(const struct ssa_sock *ssk)
{
	if (ssk->parent)
		return ssa_server_abandoned(ssk) || test_bit(SSA_F_HS_EVICT, &ssk->flags);
	return ssa_file_only_ours(ssk->hs_sock->file);
}

static unsigned long ssa_eng_next_check(const struct ssa_sock *ssk)
{
	unsigned long next = jiffies + HZ;

	return time_before(ssk->hs_deadline, next) ? ssk->hs_deadline : next;
}

/* Softirq: past the deadline, or abandoned, the step ends the handshake;
 * a step put off for the socket's lock runs now.  Until the deadline the
 * timer looks again every second.
 */
static void ssa_eng_timer(struct timer_list *t)
{
	struct ssa_sock *ssk = from_timer(ssk, t, hs_timer);

	if (!test_bit(SSA_F_HS_LIVE, &ssk->flags))
		return;
	if (test_and_clear_bit(SSA_F_HS_DEFER, &ssk->flags) ||
	    time_after_eq(jiffies, ssk->hs_deadline) || ssa_eng_abandoned(ssk))
		ssa_handshake_kick(ssk);
	if (time_before(jiffies, ssk->hs_deadline))
		timer_reduce(t, ssa_eng_next_check(ssk));
}

/* First step: the deadline, the callbacks and the timer. */
static void ssa_eng_arm(struct ssa_sock *ssk)
{
	struct sock *sk = ssk->sk;
	struct ssa_pol_settings pol;

	ssa_policy_for(ssk->profile, &pol);
	ssk->hs_timeout_s = pol.handshake_timeout;
	ssk->hs_deadline = ssk->hs_start + pol.handshake_timeout * HZ;

	write_lock_bh(&sk->sk_callback_lock);
	ssk->hs_data_ready = sk->sk_data_ready;
	ssk->hs_write_space = sk->sk_write_space;
	ssk->hs_state_change = sk->sk_state_change;
	WRITE_ONCE(sk->sk_data_ready, ssa_eng_data_ready);
	WRITE_ONCE(sk->sk_write_space, ssa_eng_write_space);
	WRITE_ONCE(sk->sk_state_change, ssa_eng_state_change);
	set_bit(SSA_F_HS_HOOKED, &ssk->flags);
	write_unlock_bh(&sk->sk_callback_lock);
	mod_timer(&ssk->hs_timer, ssa_eng_next_check(ssk));
}

/* Give the socket its callbacks back (before kTLS saves them). */
static void ssa_eng_unhook(struct ssa_sock *ssk)
{
	struct sock *sk = ssk->sk;

	write_lock_bh(&sk->sk_callback_lock);
	if (test_and_clear_bit(SSA_F_HS_HOOKED, &ssk->flags)) {
		WRITE_ONCE(sk->sk_data_ready, ssk->hs_data_ready);
		WRITE_ONCE(sk->sk_write_space, ssk->hs_write_space);
		WRITE_ONCE(sk->sk_state_change, ssk->hs_state_change);
	}
	write_unlock_bh(&sk->sk_callback_lock);
}

/* --- one step ---------------------------------------------------------------- */

/* Nothing from a server's client yet, and nothing wrong: no state to make.
 * Under the lock's spinlock, which TCP's receive path holds: a segment is
 * either queued already or its sk_data_ready is ours.
 */
static bool ssa_eng_silent(struct sock *sk)
{
	bool silent;

	spin_lock_bh(&sk->sk_lock.slock);
	silent = skb_queue_empty(&sk->sk_receive_queue) && !sk->sk_backlog.tail &&
		 !READ_ONCE(sk->sk_err) && !(READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN) &&
		 inet_sk_state_load(sk) == TCP_ESTABLISHED;
	spin_unlock_bh(&sk->sk_lock.slock);
	return silent;
}

/* Return: -EINPROGRESS while the handshake goes on, else its outcome. */
static int ssa_eng_step(struct ssa_sock *ssk)
{
	struct socket *sock = ssk->hs_sock;
	struct sock *sk = sock->sk;
	int err;

	if (!test_bit(SSA_F_HS_HOOKED, &ssk->flags))
		ssa_eng_arm(ssk);
	if (test_bit(SSA_F_HS_EVICT, &ssk->flags)) {
		ssa_sock_set_error(ssk, "handshake dropped: the listener was full and it was the oldest");
		return -ETIMEDOUT;
	}
	if (ssa_eng_abandoned(ssk)) {
		ssa_sock_set_error(ssk, "handshake abandoned: the socket was closed");
		return -ECONNABORTED;
	}
	if (time_after_eq(jiffies, ssk->hs_deadline)) {
		ssa_sock_set_error(ssk, "handshake timed out after %u s", ssk->hs_timeout_s);
		return -ETIMEDOUT;
	}
	if (!ssk->hs) {
		if (ssk->parent && ssa_eng_silent(sk))
			return -EINPROGRESS;
		if (!ssk->parent && inet_sk_state_load(sk) != TCP_ESTABLISHED) {
			err = -(READ_ONCE(sk->sk_err) ?: ECONNRESET);
			ssa_sock_set_error(ssk, "TCP connection lost before the handshake (%d)",
					   err);
			return err;
		}
		err = ssa_hs_begin(ssk, sock, &ssk->hs);
		if (err)
			return err;
	}
	err = ssa_hs_advance(ssk->hs, SSA_ENG_BUDGET_NS);
	if (err == -EAGAIN) {
		ssa_handshake_kick(ssk);	/* behind the others */
		return -EINPROGRESS;
	}
	return err;
}

/* --- the end ------------------------------------------------------------------ */

/* Publish a client's result and wake whoever waits. */
static void ssa_eng_client_done(struct ssa_sock *ssk, int err)
{
	struct socket *sock = ssk->hs_sock;
	struct sock *sk = sock->sk;
	struct file *file = sock->file;

	ssa_stat_inc(err ? SSA_STAT_CLIENT_FAILED : SSA_STAT_CLIENT_OK);
	lock_sock(sk);
	ssa_state_change_unhook(sk, ssk);
	if (err) {
		ssk->hs_err = err;
		WRITE_ONCE(sk->sk_err, -err);
	}
	WARN_ON_ONCE(!ssa_state_move(ssk, SSA_HANDSHAKE, err ? SSA_FAILED : SSA_ESTABLISHED));
	/* Ours may be the last reference: its close must not wait out the
	 * application's SO_LINGER in the kernel's shared fput work.
	 */
	if (err == -ECONNABORTED)
		sock_reset_flag(sk, SOCK_LINGER);
	release_sock(sk);
	if (err) {
		sk_error_report(sk);
		/* A fatal alert has gone out where mbedTLS could send one. */
		kernel_sock_shutdown(sock, SHUT_RDWR);
	}
	wake_up_interruptible_all(sk_sleep(sk));
	fput(file);
}

/* After a failed server handshake: end with FIN, not RST, so the client
 * reads the alert instead of a reset (unread input makes TCP reset).
 */
static void ssa_eng_close_gently(struct socket *sock)
{
	const struct ssa_family *fam = ssa_family_get(sock->sk);
	char buf[512];
	struct kvec vec = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = {};
	int i;

	kernel_sock_shutdown(sock, SHUT_WR);
	for (i = 0; i < 64; i++) {
		iov_iter_kvec(&msg.msg_iter, READ, &vec, 1, sizeof(buf));
		if (fam->base_ops->recvmsg(sock, &msg, sizeof(buf), MSG_DONTWAIT) <= 0)
			break;
	}
}

static void ssa_eng_server_done(struct ssa_sock *ssk, int err)
{
	if (err) {
		ssk->hs_err = err;
		ssa_eng_close_gently(ssk->hs_sock);
	}
	WARN_ON_ONCE(!ssa_state_move(ssk, SSA_HANDSHAKE, err ? SSA_FAILED : SSA_ESTABLISHED));
	ssa_server_done(ssk, err);
}

static void ssa_eng_end(struct ssa_sock *ssk, int err)
{
	clear_bit(SSA_F_HS_LIVE, &ssk->flags);
	del_timer_sync(&ssk->hs_timer);
	ssa_eng_unhook(ssk);
	if (!err)
		err = ssa_hs_complete(ssk->hs);
	ssa_hs_free(ssk->hs);
	ssk->hs = NULL;
	ssa_quota_release(ssk);

	ssa_stat_dec(SSA_STAT_IN_FLIGHT);
	if (err)
		ssa_stat_failure(err);
	else if (ssk->resumed)
		ssa_stat_inc(SSA_STAT_RESUMED);
	if (ssk->parent)
		ssa_eng_server_done(ssk, err);
	else
		ssa_eng_client_done(ssk, err);
}

/* Run the step later: when the socket's lock is released (release_cb,
 * while our proto is the socket's), or in SSA_ENG_DEFER at the latest.
 */
static void ssa_eng_defer(struct ssa_sock *ssk)
{
	set_bit(SSA_F_HS_DEFER, &ssk->flags);
	timer_reduce(&ssk->hs_timer, jiffies + SSA_ENG_DEFER);
}

/* A process holds the socket's lock: put the step off.  The mark is made
 * under the lock's spinlock, as release_sock() calls release_cb, so the
 * release cannot slip between the look and the mark.
 */
static bool ssa_eng_put_off(struct ssa_sock *ssk)
{
	struct sock *sk = ssk->sk;
	bool owned;

	spin_lock_bh(&sk->sk_lock.slock);
	owned = sock_owned_by_user_nocheck(sk);
	if (owned)
		set_bit(SSA_F_HS_DEFER, &ssk->flags);
	spin_unlock_bh(&sk->sk_lock.slock);
	if (owned)
		timer_reduce(&ssk->hs_timer, jiffies + SSA_ENG_DEFER);
	return owned;
}

/**
 * ssa_handshake_release_cb() - the socket's lock was released
 * @sk: an SSA socket
 *
 * From our proto's release_cb, under the lock's spinlock: a step put off
 * for the lock runs now.
 */
void ssa_handshake_release_cb(struct sock *sk)
{
	struct ssa_sock *ssk = ssa_sock_get(sk);

	if (ssk && test_bit(SSA_F_HS_LIVE, &ssk->flags) &&
	    test_and_clear_bit(SSA_F_HS_DEFER, &ssk->flags))
		ssa_handshake_kick(ssk);
}

/* The handshake's memory (mbedTLS's contexts, the peer's chain, the
 * session) is charged to the socket's memory cgroup, not to the worker's
 * (none): the client's, or for a server connection the listener's.
 */
static void ssa_eng_work(struct work_struct *work)
{
	struct ssa_sock *ssk = container_of(work, struct ssa_sock, hs_work);
	struct sock *sk = ssk->sk;
	struct mem_cgroup *memcg, *old;
	int err;

	if (!test_bit(SSA_F_HS_LIVE, &ssk->flags))
		goto out;
	/* The application's sockopts wait while we run; we wait for none. */
	if (!mutex_trylock(&ssk->opt_lock)) {
		ssa_eng_defer(ssk);
		goto out;
	}
	if (ssa_eng_put_off(ssk)) {
		mutex_unlock(&ssk->opt_lock);
		goto out;
	}
	clear_bit(SSA_F_HS_DEFER, &ssk->flags);	/* running now */
	memcg = READ_ONCE(ssk->hs_sock->sk->sk_memcg);
	if (!memcg && ssk->parent)
		memcg = ssa_server_memcg(ssk);
	old = set_active_memcg(memcg);
	err = ssa_eng_step(ssk);
	if (err != -EINPROGRESS)
		ssa_eng_end(ssk, err);
	set_active_memcg(old);
	mutex_unlock(&ssk->opt_lock);
out:
	sock_put(sk);	/* the kick's; may free @ssk */
}

/* --- the start ------------------------------------------------------------- */

/**
 * ssa_handshake_init_sock() - ready a new socket state's work item and timer
 * @ssk: the state, not yet visible to anyone
 *
 * Once, at allocation: a listener's close may kick a connection on its
 * list before the handshake has started.
 */
void ssa_handshake_init_sock(struct ssa_sock *ssk)
{
	timer_setup(&ssk->hs_timer, ssa_eng_timer, 0);
	INIT_WORK(&ssk->hs_work, ssa_eng_work);
}

/* @ssk->hs_start is set: a listener's eviction reads it from its list. */
static void ssa_eng_start(struct ssa_sock *ssk, struct socket *sock)
{
	ssk->hs_sock = sock;
	ssk->hs_deadline = jiffies + SSA_POL_TIMEOUT_MAX * HZ;	/* until armed */
	ssa_stat_inc(SSA_STAT_IN_FLIGHT);
	set_bit(SSA_F_HS_LIVE, &ssk->flags);
	ssa_handshake_kick(ssk);
}

/**
 * ssa_handshake_queue_server() - start the handshake of an accepted connection
 * @ssk: its state, on the listener's pending list, @ssk->hs_start set
 * @sock: the file-less socket the handshake owns until accept()
 */
void ssa_handshake_queue_server(struct ssa_sock *ssk, struct socket *sock)
{
	ssa_eng_start(ssk, sock);
}

/**
 * ssa_handshake_queue() - start the handshake of a connected socket
 * @ssk: its state, in SSA_HANDSHAKE
 * @sock: the socket
 *
 * May be called in softirq context (from sk_state_change).  Pins the
 * socket's file for the handshake; if the file is already being released
 * the handshake is not started.
 *
 * Return: true if the handshake was started.
 */
bool ssa_handshake_queue(struct ssa_sock *ssk, struct socket *sock)
{
	if (!sock || !sock->file || !ssa_file_tryget(sock->file))
		return false;
	ssk->hs_start = jiffies;
	ssa_eng_start(ssk, sock);
	return true;
}

/**
 * ssa_handshake_init() - create the engine's workqueues
 *
 * Return: 0 or -ENOMEM.
 */
int ssa_handshake_init(void)
{
	/* Steps never wait for a peer, so a worker per CPU keeps every CPU
	 * busy: the servers' pool; unbound, so handshakes spread over the
	 * CPUs.  A client step can still sleep behind its application, which
	 * may hold the socket lock through SOL_SOCKET options (6.1 gives us
	 * no hook on them): the clients' pool is as wide as the workqueue
	 * default, so that a few such sockets cannot hold every client
	 * worker.  The pull work of listeners has its own queue and never
	 * waits behind steps.
	 */
	ssa_eng_wq = alloc_workqueue("tls_ssa_hs", WQ_UNBOUND | WQ_SYSFS, 0);
	ssa_eng_srv_wq = alloc_workqueue("tls_ssa_hs_srv", WQ_UNBOUND | WQ_SYSFS,
					 num_possible_cpus());
	ssa_srv_wq = alloc_workqueue("tls_ssa_srv", WQ_UNBOUND, 0);
	ssa_wq = alloc_workqueue("tls_ssa", WQ_UNBOUND, 0);
	if (!ssa_eng_wq || !ssa_eng_srv_wq || !ssa_srv_wq || !ssa_wq) {
		ssa_handshake_exit();
		return -ENOMEM;
	}
	return 0;
}

/**
 * ssa_handshake_exit() - destroy the workqueues (no socket can be left)
 */
void ssa_handshake_exit(void)
{
	if (ssa_eng_wq)
		destroy_workqueue(ssa_eng_wq);
	if (ssa_eng_srv_wq)
		destroy_workqueue(ssa_eng_srv_wq);
	if (ssa_srv_wq)
		destroy_workqueue(ssa_srv_wq);
	if (ssa_wq)
		destroy_workqueue(ssa_wq);
	ssa_eng_wq = ssa_eng_srv_wq = ssa_srv_wq = ssa_wq = NULL;
}
