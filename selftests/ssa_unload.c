// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifetime: rmmod is refused while an IPPROTO_TLS socket lives and
 * succeeds once it is closed; the protocol is gone while unloaded and
 * back after a reload; tls.ko stays pinned from the first handshake until
 * tls_ssa is unloaded.  Needs root and SSA_MODULE (set by vm-run).
 * selftests-run runs this file before the others: SSA connections they
 * close stay in TIME_WAIT for a minute and pin the module (as they must).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <linux/tls_ssa.h>

#include "kselftest_harness.h"
#include "lib/ssa_selftest.h"

#define PKI	"/tmp/ssa-unload-pki"

static int delete_module(const char *name)
{
	return syscall(__NR_delete_module, name, O_NONBLOCK);
}

TEST(unload_refused_while_socket_lives)
{
	const char *path = getenv("SSA_MODULE");
	int fd, mfd, tries;

	if (!path || geteuid() != 0)
		SKIP(return, "needs root and SSA_MODULE=<path to tls_ssa.ko>");

	fd = socket(AF_INET6, SOCK_STREAM, IPPROTO_TLS);
	ASSERT_GE(fd, 0);
	errno = 0;
	EXPECT_EQ(-1, delete_module("tls_ssa"));
	EXPECT_TRUE(errno == EWOULDBLOCK || errno == EBUSY) TH_LOG("errno %d", errno);
	close(fd);

	/* The last reference may be dropped a moment after close(). */
	for (tries = 0; tries < 50; tries++) {
		if (delete_module("tls_ssa") == 0)
			break;
		usleep(20000);
	}
	ASSERT_LT(tries, 50) TH_LOG("rmmod still refused after close: %s", strerror(errno));

	errno = 0;
	EXPECT_EQ(-1, socket(AF_INET, SOCK_STREAM, IPPROTO_TLS));

	mfd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_GE(mfd, 0);
	ASSERT_EQ(0, syscall(__NR_finit_module, mfd, "", 0)) TH_LOG("reload: %s", strerror(errno));
	close(mfd);
	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TLS);
	EXPECT_GE(fd, 0);
	close(fd);
}

static int load_ssa(const char *path)
{
	int mfd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (mfd < 0)
		return -1;
	ret = syscall(__NR_finit_module, mfd, "", 0);
	close(mfd);
	return ret;
}

/* Unload @name, waiting for references that go a moment after close(). */
static int unload(const char *name)
{
	int tries;

	for (tries = 0; tries < 50; tries++) {
		if (delete_module(name) == 0)
			return 0;
		usleep(20000);
	}
	return -1;
}

/*
 * tls_ssa keeps kTLS's proto_ops tables once it has seen them: tls.ko
 * must not go away under it (and come back with other tables at the
 * same addresses) while tls_ssa is loaded, even with no socket left.
 */
TEST(tls_pinned_after_a_handshake)
{
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	const char *path = getenv("SSA_MODULE");
	socklen_t len = sizeof(sin);
	int l, c, a, zero = 0;

	if (!path || geteuid() != 0)
		SKIP(return, "needs root and SSA_MODULE=<path to tls_ssa.ko>");
	ssa_make_pki(PKI);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, IPPROTO_TLS);
	ASSERT_GE(l, 0);
	ASSERT_EQ(0, setsockopt(l, IPPROTO_TLS, TLS_CERTIFICATE_CHAIN, PKI "/srv.pem",
				sizeof(PKI "/srv.pem")));
	ASSERT_EQ(0, setsockopt(l, IPPROTO_TLS, TLS_PRIVATE_KEY, PKI "/srv.key",
				sizeof(PKI "/srv.key")));
	ASSERT_EQ(0, bind(l, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(l, 1));
	ASSERT_EQ(0, getsockname(l, (struct sockaddr *)&sin, &len));
	c = socket(AF_INET, SOCK_STREAM, IPPROTO_TLS);
	ASSERT_GE(c, 0);
	ASSERT_EQ(0, setsockopt(c, IPPROTO_TLS, TLS_REMOTE_HOSTNAME, "localhost", 10));
	ASSERT_EQ(0, setsockopt(c, IPPROTO_TLS, TLS_TRUSTED_PEER_CERTIFICATES,
				PKI "/ca.pem", sizeof(PKI "/ca.pem")));
	ASSERT_EQ(0, setsockopt(c, IPPROTO_TLS, TLS_SESSION_TTL, &zero, sizeof(zero)));
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&sin, sizeof(sin)));
	a = accept(l, NULL, NULL);
	ASSERT_GE(a, 0);
	setsockopt(a, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
	setsockopt(c, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
	close(a);
	close(c);
	close(l);

	errno = 0;
	usleep(200000);
	if (delete_module("tls") == 0) {
		/* Put it back for the tests that follow, then fail. */
		system("modprobe tls");
		ASSERT_TRUE(false) TH_LOG("tls.ko was unloaded under tls_ssa");
	}
	EXPECT_TRUE(errno == EWOULDBLOCK || errno == EBUSY) TH_LOG("errno %d", errno);
	/* Unloading tls_ssa lets it go. */
	ASSERT_EQ(0, unload("tls_ssa")) TH_LOG("rmmod tls_ssa: %s", strerror(errno));
	EXPECT_EQ(0, unload("tls")) TH_LOG("rmmod tls after tls_ssa: %s", strerror(errno));
	system("modprobe tls");
	ASSERT_EQ(0, load_ssa(path)) TH_LOG("reload: %s", strerror(errno));
}

int main(int argc, char **argv)
{
	ssa_selfdir_init(argv[0]);
	return test_harness_run(argc, argv);
}
