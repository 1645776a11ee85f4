import { FormatError } from "../core/errors.js";
import { SHT_REL, SHT_RELA } from "./constants.js";
import type { ElfFile, ElfSection } from "./types.js";

export interface Relocation {
  /** Offset in the target section (sh_info) that the relocation patches. */
  offset: number;
  symbol: number;
  type: number;
  /** Explicit (RELA) or, for REL, the 32-bit value stored at the patched place. */
  addend: number;
}

const ENTRY = { rel: { 32: 8, 64: 16 }, rela: { 32: 12, 64: 24 } } as const;

/** Relocation sections and the section each one patches. */
export function relocationSections(elf: ElfFile): { rel: ElfSection; target: ElfSection }[] {
  const out: { rel: ElfSection; target: ElfSection }[] = [];
  for (const s of elf.sections) {
    if (s.type !== SHT_RELA && s.type !== SHT_REL) continue;
    const target = elf.sections[s.info];
    if (target && s.info !== 0) out.push({ rel: s, target });
  }
  return out;
}

/** Decodes SHT_REL/SHT_RELA entries in either class and byte order; r_info is split per class. */
export function readRelocations(elf: ElfFile, rel: ElfSection, target: ElfSection): Relocation[] {
  const where = `relocation section ${rel.name}`;
  const is64 = elf.elfClass === 64;
  const rela = rel.type === SHT_RELA;
  const size = ENTRY[rela ? "rela" : "rel"][elf.elfClass];
  if (rel.size % size !== 0) throw new FormatError(where, rel.offset, `size ${rel.size} is not a multiple of ${size}`);
  const view = elf.view;
  view.range(rel.offset, rel.size, where);
  const out: Relocation[] = new Array(rel.size / size);
  for (let i = 0, at = rel.offset; at < rel.offset + rel.size; i++, at += size) {
    let offset: number, symbol: number, type: number, addend: number;
    if (is64) {
      offset = Number(view.u64big(at, where));
      const info = view.u64big(at + 8, where);
      symbol = Number(info >> 32n);
      type = Number(info & 0xffffffffn);
      addend = rela ? Number(BigInt.asIntN(64, view.u64big(at + 16, where))) : 0;
    } else {
      offset = view.u32(at, where);
      const info = view.u32(at + 4, where);
      symbol = info >>> 8;
      type = info & 0xff;
      addend = rela ? view.i32(at + 8, where) : 0;
    }
    if (!rela && offset + 4 <= target.size) addend = view.i32(target.offset + offset, where);
    out[i] = { offset, symbol, type, addend };
  }
  return out;
}
