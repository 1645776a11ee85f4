import { realpath } from "node:fs/promises";
import { basename } from "node:path";
import type { TableSource } from "../../core/kernel.js";
import { detectTables } from "../tables.js";
import { namesTables, type ScanOptions } from "./options.js";

export interface WantedTable {
  kind: "symvers" | "vmlinux" | "system-map";
  file: string;
  origin: TableSource["origin"];
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
  const wanted: WantedTable[] = (options.symvers ?? []).map((file) => ({ kind: "symvers", file, origin: "explicit" }));
  // Tables named on the command line say which kernel is meant: one found beside the tree (often
  // the tree's own kernel, e.g. /lib/modules/<ver>/build) would answer for the symbols the named
  // kernel lacks and hide exactly the "Unknown symbol" failures a cross-kernel check is for.
  if (options.detectTables !== false && !namesTables(options)) {
    for (const p of paths) {
      for (const file of await detectTables(p)) wanted.push({ kind: "symvers", file, origin: "detected" });
    }
  }
  for (const file of options.vmlinux ?? []) wanted.push({ kind: "vmlinux", file, origin: "explicit" });
  for (const file of options.systemMap ?? []) wanted.push({ kind: "system-map", file, origin: "explicit" });
  const real = new Set(await Promise.all(wanted.map((w) => realpath(w.file).catch(() => w.file))));
  const names = new Set([...wanted.map((w) => basename(w.file)), ...[...real].map((f) => basename(f))]);
  return { wanted, real, names };
}

/** Whether the walk's file `abs` may be a wanted table: only then is isPlannedTable worth its await. */
export const mayBePlannedTable = (plan: TablePlan, abs: string): boolean => plan.names.has(basename(abs));

export const isPlannedTable = async (plan: TablePlan, abs: string): Promise<boolean> =>
  plan.real.has(await realpath(abs).catch(() => abs));
