/* A VMware-licensed (proprietary) VMkernel module exporting one function. */
#include "vmk_module.h"
VMK_MODINFO("license", license, "VMware");
VMK_MODINFO("version", version, "1.0");

int vmk_vendor_helper(int x) { return x + 7; }
VMK_EXPORT_SYMBOL(vmk_vendor_helper);
