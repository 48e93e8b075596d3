// SPDX-License-Identifier: GPL-2.0
/*
 * connect() never leaves a socket that never handshakes: a signal while
 * TCP is in SYN_SENT and connect() called again once the SYN-ACK has
 * arrived (blocking, and through poll), connect() again after a failed
 * one, and TCP_FASTOPEN_CONNECT.  Data calls on a socket whose handshake
 * a silent server never answers honour SO_SNDTIMEO/SO_RCVTIMEO.  Each test runs in a network namespace
 * of its own whose loopback delays every packet by 200 ms (netem), so
 * the SYN_SENT window is wide; the peer is OpenSSL (lib/tls_peer.py
 * echo).  Every call that may block runs under an alarm that does not
 * restart it.  Needs root.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <linux/tls_ssa.h>

#include "kselftest_harness.h"
#include "lib/ssa_selftest.h"

#define PKI	"/tmp/ssa-connect-pki"
#define PORT	24001

static void on_alarm(int sig)
{
	(void)sig;
}

/* Interrupt the next blocking call after @ms milliseconds. */
static void alarm_ms(long ms)
{
	struct itimerval it = { .it_value = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

/* connect() to @addr, interrupted after @ms milliseconds; errno is kept. */
static int timed_connect(int fd, const struct sockaddr_in *addr, long ms)
{
	int ret, e;

	alarm_ms(ms);
	ret = connect(fd, (const struct sockaddr *)addr, sizeof(*addr));
	e = errno;
	alarm_ms(0);
	errno = e;
	return ret;
}

static pid_t start_peer_mode(const char *mode, const char *port)
{
	char script[4200];
	pid_t pid;

	snprintf(script, sizeof(script), "%s/lib/tls_peer.py", selfdir);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execlp("python3", "python3", script, mode, "--port", port,
		       "--cert", PKI "/srv.pem", "--key", PKI "/srv.key", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static pid_t start_peer(void)
{
	return start_peer_mode("echo", "24001");
}

static int ssa_socket(void)
{
	return ssa_test_client(PKI "/ca.pem");
}

/* 127.0.0.1:PORT, in network byte order (0x7f000001 is INADDR_LOOPBACK). */
static const struct sockaddr_in peer_addr = {
	.sin_family = AF_INET,
	.sin_port = (PORT >> 8) | ((PORT & 0xff) << 8),
	.sin_addr = { 0x0100007f },
};

/* The connection works both ways. */
static int echo_ok(int fd)
{
	char buf[8] = "", why[256] = "";
	socklen_t l = sizeof(why);
	int n = -1;

	alarm_ms(10000);
	if (send(fd, "ping", 4, MSG_NOSIGNAL) == 4)
		n = recv(fd, buf, 4, MSG_WAITALL);
	alarm_ms(0);
	if (n == 4 && !memcmp(buf, "ping", 4))
		return 0;
	getsockopt(fd, IPPROTO_TLS, TLS_ERROR, why, &l);
	fprintf(stderr, "# echo: %d, %s; TLS_ERROR: %s\n", n, strerror(errno), why);
	return -1;
}

FIXTURE(conn) {
	pid_t peer;
};

FIXTURE_SETUP(conn)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */

	if (geteuid() != 0)
		SKIP(return, "needs root (a network namespace with netem)");
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	ssa_make_pki(PKI);
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, system("ip link set lo up && "
			    "tc qdisc add dev lo root netem delay 200ms 2>/dev/null"))
		TH_LOG("netem is not available");
	self->peer = start_peer();
	ASSERT_GT(self->peer, 0);
	ASSERT_EQ(0, ssa_wait_listening(PORT));
}

FIXTURE_TEARDOWN(conn)
{
	if (self->peer > 0) {
		kill(self->peer, SIGTERM);
		waitpid(self->peer, NULL, 0);
	}
}

/* A signal while in SYN_SENT; connect() again once TCP is established:
 * it waits for the handshake and succeeds (or says EISCONN once done).
 */
TEST_F(conn, signal_in_syn_sent_then_blocking_retry)
{
	int fd = ssa_socket(), ret;

	ASSERT_GE(fd, 0);
	ret = timed_connect(fd, &peer_addr, 100);
	ASSERT_EQ(-1, ret);
	ASSERT_EQ(EINTR, errno);
	usleep(700000);		/* the SYN-ACK is in (one RTT is 400 ms) */
	ret = timed_connect(fd, &peer_addr, 20000);
	EXPECT_TRUE(ret == 0 || errno == EISCONN) TH_LOG("retry: %s", strerror(errno));
	EXPECT_EQ(0, echo_ok(fd));
	close(fd);
}

/* The same, but the program polls for the outcome instead. */
TEST_F(conn, signal_in_syn_sent_then_poll)
{
	struct pollfd p = { .events = POLLOUT };
	int fd = ssa_socket(), ret, err = -1;
	socklen_t len = sizeof(err);

	ASSERT_GE(fd, 0);
	ret = timed_connect(fd, &peer_addr, 100);
	ASSERT_EQ(-1, ret);
	ASSERT_EQ(EINTR, errno);
	p.fd = fd;
	ASSERT_EQ(1, poll(&p, 1, 20000));
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len));
	EXPECT_EQ(0, err) TH_LOG("SO_ERROR %s", strerror(err));
	EXPECT_EQ(0, echo_ok(fd));
	close(fd);
}

