#!/usr/bin/env node
// Writes the committed corpus of hand-made hostile inputs (test/hostile/files/) and its manifest:
// for each file, what must happen — a per-file error naming a structure, or facts / a skip.
// Rerun after changing a case: node test/hostile/make.mjs
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { buildElf, miniModule, symbolTable } from "../helpers/elf-builder.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "files");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const manifest = [];
/** expect: { error: "structure regex" } | { outcome: "facts" | "skipped" } | { either: true } (facts or error, never a crash) */
const add = (name, bytes, expect, why) => {
  writeFileSync(join(out, name), bytes);
  manifest.push({ file: name, expect, why });
};

// A real module to damage: the sample built from C against Debian's 6.1 headers.
const real = readFileSync(join(here, "../../samples/gpl_clean.ko"));
const shoff = Number(real.readBigUInt64LE(40));
const shnum = real.readUInt16LE(60);
const sec = (i) => ({
  off: Number(real.readBigUInt64LE(shoff + i * 64 + 24)),
  size: Number(real.readBigUInt64LE(shoff + i * 64 + 32)),
  type: real.readUInt32LE(shoff + i * 64 + 4),
  link: real.readUInt32LE(shoff + i * 64 + 40),
});
const symtabIndex = [...Array(shnum).keys()].find((i) => sec(i).type === 2);
const edit = (fn) => {
  const b = Buffer.from(real);
  fn(b);
  return b;
};

// Truncated at every structure boundary: inside the identification, the header, each section's
// start, and inside the section header table (which ld -r writes last).
for (const at of [0, 3, 15, 40, 63])
  add(
    `truncated-header-${at}.ko`,
    real.subarray(0, at),
    at < 4 ? { outcome: "skipped" } : { error: "ELF (identification|header)" },
    `cut at byte ${at}`,
  );
const starts = [...new Set([...Array(shnum).keys()].map((i) => sec(i).off).filter((o) => o > 64 && o < shoff))].sort(
  (a, b) => a - b,
);
for (const at of starts.slice(0, 12))
  add(
    `truncated-at-section-${at}.ko`,
    real.subarray(0, at),
    { error: "section header table" },
    `cut where a section starts (${at})`,
  );
add(
  "truncated-in-shdr-table.ko",
  real.subarray(0, shoff + 64 * 3 + 7),
  { error: "section header table" },
  "cut inside the section header table",
);

// Header fields out of range.
add(
  "shnum-huge.ko",
  edit((b) => b.writeUInt16LE(0xfffe, 60)),
  { error: "section header table" },
  "e_shnum 65534",
);
add(
  "shnum-zero-xindex-huge.ko",
  edit((b) => {
    b.writeUInt16LE(0, 60);
    b.writeUInt16LE(0xffff, 62);
    b.writeBigUInt64LE(0xffffffffn, shoff + 32);
    b.writeUInt32LE(5, shoff + 40);
  }),
  { error: "section header table" },
  "e_shnum 0 with SHN_XINDEX, section 0 claims 2^32-1 sections",
);
add(
  "shnum-zero-xindex-link-out.ko",
  edit((b) => {
    b.writeUInt16LE(0, 60);
    b.writeUInt16LE(0xffff, 62);
    b.writeBigUInt64LE(BigInt(shnum), shoff + 32);
    b.writeUInt32LE(60000, shoff + 40);
  }),
  { error: "ELF header" },
  "extended e_shstrndx pointing past the table",
);
add(
  "shoff-past-end.ko",
  edit((b) => b.writeBigUInt64LE(0x7fffffffffn, 40)),
  { error: "section header table" },
  "e_shoff beyond the file",
);
add(
  "shoff-2-63.ko",
  edit((b) => b.writeBigUInt64LE(1n << 63n, 40)),
  { error: "e_shoff" },
  "e_shoff 2^63 (not a safe integer)",
);
add(
  "shentsize-wrong.ko",
  edit((b) => b.writeUInt16LE(40, 58)),
  { error: "ELF header" },
  "e_shentsize of ELF32 in an ELF64 file",
);
add(
  "shstrndx-not-strtab.ko",
  edit((b) => b.writeUInt16LE(1, 62)),
  { error: "section name table" },
  "e_shstrndx names a PROGBITS section",
);
add(
  "bad-class.ko",
  edit((b) => (b[4] = 7)),
  { error: "ELF identification" },
  "EI_CLASS 7",
);
add(
  "bad-data.ko",
  edit((b) => (b[5] = 0)),
  { error: "ELF identification" },
  "EI_DATA 0",
);

