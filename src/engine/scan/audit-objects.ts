import { audit, type AuditOptions, type AuditOutcome, type InspectedObject } from "../../audit/audit.js";
import { auditWithEmbedded } from "../../audit/embedded.js";
import { glueCandidates, kernelsOf } from "../../audit/kernel-of.js";
import type { NotJudgedInput } from "../../audit/not-judged.js";
import type { DecodeLimits } from "../../core/limits.js";
import { compareCodeUnits } from "../../core/order.js";
import type { NotJudged, SkippedFile } from "../../core/results.js";
import type { ExportDatabase } from "../../resolve/embedded-db.js";
import { mergeTables, type KernelTable } from "../../resolve/kernel-table.js";
import { definedSymbolsOfFile, referencesOfFile, type FileTask } from "../inspect-file.js";
import { loadExportDatabase, type LoadedTable } from "../tables.js";
import type { ScanTable } from "./load-tables.js";
import { namesTables, type ScanOptions } from "./options.js";
import { kernelsUnder, tablesPerKernel, withTies } from "./tables-per-kernel.js";
import { depmodView } from "./depmod-trees.js";

/** One kernel of the scan, audited on its own. */
export interface KernelAudit {
  /** The release its objects name (kernel-of.ts), or null when none names one. */
  named: string | null;
  outcome: AuditOutcome;
  /** The kernel the objects were judged against: the tables', or the embedded database's releases. */
  kernel: KernelTable;
  /** Whether the tables answer for this kernel rather than the embedded database. */
  tablesWanted: boolean;
  embedded: NotJudgedInput["embedded"];
}

export interface Audited {
  /** Sorted by release; one entry when the scan holds one kernel (or none). */
  kernels: KernelAudit[];
  /** Tables of no kernel of the scan, with several kernels: not applied. */
  unfit: NotJudged[];
  /** Copies of a module that another copy of the same name in its tree shadows, as depmod does. */
  shadowed: SkippedFile[];
}

/**
 * Audits each kernel's objects against its own tables (design.md: a kernel is the unit of
 * resolution). With one kernel, the tables loaded answer for it whatever their release, or, when
 * none was given or found, the embedded database does: as a scan always did. With several, each
 * kernel gets the tables of its release, and one with none of its own the embedded database's
 * entry for its release. Within a `lib/modules/<release>/` tree, the copies of a module and the
 * provider of a symbol several modules export are the ones depmod picks (depmod-trees.ts); the
 * copies it ignores are left out. `tasks`: the files inspected, by path, for the code the audit
 * reads again.
 */
export async function auditObjects(
  inspected: readonly InspectedObject[],
  tables: ScanTable[],
  tablesWanted: boolean,
  located: (path: string) => string,
  tasks: ReadonlyMap<string, FileTask>,
  options: ScanOptions,
  limits: DecodeLimits,
): Promise<Audited> {
  /** What `read` finds in each of these files, read again; an archive member (no task) has nothing. */
  const readAgain = async <T>(paths: Iterable<string>, read: (task: FileTask, limits: DecodeLimits) => Promise<T>) => {
    const found = new Map<string, T>();
    for (const p of paths) {
      const task = tasks.get(p);
      if (task) found.set(p, await read(task, limits));
    }
    return found;
  };
  const { objects, shadowed, precedence } = depmodView(inspected, located);
  const auditOptions: AuditOptions = {
    assumeLicense: options.assumeLicense ?? null,
    precedence,
    ...(options.blobLicenses ? { blobLicenses: options.blobLicenses } : {}),
    ...(options.blobs ? { blobs: options.blobs } : {}),
    loadReferences: (wanted) => readAgain(wanted, referencesOfFile),
  };
  let db: Promise<ExportDatabase> | null = null;
  const load = () => (db ??= Promise.resolve(options.exportDatabase ?? loadExportDatabase()));
  const defined = await readAgain(glueCandidates(objects, located), definedSymbolsOfFile);
  const kernelOf = kernelsOf(objects, located, defined);
  const groups = new Map<string | null, InspectedObject[]>();
  objects.forEach((o, i) => {
    const k = kernelOf[i] ?? null;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(o);
  });
  if (groups.size <= 1) {
    const named = groups.keys().next().value ?? null;
    // Explicit tables override the embedded database, even when they fail to load.
    const off = options.embedded === false || namesTables(options);
    const one = await auditKernel(
      objects,
      withTies(tables),
      tablesWanted,
      off,
      options.kernelRelease ?? null,
      load,
      auditOptions,
    );
    return { kernels: [{ named, ...one }], unfit: [], shadowed };
  }
  const releases = [...groups.keys()].filter((k) => k !== null).sort(compareCodeUnits);
  const { byKernel, unfit } = tablesPerKernel(tables, releases, {
    kernelRelease: options.kernelRelease ?? null,
    kernelsUnder: kernelsUnder(objects, located, kernelOf),
  });
  const kernels: KernelAudit[] = [];
  // One kernel at a time: each audit holds its kernel's resolution only while it runs.
  for (const release of releases) {
    const own = byKernel.get(release) ?? [];
    const off = options.embedded === false;
    const k = await auditKernel(groups.get(release)!, own, own.length > 0, off, release, load, auditOptions);
    kernels.push({ named: release, ...k });
  }
  return { kernels, unfit, shadowed };
}

/** One kernel's objects against its tables, or the embedded database when it has none and may use it. */
async function auditKernel(
  objects: readonly InspectedObject[],
  tables: LoadedTable[],
  tablesWanted: boolean,
  off: boolean,
  release: string | null,
  load: () => Promise<ExportDatabase>,
  options: AuditOptions,
): Promise<Omit<KernelAudit, "named">> {
  const kernel = mergeTables(tables, release);
  const embedded = tables.length === 0 && !off ? await auditWithEmbedded(objects, load, release, options) : null;
  const outcome = embedded ?? (await audit(objects, kernel, options));
  return {
    outcome,
    kernel: embedded?.kernel ?? kernel,
    tablesWanted,
    embedded: off ? "off" : embedded ? "used" : "unmatched",
  };
}
