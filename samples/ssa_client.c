// SPDX-License-Identifier: GPL-2.0
/*
 * ssa_client - a TLS client in plain POSIX socket calls, via IPPROTO_TLS.
 *
 *   ssa_client [options] HOST PORT
 *     -n NAME     server name to verify (TLS_REMOTE_HOSTNAME; default HOST
 *                 unless HOST is an address literal)
 *     -A FILE     pin trust anchors (TLS_TRUSTED_PEER_CERTIFICATES)
 *     -m 1.2|1.3  minimum version      -M 1.2|1.3  maximum version
 *     -c LIST     TLS_CIPHERS          -g LIST     TLS_GROUPS
 *     -a LIST     TLS_ALPN
 *     -C FILE     client certificate chain (TLS_CERTIFICATE_CHAIN)
 *     -K FILE     its private key (TLS_PRIVATE_KEY)
 *     -N          non-blocking connect, waited for with epoll
 *     -G PATH     send an HTTP/1.0 GET for PATH and print the body
 *     -u FILE     upload FILE (with sendfile), then shut down writing
 *     -o FILE     write what the peer sends to FILE ("-" for stdout)
 *     -s          print the negotiated session to stderr
 *
 * Exit status 0 on success; on failure it prints the errno name and
 * TLS_ERROR to stderr and exits 1.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <linux/tls_ssa.h>

static const char *errname(int e)
{
	switch (e) {
	case ECONNREFUSED: return "ECONNREFUSED";
	case ECONNRESET: return "ECONNRESET";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EKEYREJECTED: return "EKEYREJECTED";
	case EPROTO: return "EPROTO";
	case EPERM: return "EPERM";
	case EINVAL: return "EINVAL";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ECONNABORTED: return "ECONNABORTED";
	case ENOTCONN: return "ENOTCONN";
	default: return strerrorname_np(e) ?: "?";
	}
}

static int fail(int fd, const char *what)
{
	char why[256] = "";
	socklen_t len = sizeof(why);
	int e = errno;

	if (fd >= 0)
		getsockopt(fd, IPPROTO_TLS, TLS_ERROR, why, &len);
	fprintf(stderr, "ssa_client: %s: %s (%s)%s%s\n", what, errname(e), strerror(e),
		*why ? ": " : "", why);
	return 1;
}

static int setstr(int fd, int opt, const char *v)
{
	return setsockopt(fd, IPPROTO_TLS, opt, v, strlen(v) + 1);
}

static int version(const char *s)
{
	return !strcmp(s, "1.3") ? TLS_VERSION_1_3 : TLS_VERSION_1_2;
}

static void print_session(int fd)
{
	char peer[512] = "", alpn[256] = "";	/* RFC 7301: up to 255 bytes */
	int v = 0, c = 0, r = 0;
	socklen_t l = sizeof(v);

	getsockopt(fd, IPPROTO_TLS, TLS_NEGOTIATED_VERSION, &v, &l);
	l = sizeof(c);
	getsockopt(fd, IPPROTO_TLS, TLS_NEGOTIATED_CIPHER, &c, &l);
	l = sizeof(peer);
	getsockopt(fd, IPPROTO_TLS, TLS_PEER_IDENTITY, peer, &l);
	l = sizeof(alpn);
	getsockopt(fd, IPPROTO_TLS, TLS_ALPN, alpn, &l);
	l = sizeof(r);
	getsockopt(fd, IPPROTO_TLS, TLS_SESSION_RESUMED, &r, &l);
	fprintf(stderr, "version=%s cipher=0x%04x peer=\"%s\" alpn=\"%s\" resumed=%d\n",
		v == TLS_VERSION_1_3 ? "TLSv1.3" : v == TLS_VERSION_1_2 ? "TLSv1.2" : "?",
		c, peer, alpn, r);
}

static int wait_connected(int fd)
{
	struct epoll_event ev = { .events = EPOLLOUT }, got;
	int ep = epoll_create1(0), err = 0, n;
	socklen_t len = sizeof(err);

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		return -1;
	n = epoll_wait(ep, &got, 1, 60000);
	close(ep);
	if (n != 1) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		errno = err;
		return -1;
	}
	return 0;
}

static int copy_out(int fd, int out)
{
	char buf[65536];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		if (out >= 0 && write(out, buf, n) != n)
			return -1;
	return n;
}

