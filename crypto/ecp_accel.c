// SPDX-License-Identifier: GPL-2.0
/*
 * mbedTLS point multiplication and ECDSA verification, routed to the
 * kernel where the kernel is faster.  mbedTLS's generic elliptic-curve
 * code works on heap-allocated bignums; the kernel's works on fixed-size
 * arrays with curve-specific reduction.
 *
 * - X25519 (every TLS 1.3 key exchange): the kernel's curve25519 library
 *   (x86_64: BMI2/ADX assembly, elsewhere the 64-bit HACL* code), the one
 *   WireGuard uses, constant time and an order of magnitude faster.
 * - ECDSA verification on P-256 and P-384 (the peer's CertificateVerify
 *   and each certificate in its chain): the kernel's ECC library, Shamir's
 *   trick on fixed-size digits, as the kernel's own ECDSA verifies.  Only
 *   public values are involved, so its timing is of no concern.
 *
 * Signing keeps mbedTLS's blinded, constant-time comb.
 *
 * Kbuild compiles mbedTLS's ecp.c and ecdsa.c with these entry points
 * renamed (ssa_mbedtls_*_sw), so the definitions below take their public
 * names: every caller outside those files (PSA's key export, key
 * agreement and signature checks; ECDH; ECDSA signing) comes here, and
 * what the kernel does not cover goes on to the software code.  Callers
 * inside those files stay in software: ecp.c's key pair checks, and
 * ecdsa.c's signature-parsing helper, which tls_ssa does not reach (pk
 * verifies through PSA).
 */

#include <crypto/curve25519.h>
#include <crypto/ecdh.h>
#include <crypto/internal/ecc.h>
#include <linux/string.h>

#include "mbedtls/ecdsa.h"
#include "mbedtls/ecp.h"
#include "ssa_mbedtls_accel.h"

/* X25519 on the kernel's curve25519, with mbedTLS's checks and result form. */
static int ssa_x25519(mbedtls_ecp_group *grp, mbedtls_ecp_point *R,
		      const mbedtls_mpi *m, const mbedtls_ecp_point *P)
{
	u8 k[CURVE25519_KEY_SIZE], u[CURVE25519_KEY_SIZE];
	u8 out[CURVE25519_KEY_SIZE];
	bool base, ok;
	int ret;

	/* The software path checks these first; so do we. */
	ret = mbedtls_ecp_check_privkey(grp, m);
	if (ret)
		return ret;
	ret = mbedtls_ecp_check_pubkey(grp, P);
	if (ret)
		return ret;

	base = !mbedtls_mpi_cmp_mpi(ssa_mbedtls_point_x(P), ssa_mbedtls_point_x(&grp->G));
	ret = mbedtls_mpi_write_binary_le(m, k, sizeof(k));
	if (!ret && !base)
		ret = mbedtls_mpi_write_binary_le(ssa_mbedtls_point_x(P), u, sizeof(u));
	if (ret)
		goto out;

	if (base)
		ok = curve25519_generate_public(out, k);
	else
		ok = curve25519(out, k, u);
	/* An all-zero result: the peer sent a small-order point. */
	if (!ok) {
		ret = MBEDTLS_ERR_ECP_INVALID_KEY;
		goto out;
	}

	ret = ssa_mbedtls_point_set_u(R, out, sizeof(out));	/* as ecp_mul_mxz */
out:
	memzero_explicit(k, sizeof(k));
	memzero_explicit(out, sizeof(out));
	return ret;
}

/**
 * mbedtls_ecp_mul_restartable() - R = m * P, X25519 on the kernel
 * @grp: the curve
 * @R: the result
 * @m: the scalar (a private key)
 * @P: the point
 * @f_rng: RNG for the software path's blinding
 * @p_rng: its context
 * @rs_ctx: restart context (unused: tls_ssa builds without restartable ECC)
 *
 * Replaces mbedTLS's definition (renamed in ecp.c by Kbuild).
 *
 * Return: 0 or an mbedTLS error, as mbedTLS's own.
 */
