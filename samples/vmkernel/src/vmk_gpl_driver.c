/* A GPLv2 driver: may bind to symbols of GPL and non-GPL modules alike. */
#include "vmk_module.h"
VMK_MODINFO("license", license, "GPLv2");

extern int vmk_gpl_helper(int);
extern int vmk_vendor_helper(int);
int vmk_gpl_driver_entry(void) { return vmk_gpl_helper(4) + vmk_vendor_helper(5); }
