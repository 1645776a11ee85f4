import elfy from "elfy";
import { describe, expect, it } from "vitest";
import { FormatError } from "../../src/index.js";
import { parseElf, sectionBytes } from "../../src/elf/parse.js";
import { buildElf, FLAVOURS, miniModule } from "../helpers/elf-builder.mjs";
import { ByteView, UnreadBytes } from "../../src/elf/byte-view.js";

const expectFormatError = (fn: () => unknown, structure: RegExp) => {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(FormatError);
  expect((caught as FormatError).structure).toMatch(structure);
  return caught as FormatError;
};

describe("ELF adapter over elfy", () => {
  it.each(FLAVOURS)("reads header and sections of ELF$elfClass $endian-endian files", ({ elfClass, endian }) => {
    const { bytes } = miniModule(elfClass, endian, ["license=GPL"]);
    const elf = parseElf(bytes);
    expect(elf.elfClass).toBe(elfClass);
    expect(elf.endian).toBe(endian);
    expect(elf.type).toBe(1);
    expect(elf.sections.map((s) => s.name)).toEqual([
      "",
      ".modinfo",
      "__ksymtab_gpl",
      "__ksymtab_strings",
      ".symtab",
      ".strtab",
      ".shstrtab",
    ]);
  });

  it("reads sh_addralign and sh_entsize of ELF64 at offsets 48/56, where elfy reads 46/54", () => {
    const { bytes } = miniModule(64, "little", ["license=GPL"]);
    const symtab = parseElf(bytes).sections.find((s) => s.name === ".symtab")!;
    expect(symtab.entsize).toBe(24);
    expect(symtab.addralign).toBe(8);
    const raw = (
      elfy.parse(bytes) as { body: { sections: { name: string; entsize: number; addralign: number }[] } }
    ).body.sections.find((s) => s.name === ".symtab")!;
    expect([raw.entsize, raw.addralign]).not.toEqual([24, 8]); // the defect this adapter corrects
  });

  it("reads EI_OSABI from byte 7, not byte 6 (EI_VERSION) as elfy does", () => {
    const { bytes } = buildElf({ elfClass: 64, endian: "little", osabi: 3, sections: [] });
    expect(parseElf(bytes).osabi).toBe(3);
  });

  it("keeps e_machine values elfy has no name for", () => {
    const { bytes } = buildElf({ elfClass: 64, endian: "little", machine: 258, sections: [] });
    expect(parseElf(bytes).machine).toBe(258);
  });

  it("reports no sections for e_shoff == 0 instead of elfy's TypeError", () => {
    const { bytes } = buildElf({ elfClass: 64, endian: "little", sections: [] });
    bytes.writeBigUInt64LE(0n, 40);
    bytes.writeUInt16LE(0, 60);
    expect(() => elfy.parse(bytes)).toThrow();
    expect(parseElf(bytes).sections).toEqual([]);
  });

  it.each(FLAVOURS)(
    "follows extended numbering (e_shnum 0, e_shstrndx SHN_XINDEX) through section 0 in ELF$elfClass $endian",
    ({ elfClass, endian }) => {
      const built = miniModule(elfClass, endian, ["license=GPL"]);
      const normal = parseElf(built.bytes).sections.map((s) => s.name);
      const b = Buffer.from(built.bytes);
      const is64 = elfClass === 64;
      const le = endian === "little";
      const w16 = (at: number, v: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
      const w32 = (at: number, v: number) => (le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
      w16(is64 ? 60 : 48, 0); // e_shnum
      w16(is64 ? 62 : 50, 0xffff); // e_shstrndx = SHN_XINDEX
      const s0 = built.shdrAt(0);
      if (is64)
        le ? b.writeBigUInt64LE(BigInt(normal.length), s0 + 32) : b.writeBigUInt64BE(BigInt(normal.length), s0 + 32);
      else w32(s0 + 20, normal.length);
      w32(s0 + (is64 ? 40 : 24), normal.length - 1); // sh_link = real e_shstrndx
      expect(() => elfy.parse(b)).toThrow();
      expect(parseElf(b).sections.map((s) => s.name)).toEqual(normal);
    },
  );

  it("reports a section header table past the end of the file as a FormatError with its offset", () => {
    const { bytes, shoff } = miniModule(64, "little", ["license=GPL"]);
    const cut = bytes.subarray(0, shoff + 10);
    const err = expectFormatError(() => parseElf(cut), /section header table/);
    expect(err.offset).toBe(shoff);
  });

  it("reports e_shoff beyond the file instead of elfy's RangeError", () => {
    const { bytes } = miniModule(32, "big", ["license=GPL"]);
    bytes.writeUInt32BE(0x7fffff00, 32);
    expectFormatError(() => parseElf(bytes), /section header table/);
  });

  it("refuses section data that runs past the end of the file, which elfy silently cuts short", () => {
    const built = miniModule(64, "little", ["license=GPL"]);
    const b = Buffer.from(built.bytes);
    b.writeBigUInt64LE(BigInt(b.length * 4), built.shdrAt(1) + 32); // .modinfo sh_size
    const elf = parseElf(b);
    const modinfo = elf.sections[1]!;
    const raw = (elfy.parse(b) as { body: { sections: { data: Buffer }[] } }).body.sections[1]!;
    expect(raw.data.length).toBeLessThan(modinfo.size); // elfy's defect
    expectFormatError(() => sectionBytes(elf, modinfo), /section \.modinfo/);
  });

  it("rejects an e_shentsize that is not the class's section header size", () => {
    const { bytes } = miniModule(64, "little", ["license=GPL"]);
    bytes.writeUInt16LE(40, 58);
    expectFormatError(() => parseElf(bytes), /ELF header/);
  });

  it("rejects an e_shstrndx that is not a string table", () => {
    const { bytes } = miniModule(64, "little", ["license=GPL"]);
    bytes.writeUInt16LE(1, 62);
    expectFormatError(() => parseElf(bytes), /section name table/);
  });

  it("rejects a section name offset outside the name table", () => {
    const built = miniModule(32, "little", ["license=GPL"]);
    built.bytes.writeUInt32LE(0xffff, built.shdrAt(1));
    expectFormatError(() => parseElf(built.bytes), /section name table/);
  });

  it("accepts any Uint8Array, not only a Node Buffer", () => {
    const { bytes } = miniModule(64, "big", ["license=GPL"]);
    const plain = new Uint8Array(bytes.length);
    plain.set(bytes);
    expect(parseElf(plain).sections.length).toBe(7);
  });

  it.each([
    ["no magic", Buffer.from("not an elf file at all")],
    ["a bad EI_CLASS", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 9, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])],
    ["a header cut short", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0])],
  ])("rejects %s with a FormatError", (_what, bytes) => {
    expectFormatError(() => parseElf(bytes), /ELF/);
  });
});

