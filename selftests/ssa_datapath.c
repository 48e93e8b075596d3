// SPDX-License-Identifier: GPL-2.0
/*
 * Data-path semantics of an established SSA client socket, after the
 * kernel's tools/testing/selftests/net/tls.c: send/recv, many records of
 * odd sizes, MSG_PEEK, MSG_WAITALL, poll, sendfile, splice both ways,
 * shutdown(SHUT_WR) with close_notify and the peer's close_notify as EOF,
 * the getters, and what is refused once connected.  One variant per TLS
 * version; the peer is OpenSSL through Python's ssl module (lib/tls_peer.py)
 * in echo mode, one per test.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <linux/tls_ssa.h>

#include "kselftest_harness.h"
#include "lib/ssa_selftest.h"

#ifndef SOL_TLS
#define SOL_TLS 282
#endif

#define PKI	"/tmp/ssa-datapath-pki"

static void make_pki(void)
{
	ssa_make_pki(PKI);
}

static pid_t start_peer(unsigned short port, const char *maxver)
{
	char script[4200], p[16];
	pid_t pid;

	snprintf(script, sizeof(script), "%s/lib/tls_peer.py", selfdir);
	snprintf(p, sizeof(p), "%u", port);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execlp("python3", "python3", script, "echo", "--port", p,
		       "--cert", PKI "/srv.pem", "--key", PKI "/srv.key",
		       "--max", maxver, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int ssa_connect(unsigned short port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TLS), no_ttl = 0;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 ||
	    setsockopt(fd, IPPROTO_TLS, TLS_REMOTE_HOSTNAME, "localhost", 10) ||
	    setsockopt(fd, IPPROTO_TLS, TLS_TRUSTED_PEER_CERTIFICATES, PKI "/ca.pem",
		       sizeof(PKI "/ca.pem")) ||
	    /* Each test has its own peer (often on a port an earlier variant
	     * used): full handshakes only, resumption is tested elsewhere.
	     */
	    setsockopt(fd, IPPROTO_TLS, TLS_SESSION_TTL, &no_ttl, sizeof(no_ttl)) ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		char why[256] = "";
		socklen_t l = sizeof(why);
		int e = errno;

		if (fd >= 0)
			getsockopt(fd, IPPROTO_TLS, TLS_ERROR, why, &l);
		fprintf(stderr, "# connect: %s; TLS_ERROR: %s\n", strerror(e), why);
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Read exactly len bytes (or fail). */
static int recv_all(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = recv(fd, buf + got, len - got, 0);

		if (n <= 0) {
			char why[256] = "";
			socklen_t l = sizeof(why);

			getsockopt(fd, IPPROTO_TLS, TLS_ERROR, why, &l);
			fprintf(stderr, "# recv after %zu of %zu bytes: %zd, %s; TLS_ERROR: %s\n",
				got, len, n, n ? strerror(errno) : "EOF", why);
			return -1;
		}
		got += n;
	}
	return 0;
}

FIXTURE(dp) {
	int fd;
	pid_t peer;
};

FIXTURE_VARIANT(dp) {
	const char *max;
	int version;
};

FIXTURE_VARIANT_ADD(dp, tls13) { .max = "1.3", .version = TLS_VERSION_1_3 };
FIXTURE_VARIANT_ADD(dp, tls12) { .max = "1.2", .version = TLS_VERSION_1_2 };

FIXTURE_SETUP(dp)
{
	static unsigned short port = 21000;

	port += 1 + getpid() % 7;
	make_pki();
	self->peer = start_peer(port, variant->max);
	ASSERT_GT(self->peer, 0);
	ASSERT_EQ(0, ssa_wait_listening(port));
	self->fd = ssa_connect(port);
	ASSERT_GE(self->fd, 0) TH_LOG("connect: %s", strerror(errno));
}

FIXTURE_TEARDOWN(dp)
{
	close(self->fd);
	kill(self->peer, SIGTERM);
	waitpid(self->peer, NULL, 0);
}

/* A small text file, NUL-terminated; false if it cannot be read. */
static bool read_text(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n > 0;
}

