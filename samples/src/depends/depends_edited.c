// SPDX-License-Identifier: GPL-2.0
/*
 * depends_edited: imports kmodaudit_sample_add from gpl_clean, so modpost
 * writes "depends=gpl_clean" into .modinfo.  build.sh rewrites that string
 * in the built .ko to the same-length "depends=gpl_dirty", as if the
 * binary had been edited or built against another module tree: the
 * depends tag no longer names the module that exports what it imports.
 */
#include <linux/module.h>
#include <linux/init.h>

int kmodaudit_sample_add(int a, int b);

static int __init depends_edited_init(void)
{
	pr_info("depends_edited: %d\n", kmodaudit_sample_add(2, 3));
	return 0;
}

static void __exit depends_edited_exit(void)
{
}

module_init(depends_edited_init);
module_exit(depends_edited_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodaudit samples");
MODULE_DESCRIPTION("kmodaudit sample: depends= tag edited to name the wrong module");
