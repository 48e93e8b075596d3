/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the C selftests share: where they live, the test PKI, and waiting
 * for a peer to listen.  Header-only: each selftest is one binary.
 */
#ifndef _SSA_SELFTEST_H
#define _SSA_SELFTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

static char selfdir[4096];

/* The directory of the running binary, for lib/ helpers. */
static inline void ssa_selfdir_init(const char *argv0)
{
	char *slash;

	strncpy(selfdir, argv0, sizeof(selfdir) - 1);
	slash = strrchr(selfdir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(selfdir, ".");
}

/* lib/mkpki.sh into @dir, once. */
/*
 * The debug kernel (tools/testing/debug-kernel), known by its kmemleak
 * file: its allocator pads objects and KASAN holds freed ones in a
 * quarantine, so memory figures there say nothing about a real kernel.
 */
static inline int ssa_debug_kernel(void)
{
	return access("/sys/kernel/debug/kmemleak", F_OK) == 0;
}

static inline void ssa_make_pki(const char *dir)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "%s/ca.pem", dir);
	if (access(cmd, R_OK) == 0)
		return;
	snprintf(cmd, sizeof(cmd), "%s/lib/mkpki.sh %s", selfdir, dir);
	if (system(cmd) != 0)
		abort();
}

#ifdef IPPROTO_TLS
/* An SSA client socket for "localhost" that trusts @ca, without sessions. */
static inline int ssa_test_client(const char *ca)
{
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TLS), ttl = 0;

	if (fd < 0)
		return -1;
	if (setsockopt(fd, IPPROTO_TLS, TLS_REMOTE_HOSTNAME, "localhost", 10) ||
	    setsockopt(fd, IPPROTO_TLS, TLS_TRUSTED_PEER_CERTIFICATES, ca, strlen(ca) + 1) ||
	    setsockopt(fd, IPPROTO_TLS, TLS_SESSION_TTL, &ttl, sizeof(ttl))) {
		close(fd);
		return -1;
	}
	return fd;
}
#endif

/* Wait (up to 10 s) until something listens on TCP @port. */
static inline int ssa_wait_listening(unsigned short port)
{
	int i;

	for (i = 0; i < 400; i++) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "ss -Hltn 'sport = :%u' | grep -q .", port);
		if (system(cmd) == 0)
			return 0;
		usleep(25000);
	}
	return -1;
}

/*
 * Bytes queued on @fd's TCP socket, under kTLS (SIOCINQ), once there are
 * any or after @tries times 50 ms (ssa_wait_queued(): 10 s); -1 if the
 * ioctl fails.  A record of control data
 * only never makes an SSA socket poll readable: this is how a test waits
 * for one.
 */
static inline int ssa_wait_queued_for(int fd, int tries)
{
	int i, queued = 0;

	for (i = 0; i < tries && queued <= 0; i++) {
		if (ioctl(fd, SIOCINQ, &queued))
			return -1;
		if (queued <= 0)
			usleep(50000);
	}
	return queued;
}

static inline int ssa_wait_queued(int fd)
{
	return ssa_wait_queued_for(fd, 200);
}

#endif /* _SSA_SELFTEST_H */
