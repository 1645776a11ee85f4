import { EM_PPC, EM_PPC64, EM_S390, SHN_UNDEF, STB_LOCAL, STB_WEAK } from "../elf/constants.js";
import type { ElfSymbol } from "../elf/types.js";
import type { ImportedSymbol } from "../core/facts.js";
import { type FactBuilder, PLAIN_FACTS } from "./fact-builder.js";

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

/**
 * A module's imports: its undefined, non-local, named symbols, as modpost and the loader see them,
 * sorted by name. A name is weak when every reference to it is.
 */
export function readImports(symbols: ElfSymbol[], machine: number, build: FactBuilder = PLAIN_FACTS): ImportedSymbol[] {
  const names: string[] = [];
  let weak: Set<string> | undefined;
  for (const s of symbols) {
    if (s.shndx !== SHN_UNDEF || s.bind === STB_LOCAL || s.name === "") continue;
    if (toolchainSymbol(s.name, machine)) continue;
    names.push(s.name);
    if (s.bind === STB_WEAK) (weak ??= new Set()).add(s.name);
  }
  // Weak references are rare: only then is it worth asking which names also have a strong one.
  if (weak)
    for (const s of symbols)
      if (s.shndx === SHN_UNDEF && s.bind !== STB_LOCAL && s.bind !== STB_WEAK) weak.delete(s.name);
  names.sort(); // by UTF-16 code unit, as everywhere else names are ordered
  let distinct = 0;
  for (let i = 0; i < names.length; i++) if (i === 0 || names[i] !== names[i - 1]) names[distinct++] = names[i]!;
  names.length = distinct;
  // Made by map, at its length: it is kept with the facts (kmod/fact-builder.ts says why that matters).
  return names.map((symbol) => build.import(symbol, weak?.has(symbol) ?? false));
}
