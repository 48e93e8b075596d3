/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mbedTLS mutexes are kernel mutexes (MBEDTLS_THREADING_ALT).  mbedTLS
 * takes them only in process context (handshake workers, setsockopt).
 */
#ifndef _SSA_THREADING_ALT_H
#define _SSA_THREADING_ALT_H

#include <linux/mutex.h>

/**
 * struct ssa_mbedtls_mutex - an mbedTLS mutex
 * @lock: the kernel mutex
 * @valid: initialised and not yet freed
 */
struct ssa_mbedtls_mutex {
	struct mutex lock;
	bool valid;
};

/* The type name mbedTLS expects, without a new typedef. */
#define mbedtls_threading_mutex_t struct ssa_mbedtls_mutex

#endif /* _SSA_THREADING_ALT_H */
