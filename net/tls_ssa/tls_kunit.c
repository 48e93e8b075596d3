// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the pieces of the TLS path that are pure logic.
 *
 *  - key schedule -> kTLS crypto_info, against RFC 8448's trace (section 3,
 *    "Simple 1-RTT Handshake") and, for TLS 1.2, against an independent
 *    computation of the RFC 5246 PRF key block;
 *  - RFC 6125 host name matching, edge cases;
 *  - the control-record dispatcher.
 */

#include <kunit/test.h>
#include <linux/string.h>
#include <linux/tls.h>
#include <uapi/linux/tls.h>

#include "tls_ssa.h"
#include "ssa_mbedtls.h"

static void ssa_hex(struct kunit *test, const char *hex, u8 *out, size_t len)
{
	KUNIT_ASSERT_EQ(test, 0, hex2bin(out, hex, len));
}

/* RFC 8448 3: {server} derive write traffic keys for application data */
static const char rfc8448_s_ap_secret[] =
	"a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643";

static void ssa_tls13_keys_rfc8448(struct kunit *test)
{
	const struct ssa_cipher_desc *desc = ssa_cipher_desc_find(0x1301);
	struct tls12_crypto_info_aes_gcm_128 *ci;
	struct ssa_traffic_keys k = {};
	u8 secret[32], key[16], iv[12], info[SSA_CRYPTO_INFO_MAX];

	KUNIT_ASSERT_NOT_NULL(test, desc);
	ssa_hex(test, rfc8448_s_ap_secret, secret, 32);
	ssa_hex(test, "9f02283b6c9c07efc26bb9f2ac92e356", key, 16);
	ssa_hex(test, "cf782b88dd83549aadf1e984", iv, 12);

	KUNIT_ASSERT_EQ(test, 0, ssa_tls13_traffic_keys(desc, secret, 32, &k));
	KUNIT_EXPECT_EQ(test, 0, memcmp(k.key, key, 16));
	KUNIT_EXPECT_EQ(test, 0, memcmp(k.iv, iv, 12));

	/* The 12-byte IV is salt (4) || iv (8) in kTLS's layout. */
	k.seq[7] = 3;
	KUNIT_EXPECT_EQ(test, sizeof(*ci), ssa_ktls_fill(desc, TLS_VERSION_1_3, &k, info));
	ci = (struct tls12_crypto_info_aes_gcm_128 *)info;
	KUNIT_EXPECT_EQ(test, ci->info.version, TLS_1_3_VERSION);
	KUNIT_EXPECT_EQ(test, ci->info.cipher_type, TLS_CIPHER_AES_GCM_128);
	KUNIT_EXPECT_EQ(test, 0, memcmp(ci->key, key, 16));
	KUNIT_EXPECT_EQ(test, 0, memcmp(ci->salt, iv, 4));
	KUNIT_EXPECT_EQ(test, 0, memcmp(ci->iv, iv + 4, 8));
	KUNIT_EXPECT_EQ(test, ci->rec_seq[7], 3);
	KUNIT_EXPECT_EQ(test, ci->rec_seq[0], 0);
}

static void ssa_tls13_handshake_keys_rfc8448(struct kunit *test)
{
	const struct ssa_cipher_desc *desc = ssa_cipher_desc_find(0x1301);
	struct ssa_traffic_keys k = {};
	u8 secret[32], key[16], iv[12];

	/* RFC 8448 3: {server} derive write traffic keys for handshake data */
	ssa_hex(test, "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38",
		secret, 32);
	ssa_hex(test, "3fce516009c21727d0f2e4e86ee403bc", key, 16);
	ssa_hex(test, "5d313eb2671276ee13000b30", iv, 12);
	KUNIT_ASSERT_EQ(test, 0, ssa_tls13_traffic_keys(desc, secret, 32, &k));
	KUNIT_EXPECT_EQ(test, 0, memcmp(k.key, key, 16));
	KUNIT_EXPECT_EQ(test, 0, memcmp(k.iv, iv, 12));
}

