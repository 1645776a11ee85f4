import { describe, expect, it } from "vitest";
import { parseElf } from "../../src/elf/parse.js";
import { NamePrefixes } from "../../src/elf/name-prefixes.js";
import { findSymtab, readSymbols, readUndefinedOrPrefixedSymbols } from "../../src/elf/symbols.js";
import type { ElfFile } from "../../src/elf/types.js";
import { buildElf, symbolTable } from "../helpers/elf-builder.mjs";

/** An object with a .text (section 1), its symbol table (2) and the table's strings (3). */
function objectWith(symbols: Parameters<typeof symbolTable>[2]): ElfFile {
  const { symtab, strtab } = symbolTable(64, "little", symbols);
  const sections = [
    { name: ".text", type: 1, data: Buffer.alloc(16) },
    { name: ".symtab", type: 2, data: symtab, link: 3, info: 1, entsize: 24 },
    { name: ".strtab", type: 3, data: strtab },
  ];
  return parseElf(buildElf({ elfClass: 64, endian: "little", sections }).bytes);
}

const elf = objectWith([
  { name: "helper", bind: 0, shndx: 1 },
  { name: "kmalloc", shndx: 0 },
  { name: "__ksymtab_my_fn", shndx: 1 },
  { name: "my_fn", shndx: 1, type: 2 },
]);
const symtab = findSymtab(elf)!;

describe("reading a symbol table", () => {
  it("gives every symbol, indexed as the table is (the null symbol first)", () => {
    const symbols = readSymbols(elf, symtab);
    expect(symbols.map((s) => [s.index, s.name])).toEqual([
      [0, ""],
      [1, "helper"],
      [2, "kmalloc"],
      [3, "__ksymtab_my_fn"],
      [4, "my_fn"],
    ]);
  });

  it("for undefined or prefixed symbols, passes over every other defined one, keeping each one's index", () => {
    const symbols = readUndefinedOrPrefixedSymbols(elf, symtab, new NamePrefixes(["__ksymtab_"]));
    expect(symbols.map((s) => [s.index, s.name])).toEqual([
      [0, ""],
      [2, "kmalloc"],
      [3, "__ksymtab_my_fn"],
    ]);
  });

  it("for undefined or prefixed symbols, gives each one it keeps as the whole read gives it", () => {
    const all = readSymbols(elf, symtab);
    for (const s of readUndefinedOrPrefixedSymbols(elf, symtab, new NamePrefixes(["__ksymtab_"]))) {
      expect(s).toEqual(all[s.index]);
    }
  });
});
