// SPDX-License-Identifier: GPL-2.0
/*
 * What to do with a TLS record that is not application data, once kTLS
 * carries the connection: the application only ever sees data, EOF or
 * an error (design.rst §4).
 *
 * Control records never pass through the application's buffer.  Each
 * read first peeks one byte into kernel memory to learn the type of the
 * record at the head of kTLS's queue; a control record is then read into
 * kernel memory, exactly as many bytes as the message parser asks for, and
 * a handshake message that spans records waits in the socket's bounded
 * struct ssa_ctl_rx.  No kTLS call here waits: a blocking reader waits in
 * ssa_rx_wait(), so a peer that sends half a message and goes silent
 * leaves a non-blocking reader with -EAGAIN, a poller with nothing to
 * read, and a blocking one with its SO_RCVTIMEO.
 */

#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <net/sock.h>
#include <uapi/linux/tls.h>

#include "tls_ssa.h"

#define SSA_HS_KEY_UPDATE		24
#define SSA_HS_KEY_UPDATE_LEN		1	/* KeyUpdateRequest */

#define SSA_ALERT_CLOSE_NOTIFY		0
#define SSA_ALERT_USER_CANCELED		90

/**
 * ssa_alert_name() - the RFC 8446 name of an alert description
 * @desc: alert description byte
 *
 * Return: a static string.
 */
const char *ssa_alert_name(u8 desc)
{
	switch (desc) {
	case 10: return "unexpected_message";
	case 20: return "bad_record_mac";
	case 40: return "handshake_failure";
	case 42: return "bad_certificate";
	case 45: return "certificate_expired";
	case 46: return "certificate_unknown";
	case 47: return "illegal_parameter";
	case 48: return "unknown_ca";
	case 50: return "decode_error";
	case 51: return "decrypt_error";
	case 70: return "protocol_version";
	case 80: return "internal_error";
	case 86: return "inappropriate_fallback";
	case 109: return "missing_extension";
	case 112: return "unrecognized_name";
	case 116: return "certificate_required";
	case 120: return "no_application_protocol";
	default: return "alert";
	}
}

static int ssa_record_fail(struct ssa_sock *ssk, int err)
{
	WRITE_ONCE(ssk->rx_err, err);	/* poll reads it without the path */
	return err;
}

/**
 * ssa_control_record() - handle one non-data record kTLS delivered
 * @ssk: the socket's state (caller holds the receive path)
 * @type: TLS content type
 * @body: an alert's two bytes, or a handshake message's 4-byte header
 * @len: the message's length
 *
 * Return: 1 to go on reading (the record was consumed), 0 for EOF
 * (close_notify), or a negative errno that ends the connection:
 * -ECONNRESET for a fatal alert, -EPROTO for what the protocol forbids
 * or this kernel cannot do.  TLS_ERROR says which.
 */
int ssa_control_record(struct ssa_sock *ssk, u8 type, const u8 *body, int len)
{
	switch (type) {
	case SSA_CT_ALERT:
		if (len != 2) {
			ssa_sock_set_error(ssk, "malformed alert record from the peer");
			return ssa_record_fail(ssk, -EPROTO);
		}
		if (body[1] == SSA_ALERT_CLOSE_NOTIFY) {
			set_bit(SSA_F_RX_EOF, &ssk->flags);
			return 0;
		}
		if (body[1] == SSA_ALERT_USER_CANCELED)
			return 1;
		ssa_sock_set_error(ssk, "peer sent a fatal alert: %s (%u)",
				   ssa_alert_name(body[1]), body[1]);
		return ssa_record_fail(ssk, -ECONNRESET);
	case SSA_CT_HANDSHAKE:
		if (body[0] == SSA_HS_NEW_SESSION_TICKET &&
		    ssk->version == TLS_VERSION_1_3)
			return 1;	/* consumed (session.c kept it if wanted) */
		if (body[0] == SSA_HS_KEY_UPDATE && ssk->version == TLS_VERSION_1_3) {
			ssa_sock_set_error(ssk, "peer sent KeyUpdate: this kernel's TLS record layer cannot change keys");
			return ssa_record_fail(ssk, -EPROTO);
		}
		ssa_sock_set_error(ssk, "unexpected handshake message %u after the handshake%s",
				   body[0], ssk->version == TLS_VERSION_1_2 ?
				   " (renegotiation is not supported)" : "");
		return ssa_record_fail(ssk, -EPROTO);
	default:
		ssa_sock_set_error(ssk, "unexpected record type %u after the handshake", type);
		return ssa_record_fail(ssk, -EPROTO);
	}
}

