// SPDX-License-Identifier: GPL-2.0
/*
 * gpl_taint_info: a GPL module that imports prop_lib_value from the
 * proprietary module proprietary_lib and only plain kernel exports
 * (_printk).  Linux 5.9+ loads it but gives it TAINT_PROPRIETARY_MODULE
 * ("P"), inherited from proprietary_lib.
 */
#include <linux/module.h>
#include <linux/init.h>

int prop_lib_value(void);

static int __init gti_init(void)
{
	pr_info("gpl_taint_info: %d\n", prop_lib_value());
	return 0;
}

static void __exit gti_exit(void)
{
}

module_init(gti_init);
module_exit(gti_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodaudit samples");
MODULE_DESCRIPTION("kmodaudit sample: GPL module inheriting a proprietary module's taint");
