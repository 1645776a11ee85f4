/*
 * The section layout of VMware VMkernel modules, as VMware's published vmkapi headers
 * (vmkapi_module.h, vmkapi_module_int.h) describe it, reduced to what kmodaudit reads:
 *  - .vmkmodinfo: NUL-separated "key=value" strings (license=, version=, nsRequired=ns#ver …);
 *  - .vmksymbolexports: one { const char *name; int exportType; } per exported symbol, the name
 *    pointer left to a relocation (.rela.vmksymbolexports) in the relocatable object.
 * Written for kmodaudit's test modules; not VMware's code.
 */
#define VMK_MODINFO(tag, id, value) \
  static const char __vmk_modinfo_##id[] __attribute__((used, section(".vmkmodinfo"), aligned(1))) = tag "=" value

struct vmk_symbol_export {
  const char *name;
  int exportType;
};

#define VMK_EXPORT_SYMBOL(sym) \
  static const struct vmk_symbol_export __vmk_export_##sym __attribute__((used, section(".vmksymbolexports"))) = { #sym, 0 }
