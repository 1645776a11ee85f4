import { realpath } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { TableSource } from "../../core/kernel.js";
import { detectTables } from "../tables.js";
import { namesTables, type ScanOptions } from "./options.js";

export interface WantedTable {
  kind: "symvers" | "vmlinux" | "system-map";
  file: string;
  origin: TableSource["origin"];
  /** For a detected table: the real path of the directory whose modules it sits beside. */
  beside: string | null;
  /** The release the caller tied it to (ScanOptions.tableReleases), if any. */
  tiedTo: string | null;
}

/** The tables a scan is to read, known before the walk starts so that it can pass over them. */
export interface TablePlan {
  /** In order of trust: Module.symvers (given, then found), then kernel images, then maps. */
  wanted: WantedTable[];
  /** The wanted files' real paths. */
  real: Set<string>;
  /**
   * Their names, as given and real: a file met by the walk is recognised by name first, without a
   * promise, so only candidates cost a realpath and an await.
   */
  names: Set<string>;
}

export async function planTables(paths: readonly string[], options: ScanOptions): Promise<TablePlan> {
  const given = (kind: WantedTable["kind"], file: string): WantedTable => ({
    kind,
    file,
    origin: "explicit",
    beside: null,
    tiedTo: null,
  });
  const wanted: WantedTable[] = (options.symvers ?? []).map((file) => given("symvers", file));
  // Tables named on the command line say which kernel is meant: one found beside the tree (often
  // the tree's own kernel, e.g. /lib/modules/<ver>/build) would answer for the symbols the named
  // kernel lacks and hide exactly the "Unknown symbol" failures a cross-kernel check is for.
  if (options.detectTables !== false && !namesTables(options)) {
    for (const p of paths) {
      for (const { file, dir } of await detectTables(p)) {
        wanted.push({ kind: "symvers", file, origin: "detected", beside: await realOf(dir), tiedTo: null });
      }
    }
  }
  for (const file of options.vmlinux ?? []) wanted.push(given("vmlinux", file));
  for (const file of options.systemMap ?? []) wanted.push(given("system-map", file));
  await tie(wanted, options.tableReleases ?? {});
  const real = new Set(await Promise.all(wanted.map((w) => realpath(w.file).catch(() => w.file))));
  const names = new Set([...wanted.map((w) => basename(w.file)), ...[...real].map((f) => basename(f))]);
  return { wanted, real, names };
}

/** A file's real path, or its absolute path when it cannot be resolved (it is reported when loaded). */
const realOf = (file: string) => realpath(file).catch(() => resolve(file));

/**
 * Sets each wanted table's tiedTo from the caller's ties, matched by real path. A tie to a file that
 * is none of the scan's tables is the caller's mistake, said before the walk begins.
 */
async function tie(wanted: WantedTable[], ties: Readonly<Record<string, string>>): Promise<void> {
  const entries = Object.entries(ties);
  if (entries.length === 0) return;
  const reals = await Promise.all(wanted.map((w) => realOf(w.file)));
  const byReal = new Map<string, [string, string]>();
  const tables = wanted.length ? wanted.map((w) => w.file).join(", ") : "none was given or found";
  for (const [file, release] of entries) {
    const real = await realOf(file);
    if (!reals.includes(real)) {
      throw new Error(
        `--table-release ${file}=${release}: ${file} is none of the scan's export tables (${tables}); ` +
          "give it with --symvers, --vmlinux or --system-map",
      );
    }
    const before = byReal.get(real);
    if (before && before[1] !== release) {
      throw new Error(`--table-release: ${before[0]} and ${file} are one file, tied to ${before[1]} and ${release}`);
    }
    byReal.set(real, [file, release]);
  }
  wanted.forEach((w, i) => {
    w.tiedTo = byReal.get(reals[i]!)?.[1] ?? null;
  });
}

/** Whether the walk's file `abs` may be a wanted table: only then is isPlannedTable worth its await. */
export const mayBePlannedTable = (plan: TablePlan, abs: string): boolean => plan.names.has(basename(abs));

export const isPlannedTable = async (plan: TablePlan, abs: string): Promise<boolean> =>
  plan.real.has(await realpath(abs).catch(() => abs));
