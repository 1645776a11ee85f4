import type { DecodeLimits } from "../../core/limits.js";
import type { FileError } from "../../core/results.js";
import { loadTable, type LoadedTable } from "../tables.js";
import { errorOf } from "./file-error.js";
import type { WantedTable } from "./plan-tables.js";

/** A loaded table with what the plan knew of it: where it was found, the release it was tied to. */
export interface ScanTable extends LoadedTable, Pick<WantedTable, "beside" | "tiedTo"> {}

export interface LoadedTables {
  /** In the order wanted, each file once (by real path). */
  tables: ScanTable[];
  /** Tables that could not be read: the scan reports them as file errors. */
  errors: FileError[];
}

export async function loadTables(wanted: readonly WantedTable[], limits: DecodeLimits): Promise<LoadedTables> {
  const tables: ScanTable[] = [];
  const errors: FileError[] = [];
  for (const { kind, file, origin, beside, tiedTo } of wanted) {
    try {
      const t = await loadTable(kind, file, origin, limits);
      if (!tables.some((l) => l.real === t.real)) tables.push({ ...t, beside, tiedTo });
    } catch (e) {
      errors.push(errorOf(file, e));
    }
  }
  return { tables, errors };
}
