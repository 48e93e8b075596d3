/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mbedTLS mutexes are kernel mutexes (MBEDTLS_THREADING_ALT).  mbedTLS
 * takes them only in process context (handshake workers, setsockopt).
 */
#ifndef _SSA_THREADING_ALT_H
#define _SSA_THREADING_ALT_H

#include <linux/mutex.h>

typedef struct mbedtls_threading_mutex_t {
	struct mutex lock;
	bool valid;
} mbedtls_threading_mutex_t;

#endif /* _SSA_THREADING_ALT_H */
