/**
 * Writes small but well-formed ELF relocatables byte by byte, in either class and byte order, so
 * tests can state exactly which field is damaged. Layout: ELF header, section data, section
 * header table at the end (as ld -r writes it).
 */
export interface SectionSpec {
  name: string;
  type: number;
  data?: Uint8Array;
  flags?: number;
  link?: number;
  info?: number;
  addralign?: number;
  entsize?: number;
  /** Override the recorded sh_size (for damaged files). */
  size?: number;
}
export interface ElfSpec {
  elfClass: 32 | 64;
  endian: "little" | "big";
  machine?: number;
  type?: number;
  osabi?: number;
  sections: SectionSpec[];
}
export interface BuiltElf {
  bytes: Buffer;
  shoff: number;
  /** Byte offset of section i's header entry. */
  shdrAt(i: number): number;
}
export declare function buildElf(spec: ElfSpec): BuiltElf;
export interface SymbolSpec {
  name: string;
  value?: number;
  size?: number;
  bind?: number;
  type?: number;
  shndx?: number;
}
/** A .symtab body and its .strtab, for sections placed at `strtabIndex` by the caller. */
export declare function symbolTable(
  elfClass: 32 | 64,
  endian: "little" | "big",
  symbols: SymbolSpec[],
): {
  symtab: Buffer;
  strtab: Buffer;
};
export declare const FLAVOURS: readonly [
  {
    readonly elfClass: 64;
    readonly endian: "little";
  },
  {
    readonly elfClass: 32;
    readonly endian: "little";
  },
  {
    readonly elfClass: 64;
    readonly endian: "big";
  },
  {
    readonly elfClass: 32;
    readonly endian: "big";
  },
];
/** A minimal module: .modinfo, __ksymtab_gpl with one export label, and imports in .symtab. */
export declare function miniModule(
  elfClass: 32 | 64,
  endian: "little" | "big",
  modinfo: string[],
  imports?: (string | { name: string; weak: boolean })[],
): BuiltElf;