int main(int argc, char **argv)
{
	const char *name = NULL, *anchors = NULL, *ciphers = NULL, *groups = NULL;
	const char *alpn = NULL, *get = NULL, *upload = NULL, *outfile = NULL;
	const char *chain = NULL, *key = NULL;
	int vmin = 0, vmax = 0, nonblock = 0, show = 0, opt, fd, out = -1;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	unsigned char addr[16];

	while ((opt = getopt(argc, argv, "n:A:m:M:c:g:a:C:K:NG:u:o:s")) != -1) {
		switch (opt) {
		case 'n': name = optarg; break;
		case 'A': anchors = optarg; break;
		case 'm': vmin = version(optarg); break;
		case 'M': vmax = version(optarg); break;
		case 'c': ciphers = optarg; break;
		case 'g': groups = optarg; break;
		case 'a': alpn = optarg; break;
		case 'C': chain = optarg; break;
		case 'K': key = optarg; break;
		case 'N': nonblock = 1; break;
		case 'G': get = optarg; break;
		case 'u': upload = optarg; break;
		case 'o': outfile = optarg; break;
		case 's': show = 1; break;
		default: return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: ssa_client [options] HOST PORT\n");
		return 2;
	}
	if (getaddrinfo(argv[optind], argv[optind + 1], &hints, &ai)) {
		fprintf(stderr, "ssa_client: cannot resolve %s\n", argv[optind]);
		return 2;
	}
	if (!name && inet_pton(AF_INET, argv[optind], addr) != 1 &&
	    inet_pton(AF_INET6, argv[optind], addr) != 1)
		name = argv[optind];

	fd = socket(ai->ai_family, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), IPPROTO_TLS);
	if (fd < 0)
		return fail(-1, "socket");
	if (name && setstr(fd, TLS_REMOTE_HOSTNAME, name))
		return fail(fd, "TLS_REMOTE_HOSTNAME");
	if (anchors && setstr(fd, TLS_TRUSTED_PEER_CERTIFICATES, anchors))
		return fail(fd, "TLS_TRUSTED_PEER_CERTIFICATES");
	if (vmin && setsockopt(fd, IPPROTO_TLS, TLS_VERSION_MIN, &vmin, sizeof(vmin)))
		return fail(fd, "TLS_VERSION_MIN");
	if (vmax && setsockopt(fd, IPPROTO_TLS, TLS_VERSION_MAX, &vmax, sizeof(vmax)))
		return fail(fd, "TLS_VERSION_MAX");
	if (ciphers && setstr(fd, TLS_CIPHERS, ciphers))
		return fail(fd, "TLS_CIPHERS");
	if (groups && setstr(fd, TLS_GROUPS, groups))
		return fail(fd, "TLS_GROUPS");
	if (alpn && setstr(fd, TLS_ALPN, alpn))
		return fail(fd, "TLS_ALPN");
	if (chain && setstr(fd, TLS_CERTIFICATE_CHAIN, chain))
		return fail(fd, "TLS_CERTIFICATE_CHAIN");
	if (key && setstr(fd, TLS_PRIVATE_KEY, key))
		return fail(fd, "TLS_PRIVATE_KEY");

	if (connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		if (!nonblock || errno != EINPROGRESS || wait_connected(fd))
			return fail(fd, "connect");
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	}
	if (show)
		print_session(fd);

	if (outfile)
		out = strcmp(outfile, "-") ? open(outfile, O_WRONLY | O_CREAT | O_TRUNC, 0644) : 1;
	if (get) {
		const char *host = name ?: argv[optind];
		int v6 = strchr(host, ':') != NULL;
		char req[512];
		int n = snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: %s%s%s\r\n\r\n",
				 get, v6 ? "[" : "", host, v6 ? "]" : "");

		if (send(fd, req, n, 0) != n)
			return fail(fd, "send");
		if (copy_out(fd, out < 0 ? 1 : out) < 0)
			return fail(fd, "recv");
	} else if (upload) {
		int in = open(upload, O_RDONLY);
		struct stat st;
		off_t off = 0;

		if (in < 0 || fstat(in, &st))
			return fail(-1, upload);
		while (off < st.st_size)
			if (sendfile(fd, in, &off, st.st_size - off) <= 0)
				return fail(fd, "sendfile");
		close(in);
		if (shutdown(fd, SHUT_WR))
			return fail(fd, "shutdown");
		if (copy_out(fd, out) < 0)
			return fail(fd, "recv");
	} else if (out >= 0) {
		if (copy_out(fd, out) < 0)
			return fail(fd, "recv");
	}
	close(fd);
	freeaddrinfo(ai);
	return 0;
}
