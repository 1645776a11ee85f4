// SPDX-License-Identifier: GPL-2.0
/*
 * gpl_shim: a GPL module that re-exports GPL-only kernel functionality
 * under plain EXPORT_SYMBOL wrappers (the "GPL shim" / "GPL condom"
 * pattern), so that a proprietary module can reach it without importing
 * an EXPORT_SYMBOL_GPL symbol itself.
 *
 *   shim_debugfs_dir()     calls GPL-only debugfs_create_dir
 *   shim_debugfs_remove()  calls GPL-only debugfs_remove
 *   shim_plain_add()       calls only the plain _printk (not a shim)
 *   shim_helper_indirect() calls shim_internal_ktime(), a global but
 *                          unexported function in its own section
 *                          (.text.shim_internal), which calls GPL-only
 *                          ktime_get: a transitive reference through a
 *                          relocation.
 *
 * Every function is noinline so each exported symbol's range in .text
 * holds its own relocations (build.sh checks them with readelf -rW).
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/debugfs.h>
#include <linux/timekeeping.h>

struct dentry *shim_debugfs_dir(const char *name);
void shim_debugfs_remove(struct dentry *dentry);
int shim_plain_add(int a, int b);
u64 shim_internal_ktime(void);
u64 shim_helper_indirect(void);

noinline struct dentry *shim_debugfs_dir(const char *name)
{
	return debugfs_create_dir(name, NULL);
}
EXPORT_SYMBOL(shim_debugfs_dir);

noinline void shim_debugfs_remove(struct dentry *dentry)
{
	debugfs_remove(dentry);
}
EXPORT_SYMBOL(shim_debugfs_remove);

noinline int shim_plain_add(int a, int b)
{
	pr_info("gpl_shim: %d + %d\n", a, b);
	return a + b;
}
EXPORT_SYMBOL(shim_plain_add);

/* Global, not exported, in another section: calls to it are relocations. */
noinline __attribute__((section(".text.shim_internal"))) u64 shim_internal_ktime(void)
{
	return ktime_get();
}

noinline u64 shim_helper_indirect(void)
{
	return shim_internal_ktime();
}
EXPORT_SYMBOL(shim_helper_indirect);

static int __init gpl_shim_init(void)
{
	pr_info("gpl_shim: loaded\n");
	return 0;
}

static void __exit gpl_shim_exit(void)
{
	pr_info("gpl_shim: unloaded\n");
}

module_init(gpl_shim_init);
module_exit(gpl_shim_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodaudit samples");
MODULE_DESCRIPTION("kmodaudit sample: GPL shim re-exporting GPL-only functionality");
