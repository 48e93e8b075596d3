// SPDX-License-Identifier: GPL-2.0
/*
 * ssa_bench - one measurement per run, SSA against userspace OpenSSL,
 * over loopback, printing one JSON object.
 *
 *   ssa_bench -d DIR MODE IMPL [options]
 *
 *   MODE bulk      send SIZE bytes in 16 KiB writes, receive them; MB/s
 *        sendfile  sendfile() a cached file of SIZE bytes; MB/s
 *        hs        full handshakes per second for SECS (one client, one server)
 *        resume    resumed handshakes per second for SECS
 *        latency   handshake latency p50/p99 with CONC concurrent clients
 *        mem       bytes per connection over COUNT idle connections
 *        serve     a server sends SIZE bytes to a TLS client; MB/s.
 *                  IMPL ssa: an SSA server; stunnel: a plain TCP server on
 *                  PORT behind stunnel4, which the client reaches on PORT+1.
 *                  The client is an SSA socket (kTLS decrypts in the
 *                  kernel), or with -O an OpenSSL one
 *   IMPL tcp | ssa | openssl | openssl-ktls
 *        hs/resume also: ssa-openssl (SSA server, OpenSSL client),
 *        openssl-ssa (OpenSSL server, SSA client)
 *
 *   -d DIR   ca.pem, srv.pem, srv.key (ECDSA P-256, CN localhost)
 *   -s SIZE  bytes (bulk, sendfile)        -t SECS  seconds (hs, latency)
 *   -c CONC  concurrent clients (latency)  -n COUNT connections (mem)
 *   -p PORT  base port                     -f FILE  file to send (sendfile)
 *   -O       serve: an OpenSSL client
 *   -F N     latency: measured under a flood of N silent pending handshakes:
 *   -K KIND  client: another user's (nobody's) SSA clients to a TCP server
 *                    on PORT+1 that never answers;
 *            server: plain TCP clients of the measured SSA listener that
 *                    never send.  The row's impl becomes IMPL+flood-KIND.
 *
 * The suite is TLS 1.3, X25519, ECDSA P-256, AES-128-GCM throughout.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <linux/tls_ssa.h>

#include "../../../selftests/lib/ssa_stats.h"

#define CHUNK		(16 << 10)
#define SUITE13		"TLS_AES_128_GCM_SHA256"

enum impl { TCP, SSA, OSSL, OSSL_KTLS, SSA_OSSL, OSSL_SSA, STUNNEL };

static const char *impl_names[] = {
	[TCP] = "tcp", [SSA] = "ssa", [OSSL] = "openssl", [OSSL_KTLS] = "openssl-ktls",
	[SSA_OSSL] = "ssa-openssl", [OSSL_SSA] = "openssl-ssa", [STUNNEL] = "stunnel",
};

static const char *dir = ".";
static long long size = 1LL << 30;
static double secs = 10;
static int conc = 1, count = 1000, base_port = 23000;
static const char *file;
static enum impl impl;
static SSL_CTX *sctx, *cctx;
static volatile bool stop;
static bool serve_ossl_client;	/* serve: an OpenSSL client, not an SSA one */
static bool no_resume;		/* full-handshake modes: SSA clients must not resume */
static int ktls_tx = -1;	/* OpenSSL: did its kTLS engage (-1: not asked) */
static int flood_n;		/* latency: silent pending handshakes around it */
static const char *flood_kind = "client";

static void die(const char *what)
{
	fprintf(stderr, "ssa_bench: %s: %s\n", what, strerror(errno));
	ERR_print_errors_fp(stderr);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *path(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* --- sockets ------------------------------------------------------------------ */

static bool server_is_ssa(void)
{
	return impl == SSA || impl == SSA_OSSL;
}

static bool client_is_ssa(void)
{
	return impl == SSA || impl == OSSL_SSA;
}

static void ssa_opts(int fd)
{
	int v = TLS_VERSION_1_3;

	if (setsockopt(fd, IPPROTO_TLS, TLS_VERSION_MIN, &v, sizeof(v)) ||
	    setsockopt(fd, IPPROTO_TLS, TLS_CIPHERS, SUITE13, sizeof(SUITE13)) ||
	    setsockopt(fd, IPPROTO_TLS, TLS_GROUPS, "x25519", 7))
		die("SSA options");
}

static int listener(int port, bool ssa)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, ssa ? IPPROTO_TLS : 0), one = 1;

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ssa) {
		const char *c = path("srv.pem"), *k = path("srv.key");

		ssa_opts(fd);
		if (setsockopt(fd, IPPROTO_TLS, TLS_CERTIFICATE_CHAIN, c, strlen(c) + 1) ||
		    setsockopt(fd, IPPROTO_TLS, TLS_PRIVATE_KEY, k, strlen(k) + 1))
			die("SSA credentials");
	}
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 4096))
		die("listen");
	return fd;
}

