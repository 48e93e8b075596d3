// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: IPPROTO_TLS registration, per-socket state and the option table.
 * Sockets are real kernel sockets created through the protosw entries
 * this module registered, exactly as socket(2) would create them.
 */

#include <kunit/test.h>
#include <linux/net.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <net/sock.h>
#include <net/net_namespace.h>

#include "tls_ssa.h"

static struct socket *ssa_new(struct kunit *test, int family, int protocol)
{
	struct socket *sock = NULL;

	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, family, SOCK_STREAM,
						  protocol, &sock));
	return sock;
}

static void ssa_socket_is_tcp(struct kunit *test, int family)
{
	long before = ssa_sock_count();
	struct socket *sock = ssa_new(test, family, IPPROTO_TLS);
	struct sock *sk = sock->sk;

	/* What goes into the IP header, and what kTLS insists on. */
	KUNIT_EXPECT_EQ(test, sk->sk_protocol, IPPROTO_TCP);
	KUNIT_EXPECT_EQ(test, sk->sk_type, SOCK_STREAM);
	KUNIT_EXPECT_TRUE(test, ssa_sk_is_ssa(sk));
	KUNIT_EXPECT_NOT_NULL(test, ssa_sock_get(sk));
	KUNIT_EXPECT_EQ(test, ssa_sock_count(), before + 1);
	KUNIT_EXPECT_PTR_EQ(test, (const void *)sk->sk_prot,
			    (const void *)sk->sk_prot_creator);
	sock_release(sock);
	KUNIT_EXPECT_EQ(test, ssa_sock_count(), before);
}

static void ssa_inet_socket(struct kunit *test)
{
	ssa_socket_is_tcp(test, AF_INET);
}

static void ssa_inet6_socket(struct kunit *test)
{
	ssa_socket_is_tcp(test, AF_INET6);
}

static void ssa_plain_tcp_untouched(struct kunit *test)
{
	struct socket *tcp = ssa_new(test, AF_INET, 0);
	struct socket *tcp6 = ssa_new(test, AF_INET6, IPPROTO_TCP);

	KUNIT_EXPECT_FALSE(test, ssa_sk_is_ssa(tcp->sk));
	KUNIT_EXPECT_FALSE(test, ssa_sk_is_ssa(tcp6->sk));
	KUNIT_EXPECT_NULL(test, ssa_sock_get(tcp->sk));
	KUNIT_EXPECT_EQ(test, tcp->sk->sk_protocol, IPPROTO_TCP);
	sock_release(tcp);
	sock_release(tcp6);
}

static void ssa_ids_unique(struct kunit *test)
{
	struct socket *a = ssa_new(test, AF_INET, IPPROTO_TLS);
	struct socket *b = ssa_new(test, AF_INET6, IPPROTO_TLS);

	KUNIT_EXPECT_NE(test, ssa_sock_get(a->sk)->id, 0ULL);
	KUNIT_EXPECT_GT(test, ssa_sock_get(b->sk)->id, ssa_sock_get(a->sk)->id);
	sock_release(a);
	sock_release(b);
}

static void ssa_connect_refused(struct kunit *test)
{
	struct socket *sock = ssa_new(test, AF_INET, IPPROTO_TLS);
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(9),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};

	/* Kernel sockets have no file to pin for the handshake worker. */
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			kernel_connect(sock, (struct sockaddr *)&sin, sizeof(sin), 0));
	/* No certificate: no server (nothing but plaintext to offer). */
	KUNIT_EXPECT_EQ(test, -ENOKEY, kernel_listen(sock, 1));
	KUNIT_EXPECT_NE(test, ssa_sock_get(sock->sk)->error[0], '\0');
	KUNIT_EXPECT_EQ(test, sock->sk->sk_state, TCP_CLOSE);
	sock_release(sock);
}

static int ssa_set(struct socket *sock, int opt, const void *val, unsigned int len)
{
	return sock->ops->setsockopt(sock, IPPROTO_TLS, opt,
				     KERNEL_SOCKPTR((void *)val), len);
}

static int ssa_set_int(struct socket *sock, int opt, int v)
{
	return ssa_set(sock, opt, &v, sizeof(v));
}