TEST_F(dp, session_getters)
{
	char buf[8192], want[8192];
	socklen_t len = sizeof(int);
	int v = 0;

	ASSERT_EQ(0, getsockopt(self->fd, IPPROTO_TLS, TLS_NEGOTIATED_VERSION, &v, &len));
	EXPECT_EQ(variant->version, v);
	len = sizeof(v);
	ASSERT_EQ(0, getsockopt(self->fd, IPPROTO_TLS, TLS_NEGOTIATED_CIPHER, &v, &len));
	EXPECT_NE(0, v);
	len = sizeof(buf);
	ASSERT_EQ(0, getsockopt(self->fd, IPPROTO_TLS, TLS_PEER_IDENTITY, buf, &len));
	EXPECT_NE(NULL, strstr(buf, "CN=localhost")) TH_LOG("identity %s", buf);
	len = sizeof(buf);
	ASSERT_EQ(0, getsockopt(self->fd, IPPROTO_TLS, TLS_PEER_CERTIFICATE_CHAIN, buf, &len));
	EXPECT_EQ(strlen(buf) + 1, len);
	/* The server sends its one certificate: the file it was given, byte for byte. */
	ASSERT_TRUE(read_text(PKI "/srv.pem", want, sizeof(want)));
	EXPECT_STREQ(want, buf);
	len = sizeof(buf);
	ASSERT_EQ(0, getsockopt(self->fd, IPPROTO_TLS, TLS_HOSTNAME, buf, &len));
	EXPECT_STREQ("localhost", buf);
	len = sizeof(v);
	ASSERT_EQ(0, getsockopt(self->fd, IPPROTO_TLS, TLS_SESSION_RESUMED, &v, &len));
	EXPECT_EQ(0, v);
}

TEST_F(dp, refused_once_connected)
{
	char buf[64];
	socklen_t len = sizeof(buf);
	int v = TLS_VERSION_1_3;

	errno = 0;
	EXPECT_EQ(-1, setsockopt(self->fd, IPPROTO_TLS, TLS_REMOTE_HOSTNAME, "x.example", 10));
	EXPECT_EQ(EOPNOTSUPP, errno);
	errno = 0;
	EXPECT_EQ(-1, setsockopt(self->fd, IPPROTO_TLS, TLS_VERSION_MIN, &v, sizeof(v)));
	EXPECT_EQ(EOPNOTSUPP, errno);
	errno = 0;
	EXPECT_EQ(-1, getsockopt(self->fd, SOL_TLS, 1 /* TLS_TX */, buf, &len));
	EXPECT_EQ(EOPNOTSUPP, errno);
	errno = 0;
	EXPECT_EQ(-1, setsockopt(self->fd, SOL_TLS, 2 /* TLS_RX */, buf, sizeof(buf)));
	EXPECT_EQ(EOPNOTSUPP, errno);
}

TEST_F(dp, send_recv)
{
	char buf[16] = { 0 };

	ASSERT_EQ(5, send(self->fd, "hello", 5, 0));
	ASSERT_EQ(0, recv_all(self->fd, buf, 5));
	EXPECT_STREQ("hello", buf);
}

TEST_F(dp, many_odd_sized_records)
{
	static const int sizes[] = { 1, 2, 3, 7, 13, 255, 256, 257, 1021, 4093,
				     16383, 16384, 16385, 40009, 65537 };
	char *out = malloc(70000), *in = malloc(70000);
	unsigned int i, j;

	ASSERT_TRUE(out && in);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (j = 0; j < (unsigned int)sizes[i]; j++)
			out[j] = (char)(i * 31 + j * 7);
		ASSERT_EQ(sizes[i], send(self->fd, out, sizes[i], 0));
		ASSERT_EQ(0, recv_all(self->fd, in, sizes[i]));
		ASSERT_EQ(0, memcmp(in, out, sizes[i])) TH_LOG("size %d", sizes[i]);
	}
	free(out);
	free(in);
}

