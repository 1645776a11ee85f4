import { FormatError } from "../core/errors.js";
import { ET_REL } from "../elf/constants.js";
import { parseElf, sectionBytes } from "../elf/parse.js";
import { findSymtab, readSymbols } from "../elf/symbols.js";
import type { ElfFile, ElfSection } from "../elf/types.js";
import { readExports } from "../kmod/exports.js";
import { isGplOnly, KSYMTAB_SECTION_TYPES, type ExportType } from "../core/export-types.js";
import type { ExportTable, KernelExport } from "./symvers.js";

const KSYMTAB_TYPES = Object.entries(KSYMTAB_SECTION_TYPES) as [string, ExportType][];

/**
 * The exports of a linked kernel image. The ksymtab entries themselves are read, so a vmlinux
 * without .symtab (as extracted from a vmlinuz) works: since 4.19 most architectures store
 * `struct kernel_symbol` as three PREL32 offsets (value, name, namespace), older ones and a few
 * others as three absolute pointers. The layout is chosen by which one lands every name inside
 * __ksymtab_strings. CRCs come from __kcrctab[_gpl], one u32 per entry in the same order.
 */
export function exportsFromVmlinux(elf: ElfFile): ExportTable {
  if (elf.type === ET_REL)
    throw new FormatError("vmlinux", 16, "a relocatable object is a module or blob, not a linked kernel image");
  const byName = new Map(elf.sections.map((s) => [s.name, s]));
  const strings = byName.get("__ksymtab_strings");
  const exports: KernelExport[] = [];
  if (strings) {
    for (const [name, type] of KSYMTAB_TYPES) {
      const table = byName.get(name);
      if (!table || table.size === 0) continue;
      const crcs = byName.get(name.replace("__ksymtab", "__kcrctab"));
      exports.push(...decodeEntries(elf, table, strings, crcs, type));
    }
  }
  if (exports.length === 0) {
    // No ksymtab entries to decode: fall back to the __ksymtab_<sym> labels of an unstripped image.
    const symtab = findSymtab(elf);
    if (symtab) {
      for (const e of readExports(elf, readSymbols(elf, symtab))) {
        exports.push({
          symbol: e.symbol,
          crc: e.crc,
          module: "vmlinux",
          type: e.type,
          gplOnly: e.gplOnly,
          namespace: e.namespace,
        });
      }
    }
  }
  if (exports.length === 0)
    throw new FormatError("vmlinux", undefined, "no __ksymtab sections or labels: not a kernel image with exports");
  return { exports, hasExportTypes: true };
}

function decodeEntries(
  elf: ElfFile,
  table: ElfSection,
  strings: ElfSection,
  crcSection: ElfSection | undefined,
  type: ExportType,
): KernelExport[] {
  const view = elf.view;
  const bytes = sectionBytes(elf, table);
  const strBytes = sectionBytes(elf, strings);
  const word = elf.elfClass === 64 ? 8 : 4;
  const stringAt = (addr: bigint): string | undefined => {
    const off = addr - strings.addr;
    if (off < 0n || off >= BigInt(strBytes.length)) return undefined;
    const nul = strBytes.indexOf(0, Number(off));
    return nul < 0 ? undefined : strBytes.toString("utf8", Number(off), nul);
  };
  const layouts = [
    {
      size: 12,
      name: (i: number) => table.addr + BigInt(i * 12 + 4) + BigInt(view.i32(table.offset + i * 12 + 4, table.name)),
      ns: (i: number) => table.addr + BigInt(i * 12 + 8) + BigInt(view.i32(table.offset + i * 12 + 8, table.name)),
    },
    {
      size: 3 * word,
      name: (i: number) => readWord(i * 3 * word + word),
      ns: (i: number) => readWord(i * 3 * word + 2 * word),
    },
    { size: 2 * word, name: (i: number) => readWord(i * 2 * word + word), ns: () => 0n },
  ];
  function readWord(at: number): bigint {
    return word === 8 ? view.u64big(table.offset + at, table.name) : BigInt(view.u32(table.offset + at, table.name));
  }
  for (const layout of layouts) {
    if (bytes.length % layout.size !== 0) continue;
    const count = bytes.length / layout.size;
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const n = stringAt(layout.name(i));
      if (!n) break;
      names.push(n);
    }
    if (names.length !== count) continue;
    const crcBytes = crcSection ? sectionBytes(elf, crcSection) : undefined;
    return names.map((symbol, i) => ({
      symbol,
      crc: crcBytes && crcBytes.length === count * 4 ? view.u32(crcSection!.offset + i * 4, crcSection!.name) : null,
      module: "vmlinux",
      type,
      gplOnly: isGplOnly(type),
      namespace: stringAt(layout.ns(i)) || null,
    }));
  }
  throw new FormatError(`vmlinux ${table.name}`, table.offset, "entries match no known struct kernel_symbol layout");
}

/** Parses a vmlinux ELF (the caller has already decompressed it, see findEmbeddedKernel). */
export function parseVmlinux(bytes: Buffer): ExportTable {
  return exportsFromVmlinux(parseElf(bytes));
}