static int dial(int port, bool ssa)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, ssa ? IPPROTO_TLS : 0);

	if (fd < 0)
		die("socket");
	if (ssa) {
		const char *ca = path("ca.pem");
		int zero = 0;

		ssa_opts(fd);
		if (setsockopt(fd, IPPROTO_TLS, TLS_REMOTE_HOSTNAME, "localhost", 10) ||
		    setsockopt(fd, IPPROTO_TLS, TLS_TRUSTED_PEER_CERTIFICATES, ca, strlen(ca) + 1) ||
		    (no_resume && setsockopt(fd, IPPROTO_TLS, TLS_SESSION_TTL, &zero, sizeof(zero))))
			die("SSA client options");
	}
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		char why[256] = "";
		socklen_t l = sizeof(why);
		int e = errno;

		if (ssa && !getsockopt(fd, IPPROTO_TLS, TLS_ERROR, why, &l))
			fprintf(stderr, "ssa_bench: TLS_ERROR: %s\n", why);
		errno = e;
		die("connect");
	}
	return fd;
}

/* --- OpenSSL -------------------------------------------------------------------- */

static void ossl_init(bool ktls)
{
	sctx = SSL_CTX_new(TLS_server_method());
	cctx = SSL_CTX_new(TLS_client_method());
	if (!sctx || !cctx)
		die("SSL_CTX_new");
	for (SSL_CTX *c = sctx; c; c = c == sctx ? cctx : NULL) {
		SSL_CTX_set_min_proto_version(c, TLS1_3_VERSION);
		SSL_CTX_set_ciphersuites(c, SUITE13);
		SSL_CTX_set1_groups_list(c, "X25519");
		if (ktls)
			SSL_CTX_set_options(c, SSL_OP_ENABLE_KTLS);
	}
	if (SSL_CTX_use_certificate_chain_file(sctx, path("srv.pem")) != 1 ||
	    SSL_CTX_use_PrivateKey_file(sctx, path("srv.key"), SSL_FILETYPE_PEM) != 1)
		die("server certificate");
	SSL_CTX_set_num_tickets(sctx, 1);
	if (SSL_CTX_load_verify_locations(cctx, path("ca.pem"), NULL) != 1)
		die("client anchors");
	SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_session_cache_mode(cctx, SSL_SESS_CACHE_CLIENT);
}

static SSL *ossl_server(int fd)
{
	SSL *s = SSL_new(sctx);

	SSL_set_fd(s, fd);
	if (SSL_accept(s) != 1) {
		SSL_free(s);
		return NULL;
	}
	return s;
}

static SSL *ossl_client(int fd, SSL_SESSION *resume)
{
	SSL *s = SSL_new(cctx);

	SSL_set_fd(s, fd);
	SSL_set_tlsext_host_name(s, "localhost");
	SSL_set1_host(s, "localhost");
	if (resume)
		SSL_set_session(s, resume);
	if (SSL_connect(s) != 1)
		die("SSL_connect");
	return s;
}

static void ossl_free(SSL *s)
{
	if (s) {
		SSL_shutdown(s);
		SSL_free(s);
	}
}

/* --- bulk and sendfile ------------------------------------------------------------ */

struct xfer {
	int lfd;
	long long got;
};

static void *bulk_receiver(void *arg)
{
	struct xfer *x = arg;
	static char buf[1 << 17];
	int fd = accept(x->lfd, NULL, NULL);
	SSL *s = NULL;
	ssize_t n;

	if (fd < 0)
		die("accept");
	if (impl == OSSL || impl == OSSL_KTLS)
		s = ossl_server(fd);
	for (;;) {
		n = s ? SSL_read(s, buf, sizeof(buf)) : recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		x->got += n;
	}
	ossl_free(s);
	close(fd);
	return NULL;
}

