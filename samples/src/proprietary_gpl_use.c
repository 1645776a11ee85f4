// SPDX-License-Identifier: GPL-2.0
/*
 * proprietary_gpl_use: after build.sh's byte patch its only license tag
 * reads "Proprietary", yet it imports GPL-only exports (debugfs_create_dir,
 * debugfs_create_u32, debugfs_remove) next to a plain one (_printk).
 *
 * modpost refuses to link a GPL-incompatible module that uses GPL-only
 * symbols, so the source carries "Dual MIT/GPL" (12 chars, >= the 11 of
 * "Proprietary") and build.sh rewrites the string in the built .ko.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/debugfs.h>

static struct dentry *pgu_dir;
static u32 pgu_value = 42;

static int __init pgu_init(void)
{
	pgu_dir = debugfs_create_dir("kmodaudit_proprietary", NULL);
	debugfs_create_u32("value", 0444, pgu_dir, &pgu_value);
	pr_info("proprietary_gpl_use: loaded\n");
	return 0;
}

static void __exit pgu_exit(void)
{
	debugfs_remove(pgu_dir);
}

module_init(pgu_init);
module_exit(pgu_exit);

/* Patched to "Proprietary" (NUL padded) by build.sh. */
MODULE_LICENSE("Dual MIT/GPL");
MODULE_AUTHOR("kmodaudit samples");
MODULE_DESCRIPTION("kmodaudit sample: proprietary module using GPL-only symbols");
