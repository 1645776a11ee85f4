import type { ObjectFacts } from "../core/facts.js";
import type { ImportedSymbol } from "../core/facts.js";
import type { SymbolVersion } from "../core/facts.js";
import { factsIn } from "../core/outcome.js";
import type { FileOutcome } from "./inspect-file.js";

/**
 * How facts cross from a worker thread to the main thread. A tree's facts as plain JSON are mostly
 * the same few thousand symbol names spelt out again in every module's imports and __versions, and
 * encoding and decoding them cost more than parsing the modules. So each worker numbers the strings
 * it has sent, sends each one once, and sends imports and versions as numbers. The main thread
 * keeps one table per worker, in message order, and every module's facts come out sharing one
 * string per symbol.
 */
export interface WireBatch {
  /** Strings first used in this batch, numbered on from the end of the ones sent before. */
  strings: string[];
  /** FileOutcome[] as JSON, with each facts' symbol lists encoded (WireFacts). */
  outcomes: string;
}

/** ObjectFacts with its symbol lists as string numbers. */
type WireFacts = Omit<ObjectFacts, "imports" | "versions" | "exports" | "modinfo"> & {
  /** id × 2 + weak, per import. */
  imports: number[];
  /** id, crc, id, crc … */
  versions: number[];
  exports: (Omit<ObjectFacts["exports"][number], "symbol"> & { symbol: number })[];
  /** Keys as ids: a few dozen distinct ones over a whole tree. */
  modinfo: [number, string][];
};

export class WireEncoder {
  readonly #ids = new Map<string, number>();
  #fresh: string[] = [];

  #id(s: string): number {
    let id = this.#ids.get(s);
    if (id === undefined) {
      id = this.#ids.size;
      this.#ids.set(s, id);
      this.#fresh.push(s);
    }
    return id;
  }

  /** In place, as the decoder does: the worker is done with its facts once they are sent. */
  #facts(f: ObjectFacts): void {
    const versions: number[] = [];
    for (const v of f.versions) versions.push(this.#id(v.symbol), v.crc);
    const w = f as unknown as WireFacts;
    w.imports = f.imports.map((i) => this.#id(i.symbol) * 2 + (i.weak ? 1 : 0));
    w.versions = versions;
    for (const e of f.exports) (e as unknown as { symbol: number }).symbol = this.#id(e.symbol);
    for (const t of f.modinfo) (t as unknown as [number, string])[0] = this.#id(t[0]);
  }

  /** Consumes `outcomes`: their facts are rewritten into the wire's form. */
  encode(outcomes: FileOutcome[]): WireBatch {
    for (const r of outcomes) for (const f of factsIn(r)) this.#facts(f);
    const outcomesJson = JSON.stringify(outcomes);
    const strings = this.#fresh;
    this.#fresh = [];
    return { strings, outcomes: outcomesJson };
  }
}

/**
 * One per worker: batches must be decoded in the order that worker sent them. Imports and versions
 * come out as shared objects too — `{symbol: "_printk", weak: false}` is the same fact in nearly
 * every module — which is most of what a tree's facts weigh once strings are shared. Facts are
 * read, never written, after this point.
 */
export class WireDecoder {
  readonly #strings: string[] = [];
  readonly #imports: ImportedSymbol[] = [];
  /** By id × 2^32 + crc. */
  readonly #versions = new Map<number, SymbolVersion>();

  #import(n: number): ImportedSymbol {
    return (this.#imports[n] ??= { symbol: this.#strings[n >>> 1]!, weak: (n & 1) === 1 });
  }

  #version(id: number, crc: number): SymbolVersion {
    const key = id * 0x100000000 + crc;
    let v = this.#versions.get(key);
    if (!v) this.#versions.set(key, (v = { symbol: this.#strings[id]!, crc }));
    return v;
  }

  /**
   * Turns the parsed WireFacts into ObjectFacts in place: the parsed objects are what is kept, and
   * copying them made as much garbage again on the main thread, whose collector then took time
   * the workers needed.
   */
  #facts(w: WireFacts): void {
    const s = this.#strings;
    // Sized up front, as kmod/versions.ts does: it is kept with the facts (kmod/fact-builder.ts says why).
    const versions: ObjectFacts["versions"] = new Array(w.versions.length / 2);
    for (let i = 0; i < w.versions.length; i += 2) versions[i / 2] = this.#version(w.versions[i]!, w.versions[i + 1]!);
    const f = w as unknown as ObjectFacts;
    f.imports = w.imports.map((n) => this.#import(n));
    f.versions = versions;
    for (const e of w.exports as unknown as ObjectFacts["exports"]) e.symbol = s[e.symbol as unknown as number]!;
    for (const t of w.modinfo as unknown as ObjectFacts["modinfo"]) t[0] = s[t[0] as unknown as number]!;
  }

  decode(batch: WireBatch): FileOutcome[] {
    for (const str of batch.strings) this.#strings.push(str);
    const outcomes = JSON.parse(batch.outcomes) as FileOutcome[];
    for (const r of outcomes) for (const f of factsIn(r)) this.#facts(f as unknown as WireFacts);
    return outcomes;
  }
}
