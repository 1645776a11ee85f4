import type { Rule } from "./types.js";
import { isNonGpl } from "./license.js";
import { sortedUnique } from "../core/order.js";

/** Imports that let a module find symbols at run time instead of importing them. */
const LOOKUPS = new Set([
  "__symbol_get",
  "symbol_get",
  "kallsyms_lookup_name",
  "kallsyms_on_each_symbol",
  "module_kallsyms_lookup_name",
  "register_kprobe",
  "register_kprobes",
  "register_kretprobe",
]);

export const dynamicSymbolLookup: Rule = {
  id: "dynamic-symbol-lookup",
  check(m) {
    if (!isNonGpl(m)) return [];
    const used = sortedUnique(m.imports.map((i) => i.symbol).filter((s) => LOOKUPS.has(s)));
    if (used.length === 0) return [];
    const kprobes = used.some((s) => s.includes("kprobe"));
    const how = kprobes ? " (kprobes are a known way to find unexported symbols' addresses)" : "";
    return [
      { message: `imports ${used.join(", ")}${how}: it can reach symbols the loader never checks`, symbols: used },
    ];
  },
};
