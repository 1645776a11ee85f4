import type { ObjectFacts } from "./facts.js";
import type { ImportedSymbol } from "./imports.js";
import type { SymbolVersion } from "./versions.js";
import type { InputResult, Outcome } from "./inspect-input.js";

/**
 * Shares one string per distinct symbol name across all modules of a scan read on one thread
 * (worker threads' facts share theirs through the wire's string table, fs/wire.ts). The same few
 * thousand kernel symbols (`_printk`, `__fentry__` …) recur in every module's imports and
 * __versions, and sharing them keeps a tree's facts at about two thirds of their size.
 */
export class StringPool {
  private readonly pool = new Map<string, string>();

  get(s: string): string {
    const have = this.pool.get(s);
    if (have !== undefined) return have;
    this.pool.set(s, s);
    return s;
  }

  private readonly strong = new Map<string, ImportedSymbol>();
  private readonly weak = new Map<string, ImportedSymbol>();
  /** One (symbol, CRC) per symbol name: modules built against one kernel agree on it. */
  private readonly versions = new Map<string, SymbolVersion>();

  /** One object per distinct import and per distinct (symbol, CRC), as the wire decoder gives them. */
  facts(f: ObjectFacts): ObjectFacts {
    f.imports = f.imports.map((i) => {
      const pool = i.weak ? this.weak : this.strong;
      let shared = pool.get(i.symbol);
      if (!shared) pool.set(i.symbol, (shared = { symbol: this.get(i.symbol), weak: i.weak }));
      return shared;
    });
    f.versions = f.versions.map((v) => {
      const shared = this.versions.get(v.symbol);
      if (shared?.crc === v.crc) return shared;
      const made = { symbol: this.get(v.symbol), crc: v.crc };
      if (!shared) this.versions.set(v.symbol, made);
      return made;
    });
    for (const e of f.exports) e.symbol = this.get(e.symbol);
    for (const t of f.modinfo) t[0] = this.get(t[0]);
    return f;
  }

  outcome(r: InputResult): InputResult {
    const one = (o: Outcome) => void (o.kind === "facts" && this.facts(o.facts));
    if (r.self) one(r.self);
    for (const m of r.members) one(m.outcome);
    return r;
  }
}
