// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the mbedTLS port.  Known-answer tests for the primitives the
 * handshake uses (SHA-256, AES-GCM, X25519), the kernel's X25519 and
 * ECDSA verification arithmetic against mbedTLS's, a sign/verify round
 * trip for ECDSA P-256, X.509 parsing of an embedded certificate, the
 * kernel RNG behind PSA, the time glue, and allocation failure at every
 * allocation of a parse (errors, never a crash or a leak).
 */

#include <kunit/test.h>
#include <linux/random.h>
#include <linux/string.h>
#include <linux/time64.h>

#include "ssa_mbedtls.h"
#include "ssa_mbedtls_platform.h"
#include "ssa_mbedtls_accel.h"

/* Self-signed ECDSA P-256 test certificate, O=tls_ssa, CN=tls-ssa-kunit. */
static const char ssa_test_cert[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBrDCCAVGgAwIBAgIUR3Q1dNFWqVIyOJhsITtVBk0e7AUwCgYIKoZIzj0EAwIw\n"
	"KjEQMA4GA1UECgwHdGxzX3NzYTEWMBQGA1UEAwwNdGxzLXNzYS1rdW5pdDAgFw0y\n"
	"NjExMjYxODM4NDFaGA8yMTI2MTEwMjE4Mzg0MVowKjEQMA4GA1UECgwHdGxzX3Nz\n"
	"YTEWMBQGA1UEAwwNdGxzLXNzYS1rdW5pdDBZMBMGByqGSM49AgEGCCqGSM49AwEH\n"
	"A0IABO3hX71I3TlJ5xgG9j/vL7FzvFb7n7nB0kSMtAD+w1dQF2QCb9xINo3gN8fs\n"
	"ixoomOHGgkERlFG4SeCGsicB7gSjUzBRMB0GA1UdDgQWBBREOjAAC71xwqwPgE5d\n"
	"KkzGW2bwkTAfBgNVHSMEGDAWgBREOjAAC71xwqwPgE5dKkzGW2bwkTAPBgNVHRMB\n"
	"Af8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQDgHgAzCph9K/J/8Q6jckUkV1zm\n"
	"/Y3Iz9iCwFzaX96RpgIhALHuAztVGVAvuhwJeDFUE8UXUBbLpvAEnEvesLvYwIkz\n"
	"-----END CERTIFICATE-----\n";

static void ssa_sha256_abc(struct kunit *test)
{
	/* FIPS 180-2, appendix B.1 */
	static const u8 want[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
		0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
		0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
		0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	u8 out[32];
	size_t len = 0;

	KUNIT_ASSERT_EQ(test, PSA_SUCCESS,
			psa_hash_compute(PSA_ALG_SHA_256, (const u8 *)"abc", 3,
					 out, sizeof(out), &len));
	KUNIT_EXPECT_EQ(test, len, sizeof(want));
	KUNIT_EXPECT_EQ(test, 0, memcmp(out, want, sizeof(want)));
}

static psa_key_id_t ssa_import(struct kunit *test, psa_key_type_t type,
			       size_t bits, psa_key_usage_t usage,
			       psa_algorithm_t alg, const u8 *key, size_t len)
{
	psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
	psa_key_id_t id = 0;

	psa_set_key_type(&attr, type);
	psa_set_key_bits(&attr, bits);
	psa_set_key_usage_flags(&attr, usage);
	psa_set_key_algorithm(&attr, alg);
	KUNIT_ASSERT_EQ(test, PSA_SUCCESS, psa_import_key(&attr, key, len, &id));
	return id;
}

static void ssa_aes_gcm_kat(struct kunit *test)
{
	/* McGrew & Viega, GCM spec test case 2: zero key, IV, plaintext. */
	static const u8 key[16], iv[12], pt[16];
	static const u8 want[32] = {
		0x03, 0x88, 0xda, 0xce, 0x60, 0xb6, 0xa3, 0x92,
		0xf3, 0x28, 0xc2, 0xb9, 0x71, 0xb2, 0xfe, 0x78,
		0xab, 0x6e, 0x47, 0xd4, 0x2c, 0xec, 0x13, 0xbd,
		0xf5, 0x3a, 0x67, 0xb2, 0x12, 0x57, 0xbd, 0xdf,
	};
	u8 ct[32], back[16];
	size_t len = 0;
	psa_key_id_t id;

	id = ssa_import(test, PSA_KEY_TYPE_AES, 128,
			PSA_KEY_USAGE_ENCRYPT | PSA_KEY_USAGE_DECRYPT,
			PSA_ALG_GCM, key, sizeof(key));
	KUNIT_EXPECT_EQ(test, PSA_SUCCESS,
			psa_aead_encrypt(id, PSA_ALG_GCM, iv, sizeof(iv), NULL, 0,
					 pt, sizeof(pt), ct, sizeof(ct), &len));
	KUNIT_EXPECT_EQ(test, len, sizeof(want));
	KUNIT_EXPECT_EQ(test, 0, memcmp(ct, want, sizeof(want)));

	KUNIT_EXPECT_EQ(test, PSA_SUCCESS,
			psa_aead_decrypt(id, PSA_ALG_GCM, iv, sizeof(iv), NULL, 0,
					 ct, sizeof(ct), back, sizeof(back), &len));
	KUNIT_EXPECT_EQ(test, 0, memcmp(back, pt, sizeof(pt)));

	ct[31] ^= 1;	/* a forged tag must be refused */
	KUNIT_EXPECT_EQ(test, PSA_ERROR_INVALID_SIGNATURE,
			psa_aead_decrypt(id, PSA_ALG_GCM, iv, sizeof(iv), NULL, 0,
					 ct, sizeof(ct), back, sizeof(back), &len));
	psa_destroy_key(id);
}

static void ssa_ecdsa_p256_sign_verify(struct kunit *test)
{
	psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
	const psa_algorithm_t alg = PSA_ALG_ECDSA(PSA_ALG_SHA_256);
	u8 hash[32], sig[PSA_SIGNATURE_MAX_SIZE];
	size_t hlen, slen = 0;
	psa_key_id_t id = 0;

	psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1));
	psa_set_key_bits(&attr, 256);
	psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_SIGN_HASH | PSA_KEY_USAGE_VERIFY_HASH);
	psa_set_key_algorithm(&attr, alg);
	KUNIT_ASSERT_EQ(test, PSA_SUCCESS, psa_generate_key(&attr, &id));

	KUNIT_ASSERT_EQ(test, PSA_SUCCESS,
			psa_hash_compute(PSA_ALG_SHA_256, (const u8 *)"tls_ssa", 7,
					 hash, sizeof(hash), &hlen));
	KUNIT_ASSERT_EQ(test, PSA_SUCCESS,
			psa_sign_hash(id, alg, hash, hlen, sig, sizeof(sig), &slen));
	KUNIT_EXPECT_EQ(test, slen, (size_t)64);
	KUNIT_EXPECT_EQ(test, PSA_SUCCESS, psa_verify_hash(id, alg, hash, hlen, sig, slen));

	hash[0] ^= 0x80;
	KUNIT_EXPECT_EQ(test, PSA_ERROR_INVALID_SIGNATURE,
			psa_verify_hash(id, alg, hash, hlen, sig, slen));
	psa_destroy_key(id);
}

