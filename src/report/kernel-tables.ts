import type { TableSource } from "../core/kernel.js";

/** The kernel export tables a scan used: its sources without the scanned modules' own exports. */
export const kernelTables = (kernel: { sources: readonly TableSource[] }): TableSource[] =>
  kernel.sources.filter((t) => t.kind !== "modules");

/** A table the scan found beside the tree rather than one the user named (the embedded database is neither). */
export const foundBesideScan = (t: TableSource): boolean => t.origin === "detected" && t.kind !== "embedded";
