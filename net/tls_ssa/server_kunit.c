// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: what servers and session resumption decide without a network.
 *
 *  - TLS 1.3 client sessions built from NewSessionTicket messages: the
 *    fields, and the ticket PSK against an independent computation of
 *    RFC 8446 4.6.1 (HKDF-Expand-Label(rms, "resumption", nonce), done
 *    with Python's hmac module); every malformed form refused;
 *  - chain/key pairing: a key must match its chain's leaf, pairs are
 *    complete before use, SNI picks the pair that names the host;
 *  - the peer chain kept as DER and given back as the PEM it came in.
 *
 * The certificates are throwaway self-signed P-256 ones made for this
 * test (a.example / *.a.example and b.example / *.b.example).
 */

/* The session crypto/mbedtls_peek.c builds is checked field by field. */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/net.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <linux/string.h>

#include "tls_ssa.h"
#include "ssa_mbedtls.h"
#include "ssa_mbedtls_peek.h"

static const char ssa_pem_a_crt[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBoTCCAUigAwIBAgIUctfen2KMXdrgc50CzogzDPVFm90wCgYIKoZIzj0EAwIw\n"
	"FDESMBAGA1UEAwwJYS5leGFtcGxlMCAXDTI2MTEyNjIxMTAwMloYDzIxMjYxMTAy\n"
	"MjExMDAyWjAUMRIwEAYDVQQDDAlhLmV4YW1wbGUwWTATBgcqhkjOPQIBBggqhkjO\n"
	"PQMBBwNCAASsa88ozvuUpNkPk/jILaCKJa2FENl3WEknGMv2nCORu3+OYMFJKnS2\n"
	"nZ1MvrNp8xXM8c1PGKBuwlG5ZHX4lzuto3YwdDAdBgNVHQ4EFgQUMejdVg0BssSE\n"
	"VU9IID6SmaHAU7AwHwYDVR0jBBgwFoAUMejdVg0BssSEVU9IID6SmaHAU7AwDwYD\n"
	"VR0TAQH/BAUwAwEB/zAhBgNVHREEGjAYgglhLmV4YW1wbGWCCyouYS5leGFtcGxl\n"
	"MAoGCCqGSM49BAMCA0cAMEQCIE7habBVPtjYvJhr9TNziAIbQro7UlBXpy25dhju\n"
	"fEMMAiBoHkwsLMAz+21Z0nsCWBwBHrqgr37EkuDhyrHktNoL0A==\n"
	"-----END CERTIFICATE-----\n";

static const char ssa_pem_a_key[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgH+Kj2rL4X7scvWRv\n"
	"5vnWASG92PvlGE61IH1yUli99rqhRANCAASsa88ozvuUpNkPk/jILaCKJa2FENl3\n"
	"WEknGMv2nCORu3+OYMFJKnS2nZ1MvrNp8xXM8c1PGKBuwlG5ZHX4lzut\n"
	"-----END PRIVATE KEY-----\n";

static const char ssa_pem_b_crt[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBoTCCAUigAwIBAgIUTnw6tkzUMdTN99eWLxy/AiCrY6cwCgYIKoZIzj0EAwIw\n"
	"FDESMBAGA1UEAwwJYi5leGFtcGxlMCAXDTI2MTEyNjIxMTAwMloYDzIxMjYxMTAy\n"
	"MjExMDAyWjAUMRIwEAYDVQQDDAliLmV4YW1wbGUwWTATBgcqhkjOPQIBBggqhkjO\n"
	"PQMBBwNCAARSZyj2NeBglZgY2FiYsk3aD+y4MpkGs6b9yvIFw1YRG85YP3WiAGsV\n"
	"Fb/15b8a2hyhRZHZ5tTOSQTDeEZxa3rCo3YwdDAdBgNVHQ4EFgQUFuwdgX5kDMnf\n"
	"85bFT26onGAdRoMwHwYDVR0jBBgwFoAUFuwdgX5kDMnf85bFT26onGAdRoMwDwYD\n"
	"VR0TAQH/BAUwAwEB/zAhBgNVHREEGjAYggliLmV4YW1wbGWCCyouYi5leGFtcGxl\n"
	"MAoGCCqGSM49BAMCA0cAMEQCID+AkRAGtyaL6RpPBj+EqxDgf1Zms5u09bQRl1i+\n"
	"4DgtAiArpigwvqQUKL5wweTtV9aX+Z4l5PnjzE6B+IFtdDXmEA==\n"
	"-----END CERTIFICATE-----\n";

static const char ssa_pem_b_key[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgAzrUOK413Qow3lBx\n"
	"O2jVZmSck9/jgQk5gI4ebG0FswOhRANCAARSZyj2NeBglZgY2FiYsk3aD+y4MpkG\n"
	"s6b9yvIFw1YRG85YP3WiAGsVFb/15b8a2hyhRZHZ5tTOSQTDeEZxa3rC\n"
	"-----END PRIVATE KEY-----\n";

/* NewSessionTicket body: lifetime 3600, age_add 0x01020304, nonce 00 01,
 * a 10-byte ticket, no extensions.
 */
static const u8 ssa_nst[] = {
	0x00, 0x00, 0x0e, 0x10, 0x01, 0x02, 0x03, 0x04,
	0x02, 0x00, 0x01,
	0x00, 0x0a, 'T', 'I', 'C', 'K', 'E', 'T', 'D', 'A', 'T', 'A',
	0x00, 0x00,
};

static void ssa_hex(struct kunit *test, const char *hex, u8 *out, size_t len)
{
	KUNIT_ASSERT_EQ(test, 0, hex2bin(out, hex, len));
}

static void ssa_nst_builds_session(struct kunit *test)
{
	static const u8 sha384_nst[] = {
		0x00, 0x00, 0x00, 0x3c, 0xff, 0xff, 0xff, 0xff, 0x01, 0x07,
		0x00, 0x01, 0x5a, 0x00, 0x00,
	};
	mbedtls_ssl_session s;
	u8 rms[48], psk[48];
	unsigned int i;

	for (i = 0; i < 32; i++)
		rms[i] = 0x40 + i;
	ssa_hex(test, "c67894354f77cf0f40d00e62ed028d4eb434ff81cf028e3e5a97421b87f560ea",
		psk, 32);
	mbedtls_ssl_session_init(&s);
	KUNIT_ASSERT_EQ(test, 0, ssa_mbedtls_tls13_ticket(&s, 0x1301, "a.example", rms,
							  ssa_nst, sizeof(ssa_nst)));
	KUNIT_EXPECT_EQ(test, s.ticket_lifetime, 3600);
	KUNIT_EXPECT_EQ(test, s.ticket_age_add, 0x01020304);
	KUNIT_ASSERT_EQ(test, s.ticket_len, 10);
	KUNIT_EXPECT_EQ(test, 0, memcmp(s.ticket, "TICKETDATA", 10));
	KUNIT_ASSERT_EQ(test, s.resumption_key_len, 32);
	KUNIT_EXPECT_EQ(test, 0, memcmp(s.resumption_key, psk, 32));
	KUNIT_EXPECT_EQ(test, s.tls_version, MBEDTLS_SSL_VERSION_TLS1_3);
	KUNIT_EXPECT_EQ(test, s.endpoint, MBEDTLS_SSL_IS_CLIENT);
	KUNIT_EXPECT_EQ(test, s.ciphersuite, 0x1301);
	KUNIT_EXPECT_STREQ(test, s.hostname, "a.example");
	mbedtls_ssl_session_free(&s);

	/* SHA-384 suite: a 48-byte PSK from a 48-byte secret. */
	for (i = 0; i < 48; i++)
		rms[i] = 0x10 + i;
	ssa_hex(test, "8d9ee387487d7be33c74ede9a876aa6271927d0ebd802e31", psk, 24);
	ssa_hex(test, "5c023ac550c0d1ff97546d957c045df4d8a4e972be7e3017", psk + 24, 24);
	mbedtls_ssl_session_init(&s);
	KUNIT_ASSERT_EQ(test, 0, ssa_mbedtls_tls13_ticket(&s, 0x1302, NULL, rms,
							  sha384_nst, sizeof(sha384_nst)));
	KUNIT_ASSERT_EQ(test, s.resumption_key_len, 48);
	KUNIT_EXPECT_EQ(test, 0, memcmp(s.resumption_key, psk, 48));
	KUNIT_EXPECT_NULL(test, s.hostname);
	mbedtls_ssl_session_free(&s);
}

static void ssa_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static int ssa_nst_try(const u8 *msg, size_t len)
{
	mbedtls_ssl_session s;
	u8 rms[32] = {};
	int ret;

	mbedtls_ssl_session_init(&s);
	ret = ssa_mbedtls_tls13_ticket(&s, 0x1301, NULL, rms, msg, len);
	mbedtls_ssl_session_free(&s);
	return ret;
}

static void ssa_nst_malformed(struct kunit *test)
{
	u8 m[sizeof(ssa_nst) + 1];
	size_t len;

	/* Every truncation, and a trailing byte. */
	for (len = 0; len < sizeof(ssa_nst); len++)
		KUNIT_EXPECT_EQ_MSG(test, MBEDTLS_ERR_SSL_DECODE_ERROR,
				    ssa_nst_try(ssa_nst, len), "length %zu", len);
	memcpy(m, ssa_nst, sizeof(ssa_nst));
	m[sizeof(ssa_nst)] = 0;
	KUNIT_EXPECT_EQ(test, MBEDTLS_ERR_SSL_DECODE_ERROR, ssa_nst_try(m, sizeof(m)));

	/* A nonce or ticket length pointing past the end. */
	memcpy(m, ssa_nst, sizeof(ssa_nst));
	m[8] = 0xff;
	KUNIT_EXPECT_EQ(test, MBEDTLS_ERR_SSL_DECODE_ERROR, ssa_nst_try(m, sizeof(ssa_nst)));
	memcpy(m, ssa_nst, sizeof(ssa_nst));
	m[11] = 0xff;
	KUNIT_EXPECT_EQ(test, MBEDTLS_ERR_SSL_DECODE_ERROR, ssa_nst_try(m, sizeof(ssa_nst)));

	/* An empty ticket (ticket<1..2^16-1>). */
	{
		static const u8 empty[] = { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

		KUNIT_EXPECT_EQ(test, MBEDTLS_ERR_SSL_DECODE_ERROR,
				ssa_nst_try(empty, sizeof(empty)));
	}

	/* Lifetime 0 (do not use) and over 7 days (RFC 8446 4.6.1). */
	memcpy(m, ssa_nst, sizeof(ssa_nst));
	memset(m, 0, 4);
	KUNIT_EXPECT_EQ(test, MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE,
			ssa_nst_try(m, sizeof(ssa_nst)));
	ssa_be32(m, 604801);
	KUNIT_EXPECT_EQ(test, MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE,
			ssa_nst_try(m, sizeof(ssa_nst)));
	ssa_be32(m, 604800);
	KUNIT_EXPECT_EQ(test, 0, ssa_nst_try(m, sizeof(ssa_nst)));
}

static struct ssa_sock *ssa_test_sock(struct kunit *test)
{
	struct ssa_sock *ssk = kunit_kzalloc(test, sizeof(*ssk), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ssk);
	spin_lock_init(&ssk->error_lock);
	return ssk;
}

static void ssa_creds_pairing(struct kunit *test)
{
	struct ssa_sock *ssk = ssa_test_sock(test);
	struct mbedtls_pk_context *key;
	struct socket *sock;

	/* ssa_creds_attach() asserts that the socket is locked. */
	KUNIT_ASSERT_EQ(test, 0, sock_create_kern(&init_net, PF_INET, SOCK_STREAM,
						  IPPROTO_TCP, &sock));
	ssk->sk = sock->sk;
	lock_sock(sock->sk);

	KUNIT_EXPECT_EQ(test, -EINVAL, ssa_creds_add(ssk, ssa_pem_a_key,
							 strlen(ssa_pem_a_key), true));
	KUNIT_EXPECT_NOT_NULL(test, strstr(ssk->error, "TLS_CERTIFICATE_CHAIN first"));
	KUNIT_EXPECT_EQ(test, -ENOKEY, ssa_creds_check(ssk, true));

	KUNIT_ASSERT_EQ(test, 0, ssa_creds_add(ssk, ssa_pem_a_crt, strlen(ssa_pem_a_crt), false));
	KUNIT_EXPECT_EQ(test, 0U, ssa_creds_count(ssk->creds));
	KUNIT_EXPECT_EQ(test, -ENOKEY, ssa_creds_check(ssk, false));
	KUNIT_EXPECT_EQ(test, -EINVAL, ssa_creds_add(ssk, ssa_pem_b_crt,
							   strlen(ssa_pem_b_crt), false));

	/* The wrong key leaves the chain waiting for the right one. */
	KUNIT_EXPECT_EQ(test, -EINVAL, ssa_creds_add(ssk, ssa_pem_b_key,
							 strlen(ssa_pem_b_key), true));
	KUNIT_EXPECT_NOT_NULL(test, strstr(ssk->error, "does not match"));
	KUNIT_EXPECT_EQ(test, -EINVAL, ssa_creds_add(ssk, "not a key", 9, true));
	KUNIT_ASSERT_EQ(test, 0, ssa_creds_add(ssk, ssa_pem_a_key, strlen(ssa_pem_a_key), true));
	KUNIT_EXPECT_EQ(test, 1U, ssa_creds_count(ssk->creds));
	KUNIT_EXPECT_EQ(test, 0, ssa_creds_check(ssk, true));
	KUNIT_EXPECT_EQ(test, -EINVAL, ssa_creds_add(ssk, ssa_pem_a_key,
							 strlen(ssa_pem_a_key), true));

	KUNIT_EXPECT_EQ(test, -EINVAL, ssa_creds_add(ssk, "-----BEGIN CERTIFICATE-----\n",
							   28, false));
	KUNIT_ASSERT_EQ(test, 0, ssa_creds_add(ssk, ssa_pem_b_crt, strlen(ssa_pem_b_crt), false));
	KUNIT_ASSERT_EQ(test, 0, ssa_creds_add(ssk, ssa_pem_b_key, strlen(ssa_pem_b_key), true));
	KUNIT_EXPECT_EQ(test, 2U, ssa_creds_count(ssk->creds));

	/* SNI: the pair that names the host, else the first. */
	KUNIT_EXPECT_EQ(test, 0U, ssa_creds_for_name(ssk->creds, "a.example"));
	KUNIT_EXPECT_EQ(test, 1U, ssa_creds_for_name(ssk->creds, "b.example"));
	KUNIT_EXPECT_EQ(test, 1U, ssa_creds_for_name(ssk->creds, "www.b.example"));
	KUNIT_EXPECT_EQ(test, 0U, ssa_creds_for_name(ssk->creds, "x.www.b.example"));
	KUNIT_EXPECT_EQ(test, 0U, ssa_creds_for_name(ssk->creds, "c.example"));
	KUNIT_EXPECT_NOT_NULL(test, ssa_creds_pair(ssk->creds, 1, &key));
	KUNIT_EXPECT_TRUE(test, mbedtls_pk_can_do(key, MBEDTLS_PK_ECKEY));

	ssa_creds_put(ssk->creds);
	release_sock(sock->sk);
	sock_release(sock);
}

/* The peer chain kept as DER comes back as the PEM it was sent as. */
static void ssa_peer_chain_round_trip(struct kunit *test)
{
	struct ssa_sock *ssk = ssa_test_sock(test);
	size_t la = strlen(ssa_pem_a_crt), lb = strlen(ssa_pem_b_crt);
	mbedtls_x509_crt chain;
	char *want, *pem;

	mbedtls_x509_crt_init(&chain);
	KUNIT_ASSERT_EQ(test, 0, mbedtls_x509_crt_parse(&chain, (const u8 *)ssa_pem_a_crt, la + 1));
	KUNIT_ASSERT_EQ(test, 0, mbedtls_x509_crt_parse(&chain, (const u8 *)ssa_pem_b_crt, lb + 1));
	KUNIT_ASSERT_EQ(test, 0, ssa_peer_chain_keep(ssk, &chain));
	KUNIT_EXPECT_EQ(test, ssk->peer_der_len, (u32)(chain.raw.len + chain.next->raw.len));
	mbedtls_x509_crt_free(&chain);

	want = kunit_kzalloc(test, la + lb + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want);
	memcpy(want, ssa_pem_a_crt, la);
	memcpy(want + la, ssa_pem_b_crt, lb);
	pem = ssa_peer_chain_pem(ssk);
	KUNIT_ASSERT_NOT_NULL(test, pem);
	KUNIT_EXPECT_STREQ(test, pem, want);
	kvfree(pem);

	/* A truncated chain gives no PEM rather than a partial one. */
	ssk->peer_der_len -= 10;
	KUNIT_EXPECT_NULL(test, ssa_peer_chain_pem(ssk));
	kfree(ssk->peer_der);
}

static struct kunit_case ssa_server_cases[] = {
	KUNIT_CASE(ssa_nst_builds_session),
	KUNIT_CASE(ssa_nst_malformed),
	KUNIT_CASE(ssa_creds_pairing),
	KUNIT_CASE(ssa_peer_chain_round_trip),
	{}
};

static struct kunit_suite ssa_server_suite = {
	.name = "tls_ssa_server",
	.test_cases = ssa_server_cases,
};

kunit_test_suite(ssa_server_suite);
