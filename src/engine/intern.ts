import type { ImportedSymbol } from "../core/facts.js";
import { SignerMemo } from "../kmod/signature.js";
import { type ModuleSignature } from "../core/facts.js";
import type { SymbolVersion } from "../core/facts.js";
import { factsIn, type InputResult } from "../core/outcome.js";
import type { ObjectFacts } from "../core/facts.js";

/**
 * One object per distinct fact across the modules one thread reads: facts are read, never written,
 * once a module's are complete, so equal ones can be one object. The same few thousand kernel
 * symbols (`_printk`, `__fentry__` …) recur in every module's imports and __versions, and a tree's
 * modules share one signer; sharing them keeps a tree's facts at about a third of their size.
 * The readers take their objects from here as they make them (kmod/facts.ts), rather than making
 * their own and having them swapped afterwards, which cost as much again in garbage.
 *
 * (`.modinfo` strings are shared as they are read, engine/name-table.ts. Sharing the tags themselves,
 * and exports, was measured too: 1 KB less per module for each further copy of a tree, but 10%
 * more time on every scan.)
 *
 * Arrays kept with the facts (and with the audit's results) are made at their length — by `map`,
 * sized up front, or copied once complete — never left as `push` grew them: V8 gives a pushed
 * array 17 slots, then half as many again plus 16 each time it fills, and keeps them all. Three
 * elements take 17 slots; a module's 46 imports took 77 (713 B against 425 B). On Debian's 6.1
 * tree that was 0.37 KB of every module's 5.4.
 */
export class FactPool {
  readonly #strings = new Map<string, string>();
  readonly #strong = new Map<string, ImportedSymbol>();
  readonly #weak = new Map<string, ImportedSymbol>();
  /** One (symbol, CRC) per symbol name: modules built against one kernel agree on it. */
  readonly #versions = new Map<string, SymbolVersion>();
  readonly #signatures = new Map<string, ModuleSignature>();
  readonly #elves = new Map<string, ObjectFacts["elf"]>();
  /** The signer of the last PKCS#7 signature read on this thread, for the next (kmod/signature.ts). */
  readonly signers = new SignerMemo();

  get(s: string): string {
    const have = this.#strings.get(s);
    if (have !== undefined) return have;
    this.#strings.set(s, s);
    return s;
  }

  import(symbol: string, weak: boolean): ImportedSymbol {
    const pool = weak ? this.#weak : this.#strong;
    let shared = pool.get(symbol);
    if (!shared) pool.set(symbol, (shared = { symbol, weak }));
    return shared;
  }

  version(symbol: string, crc: number): SymbolVersion {
    const shared = this.#versions.get(symbol);
    if (shared?.crc === crc) return shared;
    const made = { symbol, crc };
    if (!shared) this.#versions.set(symbol, made);
    return made;
  }

  /** A module's ELF identity: a tree has one or two among thousands of modules. */
  elf(e: ObjectFacts["elf"]): ObjectFacts["elf"] {
    const key = `${e.class}${e.endian}${e.machine}`;
    const shared = this.#elves.get(key);
    if (shared) return shared;
    this.#elves.set(key, e);
    return e;
  }

  signature(s: ModuleSignature): ModuleSignature {
    const key = `${s.idType}\0${s.signer}\0${s.keyId}\0${s.hashAlgo}\0${s.damaged}`;
    const shared = this.#signatures.get(key);
    if (shared) return shared;
    this.#signatures.set(key, s);
    return s;
  }

  /**
   * For facts from a worker's wire decoder (engine/wire.ts), which shares names, imports and versions
   * among that worker's modules: the signature, which came as a fresh object per module, is
   * shared here.
   */
  wired(r: InputResult): InputResult {
    for (const f of factsIn(r)) {
      f.elf = this.elf(f.elf);
      if (f.signature) f.signature = this.signature(f.signature);
    }
    return r;
  }
}
