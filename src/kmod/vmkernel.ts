import { FormatError } from "../core/errors.js";
import { readRelocations, relocationSections } from "../elf/relocations.js";
import { sectionBytes } from "../elf/parse.js";
import type { ElfFile, ElfSymbol } from "../elf/types.js";
import type { ExportedSymbol } from "../core/facts.js";
import { compareCodeUnits } from "../core/order.js";

/**
 * Exports of a VMkernel module: `.vmksymbolexports` holds `{ char *name; enum exportType; }`
 * entries (vmkapi_module_int.h) whose name pointers are filled at load time, so in the relocatable
 * object each name is a relocation at the entry's first word, pointing at the string (usually a
 * section symbol of .rodata.str* plus the string's offset as addend).
 */
export function readVmkExports(elf: ElfFile, symbols: readonly ElfSymbol[]): ExportedSymbol[] {
  const table = elf.sections.find((s) => s.name === ".vmksymbolexports");
  if (!table) return [];
  const entry = elf.elfClass === 64 ? 16 : 8;
  const out = new Map<string, ExportedSymbol>();
  for (const { rel, target } of relocationSections(elf)) {
    if (target.index !== table.index) continue;
    for (const r of readRelocations(elf, rel, target)) {
      if (r.offset % entry !== 0) continue; // only the name word of each entry
      const sym = symbols[r.symbol];
      const section = sym ? elf.sections[sym.shndx] : undefined;
      if (!sym || !section)
        throw new FormatError(
          ".vmksymbolexports",
          table.offset + r.offset,
          `relocation names symbol ${r.symbol}, which has no section`,
        );
      const bytes = sectionBytes(elf, section);
      const at = sym.offset + r.addend;
      const nul = at >= 0 && at < bytes.length ? bytes.indexOf(0, at) : -1;
      if (nul < 0)
        throw new FormatError(
          ".vmksymbolexports",
          table.offset + r.offset,
          `export name at ${section.name}+${at} is not a terminated string`,
        );
      const name = bytes.toString("utf8", at, nul);
      out.set(name, { symbol: name, type: "EXPORT_SYMBOL", gplOnly: false, namespace: null, crc: null });
    }
  }
  return [...out.values()].sort((a, b) => compareCodeUnits(a.symbol, b.symbol));
}
