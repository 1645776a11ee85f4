import { readSync } from "node:fs";
import { FormatError } from "../core/errors.js";
import { DEFAULT_LIMITS } from "../core/limits.js";
import { type ReadRanges, UnreadBytes } from "../elf/byte-view.js";
import { SHT_NOBITS, SHT_SYMTAB, SHT_SYMTAB_SHNDX } from "../elf/constants.js";
import { hasElfMagic, readElfHeader } from "../elf/header.js";
import { NamePrefixes } from "../elf/name-prefixes.js";
import { DirectSectionHeaders } from "../elf/section-headers.js";
import { claimedTableExtent, locateSectionTable, readSectionHeaders, sectionNameTable } from "../elf/section-table.js";
import type { ElfSection } from "../elf/types.js";
import { signatureTrailer } from "../kmod/signature.js";

/**
 * Sections whose bytes module facts read (kmod/facts.ts and kmod/exports.ts): everything else in a
 * module — code, relocations, BTF, debug info — is never looked at by a plain audit, and in a
 * distribution's modules it is most of the file.
 */
const FACT_SECTIONS = new NamePrefixes(
  [
    ".modinfo",
    "__versions",
    "__ksymtab_strings",
    ".export_symbol",
    "__kcrctab",
    "__kcrctab_gpl",
    "__kcrctab_gpl_future",
    "__kcrctab_unused",
    "__kcrctab_unused_gpl",
    ".vmkmodinfo",
  ].map((n) => `${n}\0`),
);
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
 * whatever the buffer held before. Returns null whenever the file is not a plain ELF file whose
 * section table elf/ reads without complaint; the caller then reads it whole, so anything unusual
 * gets the whole-file path and its checks.
 */
export function readFactRanges(fd: number, buf: Buffer): ReadRanges | null {
  const size = buf.length;
  if (size < 64) return null;
  const filled = new Filled(fd, buf);
  if (!filled.ensure(0, 64) || !hasElfMagic(buf)) return null;
  const tail = Math.max(64, size - TAIL);
  if (size > 64 && !filled.ensure(tail, size - tail)) return null;
  try {
    const wanted = factParts(filled);
    if (!wanted) return null;
    // Neighbours closer than GAP are read as one.
    for (const p of joined(wanted, GAP)) if (!filled.ensure(p.start, p.end - p.start)) return null;
  } catch (e) {
    // What the checks of elf/ refuse is reported by the whole read's parse, which makes them again.
    if (e instanceof FormatError || e instanceof UnreadBytes) return null;
    throw e;
  }
  return filled.seal();
}

/**
 * Where the sections facts read lie, and an appended signature, as the header, section table and
 * section names say (elf/header.ts, elf/section-table.ts): each read here as it is needed, in the
 * file's own words. Null when a part it needs is not in the file.
 */
function factParts(filled: Filled): Part[] | null {
  const buf = filled.buf;
  const { header, view } = readElfHeader(buf, filled);
  const claimed = claimedTableExtent(header);
  if (!claimed || !filled.ensure(claimed.offset, claimed.size)) return null;
  // The scan's own limits are applied by the facts' parse (kmod/facts.ts), which reads the table
  // again, with every check, from the bytes filled here.
  const table = locateSectionTable(view, header, DEFAULT_LIMITS);
  // With extended numbering the header claimed section 0 alone, which gave the count.
  if (!table || !filled.ensure(table.offset, table.count * table.entsize)) return null;
  const { sections, nameOffsets } = readSectionHeaders(table, new DirectSectionHeaders(view, header.elfClass));
  const names = sectionNameTable(header, table, sections);
  if (!names || !filled.ensure(names.offset, names.size)) return null;

  const wanted: Part[] = [];
  const want = (s: ElfSection) => void (s.size > 0 && wanted.push({ start: s.offset, end: s.offset + s.size }));
  let symtab: ElfSection | undefined;
  const namesEnd = names.offset + names.size;
  for (const s of sections) {
    if (s.type === SHT_NOBITS) continue;
    const name = nameOffsets[s.index]!;
    if (name >= names.size) return null;
    if (s.type === SHT_SYMTAB) symtab = s;
    const wantedType = s.type === SHT_SYMTAB || s.type === SHT_SYMTAB_SHNDX;
    if (wantedType || FACT_SECTIONS.starts(buf, names.offset + name, namesEnd)) want(s);
  }
  if (symtab) {
    // The symbol table's string table, whatever its name.
    const strings = sections[symtab.link];
    if (!strings) return null;
    want(strings);
  }
  // An appended signature: the trailer (in the tail read), then the signature it describes.
  const signature = signatureTrailer(buf);
  if (signature && signature.total <= signature.info) {
    wanted.push({ start: signature.info - signature.total, end: signature.info });
  }
  return wanted;
}
