// SPDX-License-Identifier: GPL-2.0
/*
 * gpl_clean: a well-behaved GPL module.  Imports GPL-only exports
 * (debugfs_create_dir, debugfs_remove) and a plain one (_printk), and
 * exports three symbols of its own: plain, GPL-only, and GPL-only in the
 * KMODAUDIT_SAMPLE namespace.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/debugfs.h>

static struct dentry *gpl_clean_dir;

int kmodaudit_sample_add(int a, int b)
{
	return a + b;
}
EXPORT_SYMBOL(kmodaudit_sample_add);

int kmodaudit_sample_gpl_double(int x)
{
	return 2 * x;
}
EXPORT_SYMBOL_GPL(kmodaudit_sample_gpl_double);

int kmodaudit_sample_ns_negate(int x)
{
	return -x;
}
EXPORT_SYMBOL_NS_GPL(kmodaudit_sample_ns_negate, KMODAUDIT_SAMPLE);

static int __init gpl_clean_init(void)
{
	gpl_clean_dir = debugfs_create_dir("kmodaudit_gpl_clean", NULL);
	pr_info("gpl_clean: loaded\n");
	return 0;
}

static void __exit gpl_clean_exit(void)
{
	debugfs_remove(gpl_clean_dir);
	pr_info("gpl_clean: unloaded\n");
}

module_init(gpl_clean_init);
module_exit(gpl_clean_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodaudit samples");
MODULE_DESCRIPTION("kmodaudit sample: clean GPL module with exports");