describe("the two section-header decoders", () => {
  /** The sections parseElf gives with `decoder`, or the FormatError it throws, as one comparable string. */
  const outcome = (bytes: Buffer, decoder: "elfy" | "direct"): string => {
    try {
      return JSON.stringify(parseElf(bytes, decoder).sections, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
    } catch (e) {
      if (e instanceof FormatError) return `FormatError: ${e.message}`;
      throw e;
    }
  };

  it.each(FLAVOURS)(
    "give the same sections, or the same error, for any bytes of an ELF$elfClass $endian section table",
    ({ elfClass, endian }) => {
      const built = miniModule(elfClass, endian, ["license=GPL"]);
      let seed = 20261126; // a fixed xorshift sequence: the same mutations on every run
      const next = () => {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        return seed >>> 0;
      };
      const differ: string[] = [];
      let errors = 0;
      for (let i = 0; i < 400; i++) {
        const b = Buffer.from(built.bytes);
        for (let k = 1 + (next() % 4); k > 0; k--) b[built.shoff + (next() % (b.length - built.shoff))] = next() & 0xff;
        const direct = outcome(b, "direct");
        if (outcome(b, "elfy") !== direct) differ.push(direct);
        if (direct.startsWith("FormatError")) errors++;
      }
      expect(differ).toEqual([]);
      // The mutations reach both the decoded fields and the checks.
      expect(errors).toBeGreaterThan(20);
      expect(errors).toBeLessThan(380);
    },
  );
});

describe("a byte view over a file read in parts", () => {
  const part = { start: 16, end: 32 };
  const parts = {
    around: (offset: number, size: number) => (offset >= part.start && offset + size <= part.end ? part : undefined),
  };
  const view = new ByteView(Buffer.alloc(64), "little", parts);

  it("reads inside the parts read", () => {
    expect(view.u32(16, "test")).toBe(0);
    expect(view.slice(20, 12, "test")).toHaveLength(12);
  });

  it("refuses bytes outside them as unread, not as a damaged file", () => {
    expect(() => view.u32(30, "test")).toThrow(UnreadBytes);
    expect(() => view.cstring(8, 24, "test")).toThrow(UnreadBytes);
  });

  it("still reports a range past the end of the file as the file's fault", () => {
    expect(() => view.u32(62, "test")).toThrow(FormatError);
  });
});