/**
 * ssa_rx_lock() - own a socket's receive path
 * @ssk: the socket's state
 * @nonblock: fail with -EAGAIN rather than wait
 *
 * One reader at a time: the peek that finds the head record's type and
 * the read that follows must see the same record, and the reassembly
 * state has one owner.  Waits like kTLS's own reader lock, bounded by
 * SO_RCVTIMEO and interruptible.
 *
 * Return: 0 with the path owned, -EAGAIN, or -ERESTARTSYS/-EINTR.
 */
int ssa_rx_lock(struct ssa_sock *ssk, bool nonblock)
{
	long timeo = sock_rcvtimeo(ssk->sk, nonblock), left = timeo;

	while (test_and_set_bit_lock(SSA_F_RX_BUSY, &ssk->flags)) {
		if (!left) {
			/* A poller that owns the path wakes us after. */
			set_bit(SSA_F_RX_MISSED, &ssk->flags);
			return -EAGAIN;
		}
		left = wait_event_interruptible_timeout(ssk->rx_wait,
							!test_bit(SSA_F_RX_BUSY, &ssk->flags),
							left);
		if (left < 0)
			return sock_intr_errno(timeo);
	}
	return 0;
}

/**
 * ssa_rx_unlock() - give up the receive path
 * @ssk: the socket's state, owned by ssa_rx_lock()
 */
void ssa_rx_unlock(struct ssa_sock *ssk)
{
	WARN_ON_ONCE(!test_bit(SSA_F_RX_BUSY, &ssk->flags));
	clear_bit_unlock(SSA_F_RX_BUSY, &ssk->flags);
	wake_up(&ssk->rx_wait);
}

/**
 * ssa_rx_read() - one kTLS read into kernel memory
 * @sock: the socket
 * @ktls: kTLS's ops for it
 * @buf: kernel buffer
 * @len: its size
 * @flags: MSG_PEEK and MSG_DONTWAIT are the ones that make sense
 * @type: out: the record's content type (0 if none was read)
 * @eor: out: the read reached the end of the record
 *
 * kTLS returns bytes of one record type per call, and of a control
 * record never more than that one record.
 *
 * Return: bytes read, 0 at end of stream or for an empty record (then
 * *@type is set), or a negative errno.
 */
int ssa_rx_read(struct socket *sock, const struct proto_ops *ktls, void *buf,
		size_t len, int flags, u8 *type, bool *eor)
{
	u8 cbuf[CMSG_SPACE(sizeof(u8))] __aligned(sizeof(long));
	struct kvec vec = { .iov_base = buf, .iov_len = len };
	struct cmsghdr *cmsg = (struct cmsghdr *)cbuf;
	struct msghdr msg = {};
	int ret;

	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	iov_iter_kvec(&msg.msg_iter, READ, &vec, 1, len);
	ret = ktls->recvmsg(sock, &msg, len, flags & (MSG_PEEK | MSG_DONTWAIT));
	*type = 0;
	*eor = msg.msg_flags & MSG_EOR;
	/* Also for 0 bytes: an empty record reports its type too. */
	if (msg.msg_controllen < sizeof(cbuf) &&
	    cmsg->cmsg_level == SOL_TLS && cmsg->cmsg_type == TLS_GET_RECORD_TYPE)
		*type = *(u8 *)CMSG_DATA(cmsg);
	return ret;
}

static void ssa_ctl_reset(struct ssa_ctl_rx *c)
{
	kfree_sensitive(c->body);
	memset(c, 0, sizeof(*c));
}

/**
 * ssa_rx_free() - drop a half-read control message (socket teardown)
 * @ssk: the socket's state
 */
void ssa_rx_free(struct ssa_sock *ssk)
{
	ssa_ctl_reset(&ssk->ctl);
}

static int ssa_ctl_fail(struct ssa_sock *ssk, const char *why, u8 msg, u32 len)
{
	ssa_sock_set_error(ssk, "%s (handshake message %u, %u bytes) from the peer", why, msg, len);
	return ssa_record_fail(ssk, -EPROTO);
}

