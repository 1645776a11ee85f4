import type { ObjectFacts } from "../kmod/facts.js";
import type { ImportedSymbol } from "../kmod/imports.js";
import type { SymbolVersion } from "../kmod/versions.js";
import type { Outcome } from "../kmod/inspect-input.js";
import type { FileOutcome } from "./inspect-file.js";

/**
 * How facts cross from a worker thread to the main thread. A tree's facts as plain JSON are ~24 MB
 * on Debian's 6.1 tree, nine tenths of it the same few thousand symbol names spelt out again in
 * every module's imports and __versions; encoding and decoding that cost more than parsing the
 * modules. So each worker numbers the strings it has sent, sends each one once, and sends imports
 * and versions as numbers. The main thread keeps one table per worker, in message order, and every
 * module's facts come out sharing one string per symbol.
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

  #facts(f: ObjectFacts): WireFacts {
    const versions: number[] = [];
    for (const v of f.versions) versions.push(this.#id(v.symbol), v.crc);
    return {
      ...f,
      imports: f.imports.map((i) => this.#id(i.symbol) * 2 + (i.weak ? 1 : 0)),
      versions,
      exports: f.exports.map((e) => ({ ...e, symbol: this.#id(e.symbol) })),
      modinfo: f.modinfo.map(([k, v]) => [this.#id(k), v]),
    };
  }

  #outcome(o: Outcome): Outcome {
    return o.kind === "facts" ? { ...o, facts: this.#facts(o.facts) as unknown as ObjectFacts } : o;
  }

  encode(outcomes: FileOutcome[]): WireBatch {
    const encoded = outcomes.map((r) => ({ ...(r.self ? { self: this.#outcome(r.self) } : {}), members: r.members.map((m) => ({ path: m.path, outcome: this.#outcome(m.outcome) })) }));
    const outcomesJson = JSON.stringify(encoded);
    const strings = this.#fresh;
    this.#fresh = [];
    return { strings, outcomes: outcomesJson };
  }
}

/**
 * One per worker: batches must be decoded in the order that worker sent them. Imports and versions
 * come out as shared objects too — `{symbol: "_printk", weak: false}` is the same fact in three
 * thousand modules — which is most of what a tree's facts weigh once strings are shared. Facts are
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

  #facts(w: WireFacts): ObjectFacts {
    const s = this.#strings;
    const versions: ObjectFacts["versions"] = [];
    for (let i = 0; i < w.versions.length; i += 2) versions.push(this.#version(w.versions[i]!, w.versions[i + 1]!));
    return {
      ...w,
      imports: w.imports.map((n) => this.#import(n)),
      versions,
      exports: w.exports.map((e) => ({ ...e, symbol: s[e.symbol]! })),
      modinfo: w.modinfo.map(([k, v]) => [s[k]!, v]),
    };
  }

  #outcome(o: Outcome): Outcome {
    return o.kind === "facts" ? { ...o, facts: this.#facts(o.facts as unknown as WireFacts) } : o;
  }

  decode(batch: WireBatch): FileOutcome[] {
    for (const str of batch.strings) this.#strings.push(str);
    const outcomes = JSON.parse(batch.outcomes) as FileOutcome[];
    return outcomes.map((r) => ({ ...(r.self ? { self: this.#outcome(r.self) } : {}), members: r.members.map((m) => ({ path: m.path, outcome: this.#outcome(m.outcome) })) }));
  }
}
