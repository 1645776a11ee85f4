// SPDX-License-Identifier: GPL-2.0
/*
 * ns_missing_import: uses kmodaudit_sample_ns_negate, which gpl_clean
 * exports in symbol namespace KMODAUDIT_SAMPLE, without importing that
 * namespace.  The loader refuses it ("module uses symbol
 * (kmodaudit_sample_ns_negate) from namespace KMODAUDIT_SAMPLE, but does
 * not import it.") unless CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS.
 *
 * modpost errors on the missing import too, so the source does import
 * the namespace and build.sh overwrites the "import_ns=KMODAUDIT_SAMPLE"
 * string in the built .ko's .modinfo with NULs.
 */
#include <linux/module.h>
#include <linux/init.h>

int kmodaudit_sample_ns_negate(int x);

static int __init ns_missing_init(void)
{
	pr_info("ns_missing_import: %d\n", kmodaudit_sample_ns_negate(7));
	return 0;
}

static void __exit ns_missing_exit(void)
{
}

module_init(ns_missing_init);
module_exit(ns_missing_exit);

/* Blanked out (all NUL bytes) by build.sh. */
MODULE_IMPORT_NS(KMODAUDIT_SAMPLE);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmodaudit samples");
MODULE_DESCRIPTION("kmodaudit sample: namespaced symbol used without importing the namespace");
