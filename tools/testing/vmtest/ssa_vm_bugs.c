// SPDX-License-Identifier: GPL-2.0
/*
 * A module with one deliberate bug, chosen by its "bug" parameter, that
 * "make check" loads on the debug kernel to prove each checker there
 * reports what it is meant to (and vm-run fails the run):
 *   oob   - a read past a kmalloc'd object (KASAN)
 *   lock  - two mutexes taken in both orders (lockdep)
 *   leak  - an object allocated and forgotten (kmemleak)
 *   shift - a shift by more than the type's width (UBSAN)
 * Never loaded anywhere else.
 */

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/compiler.h>

static char *bug = "";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "oob, lock, leak or shift");

static DEFINE_MUTEX(ssa_vm_a);
static DEFINE_MUTEX(ssa_vm_b);
static void *ssa_vm_lost;

/* Not __init, so kmemleak's backtrace can name it after init is freed. */
static noinline void ssa_vm_bugs_leak(void)
{
	int i;

	/* Stored, then forgotten: no reference left anywhere. */
	for (i = 0; i < 4; i++) {
		WRITE_ONCE(ssa_vm_lost, kmalloc(256, GFP_KERNEL));
		WRITE_ONCE(ssa_vm_lost, NULL);
	}
}

static int __init ssa_vm_bugs_init(void)
{
	int width = 40;
	char *p;

	OPTIMIZER_HIDE_VAR(width);	/* a shift the compiler cannot see coming */
	if (!strcmp(bug, "oob")) {
		p = kmalloc(16, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		pr_info("ssa_vm_bugs: read past the end: %d\n", READ_ONCE(p[16]));
		kfree(p);
	} else if (!strcmp(bug, "lock")) {
		mutex_lock(&ssa_vm_a);
		mutex_lock(&ssa_vm_b);
		mutex_unlock(&ssa_vm_b);
		mutex_unlock(&ssa_vm_a);
		mutex_lock(&ssa_vm_b);
		mutex_lock(&ssa_vm_a);
		mutex_unlock(&ssa_vm_a);
		mutex_unlock(&ssa_vm_b);
	} else if (!strcmp(bug, "leak")) {
		ssa_vm_bugs_leak();
	} else if (!strcmp(bug, "shift")) {
		pr_info("ssa_vm_bugs: shift: %d\n", 1 << width);
	} else {
		return -EINVAL;
	}
	return 0;
}

static void __exit ssa_vm_bugs_exit(void)
{
}

module_init(ssa_vm_bugs_init);
module_exit(ssa_vm_bugs_exit);

MODULE_DESCRIPTION("tls_ssa test fixture: one deliberate bug for the debug kernel");
MODULE_LICENSE("GPL");