// Section headers lying about their contents.
const symtabAt = shoff + symtabIndex * 64;
add(
  "symtab-link-out-of-range.ko",
  edit((b) => b.writeUInt32LE(9999, symtabAt + 40)),
  { error: "symbol table" },
  "sh_link of .symtab past the section table",
);
add(
  "symtab-link-not-strtab.ko",
  edit((b) => b.writeUInt32LE(1, symtabAt + 40)),
  { error: "symbol table" },
  "sh_link of .symtab names a non-string table",
);
add(
  "symtab-size-past-end.ko",
  edit((b) => b.writeBigUInt64LE(BigInt(real.length) * 8n, symtabAt + 32)),
  { error: "symbol table" },
  ".symtab runs past the end of the file",
);
add(
  "symtab-entsize-wrong.ko",
  edit((b) => b.writeBigUInt64LE(16n, symtabAt + 56)),
  { error: "symbol table" },
  ".symtab sh_entsize 16 in ELF64",
);
add(
  "symtab-size-odd.ko",
  edit((b) => b.writeBigUInt64LE(BigInt(sec(symtabIndex).size - 5), symtabAt + 32)),
  { error: "symbol table" },
  ".symtab size not a multiple of 24",
);
const strtab = sec(sec(symtabIndex).link);
add(
  "strtab-without-nul.ko",
  edit((b) => b.fill(0x41, strtab.off, strtab.off + strtab.size)),
  { error: "string table" },
  ".strtab filled with 'A', no NUL anywhere",
);
// An undefined symbol (an import): its name is always read.
const firstImport = (() => {
  const st = sec(symtabIndex);
  for (let i = 1; i < st.size / 24; i++)
    if (real.readUInt16LE(st.off + i * 24 + 6) === 0 && real.readUInt32LE(st.off + i * 24) !== 0) return i;
  throw new Error("no import in the sample");
})();
add(
  "symbol-name-past-end.ko",
  edit((b) => b.writeUInt32LE(0x7ffffff0, sec(symtabIndex).off + firstImport * 24)),
  { error: "symbol table" },
  "st_name of an import far past .strtab",
);
add(
  "sections-overlap.ko",
  edit((b) => b.writeBigUInt64LE(BigInt(sec(symtabIndex).off), shoff + sec(symtabIndex).link * 64 + 24)),
  { either: true },
  ".strtab placed over .symtab: names read from symbol bytes",
);
add(
  "section-offset-overflow.ko",
  edit((b) => {
    b.writeBigUInt64LE(0xfffffffffffff000n, symtabAt + 24);
  }),
  { error: "e_shoff|sh_offset|symbol table|invalid" },
  ".symtab sh_offset near 2^64",
);

// Hand-built files in the other flavours.
const { symtab, strtab: names } = symbolTable(32, "big", [{ name: "__ksymtab_x", bind: 0, shndx: 9 }]);
add(
  "ksymtab-label-in-missing-section.ko",
  buildElf({
    elfClass: 32,
    endian: "big",
    sections: [
      { name: ".modinfo", type: 1, data: Buffer.from("license=GPL\0") },
      { name: ".symtab", type: 2, data: symtab, link: 3, entsize: 16 },
      { name: ".strtab", type: 3, data: names },
    ],
  }).bytes,
  { outcome: "facts" },
  "a __ksymtab_ label in a section that does not exist is no export",
);
const nsPast = symbolTable(64, "big", [
  { name: "__ksymtab_f", bind: 0, shndx: 2 },
  { name: "__kstrtabns_f", bind: 0, shndx: 3, value: 4096 },
]);
add(
  "kstrtabns-past-section.ko",
  buildElf({
    elfClass: 64,
    endian: "big",
    sections: [
      { name: ".modinfo", type: 1, data: Buffer.from("license=GPL\0") },
      { name: "__ksymtab_gpl", type: 1, data: Buffer.alloc(12) },
      { name: "__ksymtab_strings", type: 1, data: Buffer.from("NS\0") },
      { name: ".symtab", type: 2, data: nsPast.symtab, link: 5, entsize: 24 },
      { name: ".strtab", type: 3, data: nsPast.strtab },
    ],
  }).bytes,
  { error: "export namespace" },
  "__kstrtabns_ label pointing past __ksymtab_strings",
);
add(
  "versions-size-odd.ko",
  buildElf({
    elfClass: 32,
    endian: "little",
    sections: [
      { name: ".modinfo", type: 1, data: Buffer.from("license=GPL\0") },
      { name: "__versions", type: 1, data: Buffer.alloc(100) },
    ],
  }).bytes,
  { error: "__versions" },
  "__versions of 100 bytes (entries are 64)",
);
add(
  "versions-name-no-nul.ko",
  buildElf({
    elfClass: 64,
    endian: "big",
    sections: [
      { name: ".modinfo", type: 1, data: Buffer.from("license=GPL\0") },
      { name: "__versions", type: 1, data: Buffer.alloc(64, 0x41) },
    ],
  }).bytes,
  { error: "__versions" },
  "__versions entry whose name fills it without a NUL",
);
add(
  "modinfo-huge-string.ko",
  buildElf({
    elfClass: 64,
    endian: "little",
    sections: [
      { name: ".modinfo", type: 1, data: Buffer.concat([Buffer.from("license="), Buffer.alloc(70000, 0x47)]) },
    ],
  }).bytes,
  { error: ".modinfo" },
  "a 70 KB .modinfo string (limit 64 KiB)",
);
add(
  "modinfo-control-chars.ko",
  miniModule(64, "little", ["license=GPL\x1b[31m\x07", "name=evil\x1b]0;owned\x07"]).bytes,
  { outcome: "facts" },
  "escape sequences in tags: printed escaped, JSON stays valid",
);

