/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mbedTLS's software point multiplication and ECDSA verification under the
 * names Kbuild gives them in ecp.c and ecdsa.c; crypto/ecp_accel.c defines the public names.  (Struct tags,
 * not mbedTLS's typedefs: the same types, and checkpatch reads them.)
 */
#ifndef _SSA_MBEDTLS_ACCEL_H
#define _SSA_MBEDTLS_ACCEL_H

#include "mbedtls/ecp.h"

int ssa_mbedtls_ecp_mul_restartable_sw(struct mbedtls_ecp_group *grp, struct mbedtls_ecp_point *r,
				       const struct mbedtls_mpi *m, const struct mbedtls_ecp_point *p,
				       int (*f_rng)(void *, unsigned char *, size_t),
				       void *p_rng, void *rs_ctx);
int ssa_mbedtls_ecp_mul_sw(struct mbedtls_ecp_group *grp, struct mbedtls_ecp_point *r,
			   const struct mbedtls_mpi *m, const struct mbedtls_ecp_point *p,
			   int (*f_rng)(void *, unsigned char *, size_t), void *p_rng);
int ssa_mbedtls_ecdsa_verify_restartable_sw(struct mbedtls_ecp_group *grp,
					   const unsigned char *buf, size_t blen,
					   const struct mbedtls_ecp_point *q,
					   const struct mbedtls_mpi *r, const struct mbedtls_mpi *s,
					   void *rs_ctx);
int ssa_mbedtls_ecdsa_verify_sw(struct mbedtls_ecp_group *grp,
				const unsigned char *buf, size_t blen,
				const struct mbedtls_ecp_point *q,
				const struct mbedtls_mpi *r, const struct mbedtls_mpi *s);

/* Points' coordinates, private fields since mbedTLS 3.0 (crypto/mbedtls_peek.c). */
const struct mbedtls_mpi *ssa_mbedtls_point_x(const struct mbedtls_ecp_point *p);
const struct mbedtls_mpi *ssa_mbedtls_point_y(const struct mbedtls_ecp_point *p);
int ssa_mbedtls_point_set_u(struct mbedtls_ecp_point *r, const unsigned char *u, size_t len);

#endif /* _SSA_MBEDTLS_ACCEL_H */
