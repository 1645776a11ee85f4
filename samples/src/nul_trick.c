// SPDX-License-Identifier: GPL-2.0
/*
 * nul_trick: the 2004 Linuxant trick.  The license string starts with
 * "GPL\0", so C string comparisons in the loader and modpost see "GPL",
 * while the rest of the string (invisible to them) says the GPL applies
 * only to some files.  Imports a GPL-only export (synchronize_rcu) and a
 * plain one (_printk).  Builds as is, no patching.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/rcupdate.h>

static int __init nul_trick_init(void)
{
	synchronize_rcu();
	pr_info("nul_trick: loaded\n");
	return 0;
}

static void __exit nul_trick_exit(void)
{
	pr_info("nul_trick: unloaded\n");
}

module_init(nul_trick_init);
module_exit(nul_trick_exit);

MODULE_LICENSE("GPL\0for files in the \"GPL\" directory; for others, only LICENSE file applies");
MODULE_AUTHOR("kmodaudit samples");
MODULE_DESCRIPTION("kmodaudit sample: license string with an embedded NUL");
