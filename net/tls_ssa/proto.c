// SPDX-License-Identifier: GPL-2.0
/*
 * IPPROTO_TLS registration (DESIGN §5 rule 1).
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
#include <net/protocol.h>
#include <net/inet_common.h>
#include <net/tcp.h>
#include <net/tls.h>
#if IS_ENABLED(CONFIG_IPV6)
#include <net/ipv6.h>
#include <net/transp_v6.h>
#endif

#include "tls_ssa.h"

/**
 * struct ssa_family - one address family's IPPROTO_TLS plumbing
 * @prot: copy of the family's TCP proto, owned by this module
 * @ops: copy of the family's stream proto_ops with overrides
 * @base_prot: the genuine TCP proto the copy was made from
 * @base_ops: the genuine stream proto_ops the copy was made from
 * @protosw: the registration entry
 * @registered: @protosw is on the family's list
 */
struct ssa_family {
	struct proto prot;
	struct proto_ops ops;
	const struct proto *base_prot;
	const struct proto_ops *base_ops;
	struct inet_protosw protosw;
	bool registered;
};

static struct ssa_family ssa_inet;
#if IS_ENABLED(CONFIG_IPV6)
static struct ssa_family ssa_inet6;
#endif

static struct ssa_family *ssa_family_of(const struct sock *sk)
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

/* proto->init: runs in socket() after inet_create() set sk_protocol. */
static int ssa_sk_init(struct sock *sk)
{
	const struct ssa_family *fam = ssa_family_of(sk);
	int err;

	err = fam->base_prot->init(sk);
	if (err)
		return err;
	sk->sk_protocol = IPPROTO_TCP;
	return ssa_sock_attach(sk);
}

/* Until the handshake engine exists, refuse rather than go plaintext. */
static int ssa_refuse_plaintext(struct socket *sock, const char *op)
{
	struct sock *sk = sock->sk;
	struct ssa_sock *ssk;

	lock_sock(sk);
	ssk = ssa_sock_get(sk);
	if (ssk)
		ssa_sock_set_error(ssk, "%s: TLS handshake not available in this build; refusing plaintext",
				   op);
	release_sock(sk);
	return -EPROTONOSUPPORT;
}

static int ssa_connect(struct socket *sock, struct sockaddr *uaddr,
		       int addr_len, int flags)
{
	return ssa_refuse_plaintext(sock, "connect");
}

static int ssa_listen(struct socket *sock, int backlog)
{
	return ssa_refuse_plaintext(sock, "listen");
}

/* Levels TLS must control: IPPROTO_TLS is ours; SOL_TLS would hand the
 * traffic keys to the application and TCP_ULP would let it install a
 * record layer behind our back.
 */
static int ssa_setsockopt(struct socket *sock, int level, int optname,
			  sockptr_t optval, unsigned int optlen)
{
	const struct ssa_family *fam = ssa_family_of(sock->sk);

	if (level == IPPROTO_TLS)
		return ssa_sockopt_set(sock->sk, optname, optval, optlen);
	if (level == SOL_TLS || (level == SOL_TCP && optname == TCP_ULP))
		return -EOPNOTSUPP;
	return fam->base_ops->setsockopt(sock, level, optname, optval, optlen);
}

static int ssa_getsockopt(struct socket *sock, int level, int optname,
			  char __user *optval, int __user *optlen)
{
	const struct ssa_family *fam = ssa_family_of(sock->sk);

	if (level == IPPROTO_TLS)
		return ssa_sockopt_get(sock->sk, optname, optval, optlen);
	if (level == SOL_TLS)
		return -EOPNOTSUPP;
	return fam->base_ops->getsockopt(sock, level, optname, optval, optlen);
}

static void ssa_family_setup(struct ssa_family *fam, const char *name,
			     const struct proto *base_prot,
			     const struct proto_ops *base_ops)
{
	fam->base_prot = base_prot;
	fam->base_ops = base_ops;

	fam->prot = *base_prot;
	strscpy(fam->prot.name, name, sizeof(fam->prot.name));
	fam->prot.owner = THIS_MODULE;
	fam->prot.init = ssa_sk_init;

	fam->ops = *base_ops;
	fam->ops.owner = THIS_MODULE;
	fam->ops.connect = ssa_connect;
	fam->ops.listen = ssa_listen;
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
			pr_err("tls_ssa: cannot register IPPROTO_TLS for AF_INET6: %d\n",
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
