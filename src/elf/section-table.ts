import { FormatError } from "../core/errors.js";
import type { ParseLimits } from "../core/limits.js";
import type { ByteView } from "./byte-view.js";
import { SHN_LORESERVE, SHN_UNDEF, SHN_XINDEX, SHT_STRTAB } from "./constants.js";
import { type ElfHeader, headerFieldOffset } from "./header.js";
import { blankSectionHeader, SHDR_FIELDS, SHDR_SIZE, type SectionHeaderDecoder } from "./section-headers.js";
import type { ElfSection } from "./types.js";

/*
 * The section header table: where it lies, how many entries it has, its entries and their names.
 * parseElf (elf/parse.ts) reads it in these steps, and the ranged reader (engine/ranged-read.ts)
 * asks the same steps which bytes to read. No entry is read before its table is known to lie inside
 * the file, and no name before its table is known to be a string table inside the file.
 */

/** The table as the header and, with extended numbering, section 0 describe it. */
export interface SectionTable {
  /** e_shoff. */
  offset: number;
  /** The class's entry size, which e_shentsize was checked to be. */
  entsize: number;
  /** e_shnum, or section 0's sh_size with extended numbering. */
  count: number;
  /** e_shstrndx, or section 0's sh_link when it is SHN_XINDEX; SHN_UNDEF when sections have no names. */
  shstrndx: number;
}

/**
 * The bytes the ELF header alone says the table takes: e_shnum entries at e_shoff, or just section 0
 * when e_shnum is 0 (extended numbering keeps the count there). Undefined when there is no table.
 * Unchecked: for a reader deciding what to read before locateSectionTable checks it.
 */
export function claimedTableExtent(header: ElfHeader): { offset: number; size: number } | undefined {
  if (header.shoff === 0) return undefined;
  return { offset: header.shoff, size: SHDR_SIZE[header.elfClass] * Math.max(1, header.shnum) };
}

/**
 * Where the table lies and how many entries it has, checked against the file and `limits`;
 * undefined when e_shoff is 0 (no table: absent, not invalid).
 */
export function locateSectionTable(
  view: ByteView,
  header: ElfHeader,
  limits: Pick<ParseLimits, "maxSections">,
): SectionTable | undefined {
  const { elfClass, shoff } = header;
  if (shoff === 0) return undefined;
  const entsize = SHDR_SIZE[elfClass];
  if (header.shentsize !== entsize) {
    const why = `e_shentsize ${header.shentsize} is not the ELF${elfClass} section header size ${entsize}`;
    throw new FormatError("ELF header", headerFieldOffset(elfClass, "shentsize"), why);
  }
  view.range(shoff, entsize, "section header table");

  // Extended numbering: with e_shnum == 0 the real count is section 0's sh_size, and with
  // e_shstrndx == SHN_XINDEX the real string table index is section 0's sh_link.
  const zero = SHDR_FIELDS[elfClass];
  let count = header.shnum;
  let shstrndx = header.shstrndx;
  if (count === 0) count = view.word(shoff + zero.size, elfClass === 64, "section header 0");
  if (shstrndx === SHN_XINDEX) shstrndx = view.u32(shoff + zero.link, "section header 0");
  if (count === 0) throw new FormatError("section header table", shoff, "e_shoff is set but the table has no entries");
  if (count > limits.maxSections) {
    const why = `${count} sections exceed the limit of ${limits.maxSections} (--max-sections)`;
    throw new FormatError("section header table", shoff, why);
  }
  if (count > Math.floor((view.length - shoff) / entsize)) {
    const why = `${count} entries of ${entsize} bytes run past the end of the file (${view.length} bytes)`;
    throw new FormatError("section header table", shoff, why);
  }
  return { offset: shoff, entsize, count, shstrndx };
}

/**
 * Every entry of the table, read by `decoder`, names not yet read: `nameOffsets[i]` is section i's
 * offset into the section name table.
 */
export function readSectionHeaders(
  table: SectionTable,
  decoder: SectionHeaderDecoder,
): { sections: ElfSection[]; nameOffsets: number[] } {
  const { offset, entsize, count } = table;
  const sections: ElfSection[] = new Array(count);
  const nameOffsets: number[] = new Array(count);
  const h = blankSectionHeader();
  for (let i = 0; i < count; i++) {
    decoder.read(offset + i * entsize, h);
    nameOffsets[i] = h.name;
    sections[i] = {
      index: i,
      name: "",
      type: h.type,
      flags: h.flags,
      addr: h.addr,
      offset: h.offset,
      size: h.size,
      link: h.link,
      info: h.info,
      addralign: h.addralign,
      entsize: h.entsize,
    };
  }
  return { sections, nameOffsets };
}

/** The section name table (e_shstrndx), checked to be a string table; undefined when sections have no names. */
export function sectionNameTable(
  header: ElfHeader,
  table: SectionTable,
  sections: ElfSection[],
): ElfSection | undefined {
  const { shstrndx, count } = table;
  if (shstrndx === SHN_UNDEF) return undefined; // no section names: absent
  if (shstrndx >= count || (shstrndx >= SHN_LORESERVE && header.shstrndx !== SHN_XINDEX)) {
    const why = `e_shstrndx ${shstrndx} is not a section (${count} sections)`;
    throw new FormatError("ELF header", headerFieldOffset(header.elfClass, "shstrndx"), why);
  }
  const names = sections[shstrndx]!;
  if (names.type !== SHT_STRTAB) {
    const why = `section ${shstrndx} has type ${names.type}, not SHT_STRTAB`;
    throw new FormatError("section name table", table.offset + shstrndx * table.entsize, why);
  }
  return names;
}

/** Gives each section its name from `names`, the section name table, checked to lie inside the file. */
export function nameSections(
  view: ByteView,
  names: ElfSection,
  sections: ElfSection[],
  nameOffsets: number[],
  limits: Pick<ParseLimits, "maxStringBytes">,
): void {
  const limit = view.range(names.offset, names.size, "section name table");
  for (const s of sections) {
    const at = names.offset + nameOffsets[s.index]!;
    const name = view.cstring(at, Math.min(limit, at + limits.maxStringBytes + 1), "section name table");
    if (name === undefined) {
      const why = `name of section ${s.index} has no terminating NUL within ${limits.maxStringBytes} bytes`;
      throw new FormatError("section name table", at, why);
    }
    s.name = name;
  }
}