int mbedtls_ecp_mul_restartable(mbedtls_ecp_group *grp, mbedtls_ecp_point *R,
				const mbedtls_mpi *m, const mbedtls_ecp_point *P,
				int (*f_rng)(void *, unsigned char *, size_t),
				void *p_rng, mbedtls_ecp_restart_ctx *rs_ctx)
{
	if (grp->id == MBEDTLS_ECP_DP_CURVE25519)
		return ssa_x25519(grp, R, m, P);
	return ssa_mbedtls_ecp_mul_restartable_sw(grp, R, m, P, f_rng, p_rng, rs_ctx);
}

/**
 * mbedtls_ecp_mul() - R = m * P
 * @grp: the curve
 * @R: the result
 * @m: the scalar
 * @P: the point
 * @f_rng: RNG for the software path's blinding
 * @p_rng: its context
 *
 * Return: 0 or an mbedTLS error.
 */
int mbedtls_ecp_mul(mbedtls_ecp_group *grp, mbedtls_ecp_point *R,
		    const mbedtls_mpi *m, const mbedtls_ecp_point *P,
		    int (*f_rng)(void *, unsigned char *, size_t), void *p_rng)
{
	return mbedtls_ecp_mul_restartable(grp, R, m, P, f_rng, p_rng, NULL);
}

/* P-384: the largest curve the kernel's Shamir path serves here. */
#define SSA_ECC_DIGITS	6

static int ssa_mpi_to_vli(const mbedtls_mpi *x, u64 *v, unsigned int ndigits)
{
	u8 buf[SSA_ECC_DIGITS * 8];
	unsigned int i;
	int ret;

	ret = mbedtls_mpi_write_binary_le(x, buf, ndigits * 8);
	for (i = 0; i < ndigits; i++) {
		__le64 d;

		memcpy(&d, buf + 8 * i, sizeof(d));
		v[i] = le64_to_cpu(d);
	}
	return ret;
}

/* The kernel's curve for an mbedTLS group, or NULL. */
static const struct ecc_curve *ssa_nist_curve(const mbedtls_ecp_group *grp)
{
	switch (grp->id) {
	case MBEDTLS_ECP_DP_SECP256R1:
		return ecc_get_curve(ECC_CURVE_NIST_P256);
	case MBEDTLS_ECP_DP_SECP384R1:
		return ecc_get_curve(ECC_CURVE_NIST_P384);
	default:
		return NULL;
	}
}

/* ECDSA verification (SEC 1, 4.1.4) on the kernel's ECC digits. */
static int ssa_ecdsa_verify(mbedtls_ecp_group *grp, const struct ecc_curve *curve,
			    const unsigned char *buf, size_t blen,
			    const mbedtls_ecp_point *Q, const mbedtls_mpi *r,
			    const mbedtls_mpi *s)
{
	u64 vr[SSA_ECC_DIGITS], vs[SSA_ECC_DIGITS], e[SSA_ECC_DIGITS];
	u64 w[SSA_ECC_DIGITS], u1[SSA_ECC_DIGITS], u2[SSA_ECC_DIGITS];
	u64 qx[SSA_ECC_DIGITS], qy[SSA_ECC_DIGITS];
	u64 rx[SSA_ECC_DIGITS], ry[SSA_ECC_DIGITS];
	unsigned int nd = curve->g.ndigits, nbytes = nd * 8;
	struct ecc_point q = ECC_POINT_INIT(qx, qy, nd);
	struct ecc_point res = ECC_POINT_INIT(rx, ry, nd);
	u8 hash[SSA_ECC_DIGITS * 8] = { 0 };
	size_t use = min_t(size_t, blen, nbytes);
	int ret;

	/* 1. r and s in [1, n-1] */
	if (mbedtls_mpi_cmp_int(r, 1) < 0 || mbedtls_mpi_cmp_mpi(r, &grp->N) >= 0 ||
	    mbedtls_mpi_cmp_int(s, 1) < 0 || mbedtls_mpi_cmp_mpi(s, &grp->N) >= 0)
		return MBEDTLS_ERR_ECP_VERIFY_FAILED;
	ret = ssa_mpi_to_vli(r, vr, nd) ?: ssa_mpi_to_vli(s, vs, nd) ?:
	      ssa_mpi_to_vli(ssa_mbedtls_point_x(Q), qx, nd) ?:
	      ssa_mpi_to_vli(ssa_mbedtls_point_y(Q), qy, nd);
	if (ret)
		return ret;

	/* 3. e: the hash's leftmost bits (these curves' sizes are whole bytes) */
	memcpy(hash + nbytes - use, buf, use);
	vli_from_be64(e, hash, nd);

	/* 4. u1 = e / s, u2 = r / s (mod n); the products reduce e too */
	vli_mod_inv(w, vs, curve->n, nd);
	vli_mod_mult_slow(u1, e, w, curve->n, nd);
	vli_mod_mult_slow(u2, vr, w, curve->n, nd);

	/* 5. R = u1 G + u2 Q, not the point at infinity */
	ecc_point_mult_shamir(&res, u1, &curve->g, u2, &q, curve);
	if (vli_is_zero(rx, nd) && vli_is_zero(ry, nd))
		return MBEDTLS_ERR_ECP_VERIFY_FAILED;

	/* 7, 8. x(R) mod n == r (x < p < 2n: one subtraction) */
	if (vli_cmp(rx, curve->n, nd) >= 0)
		vli_sub(rx, rx, curve->n, nd);
	return vli_cmp(rx, vr, nd) ? MBEDTLS_ERR_ECP_VERIFY_FAILED : 0;
}

