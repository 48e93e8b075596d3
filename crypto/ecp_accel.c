// SPDX-License-Identifier: GPL-2.0
/*
 * mbedTLS point multiplication, routed to the kernel where the kernel is
 * faster.  mbedTLS's generic elliptic-curve code works on heap-allocated
 * bignums; the kernel's works on fixed-size arrays with curve-specific
 * reduction.
 *
 * - X25519 (every TLS 1.3 key exchange): the kernel's curve25519 library
 *   (x86_64: BMI2/ADX assembly, elsewhere the 64-bit HACL* code), the one
 *   WireGuard uses, constant time and an order of magnitude faster.
 * - u1*G + u2*Q on P-256 and P-384 (every ECDSA verification: the peer's
 *   CertificateVerify and each certificate in its chain): the kernel's ECC
 *   library, Shamir's trick on fixed-size digits, as the kernel's own
 *   ECDSA verifies.  Only public values are involved, so its timing is of
 *   no concern.
 *
 * Signing keeps mbedTLS's blinded, constant-time comb.
 *
 * Kbuild compiles mbedTLS's ecp.c with its multiplication entry points
 * renamed (ssa_mbedtls_ecp_*_sw), so the definitions below take their
 * public names: every caller outside ecp.c (PSA key export and key
 * agreement, ECDH, ECDSA) comes here, and what the kernel does not cover
 * goes on to the software code.  ecp.c's own callers (key pair checks)
 * stay in software.
 */

/* Points' coordinates are private fields outside mbedTLS. */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <asm/unaligned.h>
#include <crypto/curve25519.h>
#include <crypto/ecdh.h>
#include <crypto/internal/ecc.h>
#include <linux/string.h>

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

	base = !mbedtls_mpi_cmp_mpi(&P->X, &grp->G.X);
	ret = mbedtls_mpi_write_binary_le(m, k, sizeof(k));
	if (!ret && !base)
		ret = mbedtls_mpi_write_binary_le(&P->X, u, sizeof(u));
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

	/* As ecp_mul_mxz leaves it: X = u, Z = 1, no Y. */
	ret = mbedtls_mpi_read_binary_le(&R->X, out, sizeof(out));
	if (!ret)
		ret = mbedtls_mpi_lset(&R->Z, 1);
	mbedtls_mpi_free(&R->Y);
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
	for (i = 0; i < ndigits; i++)
		v[i] = get_unaligned_le64(buf + 8 * i);
	return ret;
}

static int ssa_vli_to_mpi(mbedtls_mpi *x, const u64 *v, unsigned int ndigits)
{
	u8 buf[SSA_ECC_DIGITS * 8];
	unsigned int i;

	for (i = 0; i < ndigits; i++)
		put_unaligned_le64(v[i], buf + 8 * i);
	return mbedtls_mpi_read_binary_le(x, buf, ndigits * 8);
}

/* The kernel's curve for an ECDSA-shaped m*G + n*Q, or NULL for software. */
static const struct ecc_curve *ssa_shamir_curve(mbedtls_ecp_group *grp,
						const mbedtls_mpi *m, const mbedtls_ecp_point *P,
						const mbedtls_mpi *n, const mbedtls_ecp_point *Q)
{
	unsigned int id;

	switch (grp->id) {
	case MBEDTLS_ECP_DP_SECP256R1:
		id = ECC_CURVE_NIST_P256;
		break;
	case MBEDTLS_ECP_DP_SECP384R1:
		id = ECC_CURVE_NIST_P384;
		break;
	default:
		return NULL;
	}
	/* P is the generator; Q is neither it nor its negative. */
	if (mbedtls_ecp_point_cmp(P, &grp->G))
		return NULL;
	if (!mbedtls_mpi_cmp_mpi(&Q->X, &grp->G.X))
		return NULL;
	/* Both scalars in [1, N-1] (ECDSA's u1 may be 0: software). */
	if (mbedtls_mpi_cmp_int(m, 1) < 0 || mbedtls_mpi_cmp_mpi(m, &grp->N) >= 0 ||
	    mbedtls_mpi_cmp_int(n, 1) < 0 || mbedtls_mpi_cmp_mpi(n, &grp->N) >= 0)
		return NULL;
	return ecc_get_curve(id);
}

