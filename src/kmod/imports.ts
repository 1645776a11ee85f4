import { EM_PPC, EM_PPC64, EM_S390, SHN_UNDEF, STB_LOCAL, STB_WEAK } from "../elf/constants.js";
import type { ElfSymbol } from "../elf/types.js";

export interface ImportedSymbol {
  symbol: string;
  /** A weak reference resolves to 0 when nothing provides it, so it never fails a load. */
  weak: boolean;
}

/**
 * Undefined symbols that modpost never looks up (scripts/mod/modpost.c, ignore_undef_symbol):
 * they are resolved by the final link of the .ko or by the loader itself, never by an export.
 */
function toolchainSymbol(name: string, machine: number): boolean {
  if (name === "__this_module" || name === "_GLOBAL_OFFSET_TABLE_") return true;
  if (machine === EM_PPC) return /^_(rest|save)(gpr|32gpr|vr)_/.test(name);
  if (machine === EM_PPC64) return /^_(rest|save)(gpr0|vr)_/.test(name) || name === ".TOC.";
  if (machine === EM_S390) return name.startsWith("__s390_indirect_jump_r");
  return false;
}

/** A module's imports: its undefined, non-local, named symbols, as modpost and the loader see them. */
export function readImports(symbols: ElfSymbol[], machine: number): ImportedSymbol[] {
  const out = new Map<string, ImportedSymbol>();
  for (const s of symbols) {
    if (s.shndx !== SHN_UNDEF || s.bind === STB_LOCAL || s.name === "") continue;
    if (toolchainSymbol(s.name, machine)) continue;
    const prev = out.get(s.name);
    out.set(s.name, { symbol: s.name, weak: s.bind === STB_WEAK && (prev?.weak ?? true) });
  }
  return [...out.values()].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}
