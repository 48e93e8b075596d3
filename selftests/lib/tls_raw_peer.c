// SPDX-License-Identifier: GPL-2.0
/*
 * tls_raw_peer - a hostile TLS 1.3 server for the selftests.
 *
 *   tls_raw_peer MODE PORT CERT KEY
 *
 * Completes a real TLS 1.3 handshake with OpenSSL (TLS_AES_128_GCM_SHA256,
 * no tickets), takes the server's application traffic secret from the key
 * log, puts it into the kernel's TLS ULP for sending, and then writes raw
 * records of any content type with TLS_SET_RECORD_TYPE, which no TLS
 * library lets a program do.  After MODE's records it sends the
 * application data "after\n" where the mode leaves a connection to
 * continue, and holds the connection until the client closes it (at most
 * 60 s).  Prints READY once listening.
 *
 * Modes (all after the handshake):
 *   nst-trunc   one handshake record: a NewSessionTicket header claiming
 *               4,096 bytes, and nothing more
 *   alert1      a 1-byte alert record
 *   nst-split   a well-formed NewSessionTicket, one byte per record
 *   nst-64k     a 64 KiB NewSessionTicket over several records
 *   nst-flood   10,000 well-formed NewSessionTickets, one record each
 *   ku-split    KeyUpdate(update_not_requested) over three records
 *   ccs         a ChangeCipherSpec record
 */

#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/tls.h>

#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/ssl.h>

#ifndef SOL_TLS
#define SOL_TLS 282
#endif
#ifndef TCP_ULP
#define TCP_ULP 31
#endif

#define CT_CCS		20
#define CT_ALERT	21
#define CT_HANDSHAKE	22
#define CT_DATA		23

static unsigned char secret[48];
static size_t secret_len;

static void die(const char *what)
{
	fprintf(stderr, "tls_raw_peer: %s: %s\n", what, strerror(errno));
	ERR_print_errors_fp(stderr);
	exit(1);
}

static void keylog(const SSL *ssl, const char *line)
{
	static const char tag[] = "SERVER_TRAFFIC_SECRET_0 ";
	const char *p;
	size_t i;

	(void)ssl;
	if (strncmp(line, tag, sizeof(tag) - 1))
		return;
	p = strchr(line + sizeof(tag) - 1, ' ');
	if (!p)
		return;
	for (p++, i = 0; i < sizeof(secret) && p[0] && p[1]; i++, p += 2)
		sscanf(p, "%2hhx", &secret[i]);
	secret_len = i;
}

/* RFC 8446 7.1 HKDF-Expand-Label(secret, label, "", len), SHA-256. */
static void expand_label(const char *label, unsigned char *out, size_t len)
{
	unsigned char info[64];
	size_t n = 0, ll = strlen(label);
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);

	info[n++] = len >> 8;
	info[n++] = len;
	info[n++] = 6 + ll;
	memcpy(info + n, "tls13 ", 6);
	n += 6;
	memcpy(info + n, label, ll);
	n += ll;
	info[n++] = 0;
	if (!pc || EVP_PKEY_derive_init(pc) <= 0 ||
	    EVP_PKEY_CTX_set_hkdf_mode(pc, EVP_PKEY_HKDEF_MODE_EXPAND_ONLY) <= 0 ||
	    EVP_PKEY_CTX_set_hkdf_md(pc, EVP_sha256()) <= 0 ||
	    EVP_PKEY_CTX_set1_hkdf_key(pc, secret, secret_len) <= 0 ||
	    EVP_PKEY_CTX_add1_hkdf_info(pc, info, n) <= 0 ||
	    EVP_PKEY_derive(pc, out, &len) <= 0)
		die("HKDF-Expand-Label");
	EVP_PKEY_CTX_free(pc);
}

static void ktls_tx(int fd)
{
	struct tls12_crypto_info_aes_gcm_128 ci = {
		.info = { .version = TLS_1_3_VERSION, .cipher_type = TLS_CIPHER_AES_GCM_128 },
	};
	unsigned char iv[12];

	if (secret_len != 32)
		die("no SERVER_TRAFFIC_SECRET_0 in the key log");
	expand_label("key", ci.key, sizeof(ci.key));
	expand_label("iv", iv, sizeof(iv));
	memcpy(ci.salt, iv, 4);
	memcpy(ci.iv, iv + 4, 8);
	if (setsockopt(fd, SOL_TCP, TCP_ULP, "tls", sizeof("tls")) ||
	    setsockopt(fd, SOL_TLS, TLS_TX, &ci, sizeof(ci)))
		die("kTLS TX");
}

