import type { ObjectFacts } from "./facts.js";
import type { ImportedSymbol } from "./imports.js";
import type { ModuleSignature } from "./signature.js";
import type { SymbolVersion } from "./versions.js";
import type { InputResult, Outcome } from "./inspect-input.js";

/**
 * One object per distinct fact across all modules of a scan, whichever thread read them: facts are
 * read, never written, once a module's are complete, so equal ones can be one object. The same few
 * thousand kernel symbols (`_printk`, `__fentry__` …) recur in every module's imports and
 * __versions, and a tree's modules share one signer; sharing them keeps a tree's facts at about a
 * third of their size. (`.modinfo` strings are shared as they are read, elf/name-table.ts; sharing
 * the tags themselves, and exports, was measured too: 1 KB less per module for each further copy
 * of a tree, but 10% more time on every scan.)
 */
export class FactPool {
  readonly #strings = new Map<string, string>();
  readonly #strong = new Map<string, ImportedSymbol>();
  readonly #weak = new Map<string, ImportedSymbol>();
  /** One (symbol, CRC) per symbol name: modules built against one kernel agree on it. */
  readonly #versions = new Map<string, SymbolVersion>();
  readonly #signatures = new Map<string, ModuleSignature>();

  get(s: string): string {
    const have = this.#strings.get(s);
    if (have !== undefined) return have;
    this.#strings.set(s, s);
    return s;
  }

  #import(i: ImportedSymbol): ImportedSymbol {
    const pool = i.weak ? this.#weak : this.#strong;
    let shared = pool.get(i.symbol);
    if (!shared) pool.set(i.symbol, (shared = { symbol: this.get(i.symbol), weak: i.weak }));
    return shared;
  }

  #version(v: SymbolVersion): SymbolVersion {
    const shared = this.#versions.get(v.symbol);
    if (shared?.crc === v.crc) return shared;
    const made = { symbol: this.get(v.symbol), crc: v.crc };
    if (!shared) this.#versions.set(v.symbol, made);
    return made;
  }

  #signature(s: ModuleSignature): ModuleSignature {
    const key = `${s.idType}\0${s.signer}\0${s.keyId}\0${s.hashAlgo}\0${s.damaged}`;
    const shared = this.#signatures.get(key);
    if (shared) return shared;
    this.#signatures.set(key, s);
    return s;
  }

  /**
   * `wired`: the facts came from a worker's wire decoder (fs/wire.ts), which already shares names,
   * imports and versions among that worker's modules; the rest is shared here. Doing it all again
   * cost the main thread a tenth of a second on Debian's 6.12 tree, time the workers needed.
   */
  facts(f: ObjectFacts, wired = false): ObjectFacts {
    if (!wired) {
      f.imports = f.imports.map((i) => this.#import(i));
      f.versions = f.versions.map((v) => this.#version(v));
      for (const e of f.exports) e.symbol = this.get(e.symbol);
    }
    if (f.depends) f.depends = f.depends.map((d) => this.get(d));
    if (f.signature) f.signature = this.#signature(f.signature);
    return f;
  }

  outcome(r: InputResult, wired = false): InputResult {
    const one = (o: Outcome) => void (o.kind === "facts" && this.facts(o.facts, wired));
    if (r.self) one(r.self);
    for (const m of r.members) one(m.outcome);
    return r;
  }
}
