// SPDX-License-Identifier: GPL-2.0
/*
 * ssa_fuzz_sys - a seeded syscall fuzzer for IPPROTO_TLS sockets.
 *
 *   ssa_fuzz_sys -t SECONDS [-s SEED] [-j THREADS] [-c CERT -k KEY -a CA]
 *                [-o PORT] [-m MODULE] [-P]
 *
 * THREADS workers share one table of sockets and drive random but
 * well-shaped sequences on it: every IPPROTO_TLS option with random
 * lengths, values and phases; options of other levels (timeouts, TCP_ULP,
 * SOL_TLS); connect (to our own SSA server, to an OpenSSL server on
 * -o PORT, to a silent listener, to a closed port), listen, accept,
 * shutdown, close, dup, fork, SCM_RIGHTS; send, recv with MSG_PEEK,
 * MSG_OOB, MSG_WAITALL, MSG_ERRQUEUE and control buffers; sendfile,
 * splice, poll.  Threads race each other on the same sockets.  With -P,
 * policies are loaded in between; with -m, "rmmod" is attempted (and the
 * module loaded again if it went).
 *
 * Every call is bounded: sockets carry SO_RCVTIMEO/SO_SNDTIMEO of at most
 * one second (the fuzzer never sets 0), so a call that takes longer than
 * the handshake timeout plus slack is a hang; a watchdog then prints the
 * seed, the thread and the call, and fails the run (as does a forked
 * child that outlives it).  Crashes, lockdep,
 * KASAN and leaks are vm-run's and selftests-run's to see.  The choices of
 * each thread follow from the seed (thread i uses seed + i); the
 * interleaving of threads does not, so a failure names its seed and its
 * last calls, and a rerun with -j 1 is deterministic.
 *
 * Prints TAP: one line per run, "ok 1 ..." with counts, or "not ok".
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <linux/tls_ssa.h>

#ifndef SOL_TLS
#define SOL_TLS 282
#endif
#ifndef TCP_ULP
#define TCP_ULP 31
#endif

#define SLOTS		48
#define MAX_THREADS	8
#define HANG_LIMIT	45	/* seconds: the 30 s handshake timeout plus slack */
#define SSA_FS		"/sys/kernel/security/tls_ssa"

static const char *cert_path, *key_path, *ca_path, *module_path;
static int ossl_port, ssa_port, silent_port, closed_port;
static int policy_reloads;
static unsigned long long seed;
static atomic_int fds[SLOTS];
static atomic_int stop;
static char tmpfile_path[] = "/tmp/ssa-fuzz-XXXXXX";
static char *cert_pem, *key_pem;

struct worker {
	pthread_t th;
	int id;
	uint64_t rng;
	atomic_llong op_start_ms;	/* 0 when not in a call */
	const char *op;
	long ops;
	long errors[140];
};
static struct worker workers[MAX_THREADS];
static int nthreads = 3;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* xorshift64*: small, fast, and the same sequence for the same seed. */
static uint64_t rnd(struct worker *w)
{
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 0x2545f4914f6cdd1dULL;
}

static unsigned int pick(struct worker *w, unsigned int n)
{
	return n ? rnd(w) % n : 0;
}

static void begin(struct worker *w, const char *op)
{
	w->op = op;
	atomic_store(&w->op_start_ms, now_ms());
}

static void end(struct worker *w, long ret)
{
	atomic_store(&w->op_start_ms, 0);
	w->ops++;
	if (ret < 0 && errno > 0 && errno < (int)(sizeof(w->errors) / sizeof(w->errors[0])))
		w->errors[errno]++;
}

static char *slurp(const char *path)
{
	struct stat st;
	char *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !(buf = calloc(1, st.st_size + 1)) ||
	    read(fd, buf, st.st_size) != st.st_size) {
		close(fd);
		return NULL;
	}
	close(fd);
	return buf;
}

/* A plain TCP listener that never accepts: handshakes to it go silent. */
static int tcp_listener(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (void *)&a, sizeof(a)) || listen(fd, 4) ||
	    getsockname(fd, (void *)&a, &len))
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

