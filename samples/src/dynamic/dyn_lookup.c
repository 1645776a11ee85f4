// SPDX-License-Identifier: GPL-2.0
/*
 * dyn_lookup: a "Proprietary" module that resolves kernel symbols at run
 * time instead of importing them, the way out-of-tree code works around
 * unexported functions:
 *
 *   - __symbol_get("...") / __symbol_put("...")  (what symbol_get() and
 *     symbol_put() expand to), and
 *   - the well-known kallsyms_lookup_name workaround for Linux 5.7+: a
 *     kprobe on "kallsyms_lookup_name" is registered only to read its
 *     address from kp.addr (register_kprobe/unregister_kprobe), after
 *     which the module could look up any symbol, exported or not.
 *
 * In 6.1 __symbol_get, register_kprobe and unregister_kprobe are
 * EXPORT_SYMBOL_GPL (only __symbol_put is plain), so modpost refuses a
 * GPL-incompatible tag: the source says "Dual MIT/GPL" and build.sh
 * rewrites it to "Proprietary" in the built .ko.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/kprobes.h>

typedef unsigned long (*kallsyms_lookup_name_t)(const char *name);

static kallsyms_lookup_name_t dyn_kallsyms_lookup_name;

static int __init dyn_lookup_init(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	void *p;

	if (register_kprobe(&kp) == 0) {
		dyn_kallsyms_lookup_name = (kallsyms_lookup_name_t)kp.addr;
		unregister_kprobe(&kp);
	}

	p = __symbol_get("debugfs_create_dir");
	if (p)
		__symbol_put("debugfs_create_dir");

	pr_info("dyn_lookup: kallsyms_lookup_name at %px, debugfs_create_dir %s\n",
		dyn_kallsyms_lookup_name, p ? "found" : "not found");
	return 0;
}

static void __exit dyn_lookup_exit(void)
{
}

module_init(dyn_lookup_init);
module_exit(dyn_lookup_exit);

/* Patched to "Proprietary" (NUL padded) by build.sh. */
MODULE_LICENSE("Dual MIT/GPL");
MODULE_AUTHOR("kmodaudit samples");
MODULE_DESCRIPTION("kmodaudit sample: proprietary module resolving symbols at run time");
