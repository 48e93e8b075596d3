// SPDX-License-Identifier: GPL-2.0
/*
 * The key schedule: the traffic keys and IVs of TLS 1.3 (RFC 8446 §7.3)
 * and TLS 1.2 (RFC 5246 §6.3) derived from the secrets mbedTLS exported,
 * and mapped table-driven onto the kernel's tls12_crypto_info_*
 * structures.  Pure functions: no socket, no lock, no allocation.
 */

#include <linux/kernel.h>
#include <linux/string.h>
#include <net/tls.h>
#include <uapi/linux/tls.h>

#include "tls_ssa.h"
#include "ssa_mbedtls.h"

#define SSA_CIPHER(iana_, name, st, md_)					\
	{								\
		.iana = iana_,						\
		.cipher = TLS_CIPHER_##name,				\
		.key_len = TLS_CIPHER_##name##_KEY_SIZE,		\
		.salt_len = TLS_CIPHER_##name##_SALT_SIZE,		\
		.iv_len = TLS_CIPHER_##name##_IV_SIZE,			\
		.info_size = sizeof(struct st),				\
		.off_iv = offsetof(struct st, iv),			\
		.off_key = offsetof(struct st, key),			\
		.off_salt = offsetof(struct st, salt),			\
		.off_seq = offsetof(struct st, rec_seq),		\
		.md = md_,						\
	}

/* Every suite tls_ssa negotiates, and how kTLS carries it. */
static const struct ssa_cipher_desc ssa_cipher_descs[] = {
	SSA_CIPHER(0x1301, AES_GCM_128, tls12_crypto_info_aes_gcm_128, MBEDTLS_MD_SHA256),
	SSA_CIPHER(0x1302, AES_GCM_256, tls12_crypto_info_aes_gcm_256, MBEDTLS_MD_SHA384),
	SSA_CIPHER(0x1303, CHACHA20_POLY1305, tls12_crypto_info_chacha20_poly1305,
		   MBEDTLS_MD_SHA256),
	SSA_CIPHER(0x1304, AES_CCM_128, tls12_crypto_info_aes_ccm_128, MBEDTLS_MD_SHA256),
	SSA_CIPHER(0xc02b, AES_GCM_128, tls12_crypto_info_aes_gcm_128, MBEDTLS_MD_SHA256),
	SSA_CIPHER(0xc02f, AES_GCM_128, tls12_crypto_info_aes_gcm_128, MBEDTLS_MD_SHA256),
	SSA_CIPHER(0xc02c, AES_GCM_256, tls12_crypto_info_aes_gcm_256, MBEDTLS_MD_SHA384),
	SSA_CIPHER(0xc030, AES_GCM_256, tls12_crypto_info_aes_gcm_256, MBEDTLS_MD_SHA384),
	SSA_CIPHER(0xcca9, CHACHA20_POLY1305, tls12_crypto_info_chacha20_poly1305,
		   MBEDTLS_MD_SHA256),
	SSA_CIPHER(0xcca8, CHACHA20_POLY1305, tls12_crypto_info_chacha20_poly1305,
		   MBEDTLS_MD_SHA256),
};

static_assert(sizeof(struct tls12_crypto_info_aes_gcm_256) <= SSA_CRYPTO_INFO_MAX);
static_assert(sizeof(struct tls12_crypto_info_chacha20_poly1305) <= SSA_CRYPTO_INFO_MAX);
static_assert(TLS_CIPHER_AES_GCM_256_KEY_SIZE <= SSA_KEY_MAX);
static_assert(TLS_CIPHER_CHACHA20_POLY1305_IV_SIZE <= SSA_IV_MAX);

/**
 * ssa_cipher_desc_find() - how kTLS carries a cipher suite
 * @iana: the suite's IANA number
 *
 * Return: the descriptor, or NULL if kTLS cannot carry the suite.
 */
const struct ssa_cipher_desc *ssa_cipher_desc_find(u16 iana)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ssa_cipher_descs); i++)
		if (ssa_cipher_descs[i].iana == iana)
			return &ssa_cipher_descs[i];
	return NULL;
}

/* A key derivation's mbedTLS result as an errno: its HMAC state is
 * allocated, and a failed allocation is ENOMEM, not a bad argument.
 */
static int ssa_keys_errno(int ret)
{
	if (!ret)
		return 0;
	if (ret == MBEDTLS_ERR_MD_ALLOC_FAILED)
		return -ENOMEM;
	return -EINVAL;
}

/* RFC 8446 7.1: HKDF-Expand-Label(Secret, Label, "", Length) */
static int ssa_hkdf_expand_label(mbedtls_md_type_t md, const u8 *secret,
				 size_t secret_len, const char *label,
				 u8 *out, size_t out_len)
{
	u8 info[2 + 1 + 6 + 16 + 1];
	size_t llen = strlen(label), n = 0;
	int ret;

	if (llen > 16)
		return -EINVAL;
	info[n++] = out_len >> 8;
	info[n++] = out_len & 0xff;
	info[n++] = 6 + llen;
	memcpy(info + n, "tls13 ", 6);
	n += 6;
	memcpy(info + n, label, llen);
	n += llen;
	info[n++] = 0;	/* empty context */
	ret = mbedtls_hkdf_expand(mbedtls_md_info_from_type(md), secret, secret_len,
				  info, n, out, out_len);
	memzero_explicit(info, sizeof(info));
	return ssa_keys_errno(ret);
}

