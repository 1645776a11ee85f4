// SPDX-License-Identifier: GPL-2.0
/*
 * proprietary_plain_user: a "Proprietary" module importing only
 * gpl_shim's shim_plain_add, which calls no GPL-only symbol: using a
 * GPL module's plain export is not a shim violation.
 */
#include <linux/module.h>
#include <linux/init.h>

int shim_plain_add(int a, int b);

static int __init ppu_init(void)
{
	pr_info("proprietary_plain_user: %d\n", shim_plain_add(1, 2));
	return 0;
}

static void __exit ppu_exit(void)
{
}

module_init(ppu_init);
module_exit(ppu_exit);

MODULE_LICENSE("Proprietary");
MODULE_AUTHOR("kmodaudit samples");
MODULE_DESCRIPTION("kmodaudit sample: proprietary module using only a GPL module's plain export");
