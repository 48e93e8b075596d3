/* SPDX-License-Identifier: GPL-2.0 */
/* libc shim for mbedTLS inside the kernel: see ssa_libc.h */
#ifndef _SSA_SHIM_ASSERT_H
#define _SSA_SHIM_ASSERT_H
#include "ssa_libc.h"
#endif
