import { FormatError } from "../core/errors.js";
import { SHN_HIRESERVE, SHN_LORESERVE, SHN_XINDEX, SHT_STRTAB, SHT_SYMTAB, SHT_SYMTAB_SHNDX } from "./constants.js";
import { sectionBytes } from "./parse.js";
import type { NamePrefixes } from "./name-prefixes.js";
import type { ElfFile, ElfSection, ElfSymbol } from "./types.js";

const SYM_SIZE = { 32: 16, 64: 24 } as const;

export function findSymtab(elf: ElfFile): ElfSection | undefined {
  return elf.sections.find((s) => s.type === SHT_SYMTAB);
}

/**
 * Decodes a SHT_SYMTAB section in either class and byte order, every symbol of it: the array is
 * indexed as the table is (relocations name symbols by index). The linked string table and an
 * SHT_SYMTAB_SHNDX companion are type-checked before use.
 */
export function readSymbols(elf: ElfFile, symtab: ElfSection): ElfSymbol[] {
  return decodeSymbols(elf, symtab, null);
}

/**
 * Only the undefined symbols and the defined ones whose names start with one of `definedPrefixes`;
 * every other defined symbol is passed over on its raw bytes, before a string or number is made for
 * it. For a reader of imports and a few kinds of label: most of a module's symbols are local
 * definitions it never looks at, and decoding a name costs a string. The table is checked as
 * readSymbols checks it, but the array is not indexed as the table is (each symbol's `index` is).
 */
export function readUndefinedOrPrefixedSymbols(
  elf: ElfFile,
  symtab: ElfSection,
  definedPrefixes: NamePrefixes,
): ElfSymbol[] {
  return decodeSymbols(elf, symtab, definedPrefixes);
}

/** `definedPrefixes`: keep only those defined symbols (null: keep all). */
function decodeSymbols(elf: ElfFile, symtab: ElfSection, definedPrefixes: NamePrefixes | null): ElfSymbol[] {
  const where = `symbol table ${symtab.name}`;
  const entsize = SYM_SIZE[elf.elfClass];
  if (symtab.entsize !== entsize && symtab.entsize !== 0) {
    throw new FormatError(
      where,
      symtab.offset,
      `sh_entsize ${symtab.entsize} is not the ELF${elf.elfClass} symbol size ${entsize}`,
    );
  }
  if (symtab.size % entsize !== 0)
    throw new FormatError(where, symtab.offset, `size ${symtab.size} is not a multiple of ${entsize}`);
  const strtab = elf.sections[symtab.link];
  if (!strtab || strtab.type !== SHT_STRTAB) {
    throw new FormatError(where, symtab.offset, `sh_link ${symtab.link} is not a string table`);
  }
  const view = elf.view;
  view.range(symtab.offset, symtab.size, where);
  const strStart = strtab.offset;
  const strWhere = `string table ${strtab.name}`;
  const strEnd = view.range(strtab.offset, strtab.size, strWhere);
  const shndxSection = elf.sections.find((s) => s.type === SHT_SYMTAB_SHNDX && s.link === symtab.index);
  const shndxBytes = shndxSection ? sectionBytes(elf, shndxSection) : undefined;

  const count = symtab.size / entsize;
  if (count > elf.limits.maxSymbols)
    throw new FormatError(
      where,
      symtab.offset,
      `${count} symbols exceed the limit of ${elf.limits.maxSymbols} (--max-symbols)`,
    );
  const is64 = elf.elfClass === 64;
  const little = elf.endian === "little";
  const bytes = view.bytes;
  // The whole table was range-checked above, so entries are read without a check per field.
  const dv = new DataView(bytes.buffer, bytes.byteOffset + symtab.offset, symtab.size);
  const out: ElfSymbol[] = [];
  for (let i = 0; i < count; i++) {
    const rel = i * entsize;
    const at = symtab.offset + rel;
    const nameOff = dv.getUint32(rel, little);
    const info = dv.getUint8(rel + (is64 ? 4 : 12));
    let shndx = dv.getUint16(rel + (is64 ? 6 : 14), little);
    if (shndx === SHN_XINDEX) {
      if (!shndxBytes || shndxBytes.length < (i + 1) * 4) {
        throw new FormatError(where, at, `symbol ${i} uses SHN_XINDEX but there is no SHT_SYMTAB_SHNDX entry for it`);
      }
      shndx = little ? shndxBytes.readUInt32LE(i * 4) : shndxBytes.readUInt32BE(i * 4);
    }
    // Decided on the raw bytes, before any string or number is made for a symbol nobody reads.
    if (
      definedPrefixes !== null &&
      shndx !== 0 &&
      (nameOff === 0 || nameOff >= strtab.size || !definedPrefixes.starts(bytes, strStart + nameOff, strEnd))
    )
      continue;
    // 64-bit values stay numbers unless they pass 2^53 (kernel addresses in vmlinux), which need
    // bigint arithmetic to give an exact offset from their section's address.
    let value: number | bigint;
    let size: number;
    if (is64) {
      const hi = dv.getUint32(rel + (little ? 12 : 8), little);
      const lo = dv.getUint32(rel + (little ? 8 : 12), little);
      value = hi < 0x200000 ? hi * 0x100000000 + lo : dv.getBigUint64(rel + 8, little);
      // st_size as a number (approximate past 2^53, which no symbol's size comes near).
      size =
        dv.getUint32(rel + (little ? 20 : 16), little) * 0x100000000 + dv.getUint32(rel + (little ? 16 : 20), little);
    } else {
      value = dv.getUint32(rel + 4, little);
      size = dv.getUint32(rel + 8, little);
    }
    let name = "";
    if (nameOff !== 0) {
      if (nameOff >= strtab.size)
        throw new FormatError(
          where,
          at,
          `name of symbol ${i} at string offset ${nameOff} is past the string table (${strtab.size} bytes)`,
        );
      const s = view.cstring(
        strStart + nameOff,
        Math.min(strEnd, strStart + nameOff + elf.limits.maxStringBytes + 1),
        strWhere,
      );
      if (s === undefined) {
        const within = Math.min(elf.limits.maxStringBytes, strEnd - strStart - nameOff);
        throw new FormatError(
          strWhere,
          strStart + nameOff,
          `name of symbol ${i} has no terminating NUL within ${within} bytes`,
        );
      }
      name = s;
    }
    const section = shndx < SHN_LORESERVE || shndx > SHN_HIRESERVE ? elf.sections[shndx] : undefined;
    let offset: number;
    if (!section || section.addr === 0n) offset = Number(value);
    else if (typeof value === "number" && section.addr < 0x20000000000000n) offset = value - Number(section.addr);
    else offset = Number(BigInt(value) - section.addr);
    out.push({ index: i, name, value: Number(value), offset, size, bind: info >> 4, type: info & 0xf, shndx });
  }
  return out;
}