static double run_transfer(bool use_sendfile)
{
	static char buf[CHUNK];
	bool tls = impl == OSSL || impl == OSSL_KTLS;
	struct xfer x = { .lfd = listener(base_port, impl == SSA) };
	long long sent = 0;
	pthread_t th;
	double t0, t;
	int fd, in = -1;
	SSL *s = NULL;

	pthread_create(&th, NULL, bulk_receiver, &x);
	fd = dial(base_port, impl == SSA);
	if (tls)
		s = ossl_client(fd, NULL);
	if (impl == OSSL_KTLS)
		ktls_tx = BIO_get_ktls_send(SSL_get_wbio(s));
	if (use_sendfile && (in = open(file, O_RDONLY)) < 0)
		die(file);
	memset(buf, 'x', sizeof(buf));
	t0 = now();
	while (sent < size) {
		ssize_t n;
		size_t want = size - sent < CHUNK ? size - sent : CHUNK;

		if (use_sendfile && impl == OSSL_KTLS) {
			n = SSL_sendfile(s, in, sent, size - sent, 0);
		} else if (use_sendfile && !tls) {
			off_t off = sent;

			n = sendfile(fd, in, &off, size - sent);
		} else if (use_sendfile) {
			n = pread(in, buf, want, sent);	/* read + SSL_write */
			if (n > 0)
				n = SSL_write(s, buf, n);
		} else {
			n = s ? SSL_write(s, buf, want) : send(fd, buf, want, 0);
		}
		if (n <= 0)
			die(use_sendfile ? "sendfile" : "send");
		sent += n;
	}
	if (s)
		SSL_shutdown(s);
	shutdown(fd, SHUT_WR);
	pthread_join(th, NULL);
	t = now() - t0;
	if (s)
		SSL_free(s);
	close(fd);
	close(x.lfd);
	if (in >= 0)
		close(in);
	if (x.got != size) {
		fprintf(stderr, "ssa_bench: received %lld of %lld bytes\n", x.got, size);
		exit(1);
	}
	return size / t / 1e6;
}

/* --- a server sending to an OpenSSL client (SSA vs stunnel) --------------------- */

static void *serve_sender(void *arg)
{
	static char buf[CHUNK];
	int lfd = *(int *)arg, fd = accept(lfd, NULL, NULL);
	long long sent = 0;

	if (fd < 0)
		die("accept");
	memset(buf, 'y', sizeof(buf));
	while (sent < size) {
		ssize_t n = send(fd, buf, size - sent < CHUNK ? size - sent : CHUNK, 0);

		if (n <= 0)
			die("send");
		sent += n;
	}
	close(fd);
	return NULL;
}

static double run_serve(void)
{
	static char buf[1 << 17];
	int lfd = listener(base_port, impl == SSA), fd;
	long long got = 0;
	SSL *s = NULL;
	pthread_t th;
	double t0, t;
	ssize_t n;

	pthread_create(&th, NULL, serve_sender, &lfd);
	fd = dial(impl == STUNNEL ? base_port + 1 : base_port, !serve_ossl_client);
	if (serve_ossl_client)
		s = ossl_client(fd, NULL);
	t0 = now();
	while ((n = s ? SSL_read(s, buf, sizeof(buf)) : recv(fd, buf, sizeof(buf), 0)) > 0)
		got += n;
	t = now() - t0;
	pthread_join(th, NULL);
	ossl_free(s);
	close(fd);
	close(lfd);
	if (got != size) {
		fprintf(stderr, "ssa_bench: received %lld of %lld bytes\n", got, size);
		exit(1);
	}
	return size / t / 1e6;
}

/* --- floods of silent pending handshakes ------------------------------------------- */


/* Another user's flood: nobody's SSA clients to a server that never
 * answers, held until the child is killed.
 */
