/* A ThirdParty-licensed driver that binds to a GPLv2 module's symbol: not allowed on ESX. */
#include "vmk_module.h"
VMK_MODINFO("license", license, "ThirdParty:Example Corp");
VMK_MODINFO("nsRequired", ns, "com.example.helpers#1.0");

extern int vmk_gpl_helper(int);
extern int vmk_vendor_helper(int);
int vmk_driver_entry(void) { return vmk_gpl_helper(1) + vmk_vendor_helper(2); }
