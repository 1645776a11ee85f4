/*
 * vendor_core: stands in for a vendor's precompiled "binary blob"
 * (think nv-kernel.o_binary).  build.sh ships this object on its own as
 * vendor_blob.o_binary.  Deliberately no MODULE_* macros here, so the
 * object has no .modinfo section; it calls GPL-only exports
 * (debugfs_create_dir, debugfs_remove, ktime_get) and a plain one
 * (_printk) directly.
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>

int vendor_core_start(void);
void vendor_core_stop(void);

static struct dentry *vendor_dir;

int vendor_core_start(void)
{
	vendor_dir = debugfs_create_dir("kmodaudit_vendor", NULL);
	pr_info("vendor_core: started at %lld ns\n",
		(long long)ktime_to_ns(ktime_get()));
	return 0;
}

void vendor_core_stop(void)
{
	debugfs_remove(vendor_dir);
	pr_info("vendor_core: stopped\n");
}
