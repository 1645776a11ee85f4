import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, inspectBytes, type ObjectFacts } from "../../src/index.js";
import { parseModinfo } from "../../src/kmod/modinfo.js";
import { buildElf, FLAVOURS, miniModule, symbolTable } from "../helpers/elf-builder.mjs";
import { NamePrefixes } from "../../src/elf/name-prefixes.js";

async function factsOf(bytes: Buffer): Promise<ObjectFacts> {
  const r = await inspectBytes(bytes, DEFAULT_LIMITS);
  if (r.outcome !== "facts") throw new Error(`skipped: ${r.reason}`);
  return r.facts;
}

describe("modinfo", () => {
  it("keeps every tag in file order, repeated keys included", () => {
    const info = parseModinfo(Buffer.from("license=GPL\0author=A\0license=Proprietary\0\0\0name=x\0"));
    expect(info.tags).toEqual([
      ["license", "GPL"],
      ["author", "A"],
      ["license", "Proprietary"],
      ["name", "x"],
    ]);
    expect(info.stray).toEqual([]);
  });

  it("keeps text hidden after the NUL of a license value, and which tag it follows", () => {
    const info = parseModinfo(
      Buffer.from('license=GPL\0for files in the "GPL" directory; for others, only LICENSE file applies\0name=x\0'),
    );
    expect(info.tags).toEqual([
      ["license", "GPL"],
      ["name", "x"],
    ]);
    expect(info.stray).toEqual([
      {
        text: 'for files in the "GPL" directory; for others, only LICENSE file applies',
        offset: 12,
        follows: "license",
      },
    ]);
  });

  it("does not tie a stray string to a tag it is separated from by padding", () => {
    expect(parseModinfo(Buffer.from("license=GPL\0\0\0junk\0")).stray[0]!.follows).toBeNull();
  });

  it("values may contain '='", () => {
    expect(parseModinfo(Buffer.from("parm=debug:level=1\0")).tags).toEqual([["parm", "debug:level=1"]]);
  });
});

describe.each(FLAVOURS)("module facts from ELF$elfClass $endian-endian", ({ elfClass, endian }) => {
  it("reads licenses, name, vermagic, depends and import_ns from .modinfo", async () => {
    const f = await factsOf(
      miniModule(elfClass, endian, [
        "license=GPL",
        "license=Proprietary",
        "import_ns=DMA_BUF",
        "depends=drm,i2c-core",
        "name=mini",
        "vermagic=6.1.0-56-amd64 SMP mod_unload ",
      ]).bytes,
    );
    expect(f.kind).toBe("module");
    expect(f.licenses).toEqual(["GPL", "Proprietary"]);
    expect(f.name).toBe("mini");
    expect(f.vermagic).toBe("6.1.0-56-amd64 SMP mod_unload ");
    expect(f.depends).toEqual(["drm", "i2c-core"]);
    expect(f.importNs).toEqual(["DMA_BUF"]);
    expect(f.elf).toEqual({ class: elfClass, endian, machine: elfClass === 64 ? "x86_64" : "386" });
  });

  it("reads exports from __ksymtab_<sym> labels, GPL-only by their section, namespace from __kstrtabns_<sym>", async () => {
    const f = await factsOf(miniModule(elfClass, endian, ["license=GPL"]).bytes);
    expect(f.exports).toEqual([
      { symbol: "my_export", type: "EXPORT_SYMBOL_GPL", gplOnly: true, namespace: "MY_NS", crc: null },
    ]);
  });

  it("reads imports as the undefined, non-local symbols, sorted", async () => {
    const f = await factsOf(miniModule(elfClass, endian, ["license=GPL"], ["zeta", "alpha", "__this_module"]).bytes);
    expect(f.imports).toEqual([
      { symbol: "alpha", weak: false },
      { symbol: "zeta", weak: false },
    ]);
  });
});

