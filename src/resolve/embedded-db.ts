import { brotliDecompressSync, constants } from "node:zlib";
import { FormatError } from "../core/errors.js";
import { EXPORT_TYPES, isGplOnly, type ExportType } from "../core/export-types.js";
import type { ExportTable, KernelExport } from "./symvers.js";

/**
 * The embedded export database (data/export-db.bin.br, written by scripts/gen-export-db.mjs, which
 * documents the layout): the exports of Debian's kernels, every distinct (symbol, module, type,
 * namespace) row stored once and each release listing its rows. Decoding is split so that only
 * the releases a scan needs are turned into tables.
 */

/** One kernel build the database describes. */
export interface EmbeddedRelease {
  /** As `uname -r` and vermagic say it, e.g. "6.1.0-56-amd64". */
  release: string;
  /** The Debian package its Module.symvers came from, and that package's version. */
  package: string;
  version: string;
  /** Debian architecture (amd64, i386, arm64, …). */
  arch: string;
  exports: number;
}

export interface ExportDatabase {
  releases: readonly EmbeddedRelease[];
  /**
   * The UTC day it was generated ("2026-12-04"): Debian's kernels as of then. Null in databases made
   * before the field existed.
   */
  generated: string | null;
  /** Whether rows carry CRCs; without them symbol-version-mismatch cannot be judged. */
  crcs: boolean;
  symbols: readonly string[];
  modules: readonly string[];
  namespaces: readonly string[];
  /** Per row: index into `symbols`, `modules`, TYPES, and namespaces (-1: none). */
  rowSymbol: Uint32Array;
  rowModule: Uint32Array;
  rowType: Uint8Array;
  rowNamespace: Int32Array;
  /** Per release, in `releases` order: a bitmap of the rows it has (bit i: byte i >> 3, bit i & 7). */
  membership: readonly Uint8Array[];
}

/** Export types by their index in the file; the generator uses the same order. */
const TYPES: readonly ExportType[] = EXPORT_TYPES;
const MAGIC = "KMAEXDB1";
const STRUCTURE = "embedded export database";

/** The sections after the magic, in file order (see the generator). */
const SECTIONS = [
  "header",
  "symbols",
  "modules",
  "namespaces",
  "rows per symbol",
  "row modules",
  "row types",
  "row namespaces",
  "membership",
] as const;