/* One record (kTLS splits above 16 KiB) of @type. */
static void send_rec(int fd, unsigned char type, const void *data, size_t len)
{
	char cbuf[CMSG_SPACE(1)] = {};
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_TLS;
	c->cmsg_type = TLS_SET_RECORD_TYPE;
	c->cmsg_len = CMSG_LEN(1);
	*CMSG_DATA(c) = type;
	while (iov.iov_len) {
		ssize_t n = sendmsg(fd, &msg, 0);

		if (n < 0)
			die("sendmsg");
		iov.iov_base = (char *)iov.iov_base + n;
		iov.iov_len -= n;
	}
}

/* A well-formed TLS 1.3 NewSessionTicket with a @tlen-byte ticket. */
static size_t make_nst(unsigned char *m, size_t tlen, unsigned int nonce)
{
	size_t body = 4 + 4 + 1 + 1 + 2 + tlen + 2, n = 0;

	m[n++] = 4;
	m[n++] = body >> 16;
	m[n++] = body >> 8;
	m[n++] = body;
	memcpy(m + n, "\x00\x00\x0e\x10", 4);	/* lifetime 3600 s */
	n += 4;
	memcpy(m + n, &nonce, 4);		/* ticket_age_add */
	n += 4;
	m[n++] = 1;				/* ticket_nonce */
	m[n++] = nonce;
	m[n++] = tlen >> 8;
	m[n++] = tlen;
	memset(m + n, 0x5a, tlen);
	m[n] = nonce;
	n += tlen;
	m[n++] = 0;				/* no extensions */
	m[n++] = 0;
	return n;
}

static void hold(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[4096];

	while (poll(&p, 1, 60000) == 1 && read(fd, buf, sizeof(buf)) > 0)
		;
}

static int listen_on(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 4))
		die("listen");
	return fd;
}

int main(int argc, char **argv)
{
	static unsigned char big[70000];
	const char *mode;
	unsigned char m[512];
	SSL_CTX *ctx;
	int ls, fd, i;
	size_t n;
	SSL *ssl;

	if (argc != 5) {
		fprintf(stderr, "usage: tls_raw_peer MODE PORT CERT KEY\n");
		return 2;
	}
	mode = argv[1];
	ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256") ||
	    !SSL_CTX_set_num_tickets(ctx, 0) ||
	    SSL_CTX_use_certificate_chain_file(ctx, argv[3]) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, argv[4], SSL_FILETYPE_PEM) != 1)
		die("SSL_CTX");
	SSL_CTX_set_keylog_callback(ctx, keylog);
	ls = listen_on(atoi(argv[2]));
	printf("READY\n");
	fflush(stdout);
	fd = accept(ls, NULL, NULL);
	if (fd < 0)
		die("accept");
	ssl = SSL_new(ctx);
	if (!ssl || !SSL_set_fd(ssl, fd) || SSL_accept(ssl) != 1)
		die("handshake");
	ktls_tx(fd);

	if (!strcmp(mode, "nst-trunc")) {
		send_rec(fd, CT_HANDSHAKE, "\x04\x00\x10\x00", 4);
		/* The test waits for this: the record may leave TCP's queue
		 * for kTLS's parser, and SIOCINQ not see it.
		 */
		printf("SENT\n");
		fflush(stdout);
		hold(fd);
		return 0;
	}
	if (!strcmp(mode, "alert1")) {
		send_rec(fd, CT_ALERT, "\x02", 1);
		hold(fd);
		return 0;
	}
	if (!strcmp(mode, "ccs")) {
		send_rec(fd, CT_CCS, "\x01", 1);
		hold(fd);
		return 0;
	}
	if (!strcmp(mode, "nst-split")) {
		n = make_nst(m, 200, 7);
		for (i = 0; i < (int)n; i++)
			send_rec(fd, CT_HANDSHAKE, m + i, 1);
	} else if (!strcmp(mode, "nst-64k")) {
		n = make_nst(big, 65536 - 14, 9);
		send_rec(fd, CT_HANDSHAKE, big, n);
	} else if (!strcmp(mode, "nst-flood")) {
		for (i = 0; i < 10000; i++) {
			n = make_nst(m, 160, i);
			send_rec(fd, CT_HANDSHAKE, m, n);
		}
	} else if (!strcmp(mode, "ku-split")) {
		send_rec(fd, CT_HANDSHAKE, "\x18\x00", 2);
		send_rec(fd, CT_HANDSHAKE, "\x00\x01", 2);
		send_rec(fd, CT_HANDSHAKE, "\x00", 1);
	} else {
		fprintf(stderr, "tls_raw_peer: unknown mode %s\n", mode);
		return 2;
	}
	send_rec(fd, CT_DATA, "after\n", 6);
	hold(fd);
	return 0;
}