/* A connect() that failed (nobody listens) may be tried again. */
TEST_F(conn, connect_again_after_refused)
{
	struct sockaddr_in closed = peer_addr;
	int fd = ssa_socket(), ret;

	ASSERT_GE(fd, 0);
	closed.sin_port = htons(PORT + 1);
	ret = timed_connect(fd, &closed, 10000);
	ASSERT_EQ(-1, ret);
	ASSERT_EQ(ECONNREFUSED, errno);
	ret = timed_connect(fd, &peer_addr, 20000);
	ASSERT_EQ(0, ret) TH_LOG("second connect: %s", strerror(errno));
	EXPECT_EQ(0, echo_ok(fd));
	close(fd);
}

/* TCP Fast Open would put the first data in the SYN, before any TLS:
 * refused, with the reason in TLS_ERROR, and plain connect() still works.
 */
TEST_F(conn, fastopen_connect_refused)
{
	int fd = ssa_socket(), one = 1, ret;
	char why[256] = "";
	socklen_t l = sizeof(why);

	ASSERT_GE(fd, 0);
	ret = setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &one, sizeof(one));
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EOPNOTSUPP, errno);
	getsockopt(fd, IPPROTO_TLS, TLS_ERROR, why, &l);
	EXPECT_NE(NULL, strstr(why, "Fast Open")) TH_LOG("TLS_ERROR: %s", why);
	ret = timed_connect(fd, &peer_addr, 20000);
	ASSERT_EQ(0, ret) TH_LOG("connect: %s", strerror(errno));
	EXPECT_EQ(0, echo_ok(fd));
	close(fd);
}

/* sendto() with MSG_FASTOPEN is a connect() with data: refused too. */
TEST_F(conn, msg_fastopen_refused)
{
	int fd = ssa_socket(), ret;

	ASSERT_GE(fd, 0);
	alarm_ms(10000);
	ret = sendto(fd, "x", 1, MSG_FASTOPEN | MSG_NOSIGNAL,
		     (const struct sockaddr *)&peer_addr, sizeof(peer_addr));
	alarm_ms(0);
	EXPECT_EQ(-1, ret);
	EXPECT_TRUE(errno == EOPNOTSUPP || errno == EPIPE || errno == ENOTCONN)
		TH_LOG("sendto MSG_FASTOPEN: %s", strerror(errno));
	close(fd);
}

/*
 * A server that accepts and never answers: a blocking data call on the
 * socket waits for the handshake only as long as the socket's timeout for
 * its direction, then says EAGAIN (as TCP's do); a non-blocking one says
 * EAGAIN at once.
 */
TEST_F(conn, data_calls_honour_socket_timeouts)
{
	struct sockaddr_in silent = peer_addr;
	struct timeval tv = { .tv_sec = 1 };
	int fd = ssa_socket(), p[2], file;
	pid_t quiet;
	char buf[16];

	quiet = start_peer_mode("silent", "24003");
	ASSERT_GT(quiet, 0);
	ASSERT_EQ(0, ssa_wait_listening(PORT + 2));
	silent.sin_port = (((PORT + 2) >> 8) | (((PORT + 2) & 0xff) << 8));
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, fcntl(fd, F_SETFL, O_NONBLOCK));
	ASSERT_EQ(-1, connect(fd, (const struct sockaddr *)&silent, sizeof(silent)));
	ASSERT_EQ(EINPROGRESS, errno);
	usleep(600000);		/* TCP is up, the handshake waits */

	/* Non-blocking: at once. */
	EXPECT_EQ(-1, send(fd, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(EAGAIN, errno);

	/* Blocking, 1 s timeouts: EAGAIN, not the 30 s handshake timeout. */
	ASSERT_EQ(0, fcntl(fd, F_SETFL, 0));
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	alarm_ms(5000);
	EXPECT_EQ(-1, send(fd, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EAGAIN, errno) TH_LOG("send: %s", strerror(errno));
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(EAGAIN, errno) TH_LOG("recv: %s", strerror(errno));
	file = open("/proc/self/exe", O_RDONLY);
	EXPECT_EQ(-1, sendfile(fd, file, NULL, 16));
	EXPECT_EQ(EAGAIN, errno) TH_LOG("sendfile: %s", strerror(errno));
	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-1, splice(fd, NULL, p[1], NULL, 16, 0));
	EXPECT_EQ(EAGAIN, errno) TH_LOG("splice: %s", strerror(errno));
	alarm_ms(0);
	close(p[0]);
	close(p[1]);
	close(file);
	close(fd);
	kill(quiet, SIGTERM);
	waitpid(quiet, NULL, 0);
}

int main(int argc, char **argv)
{
	ssa_selfdir_init(argv[0]);
	return test_harness_run(argc, argv);
}
