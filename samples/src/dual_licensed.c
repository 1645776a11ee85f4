// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * dual_licensed: "Dual BSD/GPL" is GPL-compatible, so the GPL-only
 * imports (debugfs_create_dir, debugfs_remove) are fine.  Also imports
 * _printk.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/debugfs.h>

static struct dentry *dual_dir;

static int __init dual_licensed_init(void)
{
	dual_dir = debugfs_create_dir("kmodaudit_dual", NULL);
	pr_info("dual_licensed: loaded\n");
	return 0;
}

static void __exit dual_licensed_exit(void)
{
	debugfs_remove(dual_dir);
}

module_init(dual_licensed_init);
module_exit(dual_licensed_exit);

MODULE_LICENSE("Dual BSD/GPL");
MODULE_AUTHOR("kmodaudit samples");
MODULE_DESCRIPTION("kmodaudit sample: dual BSD/GPL module");