/**
 * ssa_tls13_traffic_keys() - key and IV from a TLS 1.3 traffic secret
 * @desc: the negotiated suite
 * @secret: [sender]_application_traffic_secret_N
 * @secret_len: its length (the suite's hash length)
 * @k: out: key and 12-byte IV (sequence number left as is)
 *
 * Return: 0, -ENOMEM or -EINVAL.
 */
int ssa_tls13_traffic_keys(const struct ssa_cipher_desc *desc, const u8 *secret,
			   size_t secret_len, struct ssa_traffic_keys *k)
{
	int err;

	err = ssa_hkdf_expand_label(desc->md, secret, secret_len, "key",
				    k->key, desc->key_len);
	if (!err)
		err = ssa_hkdf_expand_label(desc->md, secret, secret_len, "iv",
					    k->iv, desc->salt_len + desc->iv_len);
	return err;
}

/**
 * ssa_tls12_traffic_keys() - both directions' keys from a TLS 1.2 master
 * secret (RFC 5246 6.3 key_block; AEAD suites have no MAC keys)
 * @desc: the negotiated suite
 * @prf: mbedTLS's PRF id for the suite
 * @master: the 48-byte master secret
 * @client_random: ClientHello.random
 * @server_random: ServerHello.random
 * @client: out: client_write key and fixed IV
 * @server: out: server_write key and fixed IV
 *
 * Return: 0, -ENOMEM or -EINVAL.
 */
int ssa_tls12_traffic_keys(const struct ssa_cipher_desc *desc, int prf,
			   const u8 *master, const u8 *client_random,
			   const u8 *server_random, struct ssa_traffic_keys *client,
			   struct ssa_traffic_keys *server)
{
	/* Fixed IV: the 4-byte salt for GCM/CCM, all 12 bytes for ChaCha20. */
	size_t fixed = desc->salt_len ?: desc->iv_len;
	u8 block[2 * (SSA_KEY_MAX + SSA_IV_MAX)], seed[64];
	size_t klen = desc->key_len;
	int ret;

	memcpy(seed, server_random, 32);
	memcpy(seed + 32, client_random, 32);
	ret = mbedtls_ssl_tls_prf(prf, master, 48, "key expansion", seed, 64,
				  block, 2 * (klen + fixed));
	if (!ret) {
		memcpy(client->key, block, klen);
		memcpy(server->key, block + klen, klen);
		memcpy(client->iv, block + 2 * klen, fixed);
		memcpy(server->iv, block + 2 * klen + fixed, fixed);
	}
	memzero_explicit(block, sizeof(block));
	/* With MBEDTLS_USE_PSA_CRYPTO the PRF reports every PSA failure
	 * as HW_ACCEL_FAILED; its inputs here are fixed-size and valid, so
	 * that is PSA running out of memory.
	 */
	if (ret == MBEDTLS_ERR_SSL_HW_ACCEL_FAILED)
		return -ENOMEM;
	return ssa_keys_errno(ret);
}

/**
 * ssa_ktls_fill() - lay keys out as kTLS's crypto_info for one direction
 * @desc: the negotiated suite
 * @version: TLS_VERSION_1_2 or TLS_VERSION_1_3
 * @k: key, IV and big-endian sequence number
 * @info: out: SSA_CRYPTO_INFO_MAX bytes
 *
 * TLS 1.3 and ChaCha20: the 12-byte IV is salt || iv.  TLS 1.2 GCM/CCM:
 * salt is the fixed IV and iv the first explicit nonce, for which the
 * sequence number is used (RFC 5288 3 allows any unique value).
 *
 * Return: bytes of @info to pass to setsockopt.
 */
unsigned int ssa_ktls_fill(const struct ssa_cipher_desc *desc, u16 version,
			   const struct ssa_traffic_keys *k, u8 *info)
{
	struct tls_crypto_info *ci = (struct tls_crypto_info *)info;

	memset(info, 0, SSA_CRYPTO_INFO_MAX);
	ci->version = version;
	ci->cipher_type = desc->cipher;
	memcpy(info + desc->off_key, k->key, desc->key_len);
	memcpy(info + desc->off_seq, k->seq, 8);
	if (version == TLS_VERSION_1_2 && desc->salt_len) {
		memcpy(info + desc->off_salt, k->iv, desc->salt_len);
		memcpy(info + desc->off_iv, k->seq, desc->iv_len);
	} else {
		memcpy(info + desc->off_salt, k->iv, desc->salt_len);
		memcpy(info + desc->off_iv, k->iv + desc->salt_len, desc->iv_len);
	}
	return desc->info_size;
}
