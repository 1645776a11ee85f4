import { brotliDecompressSync } from "node:zlib";
import { FormatError } from "../errors.js";
import { isGplOnly, type ExportType } from "../kmod/exports.js";
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
  /** Per release, in `releases` order: its varint-encoded row list (see the generator). */
  membership: readonly Uint8Array[];
}

/** Export types by their index in the file; the generator uses the same order. */
const TYPES: readonly ExportType[] = ["EXPORT_SYMBOL", "EXPORT_SYMBOL_GPL", "EXPORT_SYMBOL_GPL_FUTURE", "EXPORT_UNUSED_SYMBOL", "EXPORT_UNUSED_SYMBOL_GPL"];
const MAGIC = "KMAEXDB1";
const STRUCTURE = "embedded export database";

/** A bounded reader over the decompressed bytes: every read checks its range. */
class Reader {
  private at = 0;
  constructor(private readonly bytes: Buffer) {}

  section(what: string): Buffer {
    if (this.at + 4 > this.bytes.length) throw new FormatError(STRUCTURE, this.at, `${what}: truncated`);
    const len = this.bytes.readUInt32LE(this.at);
    const start = this.at + 4;
    if (start + len > this.bytes.length) throw new FormatError(STRUCTURE, this.at, `${what}: ${len} bytes run past the end`);
    this.at = start + len;
    return this.bytes.subarray(start, start + len);
  }

  magic(): void {
    if (this.bytes.toString("latin1", 0, MAGIC.length) !== MAGIC) throw new FormatError(STRUCTURE, 0, `not a kmodaudit export database (expected ${MAGIC})`);
    this.at = MAGIC.length;
  }
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
  if (at !== bytes.length) throw new FormatError(STRUCTURE, at, `${what}: ${bytes.length - at} bytes after ${count} entries`);
  return out;
}

const lines = (b: Buffer) => (b.length === 0 ? [] : b.toString("utf8").split("\n"));

interface Header {
  format: number;
  crcs: boolean;
  symbols: number;
  rows: number;
  releases: EmbeddedRelease[];
}

/** Decompresses and checks the database; rows are decoded here, releases only on request. */
export function decodeExportDatabase(compressed: Uint8Array): ExportDatabase {
  let bytes: Buffer;
  try {
    bytes = brotliDecompressSync(compressed);
  } catch (e) {
    throw new FormatError(STRUCTURE, 0, `brotli stream damaged: ${(e as Error).message}`);
  }
  const r = new Reader(bytes);
  r.magic();
  const header = JSON.parse(r.section("header").toString("utf8")) as Header;
  if (header.format !== 1) throw new FormatError(STRUCTURE, MAGIC.length, `format ${header.format} is not one this kmodaudit reads`);
  const symbols = lines(r.section("symbols"));
  const modules = lines(r.section("modules"));
  const namespaces = lines(r.section("namespaces"));
  if (symbols.length !== header.symbols) throw new FormatError(STRUCTURE, undefined, `${symbols.length} symbols, the header says ${header.symbols}`);
  const perSymbol = varints(r.section("rows per symbol"), symbols.length, "rows per symbol");
  const rowSymbol = new Uint32Array(header.rows);
  let row = 0;
  for (let s = 0; s < perSymbol.length; s++) {
    if (row + perSymbol[s]! > header.rows) throw new FormatError(STRUCTURE, undefined, `rows per symbol add up to more than ${header.rows} rows`);
    rowSymbol.fill(s, row, row + perSymbol[s]!);
    row += perSymbol[s]!;
  }
  if (row !== header.rows) throw new FormatError(STRUCTURE, undefined, `rows per symbol add up to ${row}, the header says ${header.rows}`);
  const rowModule = varints(r.section("row modules"), header.rows, "row modules");
  const rowType = new Uint8Array(r.section("row types"));
  const rowNamespace = Int32Array.from(varints(r.section("row namespaces"), header.rows, "row namespaces"), (n) => n - 1);
  if (rowType.length !== header.rows) throw new FormatError(STRUCTURE, undefined, `${rowType.length} row types for ${header.rows} rows`);
  for (let i = 0; i < header.rows; i++) {
    if (rowModule[i]! >= modules.length || rowType[i]! >= TYPES.length || rowNamespace[i]! >= namespaces.length) throw new FormatError(STRUCTURE, undefined, `row ${i} names a module, type or namespace that is not there`);
  }
  const all = r.section("membership");
  const membership: Uint8Array[] = [];
  let at = 0;
  for (const rel of header.releases) {
    const start = at;
    const what = `membership of ${rel.release}`;
    let count: number;
    [count, at] = varintAt(all, at, what);
    for (let i = 0; i < count; i++) at = varintAt(all, at, what)[1];
    membership.push(all.subarray(start, at));
  }
  if (at !== all.length) throw new FormatError(STRUCTURE, at, `membership: ${all.length - at} bytes after the last release`);
  return { releases: header.releases, crcs: header.crcs, symbols, modules, namespaces, rowSymbol, rowModule, rowType, rowNamespace, membership };
}

/** One release's exports as a kernel export table (no CRCs: `crc` is null throughout). */
export function embeddedTable(db: ExportDatabase, release: string): ExportTable {
  const at = db.releases.findIndex((r) => r.release === release);
  if (at < 0) throw new FormatError(STRUCTURE, undefined, `no release ${release}`);
  const list = db.membership[at]!;
  const what = `membership of ${release}`;
  // The count, then the gaps between ascending row indexes.
  const [count, first] = varintAt(list, 0, what);
  const gaps = varints(list.subarray(first), count, what);
  const exports: KernelExport[] = new Array(count);
  let row = 0;
  for (let i = 0; i < count; i++) {
    row = i === 0 ? gaps[0]! : row + gaps[i]!;
    if (row >= db.rowSymbol.length) throw new FormatError(STRUCTURE, undefined, `membership of ${release}: row ${row} is not there`);
    const type = TYPES[db.rowType[row]!]!;
    const ns = db.rowNamespace[row]!;
    exports[i] = { symbol: db.symbols[db.rowSymbol[row]!]!, crc: null, module: db.modules[db.rowModule[row]!]!, type, gplOnly: isGplOnly(type), namespace: ns < 0 ? null : db.namespaces[ns]! };
  }
  return { exports, hasExportTypes: true };
}
