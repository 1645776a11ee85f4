import { closeSync, openSync, readSync } from "node:fs";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { kernelElf } from "../elf/kernel-image.js";
import type { DecodeLimits } from "../core/limits.js";
import { decompress } from "../bytes/sniff.js";
import { FormatError } from "../core/errors.js";
import {
  decodeExportDatabase,
  decodeExportDatabaseHeader,
  type ExportDatabase,
  type ExportDatabaseHeader,
} from "../resolve/embedded-db.js";
import type { TableKind, TableSource } from "../core/kernel.js";
import { releaseFromBanner, releaseFromPath } from "../resolve/release.js";
import { parseSymvers, type ExportTable } from "../resolve/symvers.js";
import { parseSystemMap } from "../resolve/system-map.js";
import { PACKAGE_ROOT } from "../package-root.js";
import { readRegularFileSync } from "./inspect-file.js";
import { parseVmlinux } from "../resolve/vmlinux.js";

export interface LoadedTable {
  source: TableSource;
  table: ExportTable;
  /** Real path, so the walk can recognise the table file among scanned files. */
  real: string;
  /** Kernel release the table belongs to, when its name or contents say. */
  release: string | null;
}

/**
 * Reads one export table: a Module.symvers (plain or compressed, as /boot/symvers-<ver>.gz), a
 * System.map or /proc/kallsyms, or a kernel image (vmlinux, or a vmlinuz it is extracted from).
 */
export async function loadTable(
  kind: Exclude<TableKind, "modules" | "embedded">,
  file: string,
  origin: TableSource["origin"],
  limits: DecodeLimits,
): Promise<LoadedTable> {
  // A regular file, bounded as a module is: a table found in a scanned directory is the scanned
  // image's to choose, and one that is a link to /dev/zero or a FIFO must not read forever.
  const read = readRegularFileSync(file, true, limits.maxDecompressedBytes);
  if ("skip" in read)
    throw new FormatError(`export table ${file}`, undefined, "not a regular file (a device, FIFO or directory)");
  if ("error" in read)
    throw new FormatError(`export table ${file}`, undefined, read.code ? `cannot read: ${read.code}` : read.error);
  const bytes = read.bytes;
  const real = await realpath(file);
  let release = releaseFromPath(file) ?? releaseFromPath(real);
  let table: ExportTable;
  if (kind === "vmlinux") {
    const elf = await kernelElf(bytes, limits);
    table = parseVmlinux(elf);
    release ??= releaseFromBanner(elf);
  } else {
    const text = (await decompress(bytes, limits)).bytes.toString("utf8");
    if (kind === "symvers") table = parseSymvers(text, file);
    else if (/^f+ B The real System\.map is in/.test(text))
      throw new FormatError(
        file,
        0,
        "Debian's placeholder System.map: the real one is in the linux-image-<version>-dbg package",
      );
    else table = parseSystemMap(text, file);
  }
  return { source: { kind, file, origin }, table, real, release };
}

const isTableName = (name: string) => name === "Module.symvers" || /^symvers.*\.gz$/.test(name);

/** A table detection found, and the directory whose modules it sits beside. */
export interface DetectedTable {
  file: string;
  /** The scanned directory it lies at the top of, or the tree whose build/ holds it. */
  dir: string;
}

/**
 * Export tables that belong to a scanned directory: a Module.symvers or symvers*.gz at its top,
 * or, for a /lib/modules/<ver> tree, build/Module.symvers when the build link resolves. A directory
 * that is neither but holds trees (/lib/modules, or a system's root holding lib/modules/<ver>/)
 * gets each tree's build/Module.symvers, in the order of the trees' names: each belongs to its
 * tree's kernel (releaseFromPath reads the release from the path, else the tree's modules say it).
 */
export async function detectTables(dir: string): Promise<DetectedTable[]> {
  const names = await namesIn(dir);
  if (names === null) return []; // the walk reports an unreadable root
  const found = names
    .filter(isTableName)
    .sort()
    .map((n) => ({ file: join(dir, n), dir }));
  if (found.length > 0) return found;
  if (isTree(names)) return await treeTable(dir);
  for (const parent of [dir, join(dir, "lib", "modules")]) {
    const children = parent === dir ? names : await namesIn(parent);
    for (const child of [...(children ?? [])].sort()) {
      const tree = join(parent, child);
      const inside = await namesIn(tree);
      if (inside && isTree(inside)) found.push(...(await treeTable(tree)));
    }
  }
  return found;
}

/** A directory's entries, or null when it is not a directory that can be read. */
async function namesIn(dir: string): Promise<string[] | null> {
  try {
    return (await stat(dir)).isDirectory() ? await readdir(dir) : null;
  } catch {
    return null;
  }
}

const isTree = (names: readonly string[]) =>
  names.includes("build") && (names.includes("modules.order") || names.includes("kernel"));

async function treeTable(tree: string): Promise<DetectedTable[]> {
  const candidate = join(tree, "build", "Module.symvers");
  try {
    return (await stat(candidate)).isFile() ? [{ file: candidate, dir: tree }] : [];
  } catch {
    return []; // build/ does not resolve on this machine: no table from it
  }
}

/** "cannot read FILE: ENOENT", for the database file. */
function cannotRead(file: string | URL, e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return `cannot read ${file instanceof URL ? fileURLToPath(file) : file}: ${err.code ?? err.message}`;
}

/** data/export-db.bin.br in the package. */
export const EXPORT_DATABASE_FILE = new URL("data/export-db.bin.br", PACKAGE_ROOT);

/**
 * Reads and decodes kmodaudit's embedded export database (see scripts/gen-export-db.sh). Each call
 * reads it afresh: a caller that scans repeatedly keeps the result and passes it on.
 */
export async function loadExportDatabase(file: string | URL = EXPORT_DATABASE_FILE): Promise<ExportDatabase> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new FormatError(
      "embedded export database",
      undefined,
      `${cannotRead(file, e)} (reinstall kmodaudit, or pass --no-embedded)`,
    );
  }
  return decodeExportDatabase(bytes);
}

/**
 * The embedded database's header (its releases and date) without decoding the rest: the first
 * 8 KB of the file hold it today, and the read doubles until it does. Synchronous, for --version.
 */
export function readExportDatabaseHeader(file: string | URL = EXPORT_DATABASE_FILE): ExportDatabaseHeader {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    throw new FormatError("embedded export database", undefined, cannotRead(file, e));
  }
  try {
    for (let size = 8192; ; size *= 2) {
      const prefix = Buffer.alloc(size);
      const read = readSync(fd, prefix, 0, size, 0);
      const header = decodeExportDatabaseHeader(prefix.subarray(0, read));
      if (header) return header;
      if (read < size) throw new FormatError("embedded export database", read, "ends before its header does");
    }
  } finally {
    closeSync(fd);
  }
}
