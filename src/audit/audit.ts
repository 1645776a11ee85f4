import type { ObjectFacts } from "../core/facts.js";
import type { AuditedModule, SkippedFile } from "../core/results.js";
import { DependencyGraph } from "../core/graph.js";
import { normalizeModuleName } from "../resolve/identity.js";
import type { KernelTable } from "../resolve/kernel-table.js";
import { ProviderIndex, resolveImports } from "../resolve/providers.js";
import type { ResolvedImport } from "../core/kernel.js";
import { runRules } from "../rules/index.js";
import { canBeShim } from "../rules/gpl-shim-reexport.js";
import { isGplCompatible, isNonGpl, licenseVerdicts, vmkLicenseVerdicts } from "../rules/license.js";
import { declaredBlobLicense, type BlobLicenses } from "./blob-licenses.js";
import type { ModuleUnderAudit, RuleContext } from "../rules/types.js";
import { byCodeUnits, sortedUnique } from "../core/order.js";

export interface InspectedObject {
  path: string;
  facts: ObjectFacts;
}

export interface AuditOptions {
  /** The license that applies to vendor blobs (they carry none), e.g. "NVIDIA". */
  assumeLicense?: string | null;
  /** Licenses declared per blob (by sha256, file name or normalised name); assumeLicense covers the rest. */
  blobLicenses?: BlobLicenses;
  /** Paths of objects the user says are blobs, whatever they import (e.g. one that calls only its glue). */
  blobs?: readonly string[];
  /**
   * Reads exportReferences for the given paths, for modules whose exports a non-GPL module
   * imports and whose facts were read without them: the one piece of I/O audit may ask for.
   */
  loadReferences?: (paths: string[]) => Promise<Map<string, Record<string, string[]>>>;
  /** Which scanned exporter of a symbol provides it, by path, lower first (engine/scan/depmod-trees.ts). */
  precedence?: ReadonlyMap<string, number>;
}

export interface AuditOutcome {
  modules: AuditedModule[];
  /** Relocatable objects without .modinfo that turned out not to be blobs. */
  skipped: SkippedFile[];
  index: ProviderIndex;
  graph: DependencyGraph;
}

/** GPL modules some non-GPL module imports from: only their exports' code needs reading. */
async function attachShimReferences(bases: ModuleUnderAudit[], options: AuditOptions): Promise<void> {
  const byPath = new Map(bases.map((b) => [b.path, b]));
  const wanted = new Set<string>();
  for (const b of bases) {
    if (!isNonGpl(b)) continue;
    for (const i of b.imports) {
      const s = i.provider?.path !== undefined ? byPath.get(i.provider.path) : undefined;
      if (s && canBeShim(s) && s.facts.exportReferences === undefined) wanted.add(s.path);
    }
  }
  if (wanted.size === 0 || !options.loadReferences) return;
  const loaded = await options.loadReferences([...wanted].sort());
  for (const [path, refs] of loaded) {
    const b = byPath.get(path);
    if (b) b.facts = { ...b.facts, exportReferences: refs };
  }
}

const byPath = byCodeUnits("path");

/**
 * Resolution and policy over facts already read: pure, no I/O. An ET_REL without .modinfo is a
 * blob when it imports at least one symbol of the kernel table (any such object when there is no
 * table); modules resolve against each other first and the kernel table second; then every rule
 * runs on every module with the whole scan as context.
 */
export async function audit(
  objects: readonly InspectedObject[],
  table: KernelTable,
  options: AuditOptions = {},
): Promise<AuditOutcome> {
  const tableKnown = table.bySymbol.size > 0;
  const modules: InspectedObject[] = [];
  const blobs: InspectedObject[] = [];
  const skipped: SkippedFile[] = [];
  for (const o of objects) {
    if (o.facts.kind === "module") modules.push(o);
    else if (
      !tableKnown ||
      options.blobs?.includes(o.path) ||
      o.facts.imports.some((i) => table.bySymbol.has(i.symbol))
    )
      blobs.push(o);
    else
      skipped.push({ path: o.path, reason: "ELF relocatable object without .modinfo that imports no kernel export" });
  }
  const named = modules.map((m) => ({ ...m, name: m.facts.name ?? normalizeModuleName(m.path) }));
  const index = new ProviderIndex(named, table, options.precedence);
  const assumed = options.assumeLicense ?? null;
  // A VMkernel module's imports come from the VMkernel, which no Linux table describes.
  const unresolved = (imports: ResolvedImport[], dialect: string) =>
    tableKnown && dialect === "linux"
      ? sortedUnique(imports.filter((i) => !i.provider && !i.weak).map((i) => i.symbol))
      : [];

  const bases: ModuleUnderAudit[] = [];
  for (const m of named) {
    const imports = resolveImports(m.facts, index);
    bases.push({
      path: m.path,
      kind: "module",
      name: m.name,
      facts: m.facts,
      gplCompatible:
        m.facts.dialect === "vmkernel" ? vmkLicenseVerdicts(m.facts.licenses) : licenseVerdicts(m.facts.licenses),
      assumedLicense: null,
      kernel: null,
      imports,
      unresolved: unresolved(imports, m.facts.dialect),
    });
  }
  for (const b of blobs) {
    const license = declaredBlobLicense(b.path, b.facts.sha256, options.blobLicenses) ?? assumed;
    const verdict = license === null ? null : isGplCompatible(license);
    // A blob's imports are resolved by its glue at link time: none is "unresolved".
    bases.push({
      path: b.path,
      kind: "blob",
      name: normalizeModuleName(b.path),
      facts: b.facts,
      gplCompatible: { loader: verdict, modpost: verdict },
      assumedLicense: license,
      kernel: null,
      imports: resolveImports(b.facts, index),
      unresolved: [],
    });
  }
  await attachShimReferences(bases, options);
  const graph = new DependencyGraph(bases);
  const ctx: RuleContext = {
    kernelTableKnown: tableKnown,
    targetRelease: table.release,
    index,
    graph,
    modules: new Map(bases.map((b) => [b.path, b])),
  };
  const audited: AuditedModule[] = bases.map((b) => ({ ...b, findings: runRules(b, ctx) }));
  index.settle();
  return { modules: audited.sort(byPath), skipped: skipped.sort(byPath), index, graph };
}
