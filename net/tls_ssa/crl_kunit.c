// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: revocation by the administrator's CRLs (crl.c, mbedTLS patch 0010).
 *
 *  - mbedTLS's chain check with CRLs as tls_ssa patched it: a listed
 *    serial is revoked; a CRL that does not verify is passed over, so it
 *    cannot hide the issuer's real one; a stale CRL does not count as
 *    stale next to a current one of the same issuer; a certificate whose
 *    signature its "issuer" did not make is not checked against CRLs;
 *  - loading (ssa_crl_replace()): white space after the last CRL,
 *    junk after it, an empty text, and what "lock" refuses.
 *
 * The certificates and CRLs come from tools/testing/mk-crl-certs
 * (OpenSSL), valid until 2125; that script says what each one holds.
 */

#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tls_ssa.h"
#include "ssa_mbedtls.h"

static const char ssa_crl_ca[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBujCCAV+gAwIBAgIUNaP/jfkj9BeUGeTBXyFLDAFhs+0wCgYIKoZIzj0EAwIw\n"
	"KTEQMA4GA1UECgwHdGxzX3NzYTEVMBMGA1UEAwwMa3VuaXQgQ1JMIENBMCAXDTI2\n"
	"MTIwMzA3NTYwNloYDzIxMjYxMTA5MDc1NjA2WjApMRAwDgYDVQQKDAd0bHNfc3Nh\n"
	"MRUwEwYDVQQDDAxrdW5pdCBDUkwgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC\n"
	"AAQS2kGaLPqBUsPp5l1DLxls6T/2p8tJepSBBy4Un8axOyOmfCnOZmLtNsiFALWz\n"
	"0isHBUy0FJXhPGz1VGmAL/dQo2MwYTAdBgNVHQ4EFgQUGcoj7zr3WIEu+SfQxENh\n"
	"YCjJ56wwHwYDVR0jBBgwFoAUGcoj7zr3WIEu+SfQxENhYCjJ56wwDwYDVR0TAQH/\n"
	"BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwCgYIKoZIzj0EAwIDSQAwRgIhALCpIbvH\n"
	"LvSgDrkJYATJQT8gG5iSe3da9Fxk2AQS3gqmAiEA6N2d9k6ewvlDXMkBEv2ZRrgp\n"
	"l/RxYFXNphf94c4ZZZg=\n"
	"-----END CERTIFICATE-----\n"
	;

static const char ssa_crl_leaf[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBJTCBzQIBUTAKBggqhkjOPQQDAjApMRAwDgYDVQQKDAd0bHNfc3NhMRUwEwYD\n"
	"VQQDDAxrdW5pdCBDUkwgQ0EwIBcNMjYxMjAzMDc1NjA2WhgPMjEyNjExMDkwNzU2\n"
	"MDZaMBQxEjAQBgNVBAMMCWxlYWYudGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEH\n"
	"A0IABNOqqwv+AfFZMwWfCnNuxo8XyOLI2eTCgjHTp0BKNGvclpNRU+U3Rd08t/YJ\n"
	"avHHmKftWtEyfHVMqdbPcqh4X4cwCgYIKoZIzj0EAwIDRwAwRAIgZ5KPR7gRL9oZ\n"
	"1sver5lOh3DAQQL2zaswFuSIgHPD4Q8CIEeRGBnsL5tskDntEnk6k7VlWg7Qhhla\n"
	"u/jSuxfyzhKQ\n"
	"-----END CERTIFICATE-----\n"
	;

static const char ssa_crl_fake[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBJTCBzQIBUTAKBggqhkjOPQQDAjApMRAwDgYDVQQKDAd0bHNfc3NhMRUwEwYD\n"
	"VQQDDAxrdW5pdCBDUkwgQ0EwIBcNMjYxMjAzMDc1NjA2WhgPMjEyNjExMDkwNzU2\n"
	"MDZaMBQxEjAQBgNVBAMMCWxlYWYudGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEH\n"
	"A0IABNOqqwv+AfFZMwWfCnNuxo8XyOLI2eTCgjHTp0BKNGvclpNRU+U3Rd08t/YJ\n"
	"avHHmKftWtEyfHVMqdbPcqh4X4cwCgYIKoZIzj0EAwIDRwAwRAIgRZTu4z7aXLkT\n"
	"8NottHP0j2JB9PGnC4YH+mbC6whtpvMCIH6snF3GyTd5LP92FL0dtV4QejX2SvXi\n"
	"nkGSe6qIcKt0\n"
	"-----END CERTIFICATE-----\n"
	;

static const char ssa_crl_empty[] =
	"-----BEGIN X509 CRL-----\n"
	"MIGvMFcwCgYIKoZIzj0EAwIwKTEQMA4GA1UECgwHdGxzX3NzYTEVMBMGA1UEAwwM\n"
	"a3VuaXQgQ1JMIENBFw0yNjAxMDEwMDAwMDBaGA8yMTI1MDEwMTAwMDAwMFowCgYI\n"
	"KoZIzj0EAwIDSAAwRQIgDFoV74FgXX9fzsUgO/OYjDo0KeEa+bgSDxJvt7xoye8C\n"
	"IQDBbiHJoK0OEjlWN33i1unRmbuDxVNGB39HSTXrV1jWIw==\n"
	"-----END X509 CRL-----\n"
	;

static const char ssa_crl_stale[] =
	"-----BEGIN X509 CRL-----\n"
	"MIGtMFUwCgYIKoZIzj0EAwIwKTEQMA4GA1UECgwHdGxzX3NzYTEVMBMGA1UEAwwM\n"
	"a3VuaXQgQ1JMIENBFw0xOTAxMDEwMDAwMDBaFw0yMDAxMDEwMDAwMDBaMAoGCCqG\n"
	"SM49BAMCA0gAMEUCIQDUQbjNRW82DYs6BBc3S3E1jexzIZjCkBHkW/Yji8F8LQIg\n"
	"XCtXRiHyKNMEE+64s1129GHpalguxL+aMhEgFcwpNPE=\n"
	"-----END X509 CRL-----\n"
	;

static const char ssa_crl_revoking[] =
	"-----BEGIN X509 CRL-----\n"
	"MIHGMG0wCgYIKoZIzj0EAwIwKTEQMA4GA1UECgwHdGxzX3NzYTEVMBMGA1UEAwwM\n"
	"a3VuaXQgQ1JMIENBFw0yNjAxMDEwMDAwMDBaGA8yMTI1MDEwMTAwMDAwMFowFDAS\n"
	"AgFRFw0yNjEyMDMwNzU2MDZaMAoGCCqGSM49BAMCA0kAMEYCIQCfT20k0n4dJx/Q\n"
	"ntU08rUJqnCPkGeD5yPWLU/3Kb+8igIhAIuPDe4Dw6QnoSxPuWJoTOXkyfhz7tJL\n"
	"Az2tzvlp9sS7\n"
	"-----END X509 CRL-----\n"
	;

static const char ssa_crl_forged[] =
	"-----BEGIN X509 CRL-----\n"
	"MIHGMG0wCgYIKoZIzj0EAwIwKTEQMA4GA1UECgwHdGxzX3NzYTEVMBMGA1UEAwwM\n"
	"a3VuaXQgQ1JMIENBFw0yNjAxMDEwMDAwMDBaGA8yMTI1MDEwMTAwMDAwMFowFDAS\n"
	"AgFRFw0yNjEyMDMwNzU2MDZaMAoGCCqGSM49BAMCA0kAMEYCIQCfT20k0n4dJx/Q\n"
	"ntU08rUJqnCPkGeD5yPWLU/3Kb+8igIhAIuPDe4Dw6QnoSxPuWJoTOXkyfhz7tJL\n"
	"Az2tzvlp9sS6\n"
	"-----END X509 CRL-----\n"
	;

/* Parse the CRLs given (PEM texts, NULL-terminated list) into @crl. */
static void ssa_crl_parse_list(struct kunit *test, mbedtls_x509_crl *crl, const char *const *pem)
{
	mbedtls_x509_crl_init(crl);
	for (; *pem; pem++)
		KUNIT_ASSERT_EQ(test, 0, mbedtls_x509_crl_parse(crl, (const u8 *)*pem,
								strlen(*pem) + 1));
}

/* The verification flags of @leaf_pem under the test CA and @crls. */
static u32 ssa_crl_verify(struct kunit *test, const char *leaf_pem, const char *const *crls)
{
	mbedtls_x509_crt ca, leaf;
	mbedtls_x509_crl crl;
	u32 flags = 0;

	mbedtls_x509_crt_init(&ca);
	mbedtls_x509_crt_init(&leaf);
	KUNIT_ASSERT_EQ(test, 0, mbedtls_x509_crt_parse(&ca, (const u8 *)ssa_crl_ca,
							sizeof(ssa_crl_ca)));
	KUNIT_ASSERT_EQ(test, 0, mbedtls_x509_crt_parse(&leaf, (const u8 *)leaf_pem,
							strlen(leaf_pem) + 1));
	ssa_crl_parse_list(test, &crl, crls);
	mbedtls_x509_crt_verify(&leaf, &ca, *crls ? &crl : NULL, NULL, &flags, NULL, NULL);
	mbedtls_x509_crl_free(&crl);
	mbedtls_x509_crt_free(&leaf);
	mbedtls_x509_crt_free(&ca);
	return flags;
}

/* @a, then @b, in a buffer the test owns. */
static char *ssa_crl_cat(struct kunit *test, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = kunit_kmalloc(test, la + lb + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	memcpy(s, a, la);
	memcpy(s + la, b, lb + 1);
	return s;
}

static void ssa_crl_chain_checks(struct kunit *test)
{
	const char *const none[] = { NULL };
	const char *const revoking[] = { ssa_crl_revoking, NULL };
	const char *const forged_first[] = { ssa_crl_forged, ssa_crl_revoking, NULL };
	const char *const forged[] = { ssa_crl_forged, NULL };
	const char *const stale[] = { ssa_crl_stale, NULL };
	const char *const stale_current[] = { ssa_crl_stale, ssa_crl_empty, NULL };
	const char *const fresh[] = { ssa_crl_empty, NULL };
	u32 f;

	KUNIT_EXPECT_EQ(test, 0U, ssa_crl_verify(test, ssa_crl_leaf, none));
	KUNIT_EXPECT_EQ(test, 0U, ssa_crl_verify(test, ssa_crl_leaf, fresh));
	KUNIT_EXPECT_EQ(test, (u32)MBEDTLS_X509_BADCERT_REVOKED,
			ssa_crl_verify(test, ssa_crl_leaf, revoking));
	/* Stock mbedTLS stopped at the forged CRL: NOT_TRUSTED, not REVOKED. */
	f = ssa_crl_verify(test, ssa_crl_leaf, forged_first);
	KUNIT_EXPECT_EQ(test, (u32)MBEDTLS_X509_BADCERT_REVOKED, f);
	KUNIT_EXPECT_EQ(test, (u32)MBEDTLS_X509_BADCRL_NOT_TRUSTED,
			ssa_crl_verify(test, ssa_crl_leaf, forged));
	KUNIT_EXPECT_EQ(test, (u32)MBEDTLS_X509_BADCRL_EXPIRED,
			ssa_crl_verify(test, ssa_crl_leaf, stale));
	/* Stock mbedTLS: EXPIRED, from the stale one. */
	KUNIT_EXPECT_EQ(test, 0U, ssa_crl_verify(test, ssa_crl_leaf, stale_current));
	/* Same issuer name and serial, another key, and the CA's own
	 * certificate sent after it as its "parent": the signature fails, and
	 * stock mbedTLS went on to hash and check the CA's CRLs (REVOKED).
	 */
	f = ssa_crl_verify(test, ssa_crl_cat(test, ssa_crl_fake, ssa_crl_ca), revoking);
	KUNIT_EXPECT_TRUE(test, f & MBEDTLS_X509_BADCERT_NOT_TRUSTED);
	KUNIT_EXPECT_FALSE(test, f & MBEDTLS_X509_BADCERT_REVOKED);
}

/* ssa_crl_replace() with a copy of @text (it trims in place). */
static int ssa_crl_load(struct kunit *test, const char *text, bool locked)
{
	size_t len = strlen(text);
	char *buf = kunit_kmalloc(test, len + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, text, len + 1);
	return ssa_crl_replace(buf, len, locked);
}

static unsigned int ssa_crl_loaded(void)
{
	unsigned int n, stale;

	ssa_crl_stats(&n, &stale);
	return n;
}

static void ssa_crl_loading(struct kunit *test)
{
	char *two = ssa_crl_cat(test, ssa_crl_cat(test, ssa_crl_stale, ssa_crl_empty),
				"\n\n \t\n");
	char *junk = ssa_crl_cat(test, ssa_crl_empty, "junk\n");
	struct ssa_crl_set *s;
	u64 gen;

	KUNIT_ASSERT_EQ(test, 0, ssa_crl_load(test, two, false));
	KUNIT_EXPECT_EQ(test, 2U, ssa_crl_loaded());
	s = ssa_crl_get();
	KUNIT_ASSERT_NOT_NULL(test, s);
	gen = ssa_crl_gen(s);
	ssa_crl_put(s);
	KUNIT_EXPECT_EQ(test, -EINVAL, ssa_crl_load(test, junk, false));
	KUNIT_EXPECT_EQ(test, -EINVAL, ssa_crl_load(test, "-----BEGIN X509 CRL-----\nAAAA\n"
						"-----END X509 CRL-----\n", false));
	KUNIT_EXPECT_EQ(test, 2U, ssa_crl_loaded());	/* the old set stays */

	/* Locked: no issuer goes, no CRL gets older; a refresh is fine. */
	KUNIT_ASSERT_EQ(test, 0, ssa_crl_load(test, ssa_crl_empty, false));
	KUNIT_EXPECT_EQ(test, -EPERM, ssa_crl_load(test, "\t\n", true));
	KUNIT_EXPECT_EQ(test, -EPERM, ssa_crl_load(test, ssa_crl_stale, true));
	KUNIT_EXPECT_EQ(test, 0, ssa_crl_load(test, ssa_crl_revoking, true));
	s = ssa_crl_get();
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_GT(test, ssa_crl_gen(s), gen);
	ssa_crl_put(s);

	KUNIT_EXPECT_EQ(test, 0, ssa_crl_load(test, "\n", false));
	KUNIT_EXPECT_EQ(test, 0U, ssa_crl_loaded());
	KUNIT_EXPECT_NULL(test, ssa_crl_get());
}

static struct kunit_case ssa_crl_cases[] = {
	KUNIT_CASE(ssa_crl_chain_checks),
	KUNIT_CASE(ssa_crl_loading),
	{}
};

static struct kunit_suite ssa_crl_suite = {
	.name = "tls_ssa_crl",
	.test_cases = ssa_crl_cases,
};

kunit_test_suite(ssa_crl_suite);