static void ssa_x25519_rfc7748(struct kunit *test)
{
	/* RFC 7748 section 6.1 */
	static const u8 alice_priv[32] = {
		0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d,
		0x3c, 0x16, 0xc1, 0x72, 0x51, 0xb2, 0x66, 0x45,
		0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0, 0x99, 0x2a,
		0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9, 0x2c, 0x2a,
	};
	static const u8 bob_pub[32] = {
		0xde, 0x9e, 0xdb, 0x7d, 0x7b, 0x7d, 0xc1, 0xb4,
		0xd3, 0x5b, 0x61, 0xc2, 0xec, 0xe4, 0x35, 0x37,
		0x3f, 0x83, 0x43, 0xc8, 0x5b, 0x78, 0x67, 0x4d,
		0xad, 0xfc, 0x7e, 0x14, 0x6f, 0x88, 0x2b, 0x4f,
	};
	static const u8 want[32] = {
		0x4a, 0x5d, 0x9d, 0x5b, 0xa4, 0xce, 0x2d, 0xe1,
		0x72, 0x8e, 0x3b, 0xf4, 0x80, 0x35, 0x0f, 0x25,
		0xe0, 0x7e, 0x21, 0xc9, 0x47, 0xd1, 0x9e, 0x33,
		0x76, 0xf0, 0x9b, 0x3c, 0x1e, 0x16, 0x17, 0x42,
	};
	u8 shared[32];
	size_t len = 0;
	psa_key_id_t id;

	id = ssa_import(test, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_MONTGOMERY),
			255, PSA_KEY_USAGE_DERIVE, PSA_ALG_ECDH,
			alice_priv, sizeof(alice_priv));
	KUNIT_EXPECT_EQ(test, PSA_SUCCESS,
			psa_raw_key_agreement(PSA_ALG_ECDH, id, bob_pub, sizeof(bob_pub),
					      shared, sizeof(shared), &len));
	KUNIT_EXPECT_EQ(test, len, sizeof(want));
	KUNIT_EXPECT_EQ(test, 0, memcmp(shared, want, sizeof(want)));
	psa_destroy_key(id);
}

