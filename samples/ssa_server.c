// SPDX-License-Identifier: GPL-2.0
/*
 * ssa_server - an HTTPS static file server in plain POSIX socket calls,
 * via IPPROTO_TLS.  The kernel does the TLS: this program never sees a
 * key, a certificate or a handshake.
 *
 *   ssa_server [options] PORT
 *     -c FILE     certificate chain (TLS_CERTIFICATE_CHAIN); repeat -c/-k
 *     -k FILE     its private key (TLS_PRIVATE_KEY)   for more names (SNI)
 *     -r DIR      document root (default: the current directory)
 *     -b ADDR     address to listen on (default "::", which takes IPv4 too)
 *     -m 1.2|1.3  minimum version      -M 1.2|1.3  maximum version
 *     -C LIST     TLS_CIPHERS          -g LIST     TLS_GROUPS
 *     -a LIST     TLS_ALPN (the server's preference order)
 *     -V 0|1|2    client certificates: none, request, require
 *     -A FILE     anchors for client certificates (default: system store)
 *     -T SECS     TLS_SESSION_TTL (0: no session tickets)
 *     -e          echo what each client sends instead of speaking HTTP
 *     -N          non-blocking listener, accept4() driven by epoll
 *     -n COUNT    exit after COUNT connections (default: serve forever)
 *     -s          log each connection's session to stdout
 *
 * GET /.ssa answers with the session as this server sees it.  Each
 * connection is served by a child process; the parent only accepts, and
 * with -n waits for its children before it exits.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <linux/tls_ssa.h>

#define MAX_PAIRS 8

static int fail(int fd, const char *what)
{
	char why[256] = "";
	socklen_t len = sizeof(why);
	int e = errno;

	if (fd >= 0)
		getsockopt(fd, IPPROTO_TLS, TLS_ERROR, why, &len);
	fprintf(stderr, "ssa_server: %s: %s (%s)%s%s\n", what, strerrorname_np(e) ?: "?",
		strerror(e), *why ? ": " : "", why);
	return 1;
}

static int setstr(int fd, int opt, const char *v)
{
	return setsockopt(fd, IPPROTO_TLS, opt, v, strlen(v) + 1);
}

static int setint(int fd, int opt, int v)
{
	return setsockopt(fd, IPPROTO_TLS, opt, &v, sizeof(v));
}

static int version(const char *s)
{
	return !strcmp(s, "1.3") ? TLS_VERSION_1_3 : TLS_VERSION_1_2;
}

/* The session as the server sees it, one line. */
static int describe(int fd, char *buf, size_t size)
{
	char sni[256] = "", alpn[256] = "", peer[512] = "";
	int v = 0, c = 0, r = 0;
	socklen_t l;

	l = sizeof(v);
	getsockopt(fd, IPPROTO_TLS, TLS_NEGOTIATED_VERSION, &v, &l);
	l = sizeof(c);
	getsockopt(fd, IPPROTO_TLS, TLS_NEGOTIATED_CIPHER, &c, &l);
	l = sizeof(r);
	getsockopt(fd, IPPROTO_TLS, TLS_SESSION_RESUMED, &r, &l);
	l = sizeof(sni);
	getsockopt(fd, IPPROTO_TLS, TLS_HOSTNAME, sni, &l);
	l = sizeof(alpn);
	getsockopt(fd, IPPROTO_TLS, TLS_ALPN, alpn, &l);
	l = sizeof(peer);
	getsockopt(fd, IPPROTO_TLS, TLS_PEER_IDENTITY, peer, &l);
	return snprintf(buf, size,
			"version=%s cipher=0x%04x sni=\"%s\" alpn=\"%s\" resumed=%d peer=\"%s\"\n",
			v == TLS_VERSION_1_3 ? "TLSv1.3" : v == TLS_VERSION_1_2 ? "TLSv1.2" : "?",
			c, sni, alpn, r, peer);
}

