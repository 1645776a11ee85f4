// SPDX-License-Identifier: GPL-2.0
/*
 * ns_ok_import: uses kmodaudit_sample_ns_negate (gpl_clean, namespace
 * KMODAUDIT_SAMPLE) and imports the namespace properly.
 */
#include <linux/module.h>
#include <linux/init.h>

int kmodaudit_sample_ns_negate(int x);

static int __init ns_ok_init(void)
{
	pr_info("ns_ok_import: %d\n", kmodaudit_sample_ns_negate(7));
	return 0;
}

static void __exit ns_ok_exit(void)
{
}

module_init(ns_ok_init);
module_exit(ns_ok_exit);

MODULE_IMPORT_NS(KMODAUDIT_SAMPLE);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodaudit samples");
MODULE_DESCRIPTION("kmodaudit sample: namespaced symbol used with MODULE_IMPORT_NS");
