import { FormatError } from "../core/errors.js";
import { sectionBytes } from "../elf/parse.js";
import type { ElfFile, ElfSymbol } from "../elf/types.js";
import { SHN_ABS } from "../elf/constants.js";
import { NamePrefixes } from "../elf/name-prefixes.js";
import type { ExportedSymbol } from "../core/facts.js";
import { isGplOnly, KSYMTAB_SECTION_TYPES as KSYMTAB_SECTIONS, type ExportType } from "../core/export-types.js";
import { compareCodeUnits } from "../core/order.js";

/** The labels readExports reads; a reader of symbols may pass over every other defined symbol. */
export const EXPORT_LABEL_PREFIXES = new NamePrefixes(["__ksymtab_", "__kstrtabns_", "__crc_", "__export_symbol_"]);

/** `__crc_<sym>`: an absolute symbol whose value is the CRC (older kernels), or a label on a u32 in __kcrctab. */
function crcAtSymbol(elf: ElfFile, sym: ElfSymbol): number {
  if (sym.shndx === SHN_ABS) return sym.value >>> 0;
  const section = elf.sections[sym.shndx];
  if (!section)
    throw new FormatError(
      "export CRC",
      undefined,
      `symbol ${sym.name} is in section ${sym.shndx}, which does not exist`,
    );
  if (sym.offset < 0 || sym.offset + 4 > section.size)
    throw new FormatError(
      "export CRC",
      section.offset,
      `symbol ${sym.name} points outside its section ${section.name}`,
    );
  return elf.view.u32(section.offset + sym.offset, `section ${section.name}`);
}

/** Reads the NUL-terminated string a label points at inside its section. */
function stringAtSymbol(elf: ElfFile, sym: ElfSymbol, what: string): string {
  const section = elf.sections[sym.shndx];
  if (!section)
    throw new FormatError(what, undefined, `symbol ${sym.name} is in section ${sym.shndx}, which does not exist`);
  const bytes = sectionBytes(elf, section);
  if (sym.offset < 0 || sym.offset >= bytes.length)
    throw new FormatError(what, section.offset, `symbol ${sym.name} points outside its section ${section.name}`);
  const nul = bytes.indexOf(0, sym.offset);
  if (nul < 0) throw new FormatError(what, section.offset + sym.offset, `string of ${sym.name} has no terminating NUL`);
  return bytes.toString("utf8", sym.offset, nul);
}

/**
 * Exports of a module, from the `__ksymtab_<sym>` labels: the label's section says plain or
 * GPL-only, and `__kstrtabns_<sym>` holds the namespace. The labels survive in every .ko since the
 * entries themselves are PREL32 offsets left zero until relocated. Modules built by 6.5–6.9 may
 * also keep the `.export_symbol` section modpost read (`__export_symbol_<sym>`: license string,
 * namespace string, reference), which covers exports whose labels are gone.
 */
export function readExports(elf: ElfFile, symbols: ElfSymbol[]): ExportedSymbol[] {
  const namespaces = new Map<string, string>();
  const crcs = new Map<string, number>();
  const found = new Map<string, ExportedSymbol>();
  const fromExportSection: ElfSymbol[] = [];
  for (const sym of symbols) {
    const name = sym.name;
    if (name.charCodeAt(0) !== 0x5f || name.charCodeAt(1) !== 0x5f) continue;
    if (name.startsWith("__ksymtab_")) {
      const type = KSYMTAB_SECTIONS[elf.sections[sym.shndx]?.name ?? ""];
      if (type)
        found.set(name.slice(10), {
          symbol: name.slice(10),
          type,
          gplOnly: isGplOnly(type),
          namespace: null,
          crc: null,
        });
    } else if (name.startsWith("__kstrtabns_")) {
      namespaces.set(name.slice(12), stringAtSymbol(elf, sym, "export namespace"));
    } else if (name.startsWith("__crc_")) {
      crcs.set(name.slice(6), crcAtSymbol(elf, sym));
    } else if (name.startsWith("__export_symbol_") && elf.sections[sym.shndx]?.name === ".export_symbol") {
      fromExportSection.push(sym);
    }
  }
  for (const sym of fromExportSection) {
    const symbol = sym.name.slice(16);
    const license = stringAtSymbol(elf, sym, ".export_symbol");
    if (!found.has(symbol)) {
      const type: ExportType = license === "GPL" ? "EXPORT_SYMBOL_GPL" : "EXPORT_SYMBOL";
      const ns = stringAtSymbol(elf, { ...sym, offset: sym.offset + Buffer.byteLength(license) + 1 }, ".export_symbol");
      found.set(symbol, { symbol, type, gplOnly: isGplOnly(type), namespace: ns || null, crc: null });
    }
  }
  for (const [symbol, ns] of namespaces) {
    const e = found.get(symbol);
    if (e && ns) e.namespace = ns;
  }
  for (const [symbol, crc] of crcs) {
    const e = found.get(symbol);
    if (e) e.crc = crc;
  }
  return [...found.values()].sort((a, b) => compareCodeUnits(a.symbol, b.symbol));
}
