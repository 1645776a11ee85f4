import { readSync } from "node:fs";
import { hasElfMagic, parseElf } from "../elf/elfy-adapter.js";
import { SHT_NOBITS, SHT_SYMTAB, SHT_SYMTAB_SHNDX } from "../elf/constants.js";
import type { ElfSection } from "../elf/types.js";

/**
 * Sections whose bytes module facts read (kmod/facts.ts and kmod/exports.ts): everything else in a
 * module — code, relocations, BTF, debug info — is never looked at by a plain audit, and on
 * Debian's modules it is about four fifths of the file.
 */
const FACT_SECTIONS = new Set([".modinfo", "__versions", "__ksymtab_strings", ".export_symbol", "__kcrctab", "__kcrctab_gpl", "__kcrctab_gpl_future", "__kcrctab_unused", "__kcrctab_unused_gpl", ".vmkmodinfo"]);
const SIG_TRAILER = 40; // struct module_signature + "~Module signature appended~\n"

function readAt(fd: number, buf: Buffer, offset: number, length: number): boolean {
  if (offset < 0 || length < 0 || offset + length > buf.length) return false;
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, offset + got, length - got, offset + got);
    if (n === 0) return false;
    got += n;
  }
  return true;
}

/**
 * Reads just the parts of an uncompressed ELF file that module facts use, each at its own offset
 * in a buffer the size of the file, so every parser sees the same offsets as in a whole read. The
 * bytes in between are never filled and never read. Returns undefined whenever the file is not a
 * plain ELF with an ordinary section table — the caller then reads it whole, so anything unusual
 * gets the whole-file path and its checks.
 */
export function readFactRanges(fd: number, size: number): Buffer | undefined {
  if (size < 64) return undefined;
  const buf = Buffer.allocUnsafe(size);
  if (!readAt(fd, buf, 0, 64)) return undefined;
  if (!hasElfMagic(buf)) return undefined;
  const is64 = buf[4] === 2;
  const le = buf[5] === 1;
  if ((buf[4] !== 1 && !is64) || (buf[5] !== 2 && !le)) return undefined;
  const u16 = (at: number) => (le ? buf.readUInt16LE(at) : buf.readUInt16BE(at));
  const shoff = is64 ? Number(le ? buf.readBigUInt64LE(40) : buf.readBigUInt64BE(40)) : le ? buf.readUInt32LE(32) : buf.readUInt32BE(32);
  const shentsize = u16(is64 ? 58 : 46);
  const shnum = u16(is64 ? 60 : 48);
  if (shnum === 0 || shentsize !== (is64 ? 64 : 40) || !readAt(fd, buf, shoff, shnum * shentsize)) return undefined;
  const shstrndx = u16(is64 ? 62 : 50);
  if (shstrndx === 0 || shstrndx >= shnum) return undefined;
  const at = shoff + shstrndx * shentsize;
  const strOff = is64 ? Number(le ? buf.readBigUInt64LE(at + 24) : buf.readBigUInt64BE(at + 24)) : le ? buf.readUInt32LE(at + 16) : buf.readUInt32BE(at + 16);
  const strSize = is64 ? Number(le ? buf.readBigUInt64LE(at + 32) : buf.readBigUInt64BE(at + 32)) : le ? buf.readUInt32LE(at + 20) : buf.readUInt32BE(at + 20);
  if (!readAt(fd, buf, strOff, strSize)) return undefined;

  let sections: ElfSection[];
  try {
    sections = parseElf(buf, "direct").sections;
  } catch {
    return undefined;
  }
  const wanted = new Set<ElfSection>();
  for (const s of sections) {
    if (FACT_SECTIONS.has(s.name) || s.type === SHT_SYMTAB || s.type === SHT_SYMTAB_SHNDX) wanted.add(s);
    if (s.type === SHT_SYMTAB && sections[s.link]) wanted.add(sections[s.link]!);
  }
  for (const s of wanted) if (s.type !== SHT_NOBITS && !readAt(fd, buf, s.offset, s.size)) return undefined;

  // An appended signature: the trailer, then the signature it describes.
  if (size >= SIG_TRAILER && readAt(fd, buf, size - SIG_TRAILER, SIG_TRAILER) && buf.toString("latin1", size - 28) === "~Module signature appended~\n") {
    const sigLen = buf.readUInt32BE(size - SIG_TRAILER + 8) + buf[size - SIG_TRAILER + 3]! + buf[size - SIG_TRAILER + 4]!;
    if (sigLen <= size - SIG_TRAILER && !readAt(fd, buf, size - SIG_TRAILER - sigLen, sigLen)) return undefined;
  }
  return buf;
}