/** Splits the decompressed bytes into their length-prefixed sections, each range-checked. */
function sections(bytes: Buffer): Buffer[] {
  if (bytes.toString("latin1", 0, MAGIC.length) !== MAGIC)
    throw new FormatError(STRUCTURE, 0, `not a kmodaudit export database (expected ${MAGIC})`);
  const out: Buffer[] = [];
  let at = MAGIC.length;
  for (const what of SECTIONS) {
    if (at + 4 > bytes.length) throw new FormatError(STRUCTURE, at, `${what}: truncated`);
    const len = bytes.readUInt32LE(at);
    if (at + 4 + len > bytes.length) throw new FormatError(STRUCTURE, at, `${what}: ${len} bytes run past the end`);
    out.push(bytes.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  if (at !== bytes.length) throw new FormatError(STRUCTURE, at, `${bytes.length - at} bytes after the last section`);
  return out;
}

/** One LEB128 varint at `at`: its value and the offset after it. */
function varintAt(bytes: Uint8Array, at: number, what: string): [number, number] {
  let v = 0;
  for (let scale = 1; ; scale *= 128) {
    if (at >= bytes.length) throw new FormatError(STRUCTURE, at, `${what}: truncated`);
    const b = bytes[at++]!;
    v += (b & 0x7f) * scale;
    if (b < 0x80) return [v, at];
  }
}

/** Decodes `count` varints; the bytes must hold exactly that many. */
function varints(bytes: Uint8Array, count: number, what: string): Uint32Array {
  const out = new Uint32Array(count);
  let at = 0;
  for (let i = 0; i < count; i++) [out[i], at] = varintAt(bytes, at, what);
  if (at !== bytes.length)
    throw new FormatError(STRUCTURE, at, `${what}: ${bytes.length - at} bytes after ${count} entries`);
  return out;
}

const lines = (b: Buffer) => (b.length === 0 ? [] : b.toString("utf8").split("\n"));

interface Header {
  format: number;
  crcs: boolean;
  generated?: string;
  symbols: number;
  rows: number;
  releases: EmbeddedRelease[];
}

function parseHeader(bytes: Buffer): Header {
  let h: Partial<Header>;
  try {
    h = JSON.parse(bytes.toString("utf8")) as Partial<Header>;
  } catch {
    throw new FormatError(STRUCTURE, MAGIC.length, "header: not JSON");
  }
  if (h.format !== 1)
    throw new FormatError(STRUCTURE, MAGIC.length, `format ${String(h.format)} is not one this kmodaudit reads`);
  if (
    !Number.isSafeInteger(h.rows) ||
    !Number.isSafeInteger(h.symbols) ||
    typeof h.crcs !== "boolean" ||
    !Array.isArray(h.releases)
  )
    throw new FormatError(STRUCTURE, MAGIC.length, "header: rows, symbols, crcs or releases missing");
  if (h.generated !== undefined && (typeof h.generated !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(h.generated)))
    throw new FormatError(STRUCTURE, MAGIC.length, "header: generated is not a YYYY-MM-DD date");
  return h as Header;
}

/** The database's bytes out of brotli; `finishFlush` as node:zlib takes it. */
function inflate(compressed: Uint8Array, finishFlush?: number): Buffer {
  try {
    return brotliDecompressSync(compressed, finishFlush === undefined ? {} : { finishFlush });
  } catch (e) {
    throw new FormatError(STRUCTURE, 0, `brotli stream damaged: ${(e as Error).message}`);
  }
}

/** What the header alone tells: which kernel builds the database describes, and as of when. */
export type ExportDatabaseHeader = Pick<ExportDatabase, "releases" | "generated">;

/**
 * The header from the start of the compressed database: brotli decodes a prefix as far as it goes,
 * so a few KB give what --version says without decoding the whole, which takes far longer. Null
 * when `prefix` ends before the header does: read more of the file.
 */
export function decodeExportDatabaseHeader(prefix: Uint8Array): ExportDatabaseHeader | null {
  // A prefix ends mid-stream: flush what it decodes instead of demanding the stream's end.
  const bytes = inflate(prefix, constants.BROTLI_OPERATION_FLUSH);
  if (bytes.length < MAGIC.length + 4) return null;
  if (bytes.toString("latin1", 0, MAGIC.length) !== MAGIC)
    throw new FormatError(STRUCTURE, 0, `not a kmodaudit export database (expected ${MAGIC})`);
  const end = MAGIC.length + 4 + bytes.readUInt32LE(MAGIC.length);
  if (bytes.length < end) return null;
  const header = parseHeader(bytes.subarray(MAGIC.length + 4, end));
  return { releases: header.releases, generated: header.generated ?? null };
}

/** Decompresses and checks the database; rows are decoded here, releases only on request. */
export function decodeExportDatabase(compressed: Uint8Array): ExportDatabase {
  const bytes = inflate(compressed);
  const [
    headerBytes,
    symbolBytes,
    moduleBytes,
    namespaceBytes,
    perSymbolBytes,
    moduleColumn,
    typeColumn,
    namespaceColumn,
    all,
  ] = sections(bytes) as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
  const header = parseHeader(headerBytes);
  // The type column has one byte per row: it bounds the row count before anything is allocated.
  if (typeColumn.length !== header.rows)
    throw new FormatError(STRUCTURE, undefined, `${typeColumn.length} row types for ${header.rows} rows`);
  const size = Math.ceil(header.rows / 8);
  if (all.length !== size * header.releases.length)
    throw new FormatError(
      STRUCTURE,
      undefined,
      `membership: ${all.length} bytes, expected ${header.releases.length} bitmaps of ${size}`,
    );
  const symbols = lines(symbolBytes);
  const modules = lines(moduleBytes);
  const namespaces = lines(namespaceBytes);
  if (symbols.length !== header.symbols)
    throw new FormatError(STRUCTURE, undefined, `${symbols.length} symbols, the header says ${header.symbols}`);
  const perSymbol = varints(perSymbolBytes, symbols.length, "rows per symbol");
  const rowSymbol = new Uint32Array(header.rows);
  let row = 0;
  for (let s = 0; s < perSymbol.length; s++) {
    if (row + perSymbol[s]! > header.rows)
      throw new FormatError(STRUCTURE, undefined, `rows per symbol add up to more than ${header.rows} rows`);
    rowSymbol.fill(s, row, row + perSymbol[s]!);
    row += perSymbol[s]!;
  }
  if (row !== header.rows)
    throw new FormatError(STRUCTURE, undefined, `rows per symbol add up to ${row}, the header says ${header.rows}`);
  const rowModule = varints(moduleColumn, header.rows, "row modules");
  const rowType = new Uint8Array(typeColumn);
  const rowNamespace = Int32Array.from(varints(namespaceColumn, header.rows, "row namespaces"), (n) => n - 1);
  for (let i = 0; i < header.rows; i++) {
    if (rowModule[i]! >= modules.length || rowType[i]! >= TYPES.length || rowNamespace[i]! >= namespaces.length)
      throw new FormatError(STRUCTURE, undefined, `row ${i} names a module, type or namespace that is not there`);
  }
  const membership = header.releases.map((_, i) => all.subarray(i * size, (i + 1) * size));
  return {
    releases: header.releases,
    generated: header.generated ?? null,
    crcs: header.crcs,
    symbols,
    modules,
    namespaces,
    rowSymbol,
    rowModule,
    rowType,
    rowNamespace,
    membership,
  };
}

/** One release's exports as a kernel export table (no CRCs: `crc` is null throughout). */
export function embeddedTable(db: ExportDatabase, release: string): ExportTable {
  const at = db.releases.findIndex((r) => r.release === release);
  if (at < 0) throw new FormatError(STRUCTURE, undefined, `no release ${release}`);
  const bits = db.membership[at]!;
  const exports: KernelExport[] = [];
  for (let byte = 0; byte < bits.length; byte++) {
    if (bits[byte] === 0) continue;
    for (let bit = 0; bit < 8; bit++) {
      if (!(bits[byte]! & (1 << bit))) continue;
      const row = byte * 8 + bit;
      if (row >= db.rowSymbol.length)
        throw new FormatError(STRUCTURE, undefined, `membership of ${release}: row ${row} is not there`);
      const type = TYPES[db.rowType[row]!]!;
      const ns = db.rowNamespace[row]!;
      exports.push({
        symbol: db.symbols[db.rowSymbol[row]!]!,
        crc: null,
        module: db.modules[db.rowModule[row]!]!,
        type,
        gplOnly: isGplOnly(type),
        namespace: ns < 0 ? null : db.namespaces[ns]!,
      });
    }
  }
  const expected = db.releases[at]!.exports;
  if (exports.length !== expected)
    throw new FormatError(
      STRUCTURE,
      undefined,
      `membership of ${release}: ${exports.length} exports, the header says ${expected}`,
    );
  return { exports, hasExportTypes: true };
}
