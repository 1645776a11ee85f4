import { FormatError } from "../core/errors.js";
import type { Endian } from "../core/facts.js";
import { ByteView, type ReadRanges } from "./byte-view.js";

/*
 * ELF identification (e_ident) and the fields of the ELF header that locate the section table.
 * Every check names the structure and the offset of the field at fault.
 */

/** Where the fields read here lie in each class's header, and the header's size. */
const EHDR = {
  32: { size: 52, shoff: 32, shentsize: 46, shnum: 48, shstrndx: 50 },
  64: { size: 64, shoff: 40, shentsize: 58, shnum: 60, shstrndx: 62 },
} as const;
const E_TYPE = 16;
const E_MACHINE = 18;
const EI_CLASS = 4;
const EI_DATA = 5;
const EI_OSABI = 7;
const EI_NIDENT = 16;

/** The ELF header as read, in the file's own words: nothing resolved through section 0 yet. */
export interface ElfHeader {
  elfClass: 32 | 64;
  endian: Endian;
  /** e_type: ET_REL for modules and blobs. */
  type: number;
  machine: number;
  osabi: number;
  /** e_shoff: 0 when there is no section header table. */
  shoff: number;
  shentsize: number;
  /** e_shnum: 0 with extended numbering, which keeps the count in section 0. */
  shnum: number;
  /** e_shstrndx: SHN_XINDEX with extended numbering, which keeps the index in section 0. */
  shstrndx: number;
}

export function hasElfMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** Offset of a header field in the given class, for errors that point at it. */
export function headerFieldOffset(elfClass: 32 | 64, field: "shentsize" | "shstrndx"): number {
  return EHDR[elfClass][field];
}

function identify(bytes: Buffer): { elfClass: 32 | 64; endian: Endian } {
  if (!hasElfMagic(bytes)) throw new FormatError("ELF identification", 0, "no ELF magic");
  if (bytes.length < EI_NIDENT) throw new FormatError("ELF identification", 0, "file shorter than e_ident (16 bytes)");
  const cls = bytes[EI_CLASS];
  const data = bytes[EI_DATA];
  if (cls !== 1 && cls !== 2) throw new FormatError("ELF identification", EI_CLASS, `invalid EI_CLASS ${cls}`);
  if (data !== 1 && data !== 2) throw new FormatError("ELF identification", EI_DATA, `invalid EI_DATA ${data}`);
  const elfClass = cls === 1 ? 32 : 64;
  const size = EHDR[elfClass].size;
  if (bytes.length < size) {
    const why = `file of ${bytes.length} bytes is shorter than the ELF${elfClass} header (${size} bytes)`;
    throw new FormatError("ELF header", 0, why);
  }
  return { elfClass, endian: data === 1 ? "little" : "big" };
}

/**
 * Identifies the file and reads its header, and gives the byte view in the file's byte order that
 * every later read goes through. `read`: the parts of `bytes` that hold the file's bytes, when it
 * was read in parts (elf/byte-view.ts).
 */
export function readElfHeader(bytes: Buffer, read?: ReadRanges): { header: ElfHeader; view: ByteView } {
  const { elfClass, endian } = identify(bytes);
  const view = new ByteView(bytes, endian, read);
  const at = EHDR[elfClass];
  const header: ElfHeader = {
    elfClass,
    endian,
    type: view.u16(E_TYPE, "ELF header"),
    machine: view.u16(E_MACHINE, "ELF header"),
    osabi: bytes[EI_OSABI]!,
    shoff: view.word(at.shoff, elfClass === 64, "ELF header e_shoff"),
    shentsize: view.u16(at.shentsize, "ELF header"),
    shnum: view.u16(at.shnum, "ELF header"),
    shstrndx: view.u16(at.shstrndx, "ELF header"),
  };
  return { header, view };
}