static void set_timeouts(int fd, long usec)
{
	struct timeval tv = { .tv_sec = usec / 1000000, .tv_usec = usec % 1000000 };

	if (!usec)
		tv.tv_usec = 1000;	/* never 0: that is "forever" */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* --- our own SSA server: accepts, reads a little, answers, closes ------ */

static int ssa_listener(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_TLS);

	if (fd < 0 || !cert_path ||
	    setsockopt(fd, IPPROTO_TLS, TLS_CERTIFICATE_CHAIN, cert_path, strlen(cert_path) + 1) ||
	    setsockopt(fd, IPPROTO_TLS, TLS_PRIVATE_KEY, key_path, strlen(key_path) + 1) ||
	    bind(fd, (void *)&a, sizeof(a)) || listen(fd, 64) ||
	    getsockname(fd, (void *)&a, &len)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

static void *server_thread(void *arg)
{
	int l = (intptr_t)arg;

	while (!atomic_load(&stop)) {
		struct pollfd p = { .fd = l, .events = POLLIN };
		char buf[512];
		int c;

		if (poll(&p, 1, 100) <= 0)
			continue;
		c = accept4(l, NULL, NULL, SOCK_NONBLOCK);
		if (c < 0)
			continue;
		set_timeouts(c, 200000);
		p.fd = c;
		if (poll(&p, 1, 300) > 0 && recv(c, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			send(c, "pong\n", 5, MSG_DONTWAIT | MSG_NOSIGNAL);
		close(c);
	}
	close(l);
	return NULL;
}

/* --- values for options -------------------------------------------------- */

static const char *const strings[] = {
	"localhost", "", "a", "127.0.0.1", "::1", "*.example", "xn--nxasmq6b",
	"h2", "http/1.1", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384",
	"x25519", "secp256r1:secp384r1", "x25519:bogus", "/etc/passwd", "/dev/zero",
	"/proc/self/mem", "/tmp", "/nonexistent", "relative/path", "/etc/shadow",
	"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
	"-----BEGIN PRIVATE KEY-----\n",
};

/* Fill buf with a value for IPPROTO_TLS option @opt; returns its length. */
static unsigned int tls_value(struct worker *w, int opt, char *buf, unsigned int size)
{
	unsigned int n, i;
	const char *s;
	int v;

	switch (pick(w, 8)) {
	case 0:		/* random bytes of a random length */
		n = pick(w, 4) ? pick(w, 300) : pick(w, size);
		for (i = 0; i < n; i++)
			buf[i] = rnd(w);
		return n;
	case 1:		/* an integer, sometimes of the wrong width */
		v = pick(w, 2) ? (int)pick(w, 5) : (pick(w, 2) ? 0x0303 + (int)pick(w, 3) : (int)rnd(w));
		n = (unsigned int[]){ 4, 4, 4, 1, 2, 8, 0 }[pick(w, 7)];
		memset(buf, 0, 8);
		memcpy(buf, &v, 4);
		return n;
	case 2:		/* the right files for certificate options */
		s = opt == TLS_PRIVATE_KEY ? key_path : opt == TLS_TRUSTED_PEER_CERTIFICATES ?
		    ca_path : cert_path;
		if (!s)
			s = "/nonexistent";
		n = strlen(s) + pick(w, 2);
		memcpy(buf, s, n);
		return n;
	case 3:		/* inline PEM, sometimes cut short */
		s = opt == TLS_PRIVATE_KEY ? key_pem : cert_pem;
		if (!s)
			return 0;
		n = strlen(s);
		if (n > size)
			n = size;
		if (pick(w, 3) == 0)
			n = pick(w, n + 1);
		memcpy(buf, s, n);
		return n;
	case 4:		/* an ALPN list whose lengths may lie */
		n = 0;
		for (i = pick(w, 4); i > 0 && n + 20 < size; i--) {
			unsigned int l = pick(w, 12);

			buf[n++] = pick(w, 4) ? (char)l : (char)rnd(w);
			memset(buf + n, 'a' + pick(w, 26), l);
			n += l;
		}
		return n;
	default:	/* a string from the list, with or without its NUL */
		s = strings[pick(w, sizeof(strings) / sizeof(strings[0]))];
		n = strlen(s) + pick(w, 2);
		memcpy(buf, s, n);
		return n;
	}
}

/* --- operations -------------------------------------------------------- */

static int slot_fd(struct worker *w)
{
	return atomic_load(&fds[pick(w, SLOTS)]);
}

static void op_socket(struct worker *w)
{
	int fam = pick(w, 3) ? AF_INET : AF_INET6;
	int type = SOCK_STREAM | (pick(w, 2) ? SOCK_NONBLOCK : 0);
	int i = pick(w, SLOTS), fd, old;

	begin(w, "socket");
	fd = socket(fam, type, IPPROTO_TLS);
	end(w, fd);
	if (fd < 0)
		return;
	set_timeouts(fd, pick(w, 1000000));
	old = atomic_exchange(&fds[i], fd);
	if (old >= 0)
		close(old);
}

static void op_close(struct worker *w)
{
	int fd = atomic_exchange(&fds[pick(w, SLOTS)], -1);

	if (fd < 0)
		return;
	begin(w, "close");
	end(w, close(fd));
}

static void op_setsockopt(struct worker *w)
{
	static char buf[MAX_THREADS][8192];
	int fd = slot_fd(w), opt = TLS_SSA_OPT_FIRST - 2 + pick(w, TLS_SSA_OPT_LAST - TLS_SSA_OPT_FIRST + 5);
	unsigned int len = tls_value(w, opt, buf[w->id], sizeof(buf[0]));

	begin(w, "setsockopt");
	end(w, setsockopt(fd, IPPROTO_TLS, opt, pick(w, 50) ? buf[w->id] : (void *)16, len));
}

static void op_getsockopt(struct worker *w)
{
	static char buf[MAX_THREADS][65536];
	static const socklen_t lens[] = { 0, 1, 3, 4, 8, 16, 255, 256, 4096, 65536 };
	int fd = slot_fd(w), opt = TLS_SSA_OPT_FIRST - 2 + pick(w, TLS_SSA_OPT_LAST - TLS_SSA_OPT_FIRST + 5);
	socklen_t len = lens[pick(w, sizeof(lens) / sizeof(lens[0]))];

	begin(w, "getsockopt");
	end(w, getsockopt(fd, IPPROTO_TLS, opt, pick(w, 50) ? buf[w->id] : (void *)16, &len));
}

static void op_other_level(struct worker *w)
{
	int fd = slot_fd(w), one = 1;
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	char tls_info[64] = { 0 };

	begin(w, "setsockopt-other");
	switch (pick(w, 7)) {
	case 0:
		set_timeouts(fd, pick(w, 1000000));
		end(w, 0);
		return;
	case 1:
		end(w, setsockopt(fd, IPPROTO_TCP, TCP_ULP, "tls", 3));
		return;
	case 2:
		end(w, setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &one, sizeof(one)));
		return;
	case 3:
		end(w, setsockopt(fd, SOL_TLS, 1 + pick(w, 3), tls_info, sizeof(tls_info)));
		return;
	case 4:
		end(w, setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
		return;
	case 5:
		end(w, setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)));
		return;
	default:
		one = 1024 + pick(w, 1 << 20);
		end(w, setsockopt(fd, SOL_SOCKET, pick(w, 2) ? SO_RCVBUF : SO_SNDBUF, &one,
				  sizeof(one)));
	}
}

static void op_connect(struct worker *w)
{
	int fd = slot_fd(w), port, fam = AF_INET;
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(fam);
	static const char host[] = "localhost";

	switch (pick(w, 5)) {
	case 0: port = ssa_port; break;
	case 1: port = ossl_port; break;
	case 2: port = silent_port; break;
	case 3: port = closed_port; break;
	default: port = pick(w, 2) ? ssa_port : ossl_port; break;
	}
	begin(w, "connect-setup");
	if (pick(w, 2))
		setsockopt(fd, IPPROTO_TLS, TLS_REMOTE_HOSTNAME, host, sizeof(host));
	if (pick(w, 2) && ca_path)
		setsockopt(fd, IPPROTO_TLS, TLS_TRUSTED_PEER_CERTIFICATES, ca_path,
			   strlen(ca_path) + 1);
	getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &fam, &len);
	begin(w, "connect");
	if (fam == AF_INET6) {
		a6.sin6_port = htons(port);
		end(w, connect(fd, (void *)&a6, sizeof(a6)));
	} else {
		a4.sin_port = htons(port);
		end(w, connect(fd, (void *)&a4, sizeof(a4)));
	}
}

static void op_listen_accept(struct worker *w)
{
	int fd = slot_fd(w), c;

	if (pick(w, 2)) {
		begin(w, "listen");
		end(w, listen(fd, pick(w, 8)));
		return;
	}
	begin(w, "accept");
	c = accept4(fd, NULL, NULL, SOCK_NONBLOCK);
	end(w, c);
	if (c >= 0) {
		int old = atomic_exchange(&fds[pick(w, SLOTS)], c);

		if (old >= 0)
			close(old);
	}
}

static void op_send(struct worker *w)
{
	static char buf[MAX_THREADS][70000];
	static const int flags[] = { 0, MSG_DONTWAIT, MSG_OOB, MSG_MORE, MSG_DONTWAIT | MSG_MORE,
				     MSG_EOR, MSG_NOSIGNAL };
	int fd = slot_fd(w);
	size_t n = pick(w, 3) ? pick(w, 100) : pick(w, sizeof(buf[0]));

	memset(buf[w->id], 'a' + w->id, n);
	begin(w, "send");
	end(w, send(fd, buf[w->id], n, flags[pick(w, sizeof(flags) / sizeof(flags[0]))] |
		     MSG_NOSIGNAL));
}

static void op_recv(struct worker *w)
{
	static char buf[MAX_THREADS][20000];
	static const int flags[] = { 0, MSG_DONTWAIT, MSG_PEEK, MSG_PEEK | MSG_DONTWAIT, MSG_OOB,
				     MSG_WAITALL, MSG_ERRQUEUE, MSG_TRUNC | MSG_DONTWAIT,
				     MSG_ERRQUEUE | MSG_DONTWAIT };
	char cbuf[256];
	int fd = slot_fd(w);
	struct iovec iov = { buf[w->id], 1 + pick(w, sizeof(buf[0]) - 1) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (pick(w, 2)) {
		m.msg_control = cbuf;
		m.msg_controllen = pick(w, sizeof(cbuf));
	}
	begin(w, "recvmsg");
	end(w, recvmsg(fd, &m, flags[pick(w, sizeof(flags) / sizeof(flags[0]))]));
}

static void op_sendfile_splice(struct worker *w)
{
	int fd = slot_fd(w), f, p[2];
	off_t off = pick(w, 4096);
	long r;

	switch (pick(w, 3)) {
	case 0:
		f = open(tmpfile_path, O_RDONLY);
		begin(w, "sendfile");
		r = sendfile(fd, f, &off, pick(w, 200000));
		end(w, r);
		close(f);
		return;
	case 1:
		if (pipe2(p, O_NONBLOCK))
			return;
		begin(w, "splice-in");
		r = splice(fd, NULL, p[1], NULL, 1 + pick(w, 65536), SPLICE_F_NONBLOCK);
		end(w, r);
		close(p[0]);
		close(p[1]);
		return;
	default:
		if (pipe2(p, O_NONBLOCK))
			return;
		if (write(p[1], "spliced data", 12) != 12) {
			close(p[0]);
			close(p[1]);
			return;
		}
		begin(w, "splice-out");
		r = splice(p[0], NULL, fd, NULL, 12, SPLICE_F_NONBLOCK);
		end(w, r);
		close(p[0]);
		close(p[1]);
	}
}

static void op_misc(struct worker *w)
{
	int fd = slot_fd(w), v = 0, d;
	struct pollfd p[4];
	unsigned int i;

	switch (pick(w, 4)) {
	case 0:
		begin(w, "shutdown");
		end(w, shutdown(fd, pick(w, 3)));
		return;
	case 1:
		begin(w, "dup");
		d = dup(fd);
		end(w, d);
		if (d >= 0) {
			int old = atomic_exchange(&fds[pick(w, SLOTS)], d);

			if (old >= 0)
				close(old);
		}
		return;
	case 2:
		for (i = 0; i < 4; i++) {
			p[i].fd = slot_fd(w);
			p[i].events = POLLIN | POLLOUT | POLLPRI | POLLRDHUP;
		}
		begin(w, "poll");
		end(w, poll(p, 4, pick(w, 50)));
		return;
	default:
		begin(w, "ioctl");
		end(w, ioctl(fd, pick(w, 2) ? FIONREAD : TIOCOUTQ, &v));
	}
}

/* Pass a socket through SCM_RIGHTS (to ourselves) into another slot. */
static void op_scm_rights(struct worker *w)
{
	int sv[2], fd = slot_fd(w), got = -1;
	char cbuf[CMSG_SPACE(sizeof(int))], c = 'x';
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;

	if (fd < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return;
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	begin(w, "scm_rights");
	if (sendmsg(sv[0], &m, MSG_DONTWAIT) == 1) {
		/* Sometimes the fd never comes out: the unix socket holds it. */
		if (pick(w, 4)) {
			m.msg_controllen = sizeof(cbuf);
			if (recvmsg(sv[1], &m, MSG_DONTWAIT) == 1 && (cm = CMSG_FIRSTHDR(&m)))
				memcpy(&got, CMSG_DATA(cm), sizeof(int));
		}
	}
	end(w, got);
	close(sv[0]);
	close(sv[1]);
	if (got >= 0) {
		int old = atomic_exchange(&fds[pick(w, SLOTS)], got);

		if (old >= 0)
			close(old);
	}
}

static void one_op(struct worker *w);

/* A child works on the inherited sockets for a moment, then exits. */
static void op_fork(struct worker *w)
{
	pid_t pid;
	int i;

	if (nthreads > 1 && pick(w, 4))
		return;		/* fork() with threads running: keep it rare */
	begin(w, "fork");
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < 40; i++)
			one_op(w);
		_exit(0);
	}
	end(w, pid);
}

static void op_policy(struct worker *w)
{
	static const char *const policies[] = {
		"[default]\n",
		"[default]\nhandshake_timeout = 5\n",
		"[default]\nmin_version = 1.3\n",
		"[default]\nverify = none\n",
		"[default]\nmax_handshakes = 2\n",
		"[default]\nciphers = TLS_AES_128_GCM_SHA256\n",
		"[default]\nsession_ttl = 0\n",
		"[default]\nbogus = 1\n",
	};
	const char *p = policies[pick(w, sizeof(policies) / sizeof(policies[0]))];
	int fd;

	if (!policy_reloads)
		return;
	begin(w, "policy");
	fd = open(SSA_FS "/policy", O_WRONLY);
	if (fd >= 0) {
		end(w, write(fd, p, strlen(p)));
		close(fd);
	} else {
		end(w, fd);
	}
}

static void op_rmmod(struct worker *w)
{
	long r;
	int fd;

	if (!module_path || pick(w, 8))
		return;
	begin(w, "delete_module");
	r = syscall(SYS_delete_module, "tls_ssa", O_NONBLOCK);
	end(w, r);
	if (r == 0) {
		/* It went (no socket at that instant): bring it back. */
		fd = open(module_path, O_RDONLY);
		begin(w, "finit_module");
		r = syscall(SYS_finit_module, fd, "", 0);
		end(w, r);
		close(fd);
		if (r && errno != EEXIST) {
			printf("# seed %llu: cannot load %s again (errno %d)\n", seed, module_path,
			       errno);
			atomic_store(&stop, 2);
		}
	}
}

static void one_op(struct worker *w)
{
	static void (*const ops[])(struct worker *) = {
		op_socket, op_socket, op_socket, op_close, op_close,
		op_setsockopt, op_setsockopt, op_setsockopt, op_setsockopt,
		op_getsockopt, op_getsockopt, op_other_level,
		op_connect, op_connect, op_connect, op_listen_accept,
		op_send, op_send, op_recv, op_recv, op_sendfile_splice,
		op_misc, op_misc, op_scm_rights, op_fork, op_policy, op_rmmod,
	};

	ops[pick(w, sizeof(ops) / sizeof(ops[0]))](w);
}

static void *worker_thread(void *arg)
{
	struct worker *w = arg;

	while (!atomic_load(&stop))
		one_op(w);
	return NULL;
}

/* The watchdog: no call may outlast the handshake timeout plus slack. */
static void *watchdog_thread(void *arg)
{
	int i;

	(void)arg;
	for (;;) {
		usleep(200000);
		for (i = 0; i < nthreads; i++) {
			long long st = atomic_load(&workers[i].op_start_ms);

			if (st && now_ms() - st > HANG_LIMIT * 1000LL) {
				printf("not ok 1 fuzz-sys: seed %llu: thread %d stuck in %s for %lld s\n",
				       seed, i, workers[i].op, (now_ms() - st) / 1000);
				fflush(stdout);
				kill(0, SIGKILL);	/* the children too */
			}
		}
	}
	return NULL;
}

static long stat_value(const char *name)
{
	char line[128];
	long v = -1;
	FILE *f = fopen(SSA_FS "/stats", "r");
	size_t n = strlen(name);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ' ')
			v = atol(line + n + 1);
	fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	int opt, i, secs = 60, ssa_l, silent_l, f, hung = 0;
	long long t_end;
	pthread_t srv, dog;
	long total = 0, active;
	char buf[4096];

	seed = (unsigned long long)time(NULL) ^ getpid();
	while ((opt = getopt(argc, argv, "s:t:j:c:k:a:o:m:P")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': secs = atoi(optarg); break;
		case 'j': nthreads = atoi(optarg); break;
		case 'c': cert_path = optarg; break;
		case 'k': key_path = optarg; break;
		case 'a': ca_path = optarg; break;
		case 'o': ossl_port = atoi(optarg); break;
		case 'm': module_path = optarg; break;
		case 'P': policy_reloads = 1; break;
		default:
			fprintf(stderr, "usage: %s -t SECONDS [-s SEED] [-j THREADS] [-c CERT -k KEY -a CA] [-o PORT] [-m MODULE] [-P]\n",
				argv[0]);
			return 2;
		}
	}
	if (nthreads < 1 || nthreads > MAX_THREADS)
		nthreads = 3;
	/* Our own process group: the watchdog's kill(0, ...) takes our
	 * children, not the test runner.
	 */
	setpgid(0, 0);
	printf("TAP version 13\n1..1\n# seed %llu, %d s, %d threads\n", seed, secs, nthreads);
	fflush(stdout);
	signal(SIGPIPE, SIG_IGN);
	if (cert_path)
		cert_pem = slurp(cert_path);
	if (key_path)
		key_pem = slurp(key_path);

	f = mkstemp(tmpfile_path);
	for (i = 0; i < 64 && f >= 0; i++) {
		memset(buf, 'f' + i % 8, sizeof(buf));
		if (write(f, buf, sizeof(buf)) != sizeof(buf))
			break;
	}
	if (f >= 0)
		close(f);

	silent_l = tcp_listener(&silent_port);
	closed_port = 1;	/* nothing listens on tcpmux */
	ssa_l = ssa_listener(&ssa_port);
	if (ssa_l >= 0)
		pthread_create(&srv, NULL, server_thread, (void *)(intptr_t)ssa_l);
	if (!ossl_port)
		ossl_port = ssa_port;

	for (i = 0; i < SLOTS; i++)
		atomic_store(&fds[i], -1);
	for (i = 0; i < nthreads; i++) {
		workers[i].id = i;
		workers[i].rng = (seed + i) * 0x9e3779b97f4a7c15ULL | 1;
		pthread_create(&workers[i].th, NULL, worker_thread, &workers[i]);
	}

	pthread_create(&dog, NULL, watchdog_thread, NULL);
	t_end = now_ms() + secs * 1000LL;
	while (now_ms() < t_end && atomic_load(&stop) == 0)
		usleep(200000);
	hung = atomic_load(&stop) == 2;
	atomic_store(&stop, 1);
	for (i = 0; i < nthreads; i++) {
		pthread_join(workers[i].th, NULL);
		total += workers[i].ops;
	}
	if (ssa_l >= 0)
		pthread_join(srv, NULL);
	for (i = 0; i < SLOTS; i++) {
		int fd = atomic_exchange(&fds[i], -1);

		if (fd >= 0)
			close(fd);
	}
	if (silent_l >= 0)
		close(silent_l);
	unlink(tmpfile_path);
	/* Children end within a few operations; whatever is left after the
	 * hang limit is stuck, and goes.
	 */
	for (i = 0; i < HANG_LIMIT * 10; i++) {
		if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
			break;
		usleep(100000);
	}
	if (i == HANG_LIMIT * 10) {
		printf("not ok 1 fuzz-sys: seed %llu: a forked child did not end\n", seed);
		fflush(stdout);
		kill(0, SIGKILL);
	}

	/* Every socket's state goes once the sockets do (closing ones finish
	 * their close_notify and TCP teardown first).
	 */
	for (i = 0; i < 600 && (active = stat_value("sockets_active")) > 0; i++)
		usleep(100000);
	active = stat_value("sockets_active");
	for (i = 1; i < (int)(sizeof(workers[0].errors) / sizeof(workers[0].errors[0])); i++) {
		long n = 0;
		int t;

		for (t = 0; t < nthreads; t++)
			n += workers[t].errors[i];
		if (n)
			printf("# errno %d (%s): %ld\n", i, strerror(i), n);
	}
	/* The policy loads leave the defaults behind. */
	if (policy_reloads) {
		f = open(SSA_FS "/policy", O_WRONLY);
		if (f >= 0) {
			if (write(f, "[default]\n", 10) != 10)
				printf("# cannot restore the default policy\n");
			close(f);
		}
	}
	if (hung || active != 0) {
		printf("not ok 1 fuzz-sys: seed %llu: %s (sockets_active %ld)\n", seed,
		       hung ? "the module could not be loaded again" :
		       active < 0 ? "no stats file" : "socket state left behind", active);
		return 1;
	}
	printf("ok 1 fuzz-sys: seed %llu, %ld calls in %d s, sockets_active %ld after\n", seed,
	       total, secs, active);
	return 0;
}
