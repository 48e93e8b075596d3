/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mbedTLS's software point multiplication under the names Kbuild gives it
 * in ecp.c; crypto/ecp_accel.c defines the public names.  (Struct tags,
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
int ssa_mbedtls_ecp_muladd_restartable_sw(struct mbedtls_ecp_group *grp, struct mbedtls_ecp_point *r,
					  const struct mbedtls_mpi *m, const struct mbedtls_ecp_point *p,
					  const struct mbedtls_mpi *n, const struct mbedtls_ecp_point *q,
					  void *rs_ctx);
int ssa_mbedtls_ecp_muladd_sw(struct mbedtls_ecp_group *grp, struct mbedtls_ecp_point *r,
			      const struct mbedtls_mpi *m, const struct mbedtls_ecp_point *p,
			      const struct mbedtls_mpi *n, const struct mbedtls_ecp_point *q);

#endif /* _SSA_MBEDTLS_ACCEL_H */