/* X25519's u coordinate of m * P, by the kernel (fast) or by mbedTLS. */
static int ssa_x25519_u(mbedtls_ecp_group *grp, const mbedtls_mpi *m,
			const mbedtls_ecp_point *P, bool fast, u8 u[32])
{
	mbedtls_ecp_point R;
	size_t len = 0;
	int ret;

	mbedtls_ecp_point_init(&R);
	if (fast)
		ret = mbedtls_ecp_mul(grp, &R, m, P, mbedtls_psa_get_random,
				      MBEDTLS_PSA_RANDOM_STATE);
	else
		ret = ssa_mbedtls_ecp_mul_sw(grp, &R, m, P, mbedtls_psa_get_random,
					     MBEDTLS_PSA_RANDOM_STATE);
	if (!ret)
		ret = mbedtls_ecp_point_write_binary(grp, &R, MBEDTLS_ECP_PF_UNCOMPRESSED,
						     &len, u, 32);
	mbedtls_ecp_point_free(&R);
	return ret ?: (len == 32 ? 0 : -1);
}

/* The kernel's curve25519 behind mbedtls_ecp_mul() against mbedTLS's own
 * ladder: public keys and shared secrets of random keys, and the
 * low-order points both must refuse.
 */
static void ssa_x25519_kernel_vs_mbedtls(struct kunit *test)
{
	static const u8 low_order[][32] = {
		{ 0 },					/* 0 */
		{ 1 },					/* 1 */
		{ 0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae,	/* order 8 */
		  0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
		  0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd,
		  0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00 },
	};
	mbedtls_ecp_group grp;
	mbedtls_ecp_point peer;
	mbedtls_mpi d, e;
	u8 a[32], b[32], pub[32];
	int i;

	mbedtls_ecp_group_init(&grp);
	mbedtls_ecp_point_init(&peer);
	mbedtls_mpi_init(&d);
	mbedtls_mpi_init(&e);
	KUNIT_ASSERT_EQ(test, 0, mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_CURVE25519));

	for (i = 0; i < 16; i++) {
		KUNIT_ASSERT_EQ(test, 0, mbedtls_ecp_gen_privkey(&grp, &d, mbedtls_psa_get_random,
								 MBEDTLS_PSA_RANDOM_STATE));
		KUNIT_ASSERT_EQ(test, 0, mbedtls_ecp_gen_privkey(&grp, &e, mbedtls_psa_get_random,
								 MBEDTLS_PSA_RANDOM_STATE));
		/* Public keys: the base-point path. */
		KUNIT_ASSERT_EQ(test, 0, ssa_x25519_u(&grp, &e, &grp.G, true, a));
		KUNIT_ASSERT_EQ(test, 0, ssa_x25519_u(&grp, &e, &grp.G, false, b));
		KUNIT_EXPECT_EQ(test, 0, memcmp(a, b, 32));
		memcpy(pub, a, 32);
		/* Shared secrets: the variable-point path. */
		KUNIT_ASSERT_EQ(test, 0, mbedtls_ecp_point_read_binary(&grp, &peer, pub, 32));
		KUNIT_ASSERT_EQ(test, 0, ssa_x25519_u(&grp, &d, &peer, true, a));
		KUNIT_ASSERT_EQ(test, 0, ssa_x25519_u(&grp, &d, &peer, false, b));
		KUNIT_EXPECT_EQ(test, 0, memcmp(a, b, 32));
		KUNIT_EXPECT_NE(test, 0, memcmp(a, pub, 32));
	}

	for (i = 0; i < ARRAY_SIZE(low_order); i++) {
		KUNIT_ASSERT_EQ(test, 0, mbedtls_ecp_point_read_binary(&grp, &peer,
								      low_order[i], 32));
		KUNIT_EXPECT_NE_MSG(test, 0, ssa_x25519_u(&grp, &d, &peer, true, a),
				    "low-order point %d accepted", i);
		KUNIT_EXPECT_NE(test, 0, ssa_x25519_u(&grp, &d, &peer, false, b));
	}

	/* An unclamped scalar is refused, as by mbedTLS. */
	KUNIT_ASSERT_EQ(test, 0, mbedtls_mpi_set_bit(&d, 0, 1));
	KUNIT_EXPECT_EQ(test, MBEDTLS_ERR_ECP_INVALID_KEY,
			ssa_x25519_u(&grp, &d, &grp.G, true, a));

	mbedtls_mpi_free(&e);
	mbedtls_mpi_free(&d);
	mbedtls_ecp_point_free(&peer);
	mbedtls_ecp_group_free(&grp);
}

