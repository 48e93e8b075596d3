/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The small slice of the C library that mbedTLS uses, mapped onto the
 * kernel.  Every libc header in this directory just includes this file.
 *
 * Traps handled here:
 *  - mbedTLS tests SIZE_MAX, INT_MAX and UINT*_MAX inside #if, so they
 *    must be plain integer literals, not the kernel's casts;
 *  - the kernel's "current" macro collides with a local variable in
 *    mbedTLS (constant_time.c).
 */
#ifndef _SSA_LIBC_H
#define _SSA_LIBC_H

#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/limits.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/stdarg.h>
#include <linux/time.h>
#include <linux/bug.h>
#include <linux/mutex.h>

/*
 * Saved, not lost: crypto/ssa_mbedtls.h restores it for kernel code that
 * includes mbedTLS headers.
 */
#pragma push_macro("current")
#undef current

#undef SIZE_MAX
#undef INT_MAX
#undef INT_MIN
#undef UINT_MAX
#undef LONG_MAX
#undef LONG_MIN
#undef ULONG_MAX
#undef LLONG_MAX
#undef LLONG_MIN
#undef ULLONG_MAX
#undef UINT8_MAX
#undef UINT16_MAX
#undef UINT32_MAX
#undef UINT64_MAX
#undef INT8_MAX
#undef INT16_MAX
#undef INT32_MAX
#undef INT64_MAX
#undef INT32_MIN
#undef INT64_MIN

#define CHAR_BIT	8
#define SIZE_MAX	0xffffffffffffffffUL
#define INT_MAX		2147483647
#define INT_MIN		(-INT_MAX - 1)
#define UINT_MAX	4294967295U
#define LONG_MAX	9223372036854775807L
#define LONG_MIN	(-LONG_MAX - 1L)
#define ULONG_MAX	18446744073709551615UL
#define LLONG_MAX	9223372036854775807LL
#define LLONG_MIN	(-LLONG_MAX - 1LL)
#define ULLONG_MAX	18446744073709551615ULL
#define UINT8_MAX	255
#define UINT16_MAX	65535
#define UINT32_MAX	4294967295U
#define UINT64_MAX	18446744073709551615ULL
#define INT8_MAX	127
#define INT16_MAX	32767
#define INT32_MAX	2147483647
#define INT64_MAX	9223372036854775807LL
#define INT32_MIN	(-INT32_MAX - 1)
#define INT64_MIN	(-INT64_MAX - 1LL)

#define PRId64		"lld"
#define PRIu64		"llu"
#define PRIx64		"llx"
#define PRId32		"d"
#define PRIu32		"u"

typedef struct ssa_libc_file FILE;

/* mbedTLS only asserts under its test hooks; a hit is a bug worth a splat. */
#define assert(x)	WARN_ON_ONCE(!(x))

/*
 * The kernel's strstr() measures the whole haystack before it looks.
 * mbedTLS's PEM reader calls it twice per block, on all the text that
 * is left, so a 4 MiB bundle (some 11,000 certificates, which any user
 * may pin) cost about 40 GB of strlen(): 30 s under TCG, seconds on
 * hardware, in one system call.  This one stops at the first match.
 */
char *ssa_strstr(const char *s, const char *needle);
#define strstr ssa_strstr

#endif /* _SSA_LIBC_H */