static pid_t flood_clients(void)
{
	int ready[2], silent;
	char c;
	pid_t pid;

	silent = listener(base_port + 1, false);
	if (pipe(ready))
		die("pipe");
	pid = fork();
	if (!pid) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(base_port + 1),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		struct rlimit r = { flood_n + 64, flood_n + 64 };
		int i, fd;

		if (setrlimit(RLIMIT_NOFILE, &r) || setgroups(0, NULL) ||
		    setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			die("flood: drop to nobody");
		for (i = 0; i < flood_n; i++) {
			fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TLS);
			if (fd < 0 || setsockopt(fd, IPPROTO_TLS, TLS_REMOTE_HOSTNAME, "localhost", 10))
				die("flood: socket");
			fcntl(fd, F_SETFL, O_NONBLOCK);
			if (connect(fd, (struct sockaddr *)&a, sizeof(a)) && errno != EINPROGRESS)
				die("flood: connect");
		}
		if (write(ready[1], "x", 1) != 1)
			die("flood: ready");
		for (;;)
			pause();
	}
	close(silent);		/* the child's copy listens on */
	if (pid < 0 || read(ready[0], &c, 1) != 1)
		die("flood: child");
	return pid;
}

/* Silent TCP clients of the measured listener: their fds, to close. */
static int *flood_server(void)
{
	int *fds = calloc(flood_n, sizeof(int)), i;

	if (!fds)
		die("calloc");
	for (i = 0; i < flood_n; i++)
		fds[i] = dial(base_port, false);
	return fds;
}

/* Until the module holds the flood (up to a minute). */
static void flood_wait(void)
{
	int i;

	for (i = 0; i < 600 && ssa_stat_read("handshakes_in_flight") < flood_n; i++)
		usleep(100000);
	if (ssa_stat_read("handshakes_in_flight") < flood_n)
		die("flood: the module does not hold it");
}

/* --- handshakes -------------------------------------------------------------------- */

/* The server: accept, (handshake,) one byte, close - until stopped. */
static void *hs_server(void *arg)
{
	int lfd = *(int *)arg;

	while (!stop) {
		int fd = accept(lfd, NULL, NULL);
		SSL *s = NULL;

		if (fd < 0)
			continue;
		if (!server_is_ssa() && !(s = ossl_server(fd))) {
			close(fd);
			continue;
		}
		if (s)
			SSL_write(s, "x", 1);
		else
			send(fd, "x", 1, MSG_NOSIGNAL);
		ossl_free(s);
		close(fd);
	}
	return NULL;
}

/* One client connection: handshake, read the byte (and with it a ticket). */
static double hs_once(bool resume, SSL_SESSION **sess, int *resumed)
{
	double t0 = now(), t;
	char c;
	int fd = dial(base_port, client_is_ssa());

	if (client_is_ssa()) {
		int r = 0;
		socklen_t l = sizeof(r);

		t = now() - t0;
		if (recv(fd, &c, 1, 0) != 1)
			die("recv");
		getsockopt(fd, IPPROTO_TLS, TLS_SESSION_RESUMED, &r, &l);
		*resumed += r;
	} else {
		SSL *s = ossl_client(fd, resume ? *sess : NULL);

		t = now() - t0;
		if (SSL_read(s, &c, 1) != 1)
			die("SSL_read");
		*resumed += SSL_session_reused(s);
		if (resume) {
			SSL_SESSION_free(*sess);
			*sess = SSL_get1_session(s);
		}
		ossl_free(s);
	}
	close(fd);
	return t;
}

struct hs_client {
	bool resume;
	double end;
	int done, resumed;
	double *lat;
	int nlat, cap;
};

