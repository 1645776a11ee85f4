import type { ImportedSymbol, ModuleSignature, ObjectFacts, SymbolVersion } from "../core/facts.js";
import { factsIn, type InputResult } from "../core/outcome.js";
import type { FactBuilder } from "../kmod/fact-builder.js";
import { SignerMemo } from "../kmod/signature.js";
import { NameTable } from "./name-table.js";

/** CRCs kept per symbol name: more kernels than any real scan holds. */
const MAX_CRCS = 64;

/**
 * The scan's FactBuilder (kmod/fact-builder.ts): one object per distinct fact across the modules
 * one thread reads. The same few thousand kernel symbols (`_printk`, `__fentry__` …) recur in every
 * module's imports and __versions, every module of a tree carries the same `vermagic=`, `intree=Y`
 * and `license=GPL`, and a tree's modules share one signer and one ELF identity: shared, they are
 * most of what a tree's facts would weigh otherwise, and a tree seen through several paths repeats
 * all of them.
 *
 * Whole tags (the [key, value] pairs) are shared too: within one tree a third of them repeat
 * (`license=GPL`, `intree=Y`), and across kernels most do, since a driver keeps its aliases from
 * one kernel release to the next. Export entries are not: they saved memory only for a tree
 * scanned several times over, and cost time on every scan.
 *
 * One per scan, on the thread that keeps the facts (engine/pool.ts), never handed to another:
 * strings cannot cross threads, and no lock is wanted.
 */
export class FactPool implements FactBuilder {
  /** .modinfo keys and values, interned straight from their bytes. */
  readonly #texts = new NameTable();
  /** By key, then value: a key has a few values (license) or tens of thousands (alias). */
  readonly #tags = new Map<string, Map<string, [string, string]>>();
  readonly #strings = new Map<string, string>();
  readonly #strong = new Map<string, ImportedSymbol>();
  readonly #weak = new Map<string, ImportedSymbol>();
  /**
   * One object per (symbol, CRC): modules built against one kernel agree on a symbol's CRC, so a
   * name has one per kernel of the scan, and a scan of several kernels shares each kernel's.
   */
  readonly #versions = new Map<string, SymbolVersion[]>();
  readonly #signatures = new Map<string, ModuleSignature>();
  readonly #elves = new Map<string, ObjectFacts["elf"]>();
  /** The signer of the last PKCS#7 signature read on this thread, for the next (kmod/signature.ts). */
  readonly signers = new SignerMemo();

  modinfoText(bytes: Buffer, start: number, end: number): string {
    // What the table does not take (not ASCII, or long) is decoded here as the parser means it.
    return this.#texts.get(bytes, start, end) ?? bytes.toString("utf8", start, end);
  }

  modinfoTag(key: string, value: string): [string, string] {
    let byValue = this.#tags.get(key);
    if (!byValue) this.#tags.set(key, (byValue = new Map()));
    let tag = byValue.get(value);
    if (!tag) byValue.set(value, (tag = [key, value]));
    return tag;
  }

  name(s: string): string {
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
    let shared = this.#versions.get(symbol);
    if (!shared) this.#versions.set(symbol, (shared = []));
    for (const v of shared) if (v.crc === crc) return v;
    const made = { symbol, crc };
    // Past a few dozen CRCs for one name, the modules are no kernel's builds: shared no more.
    if (shared.length < MAX_CRCS) shared.push(made);
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
   * among that worker's modules: the signature and the tags, which came as fresh objects per
   * module, are shared here, across the workers.
   */
  wired(r: InputResult): InputResult {
    for (const f of factsIn(r)) {
      f.elf = this.elf(f.elf);
      const tags = f.modinfo;
      for (let i = 0; i < tags.length; i++) tags[i] = this.modinfoTag(tags[i]![0], tags[i]![1]);
      if (f.signature) f.signature = this.signature(f.signature);
    }
    return r;
  }
}
