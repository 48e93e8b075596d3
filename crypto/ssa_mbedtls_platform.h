/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prototypes of the kernel glue that mbedTLS's configuration points at
 * (crypto/platform.c).  Included from the config header, so it must be
 * self-contained and must not pull in kernel headers that clash with the
 * libc shims.
 */
#ifndef _SSA_MBEDTLS_PLATFORM_H
#define _SSA_MBEDTLS_PLATFORM_H

#include <linux/types.h>

void *ssa_mbedtls_calloc(size_t n, size_t size);
void ssa_mbedtls_free(void *ptr);
long long ssa_mbedtls_time(long long *t);
int ssa_mbedtls_fprintf(void *stream, const char *fmt, ...);
void ssa_mbedtls_setbuf(void *stream, char *buf);
void ssa_mbedtls_exit(int status);

/* The longest handshake message tls_ssa takes, its 4-byte header
 * included: mbedTLS reassembles one into a single record, whose length
 * field has 16 bits.
 */
#define SSA_MBEDTLS_HS_MSG_MAX	65535u

/* Called from tls_ssa's patches to mbedTLS (crypto/mbedtls_peek.c). */
struct mbedtls_ssl_context;
int ssa_mbedtls_hs_room(struct mbedtls_ssl_context *ssl);
size_t ssa_mbedtls_share_len(uint16_t group);
void ssa_mbedtls_alert_hook(struct mbedtls_ssl_context *ssl, unsigned char desc);
int ssa_mbedtls_sent_alert(const struct mbedtls_ssl_context *ssl);

/**
 * ssa_mbedtls_init() - set up mbedTLS inside the kernel
 *
 * Installs the mutex callbacks and initialises PSA crypto.  Call once at
 * module load, before any other mbedTLS function.
 *
 * Return: 0 or a negative errno.
 */
int ssa_mbedtls_init(void);

/**
 * ssa_mbedtls_exit_all() - release what ssa_mbedtls_init() set up
 */
void ssa_mbedtls_exit_all(void);

/**
 * ssa_mbedtls_fail_alloc_after() - make allocations fail (tests only)
 * @n: number of allocations that still succeed; negative turns it off
 *
 * Lets KUnit drive mbedTLS down its out-of-memory paths.
 */
void ssa_mbedtls_fail_alloc_after(int n);

/**
 * ssa_mbedtls_live_allocs() - blocks mbedTLS has allocated and not freed
 *
 * Return: the count; tests compare it before and after to find leaks.
 */
long ssa_mbedtls_live_allocs(void);

/**
 * ssa_mbedtls_alloc_failures() - allocations mbedTLS was refused so far
 *
 * mbedTLS's PEM bundle parser skips a certificate it had no memory for
 * and reports it as unparsable; a caller compares this count before and
 * after to tell ENOMEM from a bad certificate.
 *
 * Return: a count that only grows.
 */
long ssa_mbedtls_alloc_failures(void);

#endif /* _SSA_MBEDTLS_PLATFORM_H */
