import { FormatError } from "../errors.js";
import { SHN_HIRESERVE, SHN_LORESERVE, SHN_XINDEX, SHT_STRTAB, SHT_SYMTAB, SHT_SYMTAB_SHNDX } from "./constants.js";
import { sectionBytes } from "./elfy-adapter.js";
import type { ElfFile, ElfSection, ElfSymbol } from "./types.js";

const SYM_SIZE = { 32: 16, 64: 24 } as const;

export function findSymtab(elf: ElfFile): ElfSection | undefined {
  return elf.sections.find((s) => s.type === SHT_SYMTAB);
}

/**
 * Decodes a SHT_SYMTAB section in either class and byte order. The linked string table and an
 * SHT_SYMTAB_SHNDX companion are type-checked before use; entry 0 (the null symbol) is skipped.
 */
/**
 * Which symbols to decode. Decoding a name costs a string; most of a module's symbols are local
 * definitions nothing here looks at, so callers that need only imports and `__`-prefixed labels
 * say so and the rest are passed over by their raw bytes.
 */
export type SymbolFilter = "all" | "undefined-or-dunder";

export function readSymbols(elf: ElfFile, symtab: ElfSection, filter: SymbolFilter = "all"): ElfSymbol[] {
  const where = `symbol table ${symtab.name}`;
  const entsize = SYM_SIZE[elf.elfClass];
  if (symtab.entsize !== entsize && symtab.entsize !== 0) {
    throw new FormatError(where, symtab.offset, `sh_entsize ${symtab.entsize} is not the ELF${elf.elfClass} symbol size ${entsize}`);
  }
  if (symtab.size % entsize !== 0) throw new FormatError(where, symtab.offset, `size ${symtab.size} is not a multiple of ${entsize}`);
  const strtab = elf.sections[symtab.link];
  if (!strtab || strtab.type !== SHT_STRTAB) {
    throw new FormatError(where, symtab.offset, `sh_link ${symtab.link} is not a string table`);
  }
  const view = elf.view;
  view.range(symtab.offset, symtab.size, where);
  const strStart = strtab.offset;
  const strEnd = view.range(strtab.offset, strtab.size, `string table ${strtab.name}`);
  const shndxSection = elf.sections.find((s) => s.type === SHT_SYMTAB_SHNDX && s.link === symtab.index);
  const shndxBytes = shndxSection ? sectionBytes(elf, shndxSection) : undefined;

  const count = symtab.size / entsize;
  if (count > elf.limits.maxSymbols) throw new FormatError(where, symtab.offset, `${count} symbols exceed the limit of ${elf.limits.maxSymbols} (--max-symbols)`);
  const is64 = elf.elfClass === 64;
  const out: ElfSymbol[] = [];
  for (let i = 0; i < count; i++) {
    const at = symtab.offset + i * entsize;
    const nameOff = view.u32(at, where);
    let value: bigint, size: number, info: number, shndx: number;
    if (is64) {
      info = view.u8(at + 4, where);
      shndx = view.u16(at + 6, where);
      value = view.u64big(at + 8, where);
      size = Number(view.u64big(at + 16, where));
    } else {
      value = BigInt(view.u32(at + 4, where));
      size = view.u32(at + 8, where);
      info = view.u8(at + 12, where);
      shndx = view.u16(at + 14, where);
    }
    if (shndx === SHN_XINDEX) {
      if (!shndxBytes || shndxBytes.length < (i + 1) * 4) {
        throw new FormatError(where, at, `symbol ${i} uses SHN_XINDEX but there is no SHT_SYMTAB_SHNDX entry for it`);
      }
      shndx = elf.endian === "little" ? shndxBytes.readUInt32LE(i * 4) : shndxBytes.readUInt32BE(i * 4);
    }
    if (filter !== "all" && shndx !== 0 && (nameOff === 0 || nameOff + 2 > strtab.size || view.bytes[strStart + nameOff] !== 0x5f || view.bytes[strStart + nameOff + 1] !== 0x5f)) continue;
    let name = "";
    if (nameOff !== 0) {
      if (nameOff >= strtab.size) throw new FormatError(where, at, `name of symbol ${i} at string offset ${nameOff} is past the string table (${strtab.size} bytes)`);
      const s = view.cstring(strStart + nameOff, Math.min(strEnd, strStart + nameOff + elf.limits.maxStringBytes + 1), `string table ${strtab.name}`);
      if (s === undefined) throw new FormatError(`string table ${strtab.name}`, strStart + nameOff, `name of symbol ${i} has no terminating NUL within ${Math.min(elf.limits.maxStringBytes, strEnd - strStart - nameOff)} bytes`);
      name = s;
    }
    const section = shndx < SHN_LORESERVE || shndx > SHN_HIRESERVE ? elf.sections[shndx] : undefined;
    const offset = section && section.addr !== 0n ? Number(value - section.addr) : Number(value);
    out.push({ index: i, name, value: Number(value), offset, size, bind: info >> 4, type: info & 0xf, shndx });
  }
  return out;
}