static void ssa_tls13_chacha_layout(struct kunit *test)
{
	const struct ssa_cipher_desc *desc = ssa_cipher_desc_find(0x1303);
	struct tls12_crypto_info_chacha20_poly1305 *ci;
	struct ssa_traffic_keys k = {};
	u8 secret[32], key[32], info[SSA_CRYPTO_INFO_MAX];

	KUNIT_ASSERT_NOT_NULL(test, desc);
	/* Same RFC 8448 secret, 32-byte key: HKDF-Expand-Label computed apart. */
	ssa_hex(test, rfc8448_s_ap_secret, secret, 32);
	ssa_hex(test, "848e80ab93efeb09c572c66873c184f99207c95b0fc817f91e8e7e8e14ac5ca9",
		key, 32);
	KUNIT_ASSERT_EQ(test, 0, ssa_tls13_traffic_keys(desc, secret, 32, &k));
	KUNIT_EXPECT_EQ(test, 0, memcmp(k.key, key, 32));
	ssa_ktls_fill(desc, TLS_VERSION_1_3, &k, info);
	ci = (struct tls12_crypto_info_chacha20_poly1305 *)info;
	KUNIT_EXPECT_EQ(test, ci->info.cipher_type, TLS_CIPHER_CHACHA20_POLY1305);
	KUNIT_EXPECT_EQ(test, 0, memcmp(ci->iv, k.iv, 12));	/* no salt */
	KUNIT_EXPECT_EQ(test, 0, memcmp(ci->key, key, 32));
}

static void ssa_tls12_key_block(struct kunit *test)
{
	const struct ssa_cipher_desc *desc = ssa_cipher_desc_find(0xc02b);
	struct tls12_crypto_info_aes_gcm_128 *ci;
	struct ssa_traffic_keys c = {}, s = {};
	u8 master[48], cr[32], sr[32], want[16], info[SSA_CRYPTO_INFO_MAX];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, desc);
	for (i = 0; i < 48; i++)
		master[i] = i;
	memset(cr, 0x11, sizeof(cr));
	memset(sr, 0x22, sizeof(sr));
	KUNIT_ASSERT_EQ(test, 0, ssa_tls12_traffic_keys(desc, MBEDTLS_SSL_TLS_PRF_SHA256,
							master, cr, sr, &c, &s));
	/* PRF-SHA256(master, "key expansion", server_random + client_random) */
	ssa_hex(test, "777fce36a1935fafd1d581bf7cae5b31", want, 16);
	KUNIT_EXPECT_EQ(test, 0, memcmp(c.key, want, 16));
	ssa_hex(test, "6d887a941701fd4f91ee363690169efa", want, 16);
	KUNIT_EXPECT_EQ(test, 0, memcmp(s.key, want, 16));
	ssa_hex(test, "3a5b370c", want, 4);
	KUNIT_EXPECT_EQ(test, 0, memcmp(c.iv, want, 4));
	ssa_hex(test, "a7e99fa9", want, 4);
	KUNIT_EXPECT_EQ(test, 0, memcmp(s.iv, want, 4));

	/* TLS 1.2 GCM: salt is the fixed IV, the explicit nonce starts at seq. */
	c.seq[7] = 1;
	ssa_ktls_fill(desc, TLS_VERSION_1_2, &c, info);
	ci = (struct tls12_crypto_info_aes_gcm_128 *)info;
	KUNIT_EXPECT_EQ(test, ci->info.version, TLS_1_2_VERSION);
	KUNIT_EXPECT_EQ(test, 0, memcmp(ci->salt, c.iv, 4));
	KUNIT_EXPECT_EQ(test, 0, memcmp(ci->iv, c.seq, 8));
	KUNIT_EXPECT_EQ(test, 0, memcmp(ci->rec_seq, c.seq, 8));
}

/* Every suite the option table offers has a kTLS mapping, and back. */
static void ssa_cipher_table_complete(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ssa_ciphers_count; i++)
		KUNIT_EXPECT_NOT_NULL_MSG(test, ssa_cipher_desc_find(ssa_ciphers[i].iana),
					  "%s", ssa_ciphers[i].name);
	KUNIT_EXPECT_NULL(test, ssa_cipher_desc_find(0x002f));	/* CBC: never */
	KUNIT_EXPECT_NULL(test, ssa_cipher_desc_find(0));
}