static int ssa_shamir(mbedtls_ecp_group *grp, const struct ecc_curve *curve,
		      mbedtls_ecp_point *R, const mbedtls_mpi *m,
		      const mbedtls_mpi *n, const mbedtls_ecp_point *Q)
{
	u64 u1[SSA_ECC_DIGITS], u2[SSA_ECC_DIGITS];
	u64 qx[SSA_ECC_DIGITS], qy[SSA_ECC_DIGITS];
	u64 rx[SSA_ECC_DIGITS], ry[SSA_ECC_DIGITS];
	unsigned int nd = curve->g.ndigits, i;
	struct ecc_point q = ECC_POINT_INIT(qx, qy, nd);
	struct ecc_point r = ECC_POINT_INIT(rx, ry, nd);
	u64 any = 0;
	int ret;

	if (nd > SSA_ECC_DIGITS || nd * 64 != grp->pbits)
		return MBEDTLS_ERR_ECP_FEATURE_UNAVAILABLE;
	/* On the curve, affine: what mbedTLS's own path would insist on. */
	ret = mbedtls_ecp_check_pubkey(grp, Q);
	if (ret)
		return ret;
	ret = ssa_mpi_to_vli(m, u1, nd) ?: ssa_mpi_to_vli(n, u2, nd) ?:
	      ssa_mpi_to_vli(&Q->X, qx, nd) ?: ssa_mpi_to_vli(&Q->Y, qy, nd);
	if (ret)
		return ret;

	ecc_point_mult_shamir(&r, u1, &curve->g, u2, &q, curve);

	for (i = 0; i < nd; i++)
		any |= rx[i] | ry[i];
	if (!any)	/* the point at infinity */
		return mbedtls_ecp_set_zero(R);
	return ssa_vli_to_mpi(&R->X, rx, nd) ?: ssa_vli_to_mpi(&R->Y, ry, nd) ?:
	       mbedtls_mpi_lset(&R->Z, 1);
}

/**
 * mbedtls_ecp_muladd_restartable() - R = m * P + n * Q
 * @grp: the curve
 * @R: the result
 * @m: the first scalar
 * @P: the first point
 * @n: the second scalar
 * @Q: the second point
 * @rs_ctx: restart context (unused)
 *
 * ECDSA verification's shape (P = G) on P-256 and P-384 goes to the
 * kernel; everything else to mbedTLS (renamed in ecp.c by Kbuild).
 *
 * Return: 0 or an mbedTLS error.
 */
int mbedtls_ecp_muladd_restartable(mbedtls_ecp_group *grp, mbedtls_ecp_point *R,
				   const mbedtls_mpi *m, const mbedtls_ecp_point *P,
				   const mbedtls_mpi *n, const mbedtls_ecp_point *Q,
				   mbedtls_ecp_restart_ctx *rs_ctx)
{
	const struct ecc_curve *curve = ssa_shamir_curve(grp, m, P, n, Q);

	if (curve)
		return ssa_shamir(grp, curve, R, m, n, Q);
	return ssa_mbedtls_ecp_muladd_restartable_sw(grp, R, m, P, n, Q, rs_ctx);
}

/**
 * mbedtls_ecp_muladd() - R = m * P + n * Q
 * @grp: the curve
 * @R: the result
 * @m: the first scalar
 * @P: the first point
 * @n: the second scalar
 * @Q: the second point
 *
 * Return: 0 or an mbedTLS error.
 */
int mbedtls_ecp_muladd(mbedtls_ecp_group *grp, mbedtls_ecp_point *R,
		       const mbedtls_mpi *m, const mbedtls_ecp_point *P,
		       const mbedtls_mpi *n, const mbedtls_ecp_point *Q)
{
	return mbedtls_ecp_muladd_restartable(grp, R, m, P, n, Q, NULL);
}