// Signatures whose lengths do not fit.
const trailer = (sigLen) =>
  Buffer.concat([
    Buffer.from([0, 0, 2, 0, 0, 0, 0, 0]),
    (() => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(sigLen);
      return b;
    })(),
    Buffer.from("~Module signature appended~\n"),
  ]);
add(
  "signature-len-huge.ko",
  Buffer.concat([real, trailer(0xffffffff)]),
  { outcome: "facts" },
  "sig_len 2^32-1: reported as a damaged signature, the module still read",
);
add(
  "signature-pkcs7-garbage.ko",
  Buffer.concat([real, Buffer.alloc(64, 0x30), trailer(64)]),
  { outcome: "facts" },
  "PKCS#7 bytes that are not DER",
);

// Compression: corrupt streams and bombs (a few KB expanding far past the 1 GiB default).
add(
  "gzip-corrupt.ko.gz",
  (() => {
    const g = gzipSync(real);
    g.fill(0x55, 20, 60);
    return g;
  })(),
  { error: "gzip stream" },
  "gzip stream with damaged deflate data",
);
add(
  "xz-truncated.ko.xz",
  execFileSync("xz", ["-c"], { input: real }).subarray(0, 300),
  { error: "xz stream" },
  "xz stream cut short",
);
add(
  "zstd-truncated.ko.zst",
  execFileSync("zstd", ["-q", "-c"], { input: real }).subarray(0, 200),
  { error: "zstd stream" },
  "zstd frame cut short",
);
const zeros = "head -c 1100M /dev/zero";
add(
  "bomb.xz",
  execFileSync("bash", ["-c", `${zeros} | xz -9e -c`], { maxBuffer: 1 << 28 }),
  { error: "xz stream" },
  "xz bomb: 1.1 GiB of zeros, stopped by the expansion ratio",
);
add(
  "bomb.zst",
  execFileSync("bash", ["-c", `${zeros} | zstd -q --ultra -22 -c`], { maxBuffer: 1 << 28 }),
  { error: "zstd stream" },
  "zstd bomb: 1.1 GiB of zeros, stopped by the expansion ratio",
);
add(
  "bomb.bz2",
  execFileSync("bash", ["-c", "head -c 256M /dev/zero | bzip2 -9 -c"], { maxBuffer: 1 << 28 }),
  { error: "bzip2 stream" },
  "bzip2 bomb: 256 MiB of zeros in a few hundred bytes, stopped by the expansion ratio",
);
add(
  "bzip2-corrupt.ko.bz2",
  (() => {
    const b = execFileSync("bzip2", ["-c"], { input: real });
    b.fill(0x55, 40, 80);
    return b;
  })(),
  { error: "bzip2 stream" },
  "bzip2 stream with damaged blocks",
);
add(
  "bomb-nested.gz",
  gzipSync(gzipSync(gzipSync(gzipSync(Buffer.alloc(64 << 20))))),
  { error: "gzip stream" },
  "gzip four times over (limit 3 layers)",
);

// Archives: an ISO 9660 image whose subdirectory points back at the root (a loop), and one whose
// file extent lies past the end; a tar whose member claims more bytes than the archive holds.
const isoDir = execFileSync("mktemp", ["-d"]).toString().trim();
mkdirSync(join(isoDir, "root/sub"), { recursive: true });
writeFileSync(join(isoDir, "root/sub/m.ko"), real);
execFileSync("xorriso", ["-as", "mkisofs", "-quiet", "-o", join(isoDir, "i.iso"), join(isoDir, "root")]);
const iso = readFileSync(join(isoDir, "i.iso"));
const rootExtent = iso.readUInt32LE(16 * 2048 + 156 + 2);
const rootRecords = rootExtent * 2048;
const subAt = (() => {
  for (let at = rootRecords; iso[at] !== 0; at += iso[at])
    if (iso[at + 32] === 3 && iso.toString("latin1", at + 33, at + 36) === "SUB") return at;
  throw new Error("no SUB record");
})();
add(
  "iso-directory-loop.iso",
  (() => {
    const b = Buffer.from(iso);
    b.writeUInt32LE(rootExtent, subAt + 2);
    b.writeUInt32BE(rootExtent, subAt + 6);
    return b;
  })(),
  { error: "ISO 9660 directory" },
  "a subdirectory whose extent is the root: a loop, an error at its path (it hides what it replaced), no endless walk",
);
add(
  "iso-extent-past-end.iso",
  (() => {
    const b = Buffer.from(iso);
    b.writeUInt32LE(0x00ffffff, subAt + 2);
    return b;
  })(),
  { error: "ISO 9660" },
  "a directory extent far past the end of the image",
);
const tarred = execFileSync("tar", ["-cf", "-", "-C", isoDir, "root"]);
add(
  "tar-size-past-end.tar",
  (() => {
    const b = Buffer.from(tarred.subarray(0, 4096));
    return b;
  })(),
  { error: "tar header" },
  "a tar cut inside a member's data",
);

writeFileSync(join(here, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`${manifest.length} hostile files in ${out}`);
