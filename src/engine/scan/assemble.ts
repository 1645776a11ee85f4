import { notJudgedOf } from "../../audit/not-judged.js";
import { byCodeUnits } from "../../core/order.js";
import type { FileError, ScanResult, SkippedFile } from "../../core/results.js";
import type { Audited } from "./audit-objects.js";
import type { LoadedTables } from "./load-tables.js";

/** What the stages of a scan found, for the result. */
export interface ScanParts {
  paths: readonly string[];
  /** The target kernel's release as the caller named it. */
  kernelRelease: string | null;
  /** The files walked and inspected, in the order accounted for. */
  files: { errors: readonly FileError[]; skipped: readonly SkippedFile[] };
  /** Whether any table was given or found, loaded or not. */
  tablesWanted: boolean;
  loaded: LoadedTables;
  audited: Audited;
}

const byPath = byCodeUnits("path");

export function assemble({ paths, kernelRelease, files, tablesWanted, loaded, audited }: ScanParts): ScanResult {
  const { outcome, kernel } = audited;
  const errors = [...files.errors, ...loaded.errors];
  const skipped = [...files.skipped, ...outcome.skipped];
  const notJudged = notJudgedOf({
    paths,
    modules: outcome.modules,
    errors,
    skipped,
    tables: loaded.tables,
    tablesWanted,
    embedded: audited.embedded,
    kernelRelease,
  });
  const sources = [...kernel.sources];
  if (outcome.modules.some((m) => m.facts.exports.length > 0)) {
    for (const p of paths) sources.push({ kind: "modules", file: p, origin: "explicit" });
  }
  const one = { sources, exports: outcome.index.size, gplOnlyKnown: kernel.gplOnlyKnown, release: kernel.release };
  return {
    kernels: [{ ...one, modules: outcome.modules.length }],
    kernel: one,
    modules: outcome.modules,
    graph: outcome.graph,
    errors: errors.sort(byPath),
    skipped: skipped.sort(byPath),
    notJudged,
    files: outcome.modules.length + errors.length + skipped.length,
  };
}