static void ssa_options(struct kunit *test)
{
	struct socket *sock = ssa_new(test, AF_INET, IPPROTO_TLS);
	struct ssa_sock *ssk = ssa_sock_get(sock->sk);
	static const char longname[] =
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example";

	KUNIT_EXPECT_EQ(test, 0, ssa_set(sock, TLS_REMOTE_HOSTNAME, "example.com", 12));
	KUNIT_EXPECT_STREQ(test, ssk->hostname, "example.com");
	KUNIT_EXPECT_EQ(test, 0, ssa_set(sock, TLS_REMOTE_HOSTNAME, "example.org", 11));
	KUNIT_EXPECT_STREQ(test, ssk->hostname, "example.org");
	KUNIT_EXPECT_EQ(test, -EINVAL, ssa_set(sock, TLS_REMOTE_HOSTNAME, "bad host", 9));
	KUNIT_EXPECT_EQ(test, -EINVAL, ssa_set(sock, TLS_REMOTE_HOSTNAME, "a..b", 5));
	KUNIT_EXPECT_EQ(test, -EINVAL, ssa_set(sock, TLS_REMOTE_HOSTNAME, longname,
					       sizeof(longname)));
	KUNIT_EXPECT_EQ(test, -EINVAL, ssa_set(sock, TLS_REMOTE_HOSTNAME, "a\0b", 4));
	KUNIT_EXPECT_STREQ(test, ssk->hostname, "example.org");

	KUNIT_EXPECT_EQ(test, 0, ssa_set_int(sock, TLS_VERSION_MIN, TLS_VERSION_1_3));
	KUNIT_EXPECT_EQ(test, -EPERM, ssa_set_int(sock, TLS_VERSION_MAX, TLS_VERSION_1_2));
	KUNIT_EXPECT_EQ(test, -EINVAL, ssa_set_int(sock, TLS_VERSION_MAX, 0x0301));
	KUNIT_EXPECT_EQ(test, (int)ssk->version_max, TLS_VERSION_1_3);

	KUNIT_EXPECT_EQ(test, -EPERM, ssa_set_int(sock, TLS_SESSION_TTL, SSA_SESSION_TTL_MAX + 1));
	KUNIT_EXPECT_EQ(test, -EINVAL, ssa_set_int(sock, TLS_SESSION_TTL, -1));
	KUNIT_EXPECT_EQ(test, 0, ssa_set_int(sock, TLS_SESSION_TTL, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, ssa_set_int(sock, TLS_REQUEST_PEER_AUTH, 3));

	KUNIT_EXPECT_EQ(test, 0, ssa_set(sock, TLS_ALPN, "h2,http/1.1", 12));
	KUNIT_EXPECT_EQ(test, -EINVAL, ssa_set(sock, TLS_ALPN, "h2,,x", 6));

	KUNIT_EXPECT_EQ(test, 0, ssa_set(sock, TLS_GROUPS, "secp384r1:x25519", 17));
	KUNIT_EXPECT_EQ(test, ssk->groups, (u32)(BIT(0) | BIT(2)));
	KUNIT_EXPECT_EQ(test, -EINVAL, ssa_set(sock, TLS_GROUPS, "x448", 5));
	KUNIT_EXPECT_EQ(test, 0, ssa_set(sock, TLS_DISABLE_CIPHER,
					 "TLS_CHACHA20_POLY1305_SHA256", 29));
	KUNIT_EXPECT_FALSE(test, ssk->ciphers & BIT(2));

	/* Direction and existence checks come before the value. */
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, ssa_set_int(sock, TLS_ID, 1));
	KUNIT_EXPECT_EQ(test, -ENOPROTOOPT, ssa_set_int(sock, TLS_SSA_OPT_LAST + 1, 1));
	KUNIT_EXPECT_EQ(test, -ENOPROTOOPT, ssa_set_int(sock, TLS_SSA_OPT_FIRST - 1, 1));
	sock_release(sock);
}

