import type { Severity, RuleId } from "../core/findings.js";

export interface RuleMeta {
  severity: Severity;
  title: string;
  /** What it means and what to do, for people reading a report. */
  help: string;
}

export const RULES: Record<RuleId, RuleMeta> = {
  "gpl-only-symbol-use": {
    severity: "error",
    title: "Non-GPL module uses GPL-only symbols",
    help:
      "The module's license is not GPL-compatible (by the loader's first-tag rule or modpost's every-tag rule) " +
      "yet it imports symbols exported with EXPORT_SYMBOL_GPL. The kernel refuses to resolve them for a " +
      'proprietary module ("Unknown symbol") and modpost refuses to build it. Relicense the module under a ' +
      "GPL-compatible license, or stop using those interfaces.",
  },
  "missing-license": {
    severity: "warning",
    title: "No MODULE_LICENSE",
    help:
      'The module has no license= tag. The loader treats it as "unspecified" — proprietary, tainting the ' +
      "kernel (P) — and modpost refuses to build it. Add MODULE_LICENSE().",
  },
  "license-tags-disagree": {
    severity: "warning",
    title: "Loader and modpost disagree on the license",
    help:
      "Only the first license= tag counts when the module is loaded, but modpost requires every tag to be " +
      "GPL-compatible. A module whose tags disagree loads as GPL while its later tags say otherwise: check " +
      "which license really applies.",
  },
  "suspicious-license-string": {
    severity: "warning",
    title: "Suspicious license string",
    help:
      "The license tag either continues after an embedded NUL (the kernel reads only up to the NUL, so " +
      "text after it is hidden from the loader — a trick seen in the wild), or mentions GPL without being " +
      'one of the exact strings the kernel accepts ("GPL", "GPL v2", "GPL and additional rights", ' +
      '"Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"), so the kernel treats it as proprietary.',
  },
  "unresolved-symbol": {
    severity: "error",
    title: "Import provided by nothing known",
    help:
      "Neither the kernel export table in use nor any scanned module exports this symbol: the loader would " +
      'fail with "Unknown symbol". The module was built for another kernel, or the module that provides ' +
      "it is missing from the scan.",
  },
  "symbol-version-mismatch": {
    severity: "error",
    title: "Symbol CRC differs from the target kernel's",
    help:
      "With CONFIG_MODVERSIONS the module records, in __versions, the CRC of each symbol's prototype it was " +
      "built against. The target kernel exports these symbols with a different CRC, so the loader refuses the " +
      'module ("disagrees about version of symbol"). Rebuild the module against the target kernel\'s headers.',
  },
  "missing-namespace-import": {
    severity: "error",
    title: "Namespaced symbol used without MODULE_IMPORT_NS",
    help:
      "The symbol is exported into a symbol namespace; a module may use it only if its .modinfo has " +
      "import_ns=<namespace>. modpost refuses to build such a module and the loader refuses to load it " +
      "(-EINVAL). Add MODULE_IMPORT_NS(<namespace>).",
  },
  "vermagic-mismatch": {
    severity: "warning",
    title: "Built for another kernel release",
    help:
      "The release in the module's vermagic differs from the target kernel's. modprobe refuses such a module " +
      "unless forced; even when it loads, its structures may not match the running kernel.",
  },
  "depends-mismatch": {
    severity: "warning",
    title: "depends= disagrees with the symbols the module imports",
    help:
      "modpost writes depends= from the modules that provide the module's imports. A module whose tag names " +
      "other modules than its symbols need was edited after the build, or built against another tree; modprobe " +
      "loads what the tag (via depmod) says.",
  },
  "proprietary-taint-inherited": {
    severity: "error",
    title: "GPL module uses GPL-only symbols and a proprietary module's symbols",
    help:
      "Since Linux 5.9 a module that uses symbols of a proprietary module inherits its taint, and one that " +
      'also uses GPL-only symbols is refused ("module using GPL-only symbols uses symbols from ' +
      'proprietary module"): a GPL wrapper cannot bridge GPL-only interfaces to proprietary code.',
  },
  "inherits-proprietary-taint": {
    severity: "info",
    title: "GPL module uses a proprietary module's symbols",
    help:
      "Since Linux 5.9 the module inherits the proprietary taint of the module whose symbols it uses. It " +
      "loads, but it is treated as proprietary from then on.",
  },
  "gpl-shim-reexport": {
    severity: "warning",
    title: "GPL shim re-exports GPL-only functionality to a non-GPL module",
    help:
      "This GPL module exports (with plain EXPORT_SYMBOL) functions whose own code calls GPL-only symbols, and " +
      "a module that is not GPL-compatible imports those functions: GPL-only interfaces reach proprietary code " +
      "through a wrapper. Each chain reads non-GPL module → shim → export → GPL-only symbol.",
  },
  "dynamic-symbol-lookup": {
    severity: "warning",
    title: "Non-GPL module looks symbols up at run time",
    help:
      "__symbol_get (symbol_get), kallsyms_lookup_name or a kprobe used to find a symbol's address let a " +
      "module reach symbols without importing them, bypassing the loader's GPL-only checks (since 6.6 " +
      "symbol_get works only on GPL-only exports). Review what the module looks up.",
  },
  "blob-uses-gpl-only": {
    severity: "warning",
    title: "Vendor blob of unknown license uses GPL-only symbols",
    help:
      "A binary object without .modinfo imports GPL-only kernel symbols. Its license is declared by the glue " +
      "module that links it; pass --assume-license to state the license that applies to the blob.",
  },
  "vmk-binds-gpl-module": {
    severity: "error",
    title: "Non-GPL VMkernel module binds to a GPL module",
    help:
      "On VMware ESX a module under a non-GPL license (VMware, BSD, ThirdParty:…) can bind only to symbols " +
      "exported by non-GPL modules; it cannot bind to any symbol a GPLv2 module provides (vmkapi_module.h). " +
      "This is a module-level rule, stricter than Linux's per-symbol one.",
  },
};
