// SPDX-License-Identifier: GPL-2.0
/*
 * A module that does nothing but WARN() when loaded.  "make check" loads
 * it inside vm-run to prove that vm-run fails a run whose kernel warned,
 * even when the command itself succeeded.  Never loaded anywhere else.
 */

#include <linux/module.h>
#include <linux/bug.h>

static int __init ssa_vm_warn_init(void)
{
	WARN(1, "ssa_vm_warn: deliberate warning to test vm-run's detection\n");
	return 0;
}

static void __exit ssa_vm_warn_exit(void)
{
}

module_init(ssa_vm_warn_init);
module_exit(ssa_vm_warn_exit);

MODULE_DESCRIPTION("tls_ssa test fixture: WARN on load");
MODULE_LICENSE("GPL");