/* ECDSA verification by the kernel's ECC library and by mbedTLS: same answer. */
static int ssa_verify_both(struct kunit *test, mbedtls_ecp_group *grp, const u8 *h,
			   size_t hlen, const mbedtls_ecp_point *Q, const mbedtls_mpi *r,
			   const mbedtls_mpi *s, const char *what)
{
	int fast = mbedtls_ecdsa_verify(grp, h, hlen, Q, r, s);
	int sw = ssa_mbedtls_ecdsa_verify_sw(grp, h, hlen, Q, r, s);

	KUNIT_EXPECT_EQ_MSG(test, fast, sw, "%s, curve %d", what, grp->id);
	return fast;
}

/* The kernel's ECDSA verification against mbedTLS's, on P-256 and P-384:
 * valid signatures, the other valid s (n - s), altered hashes and
 * signatures, r and s out of range, hashes longer and shorter than the
 * curve and above n, and the key 1 (Q = G, left to mbedTLS).
 */
static void ssa_ecdsa_verify_kernel_vs_mbedtls(struct kunit *test)
{
	static const mbedtls_ecp_group_id curves[] = {
		MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_SECP384R1,
	};
	static const size_t hlens[] = { 32, 48, 64, 20 };
	int c, i;

	for (c = 0; c < ARRAY_SIZE(curves); c++) {
		mbedtls_ecp_group grp;
		mbedtls_ecp_point Q;
		mbedtls_mpi d, r, s, t;
		u8 h[64];

		mbedtls_ecp_group_init(&grp);
		mbedtls_ecp_point_init(&Q);
		mbedtls_mpi_init(&d);
		mbedtls_mpi_init(&r);
		mbedtls_mpi_init(&s);
		mbedtls_mpi_init(&t);
		KUNIT_ASSERT_EQ(test, 0, mbedtls_ecp_group_load(&grp, curves[c]));

		for (i = 0; i < 10; i++) {
			size_t hlen = hlens[i % ARRAY_SIZE(hlens)];

			if (i == 9) {		/* the key 1: Q = G */
				KUNIT_ASSERT_EQ(test, 0, mbedtls_mpi_lset(&d, 1));
				KUNIT_ASSERT_EQ(test, 0, mbedtls_ecp_copy(&Q, &grp.G));
			} else {
				KUNIT_ASSERT_EQ(test, 0, mbedtls_ecp_gen_keypair(&grp, &d, &Q,
										 mbedtls_psa_get_random,
										 MBEDTLS_PSA_RANDOM_STATE));
			}
			get_random_bytes(h, sizeof(h));
			if (i == 4)		/* e > n */
				memset(h, 0xff, sizeof(h));
			KUNIT_ASSERT_EQ(test, 0, mbedtls_ecdsa_sign(&grp, &r, &s, &d, h, hlen,
								    mbedtls_psa_get_random,
								    MBEDTLS_PSA_RANDOM_STATE));

			KUNIT_EXPECT_EQ(test, 0, ssa_verify_both(test, &grp, h, hlen, &Q, &r, &s,
								 "valid"));
			KUNIT_ASSERT_EQ(test, 0, mbedtls_mpi_sub_mpi(&t, &grp.N, &s));
			KUNIT_EXPECT_EQ(test, 0, ssa_verify_both(test, &grp, h, hlen, &Q, &r, &t,
								 "n - s"));
			h[i % hlen] ^= 0x10;
			KUNIT_EXPECT_EQ(test, MBEDTLS_ERR_ECP_VERIFY_FAILED,
					ssa_verify_both(test, &grp, h, hlen, &Q, &r, &s, "hash"));
			h[i % hlen] ^= 0x10;
			KUNIT_ASSERT_EQ(test, 0, mbedtls_mpi_add_int(&t, &r, 1));
			KUNIT_EXPECT_EQ(test, MBEDTLS_ERR_ECP_VERIFY_FAILED,
					ssa_verify_both(test, &grp, h, hlen, &Q, &t, &s, "r + 1"));
			KUNIT_ASSERT_EQ(test, 0, mbedtls_mpi_add_int(&t, &s, 1));
			KUNIT_EXPECT_EQ(test, MBEDTLS_ERR_ECP_VERIFY_FAILED,
					ssa_verify_both(test, &grp, h, hlen, &Q, &r, &t, "s + 1"));
			KUNIT_EXPECT_EQ(test, MBEDTLS_ERR_ECP_VERIFY_FAILED,
					ssa_verify_both(test, &grp, h, hlen, &Q, &r, &grp.N, "s = n"));
			KUNIT_ASSERT_EQ(test, 0, mbedtls_mpi_lset(&t, 0));
			KUNIT_EXPECT_EQ(test, MBEDTLS_ERR_ECP_VERIFY_FAILED,
					ssa_verify_both(test, &grp, h, hlen, &Q, &t, &s, "r = 0"));
		}
		mbedtls_mpi_free(&t);
		mbedtls_mpi_free(&s);
		mbedtls_mpi_free(&r);
		mbedtls_mpi_free(&d);
		mbedtls_ecp_point_free(&Q);
		mbedtls_ecp_group_free(&grp);
	}
}

