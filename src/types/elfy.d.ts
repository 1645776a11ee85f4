// elfy ships no types; this declares only the parts the adapter in src/elf/elfy-adapter.ts uses.
declare module "elfy" {
  interface ElfyHeader {
    class: string;
    endian: string;
    type: string | undefined;
    machine: string | undefined;
    phoff: number;
    shoff: number;
    flags: number;
    ehsize: number;
    shentsize: number;
    shnum: number;
    shstrndx: number;
  }
  interface ElfySection {
    name: number;
    type: string | number;
    addr: number;
    off: number;
    size: number;
    link: number;
    info: number;
    addralign: number;
    entsize: number;
  }
  class Parser {
    parseHeader(buf: Buffer): ElfyHeader;
    parseSection(entry: Buffer, header: ElfyHeader, buf: Buffer): ElfySection;
  }
  const elfy: { Parser: typeof Parser; constants: { sectType: Record<number, string> }; parse(buf: Buffer): unknown };
  export default elfy;
}
