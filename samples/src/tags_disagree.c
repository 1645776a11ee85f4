// SPDX-License-Identifier: GPL-2.0
/*
 * tags_disagree: two license tags.  The first reads "GPL" (the kernel
 * loader only looks at the first one and is satisfied), the second reads
 * "Proprietary" after build.sh's byte patch (modpost checks every tag and
 * would call the module GPL-incompatible).  Imports a GPL-only export
 * (kobject_create_and_add) and plain ones (kobject_put, _printk).
 *
 * modpost would refuse to build it with the real second tag, so the
 * source has "Dual MIT/GPL" there and build.sh rewrites it in place.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/kobject.h>

static struct kobject *td_kobj;

static int __init tags_disagree_init(void)
{
	td_kobj = kobject_create_and_add("kmodaudit_tags_disagree", NULL);
	if (!td_kobj)
		return -ENOMEM;
	pr_info("tags_disagree: loaded\n");
	return 0;
}

static void __exit tags_disagree_exit(void)
{
	kobject_put(td_kobj);
}

module_init(tags_disagree_init);
module_exit(tags_disagree_exit);

/*
 * GCC emits these .modinfo strings in reverse source order, so the tag
 * written last here ends up first in the object.  build.sh checks that
 * `modinfo -F license` prints "GPL" then "Proprietary".
 */
/* Second tag in .modinfo; patched to "Proprietary" (NUL padded) by build.sh. */
MODULE_LICENSE("Dual MIT/GPL");
/* First tag in .modinfo: what the kernel loader sees. */
MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodaudit samples");
MODULE_DESCRIPTION("kmodaudit sample: first and second license tags disagree");
