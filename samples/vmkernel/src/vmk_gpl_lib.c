/* A GPLv2 VMkernel module exporting one function. */
#include "vmk_module.h"
VMK_MODINFO("license", license, "GPLv2");
VMK_MODINFO("version", version, "1.0");

int vmk_gpl_helper(int x) { return x * 3; }
VMK_EXPORT_SYMBOL(vmk_gpl_helper);
