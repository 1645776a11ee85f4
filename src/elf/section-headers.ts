import type { ByteView } from "./byte-view.js";
import type { SectionHeaderFields } from "./types.js";

/*
 * A section header entry, and the decoder that reads it straight from the bytes. The other decoder,
 * through elfy, is in elf/elfy-adapter.ts; elf/parse.ts chooses between them, and a corpus test and
 * a differential fuzz test hold them to the same facts.
 */

/** A section header entry's size in each class (e_shentsize must be it). */
export const SHDR_SIZE = { 32: 40, 64: 64 } as const;

/** Where each field of a section header entry lies in each class. */
export const SHDR_FIELDS = {
  32: { name: 0, type: 4, flags: 8, addr: 12, offset: 16, size: 20, link: 24, info: 28, addralign: 32, entsize: 36 },
  64: { name: 0, type: 4, flags: 8, addr: 16, offset: 24, size: 32, link: 40, info: 44, addralign: 48, entsize: 56 },
} as const;

/** One entry's fields as the table holds them: `name` is still an offset into the section name table. */
export interface SectionHeader extends SectionHeaderFields {
  name: number;
}

/** Reads section header entries. A decoder is made for one file (its byte view and class). */
export interface SectionHeaderDecoder {
  /** Reads the entry that starts at `at` into `into`, which the caller may reuse from entry to entry. */
  read(at: number, into: SectionHeader): void;
}

/** An empty record to read entries into. */
export const blankSectionHeader = (): SectionHeader => ({
  name: 0,
  type: 0,
  flags: 0,
  addr: 0n,
  offset: 0,
  size: 0,
  link: 0,
  info: 0,
  addralign: 0,
  entsize: 0,
});

/**
 * A word of a section header as a number: on ELF64 high word × 2^32 + low word, inexact past 2^53
 * rather than an error, as elfy reads sh_offset and sh_size, so that both decoders give the same
 * facts. Such an offset or size fails the range check of whoever reads the section's bytes
 * (ByteView.range); a section nobody reads does not fail the file.
 */
export function sectionWord(view: ByteView, at: number, is64: boolean): number {
  if (!is64) return view.u32(at, "section header");
  const hi = view.u32(at + (view.little ? 4 : 0), "section header");
  return hi * 0x100000000 + view.u32(at + (view.little ? 0 : 4), "section header");
}

/**
 * Reads every field at its place in the class's layout. It is the decoder of a scan, which reads
 * every entry of every module in a tree: elfy costs a Buffer slice and a call per field for each.
 */
export class DirectSectionHeaders implements SectionHeaderDecoder {
  readonly #view: ByteView;
  readonly #is64: boolean;
  readonly #at: (typeof SHDR_FIELDS)[32 | 64];

  constructor(view: ByteView, elfClass: 32 | 64) {
    this.#view = view;
    this.#is64 = elfClass === 64;
    this.#at = SHDR_FIELDS[elfClass];
  }

  read(at: number, into: SectionHeader): void {
    const view = this.#view;
    const f = this.#at;
    into.name = view.u32(at + f.name, "section header");
    into.offset = sectionWord(view, at + f.offset, this.#is64);
    into.size = sectionWord(view, at + f.size, this.#is64);
    into.link = view.u32(at + f.link, "section header");
    into.info = view.u32(at + f.info, "section header");
    this.readKind(at, into);
  }

  /**
   * sh_type, sh_flags, sh_addr, sh_addralign and sh_entsize: what kind of section it is, rather than
   * where it lies and what it links to. The elfy decoder reads these here, as elfy gets them wrong.
   */
  readKind(at: number, into: SectionHeader): void {
    const view = this.#view;
    const f = this.#at;
    const is64 = this.#is64;
    into.type = view.u32(at + f.type, "section header");
    into.flags = sectionWord(view, at + f.flags, is64);
    into.addr = is64 ? view.u64big(at + f.addr, "section header") : BigInt(view.u32(at + f.addr, "section header"));
    into.addralign = view.word(at + f.addralign, is64, "section header sh_addralign");
    into.entsize = view.word(at + f.entsize, is64, "section header sh_entsize");
  }
}
