/*
 * glue_main: the "open" glue layer of vendor_glue.ko, linked together
 * with the vendor blob (vendor_core.o).  The glue itself only calls the
 * blob; the GPL-only imports of the final module come from the blob.
 *
 * After build.sh's byte patch the license reads "Proprietary".  modpost
 * refuses a GPL-incompatible module using GPL-only symbols, so the source
 * says "Dual MIT/GPL" and build.sh rewrites it in the built .ko.
 */
#include <linux/module.h>
#include <linux/init.h>

int vendor_core_start(void);
void vendor_core_stop(void);

static int __init vendor_glue_init(void)
{
	return vendor_core_start();
}

static void __exit vendor_glue_exit(void)
{
	vendor_core_stop();
}

module_init(vendor_glue_init);
module_exit(vendor_glue_exit);

/* Patched to "Proprietary" (NUL padded) by build.sh. */
MODULE_LICENSE("Dual MIT/GPL");
MODULE_AUTHOR("kmodaudit samples");
MODULE_DESCRIPTION("kmodaudit sample: glue module around a vendor binary blob");
