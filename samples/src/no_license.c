// SPDX-License-Identifier: GPL-2.0
/*
 * no_license: after build.sh's byte patch the module carries no license
 * tag at all.  Imports one GPL-only export (ktime_get) and a plain one
 * (_printk).
 *
 * modpost errors out on a missing MODULE_LICENSE(), so the source has one
 * and build.sh overwrites the whole "license=GPL" string in .modinfo with
 * NUL bytes.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>

static int __init no_license_init(void)
{
	ktime_t now = ktime_get();

	pr_info("no_license: loaded at %lld ns\n", (long long)ktime_to_ns(now));
	return 0;
}

static void __exit no_license_exit(void)
{
	pr_info("no_license: unloaded\n");
}

module_init(no_license_init);
module_exit(no_license_exit);

/* Blanked out (all NUL bytes) by build.sh. */
MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodaudit samples");
MODULE_DESCRIPTION("kmodaudit sample: module without a license tag");
