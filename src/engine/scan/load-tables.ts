import type { DecodeLimits } from "../../core/limits.js";
import type { FileError } from "../../core/results.js";
import { loadTable, type LoadedTable } from "../tables.js";
import { errorOf } from "./file-error.js";
import type { WantedTable } from "./plan-tables.js";

export interface LoadedTables {
  /** In the order wanted, each file once (by real path). */
  tables: LoadedTable[];
  /** Tables that could not be read: the scan reports them as file errors. */
  errors: FileError[];
}

export async function loadTables(wanted: readonly WantedTable[], limits: DecodeLimits): Promise<LoadedTables> {
  const tables: LoadedTable[] = [];
  const errors: FileError[] = [];
  for (const { kind, file, origin } of wanted) {
    try {
      const t = await loadTable(kind, file, origin, limits);
      if (!tables.some((l) => l.real === t.real)) tables.push(t);
    } catch (e) {
      errors.push(errorOf(file, e));
    }
  }
  return { tables, errors };
}
