import type { ParseLimits } from "../core/limits.js";
import type { ByteView } from "./byte-view.js";
import type { Endian } from "../core/facts.js";

/** A section header entry's fields but its name, as every decoder gives them (elf/section-headers.ts). */
export interface SectionHeaderFields {
  type: number;
  /** sh_flags as a number: exact up to 2^53, which every defined flag is far below. */
  flags: number;
  /** Virtual address: kernel addresses in vmlinux exceed 2^53, so kept exact. */
  addr: bigint;
  /** File offset of the section's bytes; checked against the file only when the bytes are read. */
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

export interface ElfSection extends SectionHeaderFields {
  index: number;
  name: string;
}

/** A parsed ELF file: header facts, the section table, and bounded access to the bytes. */
export interface ElfFile {
  view: ByteView;
  elfClass: 32 | 64;
  endian: Endian;
  /** e_type: ET_REL for modules and blobs. */
  type: number;
  machine: number;
  osabi: number;
  sections: ElfSection[];
  /** The limits it was parsed under, for the readers of its tables. */
  limits: ParseLimits;
}

export interface ElfSymbol {
  /** Index in the symbol table (relocations refer to symbols by it). */
  index: number;
  name: string;
  /** st_value; approximate above 2^53 (vmlinux addresses) — use `offset` to find its bytes. */
  value: number;
  /** Exact offset of the symbol within its section (st_value − sh_addr). */
  offset: number;
  size: number;
  bind: number;
  type: number;
  /** Section index, already resolved through SHT_SYMTAB_SHNDX when the entry said SHN_XINDEX. */
  shndx: number;
}