describe("exports and imports", () => {
  const build = (
    symbols: Parameters<typeof symbolTable>[2],
    extra: Parameters<typeof buildElf>[0]["sections"] = [],
  ) => {
    const { symtab, strtab } = symbolTable(64, "little", symbols);
    return buildElf({
      elfClass: 64,
      endian: "little",
      sections: [
        { name: ".modinfo", type: 1, data: Buffer.from("license=GPL\0") },
        { name: ".symtab", type: 2, data: symtab, link: 3, info: 1, entsize: 24 },
        { name: ".strtab", type: 3, data: strtab },
        ...extra,
      ],
    }).bytes;
  };

  it("reads exports a 6.5–6.9 module keeps only in .export_symbol (license string, namespace string)", async () => {
    const entry = Buffer.concat([Buffer.from("GPL\0NS1\0\0"), Buffer.alloc(7), Buffer.from("\0\0ns\0")]);
    const bytes = build(
      [
        { name: "__export_symbol_gpl_fn", bind: 0, shndx: 4, value: 0 },
        { name: "__export_symbol_plain_fn", bind: 0, shndx: 4, value: 16 },
      ],
      [{ name: ".export_symbol", type: 1, data: entry }],
    );
    const f = await factsOf(bytes);
    expect(f.exports).toEqual([
      { symbol: "gpl_fn", type: "EXPORT_SYMBOL_GPL", gplOnly: true, namespace: "NS1", crc: null },
      { symbol: "plain_fn", type: "EXPORT_SYMBOL", gplOnly: false, namespace: null, crc: null },
    ]);
  });

  it("ignores __ksymtab_ names outside the ksymtab sections (e.g. __ksymtab_strings itself)", async () => {
    const f = await factsOf(build([{ name: "__ksymtab_strings", bind: 0, shndx: 1 }]));
    expect(f.exports).toEqual([]);
  });

  it("marks weak undefined symbols as weak imports", async () => {
    const f = await factsOf(
      build([
        { name: "maybe", bind: 2, shndx: 0 },
        { name: "local_undef", bind: 0, shndx: 0 },
      ]),
    );
    expect(f.imports).toEqual([{ symbol: "maybe", weak: true }]);
  });

  it("keeps a name weak only when every reference to it is weak, and lists it once", async () => {
    const f = await factsOf(
      build([
        { name: "both", bind: 2, shndx: 0 },
        { name: "only_weak", bind: 2, shndx: 0 },
        { name: "both", bind: 1, shndx: 0 },
        { name: "only_weak", bind: 2, shndx: 0 },
      ]),
    );
    expect(f.imports).toEqual([
      { symbol: "both", weak: false },
      { symbol: "only_weak", weak: true },
    ]);
  });

  it("skips the toolchain symbols modpost never resolves, per machine", async () => {
    const { symtab, strtab } = symbolTable(64, "big", [
      { name: "__s390_indirect_jump_r14", shndx: 0 },
      { name: "kmalloc", shndx: 0 },
    ]);
    const bytes = buildElf({
      elfClass: 64,
      endian: "big",
      machine: 22,
      sections: [
        { name: ".modinfo", type: 1, data: Buffer.from("license=GPL\0") },
        { name: ".symtab", type: 2, data: symtab, link: 3, entsize: 24 },
        { name: ".strtab", type: 3, data: strtab },
      ],
    }).bytes;
    expect((await factsOf(bytes)).imports.map((i) => i.symbol)).toEqual(["kmalloc"]);
  });

  it("reads __versions CRCs in both byte orders and word sizes", async () => {
    for (const { elfClass, endian } of [
      { elfClass: 64, endian: "big" },
      { elfClass: 32, endian: "little" },
    ] as const) {
      const entry = Buffer.alloc(64);
      const crcAt = elfClass === 64 && endian === "big" ? 4 : 0;
      endian === "big" ? entry.writeUInt32BE(0xdeadbeef, crcAt) : entry.writeUInt32LE(0xdeadbeef, crcAt);
      entry.write("kmalloc", elfClass === 64 ? 8 : 4);
      const bytes = buildElf({
        elfClass,
        endian,
        sections: [
          { name: ".modinfo", type: 1, data: Buffer.from("license=GPL\0") },
          { name: "__versions", type: 1, data: entry },
        ],
      }).bytes;
      expect((await factsOf(bytes)).versions).toEqual([{ symbol: "kmalloc", crc: 0xdeadbeef }]);
    }
  });
});

describe("classification by content", () => {
  it("an ET_REL without .modinfo is an object (a blob candidate)", async () => {
    const { symtab, strtab } = symbolTable(64, "little", [{ name: "kmalloc", shndx: 0 }]);
    const bytes = buildElf({
      elfClass: 64,
      endian: "little",
      sections: [
        { name: ".symtab", type: 2, data: symtab, link: 2, entsize: 24 },
        { name: ".strtab", type: 3, data: strtab },
      ],
    }).bytes;
    expect((await factsOf(bytes)).kind).toBe("object");
  });

  it("an ELF executable is skipped with the reason", async () => {
    const r = await inspectBytes(
      buildElf({ elfClass: 64, endian: "little", type: 2, sections: [] }).bytes,
      DEFAULT_LIMITS,
    );
    expect(r).toMatchObject({ outcome: "skipped", reason: "ELF executable, not a relocatable module or object" });
  });

  it("a text file is skipped, saying how it starts", async () => {
    const r = await inspectBytes(Buffer.from("kernel/fs/foo.ko: kernel/fs/bar.ko\n"), DEFAULT_LIMITS);
    expect(r.outcome).toBe("skipped");
    expect(r.outcome === "skipped" && r.reason).toMatch(/^not ELF \(starts with 6b 65 72/);
  });
});

describe("symbol name prefixes", () => {
  const prefixes = new NamePrefixes(["__ksymtab_", "__crc_"]);
  // A name alone in its string table: the table ends after its NUL.
  const at = (s: string) => [Buffer.from(`${s}\0`, "latin1"), 0, s.length + 1] as const;

  it("match a name that starts with one of them", () => {
    expect(prefixes.starts(...at("__ksymtab_foo"))).toBe(true);
    expect(prefixes.starts(...at("__crc_foo"))).toBe(true);
  });

  it("do not match a name that shares only their first bytes, or ends inside one", () => {
    expect(prefixes.starts(...at("__kstrtab_foo"))).toBe(false);
    expect(prefixes.starts(...at("__ksymtab"))).toBe(false);
    expect(prefixes.starts(...at("_"))).toBe(false);
    expect(prefixes.starts(...at(""))).toBe(false);
  });

  it("match one whole name when they end in NUL", () => {
    const names = new NamePrefixes(["__kcrctab\0"]);
    expect(names.starts(...at("__kcrctab"))).toBe(true);
    expect(names.starts(...at("__kcrctab_gpl"))).toBe(false);
  });

  it("are at least two bytes long", () => {
    expect(() => new NamePrefixes(["_"])).toThrow(RangeError);
  });
});