static void *hs_client_run(void *arg)
{
	struct hs_client *c = arg;
	SSL_SESSION *sess = NULL;

	while (now() < c->end) {
		double t = hs_once(c->resume, &sess, &c->resumed);

		if (c->lat && c->nlat < c->cap)
			c->lat[c->nlat++] = t;
		c->done++;
	}
	SSL_SESSION_free(sess);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void run_handshakes(bool resume, bool latency)
{
	int lfd = listener(base_port, server_is_ssa()), nsrv = latency ? 8 : 1, i, done = 0, res = 0;
	int *flood_fds = NULL;
	pid_t flood_pid = 0;
	char name[64];
	struct hs_client *cl = calloc(conc, sizeof(*cl));
	pthread_t srv[8], *cth = calloc(conc, sizeof(*cth));
	double t0, t, *all;
	int nall = 0;

	for (i = 0; i < nsrv; i++)
		pthread_create(&srv[i], NULL, hs_server, &lfd);
	if (flood_n) {
		struct rlimit r = { flood_n + 1024, flood_n + 1024 };

		setrlimit(RLIMIT_NOFILE, &r);
		if (!strcmp(flood_kind, "client"))
			flood_pid = flood_clients();
		else
			flood_fds = flood_server();
		flood_wait();
	}
	if (resume) {	/* a first, full handshake fills the caches */
		struct hs_client warm = { .resume = true, .end = 0 };
		SSL_SESSION *sess = NULL;

		hs_once(true, &sess, &warm.resumed);
		for (i = 0; i < conc; i++)
			cl[i].resume = true;
		SSL_SESSION_free(sess);
	}
	t0 = now();
	for (i = 0; i < conc; i++) {
		cl[i].resume = resume;
		cl[i].end = t0 + secs;
		if (latency) {
			cl[i].cap = 100000;
			cl[i].lat = malloc(cl[i].cap * sizeof(double));
		}
		pthread_create(&cth[i], NULL, hs_client_run, &cl[i]);
	}
	for (i = 0; i < conc; i++) {
		pthread_join(cth[i], NULL);
		done += cl[i].done;
		res += cl[i].resumed;
	}
	t = now() - t0;
	stop = true;
	shutdown(lfd, SHUT_RDWR);
	close(lfd);
	if (flood_pid) {
		kill(flood_pid, SIGKILL);
		waitpid(flood_pid, NULL, 0);
	}
	for (i = 0; flood_fds && i < flood_n; i++)
		close(flood_fds[i]);
	free(flood_fds);
	snprintf(name, sizeof(name), flood_n ? "%s+flood-%s" : "%s", impl_names[impl], flood_kind);
	if (!latency) {
		printf("{\"mode\":\"%s\",\"impl\":\"%s\",\"value\":%.2f,\"unit\":\"handshakes/s\","
		       "\"handshakes\":%d,\"resumed\":%d}\n", resume ? "resume" : "hs",
		       impl_names[impl], done / t, done, res);
		return;
	}
	all = malloc(done * sizeof(double));
	for (i = 0; i < conc; i++) {
		memcpy(all + nall, cl[i].lat, cl[i].nlat * sizeof(double));
		nall += cl[i].nlat;
	}
	qsort(all, nall, sizeof(double), cmp_double);
	printf("{\"mode\":\"latency\",\"impl\":\"%s\",\"concurrency\":%d,\"handshakes\":%d,"
	       "\"flood\":%d,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"value\":%.3f,\"unit\":\"ms p50\"}\n",
	       name, conc, nall, flood_n, nall ? all[nall / 2] * 1e3 : 0,
	       nall ? all[(int)(nall * 0.99)] * 1e3 : 0, nall ? all[nall / 2] * 1e3 : 0);
}

/* --- memory per connection ------------------------------------------------------------ */

static long long slab_bytes(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long long kb, sum = 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %lld kB", &kb) == 1 ||
		    sscanf(line, "VmallocUsed: %lld kB", &kb) == 1)
			sum += kb;
	if (f)
		fclose(f);
	return sum * 1024;
}

