// SPDX-License-Identifier: GPL-2.0
/*
 * The hand-off to kTLS: traffic keys derived from what mbedTLS exported,
 * mapped table-driven onto the kernel's tls12_crypto_info_* structures,
 * installed with TCP_ULP "tls" + SOL_TLS TLS_TX/TLS_RX on the genuine TCP
 * prot/ops (design.rst §5 rule 2), then the module's post-handshake ops in
 * front of kTLS's.
 */

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/mutex.h>
#include <linux/tcp.h>
#include <linux/splice.h>
#include <net/tcp.h>
#include <net/tls.h>
#include <uapi/linux/tls.h>

#include "tls_ssa.h"
#include "compat.h"
#include "ssa_mbedtls.h"

#define SSA_CIPHER(iana_, name, st, md_)					\
	{								\
		.iana = iana_,						\
		.cipher = TLS_CIPHER_##name,				\
		.key_len = TLS_CIPHER_##name##_KEY_SIZE,		\
		.salt_len = TLS_CIPHER_##name##_SALT_SIZE,		\
		.iv_len = TLS_CIPHER_##name##_IV_SIZE,			\
		.info_size = sizeof(struct st),				\
		.off_iv = offsetof(struct st, iv),			\
		.off_key = offsetof(struct st, key),			\
		.off_salt = offsetof(struct st, salt),			\
		.off_seq = offsetof(struct st, rec_seq),		\
		.md = md_,						\
	}

/* Every suite tls_ssa negotiates, and how kTLS carries it. */
static const struct ssa_cipher_desc ssa_cipher_descs[] = {
	SSA_CIPHER(0x1301, AES_GCM_128, tls12_crypto_info_aes_gcm_128, MBEDTLS_MD_SHA256),
	SSA_CIPHER(0x1302, AES_GCM_256, tls12_crypto_info_aes_gcm_256, MBEDTLS_MD_SHA384),
	SSA_CIPHER(0x1303, CHACHA20_POLY1305, tls12_crypto_info_chacha20_poly1305,
		   MBEDTLS_MD_SHA256),
	SSA_CIPHER(0x1304, AES_CCM_128, tls12_crypto_info_aes_ccm_128, MBEDTLS_MD_SHA256),
	SSA_CIPHER(0xc02b, AES_GCM_128, tls12_crypto_info_aes_gcm_128, MBEDTLS_MD_SHA256),
	SSA_CIPHER(0xc02f, AES_GCM_128, tls12_crypto_info_aes_gcm_128, MBEDTLS_MD_SHA256),
	SSA_CIPHER(0xc02c, AES_GCM_256, tls12_crypto_info_aes_gcm_256, MBEDTLS_MD_SHA384),
	SSA_CIPHER(0xc030, AES_GCM_256, tls12_crypto_info_aes_gcm_256, MBEDTLS_MD_SHA384),
	SSA_CIPHER(0xcca9, CHACHA20_POLY1305, tls12_crypto_info_chacha20_poly1305,
		   MBEDTLS_MD_SHA256),
	SSA_CIPHER(0xcca8, CHACHA20_POLY1305, tls12_crypto_info_chacha20_poly1305,
		   MBEDTLS_MD_SHA256),
};

static_assert(sizeof(struct tls12_crypto_info_aes_gcm_256) <= SSA_CRYPTO_INFO_MAX);
static_assert(sizeof(struct tls12_crypto_info_chacha20_poly1305) <= SSA_CRYPTO_INFO_MAX);
static_assert(TLS_CIPHER_AES_GCM_256_KEY_SIZE <= SSA_KEY_MAX);
static_assert(TLS_CIPHER_CHACHA20_POLY1305_IV_SIZE <= SSA_IV_MAX);

/**
 * ssa_cipher_desc_find() - how kTLS carries a cipher suite
 * @iana: the suite's IANA number
 *
 * Return: the descriptor, or NULL if kTLS cannot carry the suite.
 */
const struct ssa_cipher_desc *ssa_cipher_desc_find(u16 iana)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ssa_cipher_descs); i++)
		if (ssa_cipher_descs[i].iana == iana)
			return &ssa_cipher_descs[i];
	return NULL;
}

/* A key derivation's mbedTLS result as an errno: its HMAC state is
 * allocated, and a failed allocation is ENOMEM, not a bad argument.
 */
static int ssa_keys_errno(int ret)
{
	if (!ret)
		return 0;
	if (ret == MBEDTLS_ERR_MD_ALLOC_FAILED)
		return -ENOMEM;
	return -EINVAL;
}

/* RFC 8446 7.1: HKDF-Expand-Label(Secret, Label, "", Length) */
static int ssa_hkdf_expand_label(mbedtls_md_type_t md, const u8 *secret,
				 size_t secret_len, const char *label,
				 u8 *out, size_t out_len)
{
	u8 info[2 + 1 + 6 + 16 + 1];
	size_t llen = strlen(label), n = 0;
	int ret;

	if (llen > 16)
		return -EINVAL;
	info[n++] = out_len >> 8;
	info[n++] = out_len & 0xff;
	info[n++] = 6 + llen;
	memcpy(info + n, "tls13 ", 6);
	n += 6;
	memcpy(info + n, label, llen);
	n += llen;
	info[n++] = 0;	/* empty context */
	ret = mbedtls_hkdf_expand(mbedtls_md_info_from_type(md), secret, secret_len,
				  info, n, out, out_len);
	memzero_explicit(info, sizeof(info));
	return ssa_keys_errno(ret);
}

