import { FormatError } from "../core/errors.js";
import { isExportType as isType, isGplOnly, type ExportType } from "../core/export-types.js";

/** One row of a kernel export table. `type` is null where the format carries no export type. */
export interface KernelExport {
  symbol: string;
  crc: number | null;
  /** "vmlinux", or the exporting module's path without `.ko` as Module.symvers writes it. */
  module: string;
  type: ExportType | null;
  gplOnly: boolean;
  namespace: string | null;
}

export interface ExportTable {
  exports: KernelExport[];
  /** False for pre-2.6.18 three-column files, which do not say which exports are GPL-only. */
  hasExportTypes: boolean;
  /** Why a table that parsed lists no exports, when its parser can tell (e.g. kallsyms with hidden addresses). */
  emptyBecause?: string;
}

/**
 * Parses Module.symvers in every column layout the kernel has written:
 *   5.6+        CRC  symbol  module  type  [namespace]
 *   5.4–5.5     CRC  symbol  namespace  module  type
 *   2.6.18–5.3  CRC  symbol  module  type
 *   older       CRC  symbol  module            (no export type: GPL-only unknown)
 * The layout is decided per line by where the EXPORT_* column is.
 */
export function parseSymvers(text: string, file: string): ExportTable {
  const exports: KernelExport[] = [];
  let typed = 0;
  let untyped = 0;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (line.length === 0 || line.trim() === "") continue;
    let cols = line.split("\t");
    if (cols.length < 3) cols = line.trim().split(/\s+/);
    const [crcText, symbol] = cols;
    if (!symbol || !CRC.test(crcText ?? ""))
      throw badLine(file, i, "not a Module.symvers line (expected CRC, symbol, module, export type)");
    const crc = Number.parseInt(crcText!, 16);
    let module: string | undefined;
    let type: ExportType | null = null;
    let namespace: string | undefined;
    if (cols.length === 3) {
      module = cols[2];
    } else if (isType(cols[3])) {
      [, , module, , namespace] = cols;
      type = cols[3];
    } else if (cols.length >= 5 && isType(cols[4])) {
      [, , namespace, module] = cols;
      type = cols[4];
    } else {
      throw badLine(file, i, `unknown export type in "${line.slice(0, 120)}"`);
    }
    if (!module) throw badLine(file, i, "empty module column");
    if (type) typed++;
    else untyped++;
    exports.push({
      symbol,
      crc: Number.isNaN(crc) ? null : crc,
      module,
      type,
      gplOnly: type !== null && isGplOnly(type),
      namespace: namespace || null,
    });
  }
  return { exports, hasExportTypes: typed > 0 && untyped === 0 };
}

const CRC = /^(0x)?[0-9a-fA-F]+$/;

/** `index`: the line's index from 0. */
const badLine = (file: string, index: number, why: string) =>
  new FormatError(`${file} line ${index + 1}`, undefined, why);