/* What tls_ssa holds for its live sockets (securityfs stats), or -1. */
static long long ssa_state_bytes(void)
{
	FILE *f = fopen("/sys/kernel/security/tls_ssa/stats", "r");
	char line[128];
	long long v = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "state_bytes %lld", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

static void *mem_server(void *arg)
{
	return ossl_server(*(int *)arg);
}

static void run_mem(void)
{
	int lfd = listener(base_port, impl == SSA), i, *cfd, *sfd;
	SSL **cs = NULL, **ss = NULL;
	long long before, after, state0, state1;
	struct rlimit rl = { 65536, 65536 };
	size_t heap0 = 0;

	setrlimit(RLIMIT_NOFILE, &rl);
	cfd = calloc(count, sizeof(int));
	sfd = calloc(count, sizeof(int));
	if (impl == OSSL) {
		cs = calloc(count, sizeof(SSL *));
		ss = calloc(count, sizeof(SSL *));
	}
	sync();
	usleep(200000);
	before = slab_bytes();
	state0 = ssa_state_bytes();
	heap0 = mallinfo2().uordblks;
	for (i = 0; i < count; i++) {
		if (impl == OSSL) {
			pthread_t th;

			cfd[i] = dial(base_port, false);
			sfd[i] = accept(lfd, NULL, NULL);
			pthread_create(&th, NULL, mem_server, &sfd[i]);
			cs[i] = ossl_client(cfd[i], NULL);
			pthread_join(th, (void **)&ss[i]);
		} else {
			cfd[i] = dial(base_port, impl == SSA);
			sfd[i] = accept(lfd, NULL, NULL);
		}
		if (sfd[i] < 0)
			die("accept");
	}
	usleep(500000);
	after = slab_bytes();
	state1 = ssa_state_bytes();
	if (impl == OSSL)
		printf("{\"mode\":\"mem\",\"impl\":\"openssl\",\"value\":%.0f,\"unit\":\"bytes/endpoint heap\","
		       "\"connections\":%d}\n",
		       (double)(mallinfo2().uordblks - heap0) / (2.0 * count), count);
	else
		printf("{\"mode\":\"mem\",\"impl\":\"%s\",\"value\":%.0f,\"unit\":\"bytes/endpoint kernel\","
		       "\"connections\":%d,\"module_state\":%.0f}\n", impl_names[impl],
		       (double)(after - before) / (2.0 * count), count,
		       impl == SSA && state0 >= 0 ? (double)(state1 - state0) / (2.0 * count) : -1);
	for (i = 0; i < count; i++) {
		if (cs) {
			SSL_free(cs[i]);
			SSL_free(ss[i]);
		}
		close(cfd[i]);
		close(sfd[i]);
	}
	close(lfd);
}

int main(int argc, char **argv)
{
	const char *mode;
	int opt, i;

	while ((opt = getopt(argc, argv, "d:s:t:c:n:p:f:OF:K:")) != -1) {
		switch (opt) {
		case 'd': dir = optarg; break;
		case 's': size = atoll(optarg); break;
		case 't': secs = atof(optarg); break;
		case 'c': conc = atoi(optarg); break;
		case 'n': count = atoi(optarg); break;
		case 'p': base_port = atoi(optarg); break;
		case 'f': file = optarg; break;
		case 'O': serve_ossl_client = true; break;
		case 'F': flood_n = atoi(optarg); break;
		case 'K': flood_kind = optarg; break;
		default: return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: ssa_bench [-d DIR] [-s SIZE] [-t SECS] [-c CONC] [-n COUNT] MODE IMPL\n");
		return 2;
	}
	mode = argv[optind];
	for (i = 0; i < (int)(sizeof(impl_names) / sizeof(impl_names[0])); i++)
		if (!strcmp(argv[optind + 1], impl_names[i]))
			impl = i;
	if (strcmp(argv[optind + 1], impl_names[impl])) {
		fprintf(stderr, "ssa_bench: unknown implementation %s\n", argv[optind + 1]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	ossl_init(impl == OSSL_KTLS);
	no_resume = strcmp(mode, "resume");

	if (!strcmp(mode, "bulk") || !strcmp(mode, "sendfile")) {
		bool sf = !strcmp(mode, "sendfile");

		if (sf && !file)
			die("sendfile needs -f FILE");
		double v = run_transfer(sf);

		printf("{\"mode\":\"%s\",\"impl\":\"%s\",\"value\":%.1f,\"unit\":\"MB/s\",\"bytes\":%lld,"
		       "\"openssl_ktls_tx\":%d}\n", mode, impl_names[impl], v, size, ktls_tx);
	} else if (!strcmp(mode, "hs") || !strcmp(mode, "resume")) {
		run_handshakes(!strcmp(mode, "resume"), false);
	} else if (!strcmp(mode, "latency")) {
		run_handshakes(false, true);
	} else if (!strcmp(mode, "serve")) {
		printf("{\"mode\":\"serve\",\"impl\":\"%s\",\"value\":%.1f,\"unit\":\"MB/s\",\"bytes\":%lld}\n",
		       impl_names[impl], run_serve(), size);
	} else if (!strcmp(mode, "mem")) {
		run_mem();
	} else {
		fprintf(stderr, "ssa_bench: unknown mode %s\n", mode);
		return 2;
	}
	fflush(stdout);
	_exit(0);	/* server threads may still sit in accept() */
}
