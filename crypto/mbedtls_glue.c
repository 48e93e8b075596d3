// SPDX-License-Identifier: GPL-2.0
/*
 * Platform glue for mbedTLS inside the kernel: memory, time, randomness,
 * zeroisation and mutexes.  mbedTLS's configuration
 * (ssa_mbedtls_config.h) points its platform hooks here.
 */

#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/timekeeping.h>
#include <linux/time.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/atomic.h>
#include <linux/lockdep.h>

#include "ssa_mbedtls.h"
#include "ssa_mbedtls_platform.h"

/* Allocations left before injected failure; negative: never fail. */
static atomic_t ssa_fail_alloc_after = ATOMIC_INIT(-1);
/* Blocks mbedTLS holds right now, for leak checks in tests. */
static atomic_long_t ssa_live_allocs = ATOMIC_LONG_INIT(0);
/* Allocations refused so far (ssa_mbedtls_alloc_failures()). */
static atomic_long_t ssa_failed_allocs = ATOMIC_LONG_INIT(0);

long ssa_mbedtls_alloc_failures(void)
{
	return atomic_long_read(&ssa_failed_allocs);
}

long ssa_mbedtls_live_allocs(void)
{
	return atomic_long_read(&ssa_live_allocs);
}

void ssa_mbedtls_fail_alloc_after(int n)
{
	atomic_set(&ssa_fail_alloc_after, n);
}

static bool ssa_should_fail_alloc(void)
{
	if (!IS_ENABLED(CONFIG_TLS_SSA_KUNIT_TEST))
		return false;
	if (atomic_read(&ssa_fail_alloc_after) < 0)
		return false;
	return atomic_dec_if_positive(&ssa_fail_alloc_after) < 0;
}

/**
 * ssa_strstr() - strstr() that reads no further than the first match
 * @s: NUL-terminated text
 * @needle: what to find in it
 *
 * What mbedTLS (and any file that includes its headers) calls for
 * strstr(): see crypto/include/ssa_libc.h.
 *
 * Return: the first occurrence of @needle in @s, or NULL.
 */
char *ssa_strstr(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	if (!n)
		return (char *)s;
	for (; *s; s++)
		if (*s == *needle && !strncmp(s, needle, n))
			return (char *)s;
	return NULL;
}

/*
 * mbedTLS allocates from process context only (handshake workers and
 * setsockopt), so sleeping allocations are fine.  Records buffers are
 * 16 KiB+, hence kv*.
 */
void *ssa_mbedtls_calloc(size_t n, size_t size)
{
	size_t bytes;
	void *p;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	if (ssa_should_fail_alloc())
		return NULL;
	/* calloc(0, x) may return NULL or a unique pointer; mbedTLS copes.
	 * Charged to the caller's memory cgroup (or the one a handshake
	 * worker acts for); at its limit, NULL rather than the OOM killer:
	 * the call fails with ENOMEM.
	 */
	if (!bytes)
		bytes = 1;
	p = kvzalloc(bytes, GFP_KERNEL_ACCOUNT | __GFP_NOWARN | __GFP_RETRY_MAYFAIL);
	if (p)
		atomic_long_inc(&ssa_live_allocs);
	else
		atomic_long_inc(&ssa_failed_allocs);
	return p;
}

void ssa_mbedtls_free(void *ptr)
{
	if (!ptr)
		return;
	atomic_long_dec(&ssa_live_allocs);
	kvfree(ptr);
}

long long ssa_mbedtls_time(long long *t)
{
	long long now = ktime_get_real_seconds();

	if (t)
		*t = now;
	return now;
}

/* Session ticket ages: a clock that never jumps. */
mbedtls_ms_time_t mbedtls_ms_time(void)
{
	return ktime_to_ms(ktime_get_boottime());
}

struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt,
				     struct tm *tm_buf)
{
	time64_to_tm(*tt, 0, tm_buf);
	return tm_buf;
}

void mbedtls_platform_zeroize(void *buf, size_t len)
{
	if (buf && len)
		memzero_explicit(buf, len);
}

psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *ctx,
					     uint8_t *output, size_t output_size,
					     size_t *output_length)
{
	get_random_bytes(output, output_size);
	*output_length = output_size;
	return PSA_SUCCESS;
}

/* Only referenced by code paths our configuration compiles out. */
int ssa_mbedtls_fprintf(void *stream, const char *fmt, ...)
{
	return 0;
}

void ssa_mbedtls_setbuf(void *stream, char *buf)
{
}

void ssa_mbedtls_exit(int status)
{
}

/*
 * Lock classes for lockdep.  mbedTLS nests its global mutexes (PSA takes
 * one global PSA mutex while it holds another (lockdep saw it on the
 * debug kernel), so each global gets a class of its own and
 * lockdep checks the order between them; the per-object mutexes (DRBG,
 * ticket keys) share one class, as mbedTLS never nests two of those.
 */
static struct lock_class_key ssa_mbedtls_mutex_key;
static struct lock_class_key ssa_mbedtls_global_keys[3];	/* one per globals[] row */

static void ssa_mutex_init(mbedtls_threading_mutex_t *m)
{
	static const struct {
		mbedtls_threading_mutex_t *m;
		const char *name;
	} globals[] = {
		{ &mbedtls_threading_key_slot_mutex, "mbedtls_key_slot" },
		{ &mbedtls_threading_psa_globaldata_mutex, "mbedtls_psa_globaldata" },
		{ &mbedtls_threading_psa_rngdata_mutex, "mbedtls_psa_rngdata" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(globals); i++)
		if (m == globals[i].m)
			break;
	if (i < ARRAY_SIZE(globals))
		__mutex_init(&m->lock, globals[i].name, &ssa_mbedtls_global_keys[i]);
	else
		__mutex_init(&m->lock, "mbedtls", &ssa_mbedtls_mutex_key);
	m->valid = true;
}

static void ssa_mutex_free(mbedtls_threading_mutex_t *m)
{
	if (!m->valid)
		return;
	mutex_destroy(&m->lock);
	m->valid = false;
}

static int ssa_mutex_lock(mbedtls_threading_mutex_t *m)
{
	if (!m->valid)
		return MBEDTLS_ERR_THREADING_BAD_INPUT_DATA;
	mutex_lock(&m->lock);
	return 0;
}

static int ssa_mutex_unlock(mbedtls_threading_mutex_t *m)
{
	if (!m->valid)
		return MBEDTLS_ERR_THREADING_BAD_INPUT_DATA;
	mutex_unlock(&m->lock);
	return 0;
}

int ssa_mbedtls_init(void)
{
	psa_status_t st;

	mbedtls_threading_set_alt(ssa_mutex_init, ssa_mutex_free,
				  ssa_mutex_lock, ssa_mutex_unlock);
	st = psa_crypto_init();
	if (st != PSA_SUCCESS) {
		pr_err("psa_crypto_init failed: %d\n", (int)st);
		mbedtls_threading_free_alt();
		return -ENOMEM;
	}
	return 0;
}

void ssa_mbedtls_exit_all(void)
{
	mbedtls_psa_crypto_free();
	mbedtls_threading_free_alt();
}