TEST_F(dp, peek_then_read)
{
	char a[16] = { 0 }, b[16] = { 0 };
	struct pollfd p = { .fd = self->fd, .events = POLLIN };
	ssize_t n;

	ASSERT_EQ(6, send(self->fd, "peeked", 6, 0));
	ASSERT_EQ(1, poll(&p, 1, 10000));
	n = recv(self->fd, a, sizeof(a), MSG_PEEK);
	ASSERT_GT(n, 0);
	EXPECT_EQ(0, strncmp(a, "peeked", n));
	/* Peeking again sees the same bytes; then they are read for real. */
	memset(a, 0, sizeof(a));
	ASSERT_EQ(n, recv(self->fd, a, n, MSG_PEEK));
	EXPECT_EQ(0, strncmp(a, "peeked", n));
	ASSERT_EQ(0, recv_all(self->fd, b, 6));
	EXPECT_STREQ("peeked", b);
}

TEST_F(dp, waitall)
{
	const size_t n = 200000;
	char *out = malloc(n), *in = malloc(n);
	size_t i;

	ASSERT_TRUE(out && in);
	for (i = 0; i < n; i++)
		out[i] = (char)(i % 251);
	ASSERT_EQ((ssize_t)n, send(self->fd, out, n, 0));
	ASSERT_EQ((ssize_t)n, recv(self->fd, in, n, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(in, out, n));
	free(out);
	free(in);
}

TEST_F(dp, poll_and_nonblocking)
{
	struct pollfd p = { .fd = self->fd, .events = POLLIN | POLLOUT };
	char buf[8];

	ASSERT_EQ(1, poll(&p, 1, 1000));
	EXPECT_TRUE(p.revents & POLLOUT);
	EXPECT_FALSE(p.revents & POLLIN);
	errno = 0;
	EXPECT_EQ(-1, recv(self->fd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(3, send(self->fd, "abc", 3, 0));
	p.events = POLLIN;
	ASSERT_EQ(1, poll(&p, 1, 10000));
	EXPECT_TRUE(p.revents & POLLIN);
}

/*
 * The TLS 1.3 peer (OpenSSL) sends two NewSessionTickets after the
 * handshake, and nothing else: they are queued, but nothing is there for
 * the application.  poll() must not say readable, or a program that
 * polls and then reads blocking would wait for the peer's next data.
 */
TEST_F(dp, queued_tickets_are_not_readable)
{
	struct pollfd p = { .fd = self->fd, .events = POLLIN };
	char buf[8];
	int queued;

	if (variant->version != TLS_VERSION_1_3)
		SKIP(return, "TLS 1.2 tickets come inside the handshake");
	queued = ssa_wait_queued(self->fd);
	ASSERT_GT(queued, 0) TH_LOG("the peer's tickets never came");
	EXPECT_EQ(0, poll(&p, 1, 0)) TH_LOG("revents 0x%x with %d bytes of tickets queued",
					   p.revents, queued);
	errno = 0;
	EXPECT_EQ(-1, recv(self->fd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	/* Data after them is readable as ever. */
	ASSERT_EQ(3, send(self->fd, "abc", 3, 0));
	ASSERT_EQ(1, poll(&p, 1, 10000));
	EXPECT_TRUE(p.revents & POLLIN);
	ASSERT_EQ(0, recv_all(self->fd, buf, 3));
	EXPECT_EQ(0, memcmp(buf, "abc", 3));
}

TEST_F(dp, sendfile_from_file)
{
	const size_t n = 1 << 20;
	char *data = malloc(n), *in = malloc(n), path[] = "/tmp/ssa-dp-XXXXXX";
	int f = mkstemp(path);
	off_t off = 0;
	size_t i;

	ASSERT_TRUE(data && in);
	ASSERT_GE(f, 0);
	unlink(path);
	for (i = 0; i < n; i++)
		data[i] = (char)(i * 13 + 5);
	ASSERT_EQ((ssize_t)n, write(f, data, n));
	while ((size_t)off < n)
		ASSERT_GT(sendfile(self->fd, f, &off, n - off), 0);
	ASSERT_EQ(0, recv_all(self->fd, in, n));
	EXPECT_EQ(0, memcmp(in, data, n));
	close(f);
	free(data);
	free(in);
}

TEST_F(dp, splice_both_ways)
{
	char out[5000], in[5000];
	int p[2];
	size_t i;
	ssize_t got = 0;

	for (i = 0; i < sizeof(out); i++)
		out[i] = (char)i;
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ((ssize_t)sizeof(out), write(p[1], out, sizeof(out)));
	ASSERT_EQ((ssize_t)sizeof(out), splice(p[0], NULL, self->fd, NULL, sizeof(out), 0));
	while (got < (ssize_t)sizeof(in)) {
		ssize_t n = splice(self->fd, NULL, p[1], NULL, sizeof(in) - got, 0);

		ASSERT_GT(n, 0);
		ASSERT_EQ(n, read(p[0], in + got, n));
		got += n;
	}
	EXPECT_EQ(0, memcmp(in, out, sizeof(out)));
	close(p[0]);
	close(p[1]);
}

TEST_F(dp, shutdown_wr_then_eof)
{
	char buf[64] = { 0 };

	ASSERT_EQ(4, send(self->fd, "last", 4, 0));
	ASSERT_EQ(0, shutdown(self->fd, SHUT_WR));
	ASSERT_EQ(0, recv_all(self->fd, buf, 4));
	EXPECT_STREQ("last", buf);
	/* The peer saw our close_notify and sent its own: EOF, not EIO. */
	EXPECT_EQ(0, recv(self->fd, buf, sizeof(buf), 0));
	EXPECT_EQ(0, recv(self->fd, buf, sizeof(buf), 0));
}

/* securityfs stats: state_bytes (what tls_ssa holds for live sockets)
 * and sockets_active, from one read; state_bytes is -1 without the file.
 */
static long long state_bytes(long long *active)
{
	FILE *f = fopen("/sys/kernel/security/tls_ssa/stats", "r");
	char line[128];
	long long v = -1;

	while (f && fgets(line, sizeof(line), f)) {
		sscanf(line, "state_bytes %lld", &v);
		if (active)
			sscanf(line, "sockets_active %lld", active);
	}
	if (f)
		fclose(f);
	return v;
}

#define STATE_CONNS	16

/* design.rst §8: after the handshake the module's own state per connection is
 * at most 2 KiB.  SSA clients against an SSA server in this process (the
 * kernel handshakes before accept()); then the module's state over its
 * live sockets (sockets of earlier tests may still be closing, so the
 * average over all of them, not a difference, is what is asserted);
 * closed with RST so the state goes with the sockets.
 */
TEST(state_per_connection)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	int lfd, cfd[STATE_CONNS], sfd[STATE_CONNS], i;
	socklen_t len = sizeof(sin);
	long long before, held, after, active = 0;

	make_pki();
	before = state_bytes(NULL);
	if (before < 0)
		SKIP(return, "no securityfs stats");
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, IPPROTO_TLS);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, setsockopt(lfd, IPPROTO_TLS, TLS_CERTIFICATE_CHAIN, PKI "/srv.pem",
				sizeof(PKI "/srv.pem")));
	ASSERT_EQ(0, setsockopt(lfd, IPPROTO_TLS, TLS_PRIVATE_KEY, PKI "/srv.key",
				sizeof(PKI "/srv.key")));
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lfd, STATE_CONNS));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&sin, &len));

	for (i = 0; i < STATE_CONNS; i++) {
		cfd[i] = ssa_connect(ntohs(sin.sin_port));
		ASSERT_LE(0, cfd[i]);
		sfd[i] = accept(lfd, NULL, NULL);
		ASSERT_LE(0, sfd[i]);
	}
	held = state_bytes(&active);
	TH_LOG("%lld bytes of module state over %lld sockets; %lld more than before per endpoint",
	       held, active, (held - before) / (2 * STATE_CONNS));
	ASSERT_LE(2 * STATE_CONNS + 1, active);
	EXPECT_LT(0, held);
	/* The bound is for real kernels: a debug kernel's slab pads every
	 * object (KASAN redzones, SLUB debug metadata), and ksize() says so.
	 */
	if (!ssa_debug_kernel())
		EXPECT_GE(2048, held / active);

	for (i = 0; i < STATE_CONNS; i++) {
		setsockopt(cfd[i], SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
		setsockopt(sfd[i], SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
		close(cfd[i]);
		close(sfd[i]);
	}
	close(lfd);
	/* Socket teardown finishes in RCU callbacks: give it a moment. */
	for (i = 0; i < 100 && (after = state_bytes(NULL)) > before; i++)
		usleep(20000);
	EXPECT_GE(before, after);
}

int main(int argc, char **argv)
{
	ssa_selfdir_init(argv[0]);
	return test_harness_run(argc, argv);
}