/* A message's header is in: refuse what may not come at all, or not at
 * that size, before waiting for a byte of its body.
 */
static int ssa_ctl_begin(struct ssa_sock *ssk)
{
	struct ssa_ctl_rx *c = &ssk->ctl;
	u32 len = (c->hdr[1] << 16) | (c->hdr[2] << 8) | c->hdr[3];
	u8 msg = c->hdr[0];

	c->left = len;
	/* Only servers send tickets (RFC 8446 4.6.1). */
	if (ssk->version != TLS_VERSION_1_3 ||
	    (msg != SSA_HS_NEW_SESSION_TICKET && msg != SSA_HS_KEY_UPDATE) ||
	    (msg == SSA_HS_NEW_SESSION_TICKET && test_bit(SSA_F_SERVER, &ssk->flags)))
		return ssa_ctl_fail(ssk, "unexpected post-handshake message", msg, len);
	if (msg == SSA_HS_KEY_UPDATE && len != SSA_HS_KEY_UPDATE_LEN)
		return ssa_ctl_fail(ssk, "malformed KeyUpdate", msg, len);
	if (len > SSA_CTL_MSG_MAX)
		return ssa_ctl_fail(ssk, "oversized post-handshake message", msg, len);
	/* A ticket is worth keeping only to resume with; without memory
	 * it is skipped like any other.
	 */
	if (len && (msg == SSA_HS_KEY_UPDATE || ssa_session_wants_ticket(ssk)))
		c->body = kmalloc(len, GFP_KERNEL_ACCOUNT);
	return 1;
}

/* The whole message is in. */
static int ssa_ctl_end(struct ssa_sock *ssk)
{
	struct ssa_ctl_rx *c = &ssk->ctl;
	int ret = 1;

	if (c->hdr[0] == SSA_HS_NEW_SESSION_TICKET && c->body &&
	    ssa_session_ticket(ssk, c->body, c->have))
		ret = ssa_record_fail(ssk, -EPROTO);	/* TLS_ERROR is set */
	if (ret > 0)
		ret = ssa_control_record(ssk, SSA_CT_HANDSHAKE, c->hdr, 4);
	ssa_ctl_reset(c);
	return ret;
}

/* Read what is left of one handshake record, message by message. */
static int ssa_rx_handshake(struct socket *sock, const struct proto_ops *ktls,
			    struct ssa_sock *ssk)
{
	struct ssa_ctl_rx *c = &ssk->ctl;
	bool eor = false;
	u8 scratch[64];

	while (!eor) {
		size_t want;
		u8 *dst, type;
		int ret;

		if (c->hdr_len < sizeof(c->hdr)) {
			dst = c->hdr + c->hdr_len;
			want = sizeof(c->hdr) - c->hdr_len;
		} else if (c->body) {
			dst = c->body + c->have;
			want = c->left;
		} else {
			dst = scratch;
			want = min_t(size_t, c->left, sizeof(scratch));
		}
		if (want) {
			/* The record is decrypted and queued: this never waits. */
			ret = ssa_rx_read(sock, ktls, dst, want, MSG_DONTWAIT, &type, &eor);
			if (ret <= 0 || type != SSA_CT_HANDSHAKE) {
				ssa_sock_set_error(ssk, "kernel TLS lost a handshake record (%d)", ret);
				return ssa_record_fail(ssk, -EPROTO);
			}
			if (c->hdr_len < sizeof(c->hdr)) {
				c->hdr_len += ret;
				if (c->hdr_len == sizeof(c->hdr)) {
					ret = ssa_ctl_begin(ssk);
					if (ret <= 0)
						return ret;
				}
			} else {
				c->left -= ret;
				if (c->body)
					c->have += ret;
			}
		}
		if (c->hdr_len == sizeof(c->hdr) && !c->left) {
			ret = ssa_ctl_end(ssk);
			if (ret <= 0)
				return ret;
		}
	}
	return 1;
}

/* One control record at the head of the queue, of @type. */
static int ssa_rx_control(struct socket *sock, const struct proto_ops *ktls,
			  struct ssa_sock *ssk, u8 type)
{
	u8 alert[3], t;
	bool eor;
	int ret;

