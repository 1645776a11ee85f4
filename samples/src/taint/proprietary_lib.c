// SPDX-License-Identifier: GPL-2.0
/*
 * proprietary_lib: a "Proprietary" library module exporting
 * prop_lib_value with plain EXPORT_SYMBOL.  It imports no GPL-only
 * symbol, so modpost accepts the tag as is (no byte patch).
 *
 * Since Linux 5.9 a module that imports a symbol exported by a
 * proprietary module inherits its TAINT_PROPRIETARY_MODULE, and if the
 * importer also uses GPL-only symbols the loader refuses it.
 */
#include <linux/module.h>
#include <linux/init.h>

int prop_lib_value(void);

noinline int prop_lib_value(void)
{
	return 42;
}
EXPORT_SYMBOL(prop_lib_value);

static int __init prop_lib_init(void)
{
	pr_info("proprietary_lib: loaded\n");
	return 0;
}

static void __exit prop_lib_exit(void)
{
}

module_init(prop_lib_init);
module_exit(prop_lib_exit);

MODULE_LICENSE("Proprietary");
MODULE_AUTHOR("kmodaudit samples");
MODULE_DESCRIPTION("kmodaudit sample: proprietary module exporting a symbol");
