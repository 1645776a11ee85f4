import type { ImportedSymbol, ModuleSignature, ObjectFacts, SymbolVersion } from "../core/facts.js";
import type { SignerMemo } from "./signature.js";

/**
 * How the parsers make the objects a module's facts keep: every such string and object is asked
 * for here, as it is made. PLAIN_FACTS makes each one fresh; a builder may instead hand out one
 * object for equal facts across many modules (a scan's does), which is safe because facts are read,
 * never written, once complete. Asking as they are made, rather than swapping them afterwards,
 * spares the garbage of the objects that would be swapped out.
 *
 * Arrays kept with the facts are made at their length — by `map`, sized up front, or copied once
 * complete — never left as `push` grew them: V8 gives a pushed array spare slots each time it fills
 * and keeps them, a large share of a small array's weight when thousands of modules are kept.
 */
export interface FactBuilder {
  /** A key or value of .modinfo: bytes [start, end), UTF-8. */
  modinfoText(bytes: Buffer, start: number, end: number): string;
  /** A .modinfo tag, of a key and a value made by modinfoText. */
  modinfoTag(key: string, value: string): [string, string];
  /** A symbol or module name the facts keep (an export's symbol, a `depends` entry). */
  name(name: string): string;
  import(symbol: string, weak: boolean): ImportedSymbol;
  version(symbol: string, crc: number): SymbolVersion;
  elf(identity: ObjectFacts["elf"]): ObjectFacts["elf"];
  signature(signature: ModuleSignature): ModuleSignature;
  /** What remembers the last PKCS#7 signer for the next signature (kmod/signature.ts), if anything does. */
  readonly signers: SignerMemo | undefined;
}

/** Fresh strings and objects for every module: what a library call gets. */
export const PLAIN_FACTS: FactBuilder = {
  modinfoText: (bytes, start, end) => bytes.toString("utf8", start, end),
  modinfoTag: (key, value) => [key, value],
  name: (name) => name,
  import: (symbol, weak) => ({ symbol, weak }),
  version: (symbol, crc) => ({ symbol, crc }),
  elf: (identity) => identity,
  signature: (signature) => signature,
  signers: undefined,
};