	if (ssk->ctl.hdr_len && type != SSA_CT_HANDSHAKE)
		return ssa_ctl_fail(ssk, "record interleaved with a partial handshake message",
				    ssk->ctl.hdr[0], ssk->ctl.hdr_len);
	switch (type) {
	case SSA_CT_HANDSHAKE:
		return ssa_rx_handshake(sock, ktls, ssk);
	case SSA_CT_ALERT:
		/* An alert is one record of two bytes (RFC 8446 5.1, 6). */
		ret = ssa_rx_read(sock, ktls, alert, sizeof(alert), MSG_DONTWAIT, &t, &eor);
		if (ret < 0)
			return ret;
		return ssa_control_record(ssk, type, alert, t == type && eor ? ret : 0);
	default:
		return ssa_control_record(ssk, type, NULL, 0);
	}
}

/**
 * ssa_rx_budget_init() - start counting what one read call handles
 * @b: the budget
 * @sk: the socket
 * @nb: the read does not wait
 */
void ssa_rx_budget_init(struct ssa_rx_budget *b, struct sock *sk, bool nb)
{
	b->spent = 0;
	b->wake = false;
	b->start = jiffies;
	b->timeo = sock_rcvtimeo(sk, nb);
}

/**
 * ssa_rx_wake() - tell pollers to come back
 * @sk: the socket
 *
 * The queue still holds records, but an edge-triggered poller saw its
 * edge already (as sock_def_readable() does).  After ssa_rx_unlock(), so
 * that a woken reader finds the path free.
 */
void ssa_rx_wake(struct sock *sk)
{
	struct socket_wq *wq;

	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_sync_poll(&wq->wait, EPOLLIN | EPOLLRDNORM);
	sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_IN);
	rcu_read_unlock();
}

/* What is left of the call's SO_RCVTIMEO, in jiffies (0: none). */
static long ssa_rx_left(const struct ssa_rx_budget *b)
{
	if (b->timeo == MAX_SCHEDULE_TIMEOUT)
		return MAX_SCHEDULE_TIMEOUT;
	return max_t(long, (long)(b->start + b->timeo - jiffies), 0);
}

/* A peer may send control (or empty) records as fast as we can take
 * them; a read call handles SSA_RX_BUDGET of them, then lets its caller
 * go: a non-blocking one with -EAGAIN (pollers woken again), a blocking
 * one if a signal is pending or its SO_RCVTIMEO has run out overall.
 */
static int ssa_rx_spend(struct sock *sk, struct ssa_rx_budget *b, int nb)
{
	if (++b->spent % SSA_RX_BUDGET)
		return 0;
	if (nb) {
		b->wake = true;
		return -EAGAIN;
	}
	if (signal_pending(current))
		return sock_intr_errno(b->timeo);
	if (!ssa_rx_left(b))
		return -EAGAIN;
	cond_resched();
	return 0;
}

/* Wait, as a blocking read, for a whole record to be queued (or an error,
 * or the end of the stream), within what is left of the call's
 * SO_RCVTIMEO.  Reads peek without waiting and wait here instead: a
 * blocking peek inside kTLS would go on decrypting (and keeping) empty
 * records for as long as a peer sends them.
 */
static int ssa_rx_wait(struct sock *sk, struct ssa_rx_budget *b)
{
	long left = ssa_rx_left(b);

	if (!left)
		return -EAGAIN;
	left = wait_event_interruptible_timeout(*sk_sleep(sk),
						sk_is_readable(sk) || READ_ONCE(sk->sk_err) ||
						(READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN),
						left);
	if (left < 0)
		return sock_intr_errno(b->timeo);
	return left ? 0 : -EAGAIN;
}

/**
 * ssa_rx_ready() - handle control records until application data heads
 * the receive queue
 * @sock: the established socket
 * @ktls: kTLS's ops for it
 * @ssk: its state; the caller owns the receive path (ssa_rx_lock())
 * @nb: MSG_DONTWAIT, or 0 to wait for a record as a blocking read does
 * @b: the read call's budget (ssa_rx_budget_init())
 *
 * Return: 1 when the next read returns application data; 2 when an
 * empty application-data record heads the queue (RFC 8446 5.1 allows
 * them: the caller's read consumes it, and then calls again if that read
 * returned 0); 0 at end of stream (close_notify, or TCP's FIN); -EAGAIN
 * when nothing is queued (a control message may be partly read) or the
 * budget is spent; or the negative errno that ends the connection
 * (TLS_ERROR says why).
 */
