import { notJudgedOf } from "../../audit/not-judged.js";
import type { TableSource } from "../../core/kernel.js";
import { DependencyGraph } from "../../core/graph.js";
import { byCodeUnits } from "../../core/order.js";
import {
  type AuditedModule,
  countedSkips,
  type FileError,
  type ScanKernel,
  type ScanResult,
  type SkipCount,
  type SkippedFile,
} from "../../core/results.js";
import type { Audited, KernelAudit } from "./audit-objects.js";
import type { LoadedTables } from "./load-tables.js";

/** What the stages of a scan found, for the result. */
export interface ScanParts {
  paths: readonly string[];
  /** The target kernel's release as the caller named it. */
  kernelRelease: string | null;
  /** The files walked and inspected, in the order accounted for. */
  files: { errors: readonly FileError[]; skipped: readonly SkippedFile[]; skipCounts: readonly SkipCount[] };
  /** Whether any table was given or found, loaded or not. */
  tablesWanted: boolean;
  loaded: LoadedTables;
  audited: Audited;
}

const byPath = byCodeUnits("path");

export function assemble({ paths, kernelRelease, files, tablesWanted, loaded, audited }: ScanParts): ScanResult {
  const several = audited.kernels.length > 1;
  const errors = [...files.errors, ...loaded.errors];
  const skipped = [...files.skipped, ...audited.shadowed, ...audited.kernels.flatMap((k) => k.outcome.skipped)];
  const kernels: ScanKernel[] = [];
  const modules: AuditedModule[] = [];
  for (const k of audited.kernels) {
    const mods = k.outcome.modules;
    const sources = [...k.kernel.sources, ...moduleSources(paths, several ? mods : null, mods)];
    const release = several ? k.named : (k.kernel.release ?? k.named);
    kernels.push({
      release,
      sources,
      exports: k.outcome.index.size,
      gplOnlyKnown: k.kernel.gplOnlyKnown,
      modules: mods.length,
    });
    for (const m of mods) {
      m.kernel = release;
      modules.push(m);
    }
  }
  const notJudged = notJudgedOf({
    paths,
    modules,
    errors,
    skipped,
    skipCounts: files.skipCounts,
    tables: loaded.tables,
    tablesWanted,
    embedded: audited.kernels[0]?.embedded ?? "unmatched",
    kernelRelease,
    ...(several ? { kernels: audited.kernels.map((k) => kernelInput(k)), extra: audited.unfit } : {}),
  });
  const only = audited.kernels[0]!;
  const first = kernels[0]!;
  const kernel = several
    ? {
        // Tables first, then the scanned modules, as with one kernel.
        sources: uniqueSources([
          ...kernels.flatMap((k) => k.sources.filter((s) => s.kind !== "modules")),
          ...kernels.flatMap((k) => k.sources.filter((s) => s.kind === "modules")),
        ]),
        exports: new Set(audited.kernels.flatMap((k) => [...k.outcome.index.symbols()])).size,
        gplOnlyKnown: kernels.every((k) => k.gplOnlyKnown),
        release: null,
      }
    : {
        sources: first.sources,
        exports: first.exports,
        gplOnlyKnown: first.gplOnlyKnown,
        release: only.kernel.release,
      };
  return {
    kernels,
    kernel,
    modules: several ? modules.sort(byPath) : modules,
    graph: several
      ? DependencyGraph.ofKernels(
          audited.kernels.map((k, i) => ({ release: kernels[i]!.release, graph: k.outcome.graph })),
        )
      : only.outcome.graph,
    errors: errors.sort(byPath),
    skipped: skipped.sort(byPath),
    notJudged,
    files: modules.length + errors.length + skipped.length + countedSkips(files.skipCounts),
    ...(files.skipCounts.length ? { skipCounts: [...files.skipCounts].sort(byPath) } : {}),
  };
}

/**
 * The scanned modules as a table of exports, named by the paths given that hold them: every path
 * with one kernel (as a scan always said), with several the paths that hold this kernel's modules.
 */
function moduleSources(
  paths: readonly string[],
  mine: readonly AuditedModule[] | null,
  mods: readonly AuditedModule[],
): TableSource[] {
  if (!mods.some((m) => m.facts.exports.length > 0)) return [];
  const holds = (p: string) =>
    mine === null ||
    paths.length === 1 ||
    mine.some((m) => m.path === p || m.path.startsWith(`${p.replace(/\/+$/, "")}/`) || m.path.startsWith(`${p}!/`));
  return paths.filter(holds).map((p) => ({ kind: "modules", file: p, origin: "explicit" }));
}

function uniqueSources(sources: readonly TableSource[]): TableSource[] {
  const seen = new Set<string>();
  return sources.filter((s) => {
    const key = `${s.kind}\0${s.file}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const kernelInput = (k: KernelAudit) => ({
  modules: k.outcome.modules,
  tablesWanted: k.tablesWanted,
  embedded: k.embedded,
  kernelRelease: k.named,
});