/* The table must cover exactly the uapi range, each row sane. */
static void ssa_opt_table(struct kunit *test)
{
	int name;

	KUNIT_EXPECT_NULL(test, ssa_opt_find(TLS_SSA_OPT_FIRST - 1));
	KUNIT_EXPECT_NULL(test, ssa_opt_find(TLS_SSA_OPT_LAST + 1));
	for (name = TLS_SSA_OPT_FIRST; name <= TLS_SSA_OPT_LAST; name++) {
		const struct ssa_opt *o = ssa_opt_find(name);

		KUNIT_ASSERT_NOT_NULL_MSG(test, o, "option %d missing", name);
		KUNIT_EXPECT_EQ(test, o->name, name);
		KUNIT_EXPECT_EQ(test, !!(o->flags & SSA_OPT_SET), !!o->set);
		KUNIT_EXPECT_EQ(test, !!(o->flags & SSA_OPT_GET), !!o->get);
		KUNIT_EXPECT_TRUE(test, o->flags & (SSA_OPT_SET | SSA_OPT_GET));
		KUNIT_EXPECT_TRUE(test, !strncmp(o->label, "TLS_", 4));
	}
}

/* ssa_names_parse() against a deliberately naive reference: split on ':'
 * into a scratch copy and compare whole strings.
 */
static int ssa_names_parse_ref(const char *list, u32 *mask)
{
	char buf[128], *p = buf, *tok;
	u32 m = 0;

	strscpy(buf, list, sizeof(buf));
	while ((tok = strsep(&p, ":")) != NULL) {
		unsigned int i;
		bool found = false;

		for (i = 0; i < ssa_groups_count; i++) {
			if (!strcmp(tok, ssa_groups[i].name)) {
				m |= BIT(i);
				found = true;
			}
		}
		if (!found)
			return -EINVAL;
	}
	*mask = m;
	return 0;
}

static void ssa_names_vs_reference(struct kunit *test)
{
	static const char * const cases[] = {
		"x25519", "secp256r1", "secp384r1", "x25519:secp256r1",
		"secp384r1:secp256r1:x25519", "x25519:x25519", "", ":", "x25519:",
		":x25519", "x2551", "x255199", "X25519", "x25519::secp256r1",
		"secp256r1:bogus", "secp256r1 ", " x25519",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u32 m1 = 0xdead, m2 = 0xbeef;
		const char *bad;
		int r1 = ssa_names_parse(ssa_groups, ssa_groups_count, cases[i], &m1, &bad);
		int r2 = ssa_names_parse_ref(cases[i], &m2);

		KUNIT_EXPECT_EQ_MSG(test, r1, r2, "list \"%s\"", cases[i]);
		if (!r1 && !r2)
			KUNIT_EXPECT_EQ_MSG(test, m1, m2, "list \"%s\"", cases[i]);
	}
}

static void ssa_names_format_roundtrip(struct kunit *test)
{
	u32 mask, back;
	char buf[256];
	const char *bad;

	for (mask = 1; mask < BIT(ssa_groups_count); mask++) {
		KUNIT_ASSERT_GT(test, ssa_names_format(ssa_groups, ssa_groups_count,
						       mask, buf, sizeof(buf)), 0);
		KUNIT_ASSERT_EQ(test, 0, ssa_names_parse(ssa_groups, ssa_groups_count,
							 buf, &back, &bad));
		KUNIT_EXPECT_EQ(test, back, mask);
	}
	KUNIT_EXPECT_EQ(test, -ERANGE, ssa_names_format(ssa_ciphers, ssa_ciphers_count,
							BIT(0), buf, 4));
}

static struct kunit_case ssa_proto_cases[] = {
	KUNIT_CASE(ssa_inet_socket),
	KUNIT_CASE(ssa_inet6_socket),
	KUNIT_CASE(ssa_plain_tcp_untouched),
	KUNIT_CASE(ssa_ids_unique),
	KUNIT_CASE(ssa_connect_refused),
	KUNIT_CASE(ssa_options),
	KUNIT_CASE(ssa_opt_table),
	KUNIT_CASE(ssa_names_vs_reference),
	KUNIT_CASE(ssa_names_format_roundtrip),
	{}
};

static struct kunit_suite ssa_proto_suite = {
	.name = "tls_ssa_proto",
	.test_cases = ssa_proto_cases,
};

kunit_test_suite(ssa_proto_suite);