static int reply(int fd, const char *status, const char *body, size_t len)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.0 %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
			 status, len);

	return send(fd, head, n, MSG_MORE) == n && send(fd, body, len, 0) == (ssize_t)len ? 0 : -1;
}

/* One HTTP/1.0 request: GET a file under the root with sendfile(). */
static int serve_http(int fd)
{
	char req[4096], path[PATH_MAX], head[256], *sp;
	size_t got = 0;
	struct stat st;
	off_t off = 0;
	ssize_t n;
	int f;

	while (got < sizeof(req) - 1 && !memmem(req, got, "\r\n\r\n", 4)) {
		n = recv(fd, req + got, sizeof(req) - 1 - got, 0);
		if (n <= 0)
			return -1;
		got += n;
	}
	req[got] = '\0';
	if (strncmp(req, "GET /", 5) || !(sp = strchr(req + 4, ' ')))
		return reply(fd, "400 Bad Request", "bad request\n", 12);
	*sp = '\0';
	if (!strcmp(req + 4, "/.ssa")) {
		char line[1024];

		return reply(fd, "200 OK", line, describe(fd, line, sizeof(line)));
	}
	/* A directory's URL ("/", "/docs/") serves its index.html. */
	if (strstr(req + 4, "..") ||
	    snprintf(path, sizeof(path), ".%s%s", req + 4,
		     sp[-1] == '/' ? "index.html" : "") >= (int)sizeof(path))
		return reply(fd, "403 Forbidden", "forbidden\n", 10);
	f = open(path, O_RDONLY);
	if (f < 0 || fstat(f, &st) || !S_ISREG(st.st_mode)) {
		if (f >= 0)
			close(f);
		return reply(fd, "404 Not Found", "not found\n", 10);
	}
	n = snprintf(head, sizeof(head),
		     "HTTP/1.0 200 OK\r\nContent-Length: %lld\r\nConnection: close\r\n\r\n",
		     (long long)st.st_size);
	if (send(fd, head, n, MSG_MORE) != n)
		return -1;
	while (off < st.st_size)
		if (sendfile(fd, f, &off, st.st_size - off) <= 0)
			return fail(fd, "sendfile");
	close(f);
	return 0;
}

static int serve_echo(int fd)
{
	char buf[65536];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		if (send(fd, buf, n, 0) != n)
			return fail(fd, "send");
	return n < 0 ? fail(fd, "recv") : 0;
}

static void serve(int fd, int echo, int log)
{
	if (log) {
		char line[1024];

		describe(fd, line, sizeof(line));
		printf("session %s", line);
		fflush(stdout);
	}
	if (echo ? serve_echo(fd) : serve_http(fd))
		_exit(1);
	close(fd);		/* sends close_notify */
	_exit(0);
}

static int listener(const char *addr, const char *port, int nonblock)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(atoi(port)) };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(atoi(port)) };
	int v6 = strchr(addr, ':') != NULL, one = 1, zero = 0, fd;

	if (v6 ? inet_pton(AF_INET6, addr, &a6.sin6_addr) != 1 :
		 inet_pton(AF_INET, addr, &a4.sin_addr) != 1) {
		fprintf(stderr, "ssa_server: bad address %s\n", addr);
		exit(2);
	}
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0),
		    IPPROTO_TLS);
	if (fd < 0)
		exit(fail(-1, "socket"));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (v6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (v6 ? bind(fd, (struct sockaddr *)&a6, sizeof(a6)) :
		 bind(fd, (struct sockaddr *)&a4, sizeof(a4)))
		exit(fail(fd, "bind"));
	return fd;
}