static void ssa_hostname_matching(struct kunit *test)
{
	static const struct {
		const char *pattern;
		const char *host;
		bool match;
	} cases[] = {
		{ "example.com", "example.com", true },
		{ "EXAMPLE.com", "example.COM", true },
		{ "example.com.", "example.com", true },
		{ "example.com", "www.example.com", false },
		{ "www.example.com", "example.com", false },
		{ "*.example.com", "www.example.com", true },
		{ "*.example.com", "WWW.Example.Com", true },
		{ "*.example.com", "example.com", false },
		{ "*.example.com", "a.b.example.com", false },
		{ "*.example.com", ".example.com", false },
		{ "*.com", "example.com", false },
		{ "*", "example", false },
		{ "w*.example.com", "www.example.com", false },
		{ "*w.example.com", "ww.example.com", false },
		{ "www.*.com", "www.example.com", false },
		{ "*.*.example.com", "a.b.example.com", false },
		{ "*.0.0.1", "127.0.0.1", false },
		{ "127.0.0.1", "127.0.0.1", true },	/* caller never asks for IPs */
		{ "", "example.com", false },
		{ ".", "example.com", false },
		{ "xn--bcher-kva.example", "xn--bcher-kva.example", true },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test, cases[i].match,
				    ssa_dns_id_matches(cases[i].pattern,
						       strlen(cases[i].pattern),
						       cases[i].host),
				    "pattern \"%s\" host \"%s\"", cases[i].pattern,
				    cases[i].host);
	/* A NUL inside a dNSName is an attack, not a terminator. */
	KUNIT_EXPECT_FALSE(test, ssa_dns_id_matches("example.com\0.evil.net", 21,
						    "example.com"));
	KUNIT_EXPECT_TRUE(test, ssa_host_is_ip("192.0.2.1"));
	KUNIT_EXPECT_TRUE(test, ssa_host_is_ip("2001:db8::1"));
	KUNIT_EXPECT_FALSE(test, ssa_host_is_ip("example.com"));
	KUNIT_EXPECT_FALSE(test, ssa_host_is_ip("1.2.3"));
}

static void ssa_control_records(struct kunit *test)
{
	struct ssa_sock *ssk = kunit_kzalloc(test, sizeof(*ssk), GFP_KERNEL);
	static const u8 close_notify[2] = { 1, 0 }, cancel[2] = { 1, 90 };
	static const u8 fatal[2] = { 2, 40 };
	static const u8 nst[4] = { 4, 0, 0, 9 }, ku[4] = { 24, 0, 0, 1 };

	KUNIT_ASSERT_NOT_NULL(test, ssk);
	spin_lock_init(&ssk->error_lock);
	ssk->version = TLS_VERSION_1_3;

	KUNIT_EXPECT_EQ(test, 1, ssa_control_record(ssk, 22, nst, 13));
	KUNIT_EXPECT_EQ(test, 1, ssa_control_record(ssk, 21, cancel, 2));
	KUNIT_EXPECT_EQ(test, 0, ssk->rx_err);
	KUNIT_EXPECT_EQ(test, 0, ssa_control_record(ssk, 21, close_notify, 2));
	KUNIT_EXPECT_TRUE(test, test_bit(SSA_F_RX_EOF, &ssk->flags));

	KUNIT_EXPECT_EQ(test, -ECONNRESET, ssa_control_record(ssk, 21, fatal, 2));
	KUNIT_EXPECT_EQ(test, -ECONNRESET, ssk->rx_err);
	KUNIT_EXPECT_NOT_NULL(test, strstr(ssk->error, "handshake_failure"));

	ssk->rx_err = 0;
	KUNIT_EXPECT_EQ(test, -EPROTO, ssa_control_record(ssk, 22, ku, 5));
	KUNIT_EXPECT_NOT_NULL(test, strstr(ssk->error, "KeyUpdate"));
	KUNIT_EXPECT_EQ(test, -EPROTO, ssa_control_record(ssk, 20, close_notify, 1));
	KUNIT_EXPECT_EQ(test, -EPROTO, ssa_control_record(ssk, 21, fatal, 3));

	/* TLS 1.2 has no post-handshake messages: this would be renegotiation. */
	ssk->version = TLS_VERSION_1_2;
	KUNIT_EXPECT_EQ(test, -EPROTO, ssa_control_record(ssk, 22, nst, 13));
	KUNIT_EXPECT_NOT_NULL(test, strstr(ssk->error, "renegotiation"));
}

static struct kunit_case ssa_tls_cases[] = {
	KUNIT_CASE(ssa_tls13_keys_rfc8448),
	KUNIT_CASE(ssa_tls13_handshake_keys_rfc8448),
	KUNIT_CASE(ssa_tls13_chacha_layout),
	KUNIT_CASE(ssa_tls12_key_block),
	KUNIT_CASE(ssa_cipher_table_complete),
	KUNIT_CASE(ssa_hostname_matching),
	KUNIT_CASE(ssa_control_records),
	{}
};

static struct kunit_suite ssa_tls_suite = {
	.name = "tls_ssa_tls",
	.test_cases = ssa_tls_cases,
};

kunit_test_suite(ssa_tls_suite);
