import type { ExportType } from "./export-types.js";

/* What a kernel export table is and who provides a symbol: the facts resolution produces. */

export type TableKind = "symvers" | "modules" | "embedded" | "vmlinux" | "system-map";

export interface TableSource {
  kind: TableKind;
  file: string;
  /** Why this table is in use: given on the command line, or found beside the scanned tree. */
  origin: "explicit" | "detected";
}

/** Who provides a symbol to an importer. */
export interface Provider {
  /** Display name: `name=` of a scanned module, "vmlinux", or a module named by a kernel table. */
  name: string;
  /** "scan": a module in this scan (its path is set); "table": a kernel export table row. */
  from: "scan" | "table";
  path?: string;
  /** vmlinux itself rather than a module. */
  kernel: boolean;
  type: ExportType | null;
  gplOnly: boolean;
  namespace: string | null;
  crc: number | null;
  /**
   * The paths of other scanned modules that export the symbol too (sorted), when several do: the
   * provider is the one depmod gives it to.
   */
  alsoExportedBy?: string[];
}

export interface ResolvedImport {
  symbol: string;
  weak: boolean;
  provider: Provider | null;
}
