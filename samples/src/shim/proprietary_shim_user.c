// SPDX-License-Identifier: GPL-2.0
/*
 * proprietary_shim_user: a "Proprietary" module that imports no GPL-only
 * kernel symbol itself, but reaches GPL-only debugfs_create_dir and
 * debugfs_remove through gpl_shim's plain exports shim_debugfs_dir and
 * shim_debugfs_remove.  It also imports the harmless shim_plain_add.
 *
 * modpost accepts this as is (all its imports are plain exports), so
 * the license tag is built unpatched.
 */
#include <linux/module.h>
#include <linux/init.h>

struct dentry;
struct dentry *shim_debugfs_dir(const char *name);
void shim_debugfs_remove(struct dentry *dentry);
int shim_plain_add(int a, int b);

static struct dentry *psu_dir;

static int __init psu_init(void)
{
	psu_dir = shim_debugfs_dir("kmodaudit_shim_user");
	pr_info("proprietary_shim_user: %d\n", shim_plain_add(40, 2));
	return 0;
}

static void __exit psu_exit(void)
{
	shim_debugfs_remove(psu_dir);
}

module_init(psu_init);
module_exit(psu_exit);

MODULE_LICENSE("Proprietary");
MODULE_AUTHOR("kmodaudit samples");
MODULE_DESCRIPTION("kmodaudit sample: proprietary module using GPL-only functionality through a GPL shim");
