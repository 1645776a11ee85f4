import { closeSync, mkdtempSync, openSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseElf } from "../../src/elf/parse.js";
import { readFactRanges } from "../../src/engine/ranged-read.js";
import { buildElf, FLAVOURS } from "../helpers/elf-builder.mjs";

const MAGIC = Buffer.from("~Module signature appended~\n", "latin1");

/** A module with code far larger than its facts, and a PKCS#7 signature longer than the tail read first. */
function bigSignedModule(elfClass: 32 | 64, endian: "little" | "big") {
  const elf = buildElf({
    elfClass,
    endian,
    sections: [
      { name: ".modinfo", type: 1, data: Buffer.from("license=GPL\0name=big\0") },
      { name: ".text", type: 1, data: Buffer.alloc(256 << 10, 0x90) },
      { name: "__versions", type: 1, data: Buffer.alloc(64, 1) },
    ],
  }).bytes;
  const signature = Buffer.alloc(40 << 10, 0x5a);
  const info = Buffer.alloc(12); // struct module_signature
  info[2] = 2; // PKCS#7
  info.writeUInt32BE(signature.length, 8);
  const bytes = Buffer.concat([elf, signature, info, MAGIC]);
  return { bytes, sections: parseElf(elf).sections, signatureAt: elf.length, signature };
}

/** readFactRanges on `bytes` as a file, into a buffer holding other bytes where nothing was read. */
function rangesOf(bytes: Buffer) {
  const file = join(mkdtempSync(join(tmpdir(), "kmodaudit-ranged-")), "m.ko");
  writeFileSync(file, bytes);
  const buf = Buffer.alloc(bytes.length, 0xee);
  const fd = openSync(file, "r");
  try {
    return { ranges: readFactRanges(fd, buf), buf };
  } finally {
    closeSync(fd);
  }
}

describe("reading a module by ranges", () => {
  it.each(FLAVOURS)(
    "reads the sections facts use and the signature, not the code, of an ELF$elfClass $endian module",
    ({ elfClass, endian }) => {
      const m = bigSignedModule(elfClass, endian);
      const { ranges, buf } = rangesOf(m.bytes);
      expect(ranges).not.toBeNull();
      const read = (offset: number, size: number) => ranges!.around(offset, size) !== undefined;
      const section = (name: string) => m.sections.find((s) => s.name === name)!;
      for (const name of [".modinfo", "__versions", ".shstrtab"]) {
        const s = section(name);
        expect(read(s.offset, s.size), name).toBe(true);
        expect(buf.subarray(s.offset, s.offset + s.size).equals(m.bytes.subarray(s.offset, s.offset + s.size))).toBe(
          true,
        );
      }
      const text = section(".text");
      expect(read(text.offset + (text.size >> 1), 1)).toBe(false);
      expect(read(m.signatureAt, m.signature.length)).toBe(true);
      expect(buf.subarray(m.signatureAt).equals(m.bytes.subarray(m.signatureAt))).toBe(true);
    },
  );

  it("leaves a file whose section table elf/ refuses to a whole read", () => {
    const m = bigSignedModule(64, "little");
    m.bytes.writeUInt16LE(40, 58); // e_shentsize of ELF32 in an ELF64 file
    expect(rangesOf(m.bytes).ranges).toBeNull();
  });

  it("leaves a file whose section names lie outside the file to a whole read", () => {
    const m = bigSignedModule(32, "big");
    const shoff = m.bytes.readUInt32BE(32);
    const shstrndx = m.bytes.readUInt16BE(50);
    m.bytes.writeUInt32BE(m.bytes.length, shoff + shstrndx * 40 + 16); // the name table's sh_offset
    expect(rangesOf(m.bytes).ranges).toBeNull();
  });

  it("leaves a file that is not ELF to a whole read", () => {
    expect(rangesOf(Buffer.alloc(128 << 10, 0x41)).ranges).toBeNull();
  });
});
