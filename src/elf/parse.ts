import { DEFAULT_LIMITS, type ParseLimits } from "../core/limits.js";
import type { ReadRanges } from "./byte-view.js";
import { SHT_NOBITS } from "./constants.js";
import { ElfySectionHeaders } from "./elfy-adapter.js";
import { readElfHeader } from "./header.js";
import { DirectSectionHeaders } from "./section-headers.js";
import { locateSectionTable, nameSections, readSectionHeaders, sectionNameTable } from "./section-table.js";
import type { ElfFile, ElfSection } from "./types.js";

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The header and section table of an ELF file. `decoder`: which reads the section header entries,
 * elfy (elf/elfy-adapter.ts) or the direct decoder (elf/section-headers.ts) a scan uses; both give
 * the same facts. `read`: the parts of `input` that hold the file's bytes, when it was read in parts
 * (elf/byte-view.ts).
 */
export function parseElf(
  input: Uint8Array,
  decoder: "elfy" | "direct" = "elfy",
  limits: ParseLimits = DEFAULT_LIMITS,
  read?: ReadRanges,
): ElfFile {
  const { header, view } = readElfHeader(asBuffer(input), read);
  const { elfClass } = header;
  let sections: ElfSection[] = [];
  const table = locateSectionTable(view, header, limits);
  if (table) {
    const entries =
      decoder === "elfy" ? new ElfySectionHeaders(view, elfClass) : new DirectSectionHeaders(view, elfClass);
    const decoded = readSectionHeaders(table, entries);
    sections = decoded.sections;
    const names = sectionNameTable(header, table, sections);
    if (names) nameSections(view, names, sections, decoded.nameOffsets, limits);
  }
  // One shape for every file, built in one literal: every reader of its fields stays monomorphic.
  const { endian, type, machine, osabi } = header;
  return { view, elfClass, endian, type, machine, osabi, sections, limits };
}

/** The file bytes of a section, checked to lie inside the file (SHT_NOBITS has none). */
export function sectionBytes(elf: ElfFile, section: ElfSection): Buffer {
  if (section.type === SHT_NOBITS) return elf.view.bytes.subarray(0, 0);
  return elf.view.slice(section.offset, section.size, `section ${section.name || section.index}`);
}
