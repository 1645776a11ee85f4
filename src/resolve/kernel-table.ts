import type { ExportTable, KernelExport } from "./symvers.js";
import type { TableSource } from "../core/kernel.js";

/** The target kernel's exports, merged from every table given; the first table naming a symbol wins. */
export interface KernelTable {
  sources: TableSource[];
  bySymbol: Map<string, KernelExport>;
  /**
   * Whether the tables say which exports are GPL-only (false with no table, only 3-column ones, or only
   * empty ones).
   */
  gplOnlyKnown: boolean;
  /** The target kernel's release, when known: vermagic is compared against it. */
  release: string | null;
}

export function mergeTables(
  tables: { source: TableSource; table: ExportTable; release?: string | null }[],
  release: string | null = null,
): KernelTable {
  const bySymbol = new Map<string, KernelExport>();
  for (const { table } of tables) {
    for (const e of table.exports) if (!bySymbol.has(e.symbol)) bySymbol.set(e.symbol, e);
  }
  return {
    sources: tables.map((t) => t.source),
    bySymbol,
    gplOnlyKnown: tables.some((t) => t.table.hasExportTypes && t.table.exports.length > 0),
    release: release ?? tables.find((t) => t.release)?.release ?? null,
  };
}
