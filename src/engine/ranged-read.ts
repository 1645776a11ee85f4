import { readSync } from "node:fs";
import { hasElfMagic } from "../elf/header.js";
import { NamePrefixes } from "../elf/name-prefixes.js";
import { SHT_NOBITS, SHT_SYMTAB, SHT_SYMTAB_SHNDX } from "../elf/constants.js";
import type { ReadRanges } from "../elf/byte-view.js";

/**
 * Sections whose bytes module facts read (kmod/facts.ts and kmod/exports.ts): everything else in a
 * module — code, relocations, BTF, debug info — is never looked at by a plain audit, and on
 * Debian's modules it is about five sixths of the file.
 */
const FACT_SECTIONS = new NamePrefixes([".modinfo", "__versions", "__ksymtab_strings", ".export_symbol", "__kcrctab", "__kcrctab_gpl", "__kcrctab_gpl_future", "__kcrctab_unused", "__kcrctab_unused_gpl", ".vmkmodinfo"].map((n) => `${n}\0`));
const SIG_TRAILER = 40; // struct module_signature + "~Module signature appended~\n"
/**
 * Read first, with the header: the end of the file. kbuild links .shstrtab and the section header
 * table last and the signature is appended after them, so one read usually holds all three.
 */
const TAIL = 16 << 10;
/** Two wanted ranges closer than this are read as one: a read call costs more than a few pages copied. */
const GAP = 16 << 10;

/** Which byte ranges of the buffer hold the file's bytes. */
class Filled implements ReadRanges {
  /** In the order read; sorted, disjoint and not touching once sealed. */
  #parts: Part[] = [];

  constructor(
    readonly fd: number,
    readonly buf: Buffer,
  ) {}

  around(offset: number, size: number): Part | undefined {
    for (const p of this.#parts) if (p.start <= offset && offset + size <= p.end) return p;
    return undefined;
  }

  /** Makes [offset, offset+length) hold the file's bytes; false if the file ends first. */
  ensure(offset: number, length: number): boolean {
    if (offset < 0 || length < 0 || offset + length > this.buf.length) return false;
    if (this.around(offset, length)) return true;
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, this.buf, offset + got, length - got, offset + got);
      if (n === 0) return false;
      got += n;
    }
    this.#parts.push({ start: offset, end: offset + length });
    return true;
  }

  /** Once every part is read: parts that overlap or touch become one, so a read across them is whole. */
  seal(): this {
    this.#parts = joined(this.#parts, 0);
    return this;
  }
}

interface Part {
  start: number;
  end: number;
}

/** Sorted, with neighbours at most `gap` bytes apart joined into one. */
function joined(parts: Part[], gap: number): Part[] {
  const out: Part[] = [];
  for (const p of parts.sort((a, b) => a.start - b.start)) {
    const last = out[out.length - 1];
    if (last && p.start - last.end <= gap) last.end = Math.max(last.end, p.end);
    else out.push(p);
  }
  return out;
}

/**
 * Reads just the parts of an uncompressed ELF file that module facts use into `buf` (the size of
 * the file), each at its own offset, so every parser sees the same offsets as in a whole read.
 * Returns which parts were read, for the parse's byte view to hold every read to them: a module
 * whose facts need other bytes (a VMkernel module's relocations, a label in a section of an
 * unexpected name) fails that check and is read whole (engine/inspect-file.ts), never parsed from
 * whatever the buffer held before. Returns null whenever the file is not a plain ELF with an
 * ordinary section table; the caller then reads it whole, so anything unusual gets the whole-file
 * path and its checks.
 */
export function readFactRanges(fd: number, buf: Buffer): ReadRanges | null {
  const size = buf.length;
  if (size < 64) return null;
  const filled = new Filled(fd, buf);
  if (!filled.ensure(0, 64) || !hasElfMagic(buf)) return null;
  const is64 = buf[4] === 2;
  const le = buf[5] === 1;
  if ((buf[4] !== 1 && !is64) || (buf[5] !== 2 && !le)) return null;
  if (size > 64 && !filled.ensure(Math.max(64, size - TAIL), size - Math.max(64, size - TAIL))) return null;
  const u16 = (at: number) => (le ? buf.readUInt16LE(at) : buf.readUInt16BE(at));
  const u32 = (at: number) => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const word = (at: number) => (is64 ? Number(le ? buf.readBigUInt64LE(at) : buf.readBigUInt64BE(at)) : le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const shoff = word(is64 ? 40 : 32);
  const shentsize = u16(is64 ? 58 : 46);
  const shnum = u16(is64 ? 60 : 48);
  if (shnum === 0 || shentsize !== (is64 ? 64 : 40) || !filled.ensure(shoff, shnum * shentsize)) return null;
  const shstrndx = u16(is64 ? 62 : 50);
  if (shstrndx === 0 || shstrndx >= shnum || shstrndx >= 0xff00) return null;
  /** Where section `i`'s bytes lie, from its header's sh_offset and sh_size. */
  const extent = (i: number): Part => {
    const h = shoff + i * shentsize;
    const start = word(h + (is64 ? 24 : 16));
    return { start, end: start + word(h + (is64 ? 32 : 20)) };
  };
  const names = extent(shstrndx);
  if (!filled.ensure(names.start, names.end - names.start)) return null;

  // The section table is walked here on its raw fields, not through parseElf: the facts' own
  // parse (kmod/facts.ts) reads it again, with every check, from the bytes filled below. Anything
  // this walk finds odd sends the file to a whole read.
  const wanted: Part[] = [];
  const want = (p: Part) => void (p.end > p.start && wanted.push(p));
  let symtab = -1;
  for (let i = 0; i < shnum; i++) {
    const h = shoff + i * shentsize;
    const type = u32(h + 4);
    if (type === SHT_NOBITS) continue;
    const name = u32(h);
    if (name >= names.end - names.start) return null;
    if (type === SHT_SYMTAB) symtab = i;
    if (type === SHT_SYMTAB || type === SHT_SYMTAB_SHNDX || FACT_SECTIONS.starts(buf, names.start + name, names.end)) want(extent(i));
  }
  if (symtab >= 0) {
    // The symbol table's string table, whatever its name.
    const link = u32(shoff + symtab * shentsize + (is64 ? 40 : 24));
    if (link >= shnum) return null;
    want(extent(link));
  }
  // An appended signature: the trailer (in the tail read), then the signature it describes.
  if (size >= SIG_TRAILER && buf.toString("latin1", size - 28) === "~Module signature appended~\n") {
    const sigLen = buf.readUInt32BE(size - SIG_TRAILER + 8) + buf[size - SIG_TRAILER + 3]! + buf[size - SIG_TRAILER + 4]!;
    if (sigLen <= size - SIG_TRAILER) want({ start: size - SIG_TRAILER - sigLen, end: size - SIG_TRAILER });
  }
  // Neighbours closer than GAP are read as one.
  for (const p of joined(wanted, GAP)) if (!filled.ensure(p.start, p.end - p.start)) return null;
  return filled.seal();
}