static void ssa_x509_parse(struct kunit *test)
{
	mbedtls_x509_crt crt;
	char dn[128];
	u32 flags = 0;
	int ret;

	mbedtls_x509_crt_init(&crt);
	ret = mbedtls_x509_crt_parse(&crt, (const u8 *)ssa_test_cert,
				     sizeof(ssa_test_cert));
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_GT(test, mbedtls_x509_dn_gets(dn, sizeof(dn), &crt.subject), 0);
	KUNIT_EXPECT_STREQ(test, dn, "O=tls_ssa, CN=tls-ssa-kunit");
	KUNIT_EXPECT_TRUE(test, mbedtls_pk_can_do(&crt.pk, MBEDTLS_PK_ECKEY));

	/* Its own trust anchor: the signature must check out. */
	ret = mbedtls_x509_crt_verify(&crt, &crt, NULL, NULL, &flags, NULL, NULL);
	KUNIT_EXPECT_EQ(test, flags & ~(u32)(MBEDTLS_X509_BADCERT_FUTURE |
					     MBEDTLS_X509_BADCERT_EXPIRED), 0U);
	mbedtls_x509_crt_free(&crt);
}

static void ssa_x509_reject_corrupt(struct kunit *test)
{
	char *bad = kunit_kmalloc(test, sizeof(ssa_test_cert), GFP_KERNEL);
	mbedtls_x509_crt crt;
	u32 flags = 0;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, bad);
	memcpy(bad, ssa_test_cert, sizeof(ssa_test_cert));
	bad[100] = bad[100] == 'A' ? 'B' : 'A';	/* inside the TBS DER */

	mbedtls_x509_crt_init(&crt);
	ret = mbedtls_x509_crt_parse(&crt, (const u8 *)bad, sizeof(ssa_test_cert));
	if (ret == 0) {
		/* Still well-formed: then the signature no longer matches. */
		mbedtls_x509_crt_verify(&crt, &crt, NULL, NULL, &flags, NULL, NULL);
		KUNIT_EXPECT_TRUE(test, flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED);
	} else {
		KUNIT_EXPECT_LT(test, ret, 0);
	}
	mbedtls_x509_crt_free(&crt);
}

static void ssa_rng_differs(struct kunit *test)
{
	static const u8 zero[32];
	u8 a[32], b[32];

	KUNIT_ASSERT_EQ(test, PSA_SUCCESS, psa_generate_random(a, sizeof(a)));
	KUNIT_ASSERT_EQ(test, PSA_SUCCESS, psa_generate_random(b, sizeof(b)));
	KUNIT_EXPECT_NE(test, 0, memcmp(a, b, sizeof(a)));
	KUNIT_EXPECT_NE(test, 0, memcmp(a, zero, sizeof(a)));
}

