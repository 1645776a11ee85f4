import { FormatError } from "../core/errors.js";
import type { ByteView } from "../elf/byte-view.js";
import type { ElfSection } from "../elf/types.js";
import type { SymbolVersion } from "../core/facts.js";
import { type FactBuilder, PLAIN_FACTS } from "./fact-builder.js";

// struct modversion_info { unsigned long crc; char name[64 - sizeof(unsigned long)]; }
const ENTRY_SIZE = 64;

/** The CRC each import expects (CONFIG_MODVERSIONS), from `__versions`. */
export function readVersions(
  view: ByteView,
  section: ElfSection,
  is64: boolean,
  build: FactBuilder = PLAIN_FACTS,
): SymbolVersion[] {
  const where = "__versions";
  if (section.size % ENTRY_SIZE !== 0)
    throw new FormatError(where, section.offset, `size ${section.size} is not a multiple of ${ENTRY_SIZE}`);
  view.range(section.offset, section.size, where);
  const crcSize = is64 ? 8 : 4;
  // Sized up front: it is kept with the facts (kmod/fact-builder.ts says why that matters).
  const out = new Array<SymbolVersion>(section.size / ENTRY_SIZE);
  let kept = 0;
  for (let at = section.offset; at < section.offset + section.size; at += ENTRY_SIZE) {
    // The CRC is 32 bits; on big-endian 64-bit it sits in the low-order (last) four bytes.
    const crc = view.u32(is64 && view.endian === "big" ? at + 4 : at, where);
    const name = view.cstring(at + crcSize, at + ENTRY_SIZE, where);
    if (name === undefined) throw new FormatError(where, at, "symbol name fills its entry without a terminating NUL");
    if (name) out[kept++] = build.version(name, crc);
  }
  out.length = kept;
  return out;
}