/**
 * mbedtls_ecdsa_verify_restartable() - verify an ECDSA signature
 * @grp: the curve
 * @buf: the message hash
 * @blen: its length
 * @Q: the public key
 * @r: the signature's r
 * @s: the signature's s
 * @rs_ctx: restart context (unused)
 *
 * P-256 and P-384 go to the kernel's ECC library; a key that is the
 * generator or its negative (where Shamir's trick would add a point to
 * itself), and any other curve, to mbedTLS (renamed in ecdsa.c by Kbuild).
 *
 * Return: 0, MBEDTLS_ERR_ECP_VERIFY_FAILED or another mbedTLS error.
 */
int mbedtls_ecdsa_verify_restartable(mbedtls_ecp_group *grp, const unsigned char *buf,
				     size_t blen, const mbedtls_ecp_point *Q,
				     const mbedtls_mpi *r, const mbedtls_mpi *s,
				     mbedtls_ecdsa_restart_ctx *rs_ctx)
{
	const struct ecc_curve *curve = ssa_nist_curve(grp);
	int ret;

	if (!curve || curve->g.ndigits > SSA_ECC_DIGITS ||
	    curve->g.ndigits * 64 != grp->pbits)
		goto software;
	/* On the curve and affine, as mbedTLS's own path insists. */
	ret = mbedtls_ecp_check_pubkey(grp, Q);
	if (ret)
		return ret;
	if (!mbedtls_mpi_cmp_mpi(ssa_mbedtls_point_x(Q), ssa_mbedtls_point_x(&grp->G)))
		goto software;
	return ssa_ecdsa_verify(grp, curve, buf, blen, Q, r, s);
software:
	return ssa_mbedtls_ecdsa_verify_restartable_sw(grp, buf, blen, Q, r, s, rs_ctx);
}

/**
 * mbedtls_ecdsa_verify() - verify an ECDSA signature
 * @grp: the curve
 * @buf: the message hash
 * @blen: its length
 * @Q: the public key
 * @r: the signature's r
 * @s: the signature's s
 *
 * Return: 0, MBEDTLS_ERR_ECP_VERIFY_FAILED or another mbedTLS error.
 */
int mbedtls_ecdsa_verify(mbedtls_ecp_group *grp, const unsigned char *buf, size_t blen,
			 const mbedtls_ecp_point *Q, const mbedtls_mpi *r, const mbedtls_mpi *s)
{
	return mbedtls_ecdsa_verify_restartable(grp, buf, blen, Q, r, s, NULL);
}