static void ssa_time_glue(struct kunit *test)
{
	const mbedtls_time_t leap = 951782400;	/* 2000-02-29 00:00:00 UTC */
	mbedtls_ms_time_t t0, t1;
	struct tm tm;

	KUNIT_ASSERT_PTR_EQ(test, mbedtls_platform_gmtime_r(&leap, &tm), &tm);
	KUNIT_EXPECT_EQ(test, tm.tm_year, 100L);
	KUNIT_EXPECT_EQ(test, tm.tm_mon, 1);
	KUNIT_EXPECT_EQ(test, tm.tm_mday, 29);
	KUNIT_EXPECT_EQ(test, tm.tm_hour, 0);

	KUNIT_EXPECT_GT(test, (s64)mbedtls_time(NULL), (s64)1600000000);
	t0 = mbedtls_ms_time();
	t1 = mbedtls_ms_time();
	KUNIT_EXPECT_GE(test, t1, t0);
}

/* Fail the 1st, 2nd, ... allocation of a certificate parse and of a key
 * generation in turn, until one run needs no more: every failing run
 * must return an error and leave nothing behind.
 */
static void ssa_alloc_failures(struct kunit *test)
{
	psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
	long live = ssa_mbedtls_live_allocs();
	int n, ret = -1, failures = 0;

	for (n = 0; n < 64 && ret; n++) {
		mbedtls_x509_crt crt;

		mbedtls_x509_crt_init(&crt);
		ssa_mbedtls_fail_alloc_after(n);
		ret = mbedtls_x509_crt_parse(&crt, (const u8 *)ssa_test_cert,
					     sizeof(ssa_test_cert));
		ssa_mbedtls_fail_alloc_after(-1);
		if (ret) {
			KUNIT_EXPECT_LT(test, ret, 0);
			failures++;
		}
		mbedtls_x509_crt_free(&crt);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_GT(test, failures, 0);
	KUNIT_EXPECT_EQ(test, ssa_mbedtls_live_allocs(), live);

	psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1));
	psa_set_key_bits(&attr, 256);
	psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_SIGN_HASH);
	psa_set_key_algorithm(&attr, PSA_ALG_ECDSA(PSA_ALG_SHA_256));
	for (n = 0, ret = -1; n < 256 && ret != PSA_SUCCESS; n++) {
		psa_key_id_t id = 0;

		ssa_mbedtls_fail_alloc_after(n);
		ret = psa_generate_key(&attr, &id);
		ssa_mbedtls_fail_alloc_after(-1);
		/* A failed allocation inside the random scalar generation
		 * surfaces as the RNG's error, elsewhere as out of memory.
		 */
		if (ret == PSA_SUCCESS)
			psa_destroy_key(id);
		else
			KUNIT_EXPECT_TRUE_MSG(test, ret == PSA_ERROR_INSUFFICIENT_MEMORY ||
					      ret == PSA_ERROR_INSUFFICIENT_ENTROPY,
					      "allocation %d failed: %d", n, ret);
	}
	KUNIT_EXPECT_EQ(test, ret, PSA_SUCCESS);
}

static struct kunit_case ssa_crypto_cases[] = {
	KUNIT_CASE(ssa_sha256_abc),
	KUNIT_CASE(ssa_aes_gcm_kat),
	KUNIT_CASE(ssa_ecdsa_p256_sign_verify),
	KUNIT_CASE(ssa_x25519_rfc7748),
	KUNIT_CASE(ssa_x25519_kernel_vs_mbedtls),
	KUNIT_CASE(ssa_ecdsa_verify_kernel_vs_mbedtls),
	KUNIT_CASE(ssa_x509_parse),
	KUNIT_CASE(ssa_x509_reject_corrupt),
	KUNIT_CASE(ssa_rng_differs),
	KUNIT_CASE(ssa_time_glue),
	KUNIT_CASE(ssa_alloc_failures),
	{}
};

static struct kunit_suite ssa_crypto_suite = {
	.name = "tls_ssa_mbedtls",
	.test_cases = ssa_crypto_cases,
};

kunit_test_suite(ssa_crypto_suite);
