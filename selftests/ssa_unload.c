// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifetime: rmmod is refused while an IPPROTO_TLS socket lives and
 * succeeds once it is closed; the protocol is gone while unloaded and
 * back after a reload.  Needs root and SSA_MODULE (set by vm-run).
 * selftests-run runs this file before the others: SSA connections they
 * close stay in TIME_WAIT for a minute and pin the module (as they must).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <linux/tls_ssa.h>

#include "kselftest_harness.h"

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

TEST_HARNESS_MAIN