int ssa_rx_ready(struct socket *sock, const struct proto_ops *ktls,
		 struct ssa_sock *ssk, int nb, struct ssa_rx_budget *b)
{
	WARN_ON_ONCE(!test_bit(SSA_F_RX_BUSY, &ssk->flags));
	for (;;) {
		bool eor;
		u8 byte, type;
		int ret;

		if (test_bit(SSA_F_RX_EOF, &ssk->flags))
			return 0;
		if (ssk->rx_err)
			return ssk->rx_err;
		ret = ssa_rx_read(sock, ktls, &byte, 1, MSG_PEEK | MSG_DONTWAIT, &type, &eor);
		if (ret == -EAGAIN && !type && !nb) {
			ret = ssa_rx_wait(sock->sk, b);
			if (ret)
				return ret;
			continue;
		}
		if (ret < 0 || (!ret && !type))
			return ret;
		if (!ret && type != SSA_CT_APPLICATION_DATA)
			return ssa_ctl_fail(ssk, "empty record", type, 0);
		if (type == SSA_CT_APPLICATION_DATA && !ssk->ctl.hdr_len)
			return ret ? 1 : 2;
		ret = ssa_rx_control(sock, ktls, ssk, type);
		if (ret <= 0)
			return ret;
		ret = ssa_rx_spend(sock->sk, b, nb);
		if (ret)
			return ret;
	}
}

/**
 * ssa_rx_poll_idle() - is what makes kTLS report readable only control records?
 * @sock: the established socket
 * @ktls: kTLS's ops for it
 * @ssk: its state
 *
 * kTLS reports a socket readable once a whole record is queued, and a
 * TLS 1.3 record's type is known only once it is decrypted: the
 * NewSessionTickets a server sends after its handshake would make a
 * socket with nothing for the application poll readable, and a program
 * that then reads blocking wait for the peer's next data.  The control
 * records at the head of the queue are handled here, as a non-blocking
 * read handles them and within its budget.  Never waits.
 *
 * A non-blocking reader that found the path owned meanwhile returned
 * -EAGAIN; it is woken after, as an edge-triggered reader needs.  The
 * end of the stream and errors found here stay readable for every later
 * poll (ssa_rx_done()).
 *
 * Return: true if after them a read would return -EAGAIN; false if data,
 * the end of the stream or an error is next, the budget ran out (records
 * are left), or a reader holds the receive path (its read will tell).
 */
bool ssa_rx_poll_idle(struct socket *sock, const struct proto_ops *ktls, struct ssa_sock *ssk)
{
	struct ssa_rx_budget b;
	int ready;

	if (ssa_rx_lock(ssk, true))
		return false;
	ssa_rx_budget_init(&b, sock->sk, true);
	ready = ssa_rx_ready(sock, ktls, ssk, true, &b);
	ssa_rx_unlock(ssk);
	if (test_and_clear_bit(SSA_F_RX_MISSED, &ssk->flags))
		ssa_rx_wake(sock->sk);
	return ready == -EAGAIN && !b.wake;
}

/**
 * ssa_rx_done() - has the receive path found the end of the stream or an error?
 * @ssk: the socket's state
 *
 * Either came in a record kTLS no longer holds: only this says a read
 * returns at once.
 *
 * Return: true once a read returns 0 or an error without waiting.
 */
bool ssa_rx_done(const struct ssa_sock *ssk)
{
	return test_bit(SSA_F_RX_EOF, &ssk->flags) || READ_ONCE(ssk->rx_err);
}

/**
 * ssa_rx_empty_again() - an empty record was read: go round again?
 * @sk: the socket
 * @b: the read call's budget
 * @nb: the read does not wait
 * @peek: the read was MSG_PEEK (which leaves the empty record in place)
 *
 * Return: 0 to call ssa_rx_ready() again, or what the read returns.
 */
int ssa_rx_empty_again(struct sock *sk, struct ssa_rx_budget *b, int nb, bool peek)
{
	if (peek)
		return -EAGAIN;
	return ssa_rx_spend(sk, b, nb);
}
