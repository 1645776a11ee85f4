// SPDX-License-Identifier: GPL-2.0
/*
 * gpl_taint_user: a GPL module that imports prop_lib_value from the
 * proprietary module proprietary_lib AND the GPL-only kernel exports
 * debugfs_create_dir/debugfs_remove.  Linux 5.9+ refuses to load it:
 * "module using GPL-only symbols uses symbols from proprietary module
 * proprietary_lib." (kernel/module/main.c, inherit_taint()).
 * modpost does not check this, so it builds as is.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/debugfs.h>

int prop_lib_value(void);

static struct dentry *gtu_dir;

static int __init gtu_init(void)
{
	gtu_dir = debugfs_create_dir("kmodaudit_taint_user", NULL);
	pr_info("gpl_taint_user: %d\n", prop_lib_value());
	return 0;
}

static void __exit gtu_exit(void)
{
	debugfs_remove(gtu_dir);
}

module_init(gtu_init);
module_exit(gtu_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodaudit samples");
MODULE_DESCRIPTION("kmodaudit sample: GPL module using GPL-only symbols and a proprietary module's export");