int main(int argc, char **argv)
{
	const char *chain[MAX_PAIRS], *key[MAX_PAIRS], *root = NULL, *addr = "::";
	const char *ciphers = NULL, *groups = NULL, *alpn = NULL, *anchors = NULL;
	int nchain = 0, nkey = 0, vmin = 0, vmax = 0, auth = -1, ttl = -1, echo = 0;
	int nonblock = 0, log = 0, opt, fd, ep = -1, i;
	long count = -1;

	while ((opt = getopt(argc, argv, "c:k:r:b:m:M:C:g:a:V:A:T:eNn:s")) != -1) {
		switch (opt) {
		case 'c': if (nchain < MAX_PAIRS) chain[nchain++] = optarg; break;
		case 'k': if (nkey < MAX_PAIRS) key[nkey++] = optarg; break;
		case 'r': root = optarg; break;
		case 'b': addr = optarg; break;
		case 'm': vmin = version(optarg); break;
		case 'M': vmax = version(optarg); break;
		case 'C': ciphers = optarg; break;
		case 'g': groups = optarg; break;
		case 'a': alpn = optarg; break;
		case 'V': auth = atoi(optarg); break;
		case 'A': anchors = optarg; break;
		case 'T': ttl = atoi(optarg); break;
		case 'e': echo = 1; break;
		case 'N': nonblock = 1; break;
		case 'n': count = atol(optarg); break;
		case 's': log = 1; break;
		default: return 2;
		}
	}
	if (argc - optind != 1 || !nchain || nchain != nkey) {
		fprintf(stderr, "usage: ssa_server -c CHAIN -k KEY [-c CHAIN -k KEY]... [options] PORT\n");
		return 2;
	}
	if (root && chdir(root))
		return fail(-1, root);

	fd = listener(addr, argv[optind], nonblock);
	for (i = 0; i < nchain; i++) {
		if (setstr(fd, TLS_CERTIFICATE_CHAIN, chain[i]))
			return fail(fd, "TLS_CERTIFICATE_CHAIN");
		if (setstr(fd, TLS_PRIVATE_KEY, key[i]))
			return fail(fd, "TLS_PRIVATE_KEY");
	}
	if (vmin && setint(fd, TLS_VERSION_MIN, vmin))
		return fail(fd, "TLS_VERSION_MIN");
	if (vmax && setint(fd, TLS_VERSION_MAX, vmax))
		return fail(fd, "TLS_VERSION_MAX");
	if (ciphers && setstr(fd, TLS_CIPHERS, ciphers))
		return fail(fd, "TLS_CIPHERS");
	if (groups && setstr(fd, TLS_GROUPS, groups))
		return fail(fd, "TLS_GROUPS");
	if (alpn && setstr(fd, TLS_ALPN, alpn))
		return fail(fd, "TLS_ALPN");
	if (auth >= 0 && setint(fd, TLS_REQUEST_PEER_AUTH, auth))
		return fail(fd, "TLS_REQUEST_PEER_AUTH");
	if (anchors && setstr(fd, TLS_TRUSTED_PEER_CERTIFICATES, anchors))
		return fail(fd, "TLS_TRUSTED_PEER_CERTIFICATES");
	if (ttl >= 0 && setint(fd, TLS_SESSION_TTL, ttl))
		return fail(fd, "TLS_SESSION_TTL");
	if (listen(fd, 1024))
		return fail(fd, "listen");
	if (nonblock) {
		struct epoll_event ev = { .events = EPOLLIN };

		ep = epoll_create1(0);
		if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
			return fail(-1, "epoll");
	}
	signal(SIGPIPE, SIG_IGN);
	printf("listening on %s port %s\n", addr, argv[optind]);
	fflush(stdout);

	while (count) {
		struct epoll_event got;
		int c;

		if (nonblock && epoll_wait(ep, &got, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return fail(-1, "epoll_wait");
		}
		/* Only sockets whose handshake completed come out of accept(). */
		c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return fail(fd, "accept");
		}
		if (fork() == 0) {
			close(fd);
			serve(c, echo, log);
		}
		close(c);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (count > 0)
			count--;
	}
	close(fd);
	while (wait(NULL) > 0)
		;
	return 0;
}
