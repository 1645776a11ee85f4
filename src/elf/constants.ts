// Values from the ELF gABI and <elf.h> that the readers below need by name.
export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;

export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_SYMTAB_SHNDX = 18;

export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_HIRESERVE = 0xffff;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;

export const SHF_EXECINSTR = 0x4;

export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;

export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;

export const EM_386 = 3;
export const EM_PPC = 20;
export const EM_PPC64 = 21;
export const EM_S390 = 22;
export const EM_X86_64 = 62;

/** e_machine → the short names the JSON contract uses (uname-style where one exists). */
const MACHINE_NAMES: Record<number, string> = {
  2: "sparc",
  3: "386",
  8: "mips",
  15: "parisc",
  18: "sparc32plus",
  20: "ppc",
  21: "ppc64",
  22: "s390",
  40: "arm",
  42: "sh",
  43: "sparcv9",
  50: "ia64",
  62: "x86_64",
  183: "aarch64",
  243: "riscv",
  258: "loongarch",
};

export function machineName(code: number): string {
  return MACHINE_NAMES[code] ?? `em_${code}`;
}