/**
 * ssa_tls13_traffic_keys() - key and IV from a TLS 1.3 traffic secret
 * @desc: the negotiated suite
 * @secret: [sender]_application_traffic_secret_N
 * @secret_len: its length (the suite's hash length)
 * @k: out: key and 12-byte IV (sequence number left as is)
 *
 * Return: 0, -ENOMEM or -EINVAL.
 */
int ssa_tls13_traffic_keys(const struct ssa_cipher_desc *desc, const u8 *secret,
			   size_t secret_len, struct ssa_traffic_keys *k)
{
	int err;

	err = ssa_hkdf_expand_label(desc->md, secret, secret_len, "key",
				    k->key, desc->key_len);
	if (!err)
		err = ssa_hkdf_expand_label(desc->md, secret, secret_len, "iv",
					    k->iv, desc->salt_len + desc->iv_len);
	return err;
}

/**
 * ssa_tls12_traffic_keys() - both directions' keys from a TLS 1.2 master
 * secret (RFC 5246 6.3 key_block; AEAD suites have no MAC keys)
 * @desc: the negotiated suite
 * @prf: mbedTLS's PRF id for the suite
 * @master: the 48-byte master secret
 * @client_random: ClientHello.random
 * @server_random: ServerHello.random
 * @client: out: client_write key and fixed IV
 * @server: out: server_write key and fixed IV
 *
 * Return: 0, -ENOMEM or -EINVAL.
 */
int ssa_tls12_traffic_keys(const struct ssa_cipher_desc *desc, int prf,
			   const u8 *master, const u8 *client_random,
			   const u8 *server_random, struct ssa_traffic_keys *client,
			   struct ssa_traffic_keys *server)
{
	/* Fixed IV: the 4-byte salt for GCM/CCM, all 12 bytes for ChaCha20. */
	size_t fixed = desc->salt_len ?: desc->iv_len;
	u8 block[2 * (SSA_KEY_MAX + SSA_IV_MAX)], seed[64];
	size_t klen = desc->key_len;
	int ret;

	memcpy(seed, server_random, 32);
	memcpy(seed + 32, client_random, 32);
	ret = mbedtls_ssl_tls_prf(prf, master, 48, "key expansion", seed, 64,
				  block, 2 * (klen + fixed));
	if (!ret) {
		memcpy(client->key, block, klen);
		memcpy(server->key, block + klen, klen);
		memcpy(client->iv, block + 2 * klen, fixed);
		memcpy(server->iv, block + 2 * klen + fixed, fixed);
	}
	memzero_explicit(block, sizeof(block));
	/* With MBEDTLS_USE_PSA_CRYPTO the PRF reports every PSA failure
	 * as HW_ACCEL_FAILED; its inputs here are fixed-size and valid, so
	 * that is PSA running out of memory.
	 */
	if (ret == MBEDTLS_ERR_SSL_HW_ACCEL_FAILED)
		return -ENOMEM;
	return ssa_keys_errno(ret);
}

/**
 * ssa_ktls_fill() - lay keys out as kTLS's crypto_info for one direction
 * @desc: the negotiated suite
 * @version: TLS_VERSION_1_2 or TLS_VERSION_1_3
 * @k: key, IV and big-endian sequence number
 * @info: out: SSA_CRYPTO_INFO_MAX bytes
 *
 * TLS 1.3 and ChaCha20: the 12-byte IV is salt || iv.  TLS 1.2 GCM/CCM:
 * salt is the fixed IV and iv the first explicit nonce, for which the
 * sequence number is used (RFC 5288 3 allows any unique value).
 *
 * Return: bytes of @info to pass to setsockopt.
 */
unsigned int ssa_ktls_fill(const struct ssa_cipher_desc *desc, u16 version,
			   const struct ssa_traffic_keys *k, u8 *info)
{
	struct tls_crypto_info *ci = (struct tls_crypto_info *)info;

	memset(info, 0, SSA_CRYPTO_INFO_MAX);
	ci->version = version;
	ci->cipher_type = desc->cipher;
	memcpy(info + desc->off_key, k->key, desc->key_len);
	memcpy(info + desc->off_seq, k->seq, 8);
	if (version == TLS_VERSION_1_2 && desc->salt_len) {
		memcpy(info + desc->off_salt, k->iv, desc->salt_len);
		memcpy(info + desc->off_iv, k->seq, desc->iv_len);
	} else {
		memcpy(info + desc->off_salt, k->iv, desc->salt_len);
		memcpy(info + desc->off_iv, k->iv + desc->salt_len, desc->iv_len);
	}
	return desc->info_size;
}

/* --- post-handshake ops ---------------------------------------------- */

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

static const struct proto_ops *ssa_post_ops_get(struct sock *sk, const struct proto_ops *ktls)
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
 * ssa_ktls_exit() - let tls.ko go (module unload; no SSA socket is left)
 */
void ssa_ktls_exit(void)
{
	module_put(ssa_tls_module);
	ssa_tls_module = NULL;
}

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
