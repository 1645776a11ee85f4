// SPDX-License-Identifier: GPL-2.0
/*
 * signed_gpl: a clean GPL module that build.sh signs with a throwaway
 * key (CN "kmodaudit sample signing key") using the kernel's
 * scripts/sign-file, so the file ends with a module signature.
 * Imports GPL-only debugfs_create_dir/debugfs_remove and plain _printk.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/debugfs.h>

static struct dentry *signed_dir;

static int __init signed_gpl_init(void)
{
	signed_dir = debugfs_create_dir("kmodaudit_signed", NULL);
	pr_info("signed_gpl: loaded\n");
	return 0;
}

static void __exit signed_gpl_exit(void)
{
	debugfs_remove(signed_dir);
}

module_init(signed_gpl_init);
module_exit(signed_gpl_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodaudit samples");
MODULE_DESCRIPTION("kmodaudit sample: signed GPL module");
