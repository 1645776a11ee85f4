import elfy from "elfy";
import { FormatError } from "../core/errors.js";
import { DEFAULT_LIMITS, type ParseLimits } from "../core/limits.js";
import { ByteView, type ReadRanges } from "./byte-view.js";
import { type Endian } from "../core/facts.js";
import { SHN_LORESERVE, SHN_UNDEF, SHN_XINDEX, SHT_NOBITS, SHT_STRTAB } from "./constants.js";
import type { ElfFile, ElfSection } from "./types.js";

/*
 * The only place that talks to `elfy`. elfy decodes the ELF header and each section header entry
 * in both classes and byte orders; everything it gets wrong or leaves out is corrected here:
 *  - on ELF64 it reads sh_addralign and sh_entsize at offsets 46/54 instead of 48/56, so both are
 *    read here at the class's fixed layout;
 *  - it reads EI_OSABI from byte 6 (EI_VERSION) instead of byte 7;
 *  - it maps e_type, e_machine, sh_type and sh_flags to names and drops values it has no name for,
 *    so the raw numbers are read here;
 *  - with e_shnum == 0 (no sections, or extended numbering via section 0) and with
 *    e_shstrndx == SHN_XINDEX it throws TypeErrors or assertion errors, and on offsets past the end
 *    it throws plain Errors or RangeErrors: the table is therefore validated here first and elfy is
 *    only asked for entries already known to be inside the file;
 *  - it slices section data with Buffer.slice, which silently stops at the end of the file: section
 *    bytes are never taken from elfy (see sectionBytes);
 *  - it needs a Node Buffer, not any Uint8Array.
 */

const EHDR_SIZE = { 32: 52, 64: 64 } as const;
const SHDR_SIZE = { 32: 40, 64: 64 } as const;

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function hasElfMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

function identify(bytes: Buffer): { elfClass: 32 | 64; endian: Endian } {
  if (!hasElfMagic(bytes)) throw new FormatError("ELF identification", 0, "no ELF magic");
  if (bytes.length < 16) throw new FormatError("ELF identification", 0, "file shorter than e_ident (16 bytes)");
  const cls = bytes[4];
  const data = bytes[5];
  if (cls !== 1 && cls !== 2) throw new FormatError("ELF identification", 4, `invalid EI_CLASS ${cls}`);
  if (data !== 1 && data !== 2) throw new FormatError("ELF identification", 5, `invalid EI_DATA ${data}`);
  const elfClass = cls === 1 ? 32 : 64;
  if (bytes.length < EHDR_SIZE[elfClass]) {
    throw new FormatError("ELF header", 0, `file of ${bytes.length} bytes is shorter than the ELF${elfClass} header (${EHDR_SIZE[elfClass]} bytes)`);
  }
  return { elfClass, endian: data === 1 ? "little" : "big" };
}

