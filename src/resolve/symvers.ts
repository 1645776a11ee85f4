import { FormatError } from "../errors.js";
import { isGplOnly, type ExportType } from "../kmod/exports.js";

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
}

const TYPES = new Set<string>(["EXPORT_SYMBOL", "EXPORT_SYMBOL_GPL", "EXPORT_SYMBOL_GPL_FUTURE", "EXPORT_UNUSED_SYMBOL", "EXPORT_UNUSED_SYMBOL_GPL"]);
const isType = (s: string | undefined): s is ExportType => s !== undefined && TYPES.has(s);

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
    const line = lines[i]!.replace(/\r$/, "");
    if (line.trim() === "") continue;
    let cols = line.split("\t");
    if (cols.length < 3) cols = line.trim().split(/\s+/);
    const [crcText, symbol] = cols;
    const bad = (why: string) => new FormatError(`${file} line ${i + 1}`, undefined, why);
    if (!symbol || !/^(0x)?[0-9a-fA-F]+$/.test(crcText ?? "")) throw bad("not a Module.symvers line (expected CRC, symbol, module, export type)");
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
      throw bad(`unknown export type in "${line.slice(0, 120)}"`);
    }
    if (!module) throw bad("empty module column");
    if (type) typed++;
    else untyped++;
    exports.push({ symbol, crc: Number.isNaN(crc) ? null : crc, module, type, gplOnly: type !== null && isGplOnly(type), namespace: namespace || null });
  }
  return { exports, hasExportTypes: typed > 0 && untyped === 0 };
}
