/**
 * The kernel's export macros, in one place. The order is part of the embedded export database's
 * format (a row stores a type as its index here; scripts/gen-export-db.mjs writes the same order):
 * add new types at the end, never reorder.
 */
export const EXPORT_TYPES = [
  "EXPORT_SYMBOL",
  "EXPORT_SYMBOL_GPL",
  "EXPORT_SYMBOL_GPL_FUTURE",
  "EXPORT_UNUSED_SYMBOL",
  "EXPORT_UNUSED_SYMBOL_GPL",
] as const;

export type ExportType = (typeof EXPORT_TYPES)[number];

/**
 * The section a `__ksymtab_<sym>` entry lives in, in a module or in vmlinux → the macro that put it
 * there. Without a prototype: section names come from the file, and "constructor" must not be a type.
 */
export const KSYMTAB_SECTION_TYPES: Readonly<Record<string, ExportType | undefined>> = Object.assign(
  Object.create(null),
  {
    __ksymtab: "EXPORT_SYMBOL",
    __ksymtab_gpl: "EXPORT_SYMBOL_GPL",
    __ksymtab_gpl_future: "EXPORT_SYMBOL_GPL_FUTURE",
    __ksymtab_unused: "EXPORT_UNUSED_SYMBOL",
    __ksymtab_unused_gpl: "EXPORT_UNUSED_SYMBOL_GPL",
  },
);

const KNOWN = new Set<string>(EXPORT_TYPES);

export function isExportType(s: string | undefined): s is ExportType {
  return s !== undefined && KNOWN.has(s);
}

/** Whether the loader hides an export of this type from modules that are not GPL-compatible. */
export function isGplOnly(type: ExportType): boolean {
  return type === "EXPORT_SYMBOL_GPL" || type === "EXPORT_UNUSED_SYMBOL_GPL";
}
