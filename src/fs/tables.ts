import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { FormatError } from "../errors.js";
import { parseSymvers, type ExportTable } from "../resolve/symvers.js";
import type { TableSource } from "../resolve/kernel-table.js";

export interface LoadedTable {
  source: TableSource;
  table: ExportTable;
  /** Real path, so the walk can recognise the table file among scanned files. */
  real: string;
}

/** Reads a Module.symvers, plain or gzip-compressed (as /boot/symvers-<ver>.gz). */
export async function loadSymvers(file: string, origin: TableSource["origin"]): Promise<LoadedTable> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new FormatError(`export table ${file}`, undefined, `cannot read: ${err.code ?? err.message}`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: 256 << 20 });
    } catch (e) {
      throw new FormatError(`export table ${file}`, undefined, `gzip: ${(e as Error).message}`);
    }
  }
  return { source: { kind: "symvers", file, origin }, table: parseSymvers(bytes.toString("utf8"), file), real: await realpath(file) };
}

const isTableName = (name: string) => name === "Module.symvers" || /^symvers.*\.gz$/.test(name);

/**
 * Export tables that belong to a scanned directory: a Module.symvers or symvers*.gz at its top,
 * or, for a /lib/modules/<ver> tree, build/Module.symvers when the build link resolves.
 */
export async function detectTables(dir: string): Promise<string[]> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) return [];
    names = await readdir(dir);
  } catch {
    return []; // the walk reports an unreadable root
  }
  const found = names.filter(isTableName).sort().map((n) => join(dir, n));
  if (found.length === 0 && names.includes("build") && (names.includes("modules.order") || names.includes("kernel"))) {
    const candidate = join(dir, "build", "Module.symvers");
    try {
      if ((await stat(candidate)).isFile()) found.push(candidate);
    } catch {
      // build/ does not resolve on this machine: no table from it
    }
  }
  return found;
}
