import { pushTo } from "../core/group.js";
import { SHF_EXECINSTR, SHN_UNDEF, STB_LOCAL, STT_FUNC, STT_SECTION } from "../elf/constants.js";
import { readRelocations, relocationSections } from "../elf/relocations.js";
import type { ElfFile, ElfSymbol } from "../elf/types.js";

interface Fn {
  sym: ElfSymbol;
  /** Undefined symbols this function's own code refers to. */
  imports: Set<string>;
  /** Other functions of the same object it refers to (calls, or takes the address of). */
  calls: Set<Fn>;
}

/**
 * For the named global functions of an object, the undefined symbols (imports) their code reaches:
 * by the relocations inside each function's symbol range [st_value, st_value+st_size), and
 * transitively through the other functions those relocations point at. A reference through a
 * section symbol (a static function or a call into another section) is mapped to the function
 * starting at the addend, allowing for the PC-relative bias of the call instruction. Calls that the
 * assembler resolved without a relocation (a static function in the same section) are invisible
 * here: this is what the relocations say, not a disassembly.
 */
export function functionReferences(
  elf: ElfFile,
  symbols: readonly ElfSymbol[],
  wanted: (sym: ElfSymbol) => boolean,
): Map<string, string[]> {
  const bySection = new Map<number, Fn[]>();
  for (const sym of symbols) {
    if (sym.type !== STT_FUNC || sym.shndx === SHN_UNDEF || sym.shndx >= elf.sections.length) continue;
    pushTo(bySection, sym.shndx, { sym, imports: new Set(), calls: new Set() });
  }
  for (const list of bySection.values()) list.sort((a, b) => a.sym.offset - b.sym.offset);

  const containing = (section: number, offset: number): Fn | undefined => {
    const list = bySection.get(section);
    if (!list) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const f = list[mid]!;
      if (offset < f.sym.offset) hi = mid - 1;
      else if (offset >= f.sym.offset + Math.max(f.sym.size, 1)) lo = mid + 1;
      else return f;
    }
    return undefined;
  };
  const startingAt = (section: number, addend: number): Fn | undefined => {
    for (const bias of [0, 4, 2]) {
      const f = containing(section, addend + bias);
      if (f && f.sym.offset === addend + bias) return f;
    }
    return containing(section, addend);
  };

  for (const { rel, target } of relocationSections(elf)) {
    if (!(target.flags & SHF_EXECINSTR) || !bySection.has(target.index)) continue;
    for (const r of readRelocations(elf, rel, target)) {
      const from = containing(target.index, r.offset);
      const to = symbols[r.symbol];
      if (!from || !to || r.symbol === 0) continue;
      if (to.shndx === SHN_UNDEF) {
        if (to.bind !== STB_LOCAL && to.name) from.imports.add(to.name);
      } else if (to.type === STT_SECTION) {
        const callee = startingAt(to.shndx, r.addend);
        if (callee && callee !== from) from.calls.add(callee);
      } else if (to.type === STT_FUNC) {
        const callee = containing(to.shndx, to.offset);
        if (callee && callee !== from) from.calls.add(callee);
      }
    }
  }

  const out = new Map<string, string[]>();
  const memo = new Map<Fn, Set<string>>();
  const reach = (root: Fn): Set<string> => {
    const cached = memo.get(root);
    if (cached) return cached;
    const seen = new Set<Fn>([root]);
    const stack = [root];
    const found = new Set<string>();
    while (stack.length) {
      const f = stack.pop()!;
      const done = f === root ? undefined : memo.get(f);
      if (done) {
        for (const s of done) found.add(s);
        continue;
      }
      for (const s of f.imports) found.add(s);
      for (const c of f.calls) {
        if (seen.has(c)) continue;
        seen.add(c);
        stack.push(c);
      }
    }
    memo.set(root, found);
    return found;
  };
  for (const list of bySection.values()) {
    for (const f of list) {
      if (f.sym.bind === STB_LOCAL || !wanted(f.sym)) continue;
      out.set(f.sym.name, [...reach(f)].sort());
    }
  }
  return out;
}