/** Calls into elfy and turns whatever it throws into a FormatError for `structure`. */
function viaElfy<T>(structure: string, offset: number, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new FormatError(structure, offset, `unreadable (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** The section-entry fields elfy decodes; the direct path reads the same fields from the bytes. */
interface ElfyEntry {
  name: number;
  off: number;
  size: number;
  link: number;
  info: number;
}

interface ElfyReader {
  header: { shentsize: number; shnum: number; shstrndx: number };
  /** The section header at `at`; elfy wants it as a Buffer of its own. */
  entry(at: number, entsize: number): ElfyEntry;
}

function elfyReader(bytes: Buffer): ElfyReader {
  const parser = new elfy.Parser();
  const header = viaElfy("ELF header", 0, () => parser.parseHeader(bytes));
  return { header, entry: (at, entsize) => viaElfy("section header", at, () => parser.parseSection(bytes.subarray(at, at + entsize), header, bytes)) };
}

/**
 * A word of a section header as a number: on ELF64 high word × 2^32 + low word, inexact past 2^53
 * rather than an error, as elfy reads sh_offset and sh_size, so that both decoders give the same
 * facts. Such an offset or size fails the range check of whoever reads the section's bytes
 * (ByteView.range); a section nobody reads does not fail the file.
 */
function sectionWord(view: ByteView, at: number, is64: boolean): number {
  if (!is64) return view.u32(at, "section header");
  const hi = view.u32(at + (view.little ? 4 : 0), "section header");
  return hi * 0x100000000 + view.u32(at + (view.little ? 0 : 4), "section header");
}

/**
 * The header and section table. With "direct", the header and entry fields are read straight from
 * the bytes instead of through elfy, which costs about a microsecond per section header (a
 * Buffer.slice and eight calls per entry): a scan of a whole module tree reads two hundred
 * thousand of them (engine/inspect-file.ts). A corpus test and a differential fuzz test check that
 * both decoders give identical facts.
 *
 * `read`: the parts of `input` that hold the file's bytes, when it was read in parts (elf/byte-view.ts).
 */
export function parseElf(input: Uint8Array, decoder: "elfy" | "direct" = "elfy", limits: ParseLimits = DEFAULT_LIMITS, read?: ReadRanges): ElfFile {
  const bytes = asBuffer(input);
  const { elfClass, endian } = identify(bytes);
  const view = new ByteView(bytes, endian, read);
  const is64 = elfClass === 64;
  const elfyEntries = decoder === "elfy" ? elfyReader(bytes) : undefined;
  const header = elfyEntries?.header ?? { shentsize: view.u16(is64 ? 58 : 46, "ELF header"), shnum: view.u16(is64 ? 60 : 48, "ELF header"), shstrndx: view.u16(is64 ? 62 : 50, "ELF header") };

  const type = view.u16(16, "ELF header");
  const machine = view.u16(18, "ELF header");
  const osabi = bytes[7]!;
  const shoff = view.word(is64 ? 40 : 32, is64, "ELF header e_shoff");
  // One literal for every return, not a spread of a shared base: spreading cost a tenth of this
  // function's time on a cold scan, and one shape keeps every reader of the fields monomorphic.
  const file = (sections: ElfSection[]): ElfFile => ({ view, elfClass, endian, type, machine, osabi, sections, limits });
  if (shoff === 0) return file([]); // no section header table: absent, not invalid

  const entsize = SHDR_SIZE[elfClass];
  if (header.shentsize !== entsize) {
    throw new FormatError("ELF header", is64 ? 58 : 46, `e_shentsize ${header.shentsize} is not the ELF${elfClass} section header size ${entsize}`);
  }
  view.range(shoff, entsize, "section header table");

  // Extended numbering: with e_shnum == 0 the real count is section 0's sh_size, and with
  // e_shstrndx == SHN_XINDEX the real string table index is section 0's sh_link.
  let count = header.shnum;
  let shstrndx = header.shstrndx;
  if (count === 0) count = is64 ? view.u64(shoff + 32, "section header 0") : view.u32(shoff + 20, "section header 0");
  if (shstrndx === SHN_XINDEX) shstrndx = view.u32(shoff + (is64 ? 40 : 24), "section header 0");
  if (count === 0) throw new FormatError("section header table", shoff, "e_shoff is set but the table has no entries");
  if (count > limits.maxSections) throw new FormatError("section header table", shoff, `${count} sections exceed the limit of ${limits.maxSections} (--max-sections)`);
  if (count > Math.floor((bytes.length - shoff) / entsize)) {
    throw new FormatError("section header table", shoff, `${count} entries of ${entsize} bytes run past the end of the file (${bytes.length} bytes)`);
  }

  const raw: ElfSection[] = new Array(count);
  const nameOffsets: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const at = shoff + i * entsize;
    const e = elfyEntries?.entry(at, entsize);
    nameOffsets[i] = e ? e.name : view.u32(at, "section header");
    raw[i] = {
      index: i,
      name: "",
      type: view.u32(at + 4, "section header"),
      // sh_flags as a number, as before: exact up to 2^53, which every defined flag is far below.
      flags: sectionWord(view, at + 8, is64),
      addr: is64 ? view.u64big(at + 16, "section header") : BigInt(view.u32(at + 12, "section header")),
      offset: e ? e.off : sectionWord(view, at + (is64 ? 24 : 16), is64),
      size: e ? e.size : sectionWord(view, at + (is64 ? 32 : 20), is64),
      link: e ? e.link : view.u32(at + (is64 ? 40 : 24), "section header"),
      info: e ? e.info : view.u32(at + (is64 ? 44 : 28), "section header"),
      addralign: view.word(at + (is64 ? 48 : 32), is64, "section header sh_addralign"),
      entsize: view.word(at + (is64 ? 56 : 36), is64, "section header sh_entsize"),
    };
  }

  if (shstrndx === SHN_UNDEF) return file(raw); // no section names: absent
  if (shstrndx >= count || (shstrndx >= SHN_LORESERVE && header.shstrndx !== SHN_XINDEX)) {
    throw new FormatError("ELF header", is64 ? 62 : 50, `e_shstrndx ${shstrndx} is not a section (${count} sections)`);
  }
  const shstr = raw[shstrndx]!;
  if (shstr.type !== SHT_STRTAB) {
    throw new FormatError("section name table", shoff + shstrndx * entsize, `section ${shstrndx} has type ${shstr.type}, not SHT_STRTAB`);
  }
  const limit = view.range(shstr.offset, shstr.size, "section name table");
  for (const s of raw) {
    const nameOff = nameOffsets[s.index]!;
    const name = view.cstring(shstr.offset + nameOff, Math.min(limit, shstr.offset + nameOff + limits.maxStringBytes + 1), "section name table");
    if (name === undefined) throw new FormatError("section name table", shstr.offset + nameOff, `name of section ${s.index} has no terminating NUL within ${limits.maxStringBytes} bytes`);
    s.name = name;
  }
  return file(raw);
}

/** The file bytes of a section, checked to lie inside the file (SHT_NOBITS has none). */
export function sectionBytes(elf: ElfFile, section: ElfSection): Buffer {
  if (section.type === SHT_NOBITS) return elf.view.bytes.subarray(0, 0);
  return elf.view.slice(section.offset, section.size, `section ${section.name || section.index}`);
}
