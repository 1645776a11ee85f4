import { audit, type AuditOptions, type AuditOutcome, type InspectedObject } from "../../audit/audit.js";
import { auditWithEmbedded } from "../../audit/embedded.js";
import type { NotJudgedInput } from "../../audit/not-judged.js";
import type { DecodeLimits } from "../../core/limits.js";
import { mergeTables, type KernelTable } from "../../resolve/kernel-table.js";
import { referencesOfFile, type FileTask } from "../inspect-file.js";
import { loadExportDatabase, type LoadedTable } from "../tables.js";
import { namesTables, type ScanOptions } from "./options.js";

export interface Audited {
  outcome: AuditOutcome;
  /** The kernel the objects were judged against: the tables', or the embedded database's releases. */
  kernel: KernelTable;
  embedded: NotJudgedInput["embedded"];
}

/**
 * Audits the objects against the tables loaded, or, when none was given or found, against the
 * embedded database. `tasks`: the files inspected, by path, for the code the audit reads again.
 */
export async function auditObjects(
  objects: readonly InspectedObject[],
  tables: LoadedTable[],
  tasks: ReadonlyMap<string, FileTask>,
  options: ScanOptions,
  limits: DecodeLimits,
): Promise<Audited> {
  const kernel = mergeTables(tables, options.kernelRelease ?? null);
  const auditOptions: AuditOptions = {
    assumeLicense: options.assumeLicense ?? null,
    ...(options.blobLicenses ? { blobLicenses: options.blobLicenses } : {}),
    ...(options.blobs ? { blobs: options.blobs } : {}),
    loadReferences: async (wanted) => {
      const refs = new Map<string, Record<string, string[]>>();
      for (const p of wanted) {
        const task = tasks.get(p);
        if (task) refs.set(p, await referencesOfFile(task, limits));
      }
      return refs;
    },
  };
  // Explicit tables override the embedded database, even when they fail to load.
  const off = options.embedded === false || namesTables(options);
  const embedded =
    tables.length === 0 && !off
      ? await auditWithEmbedded(
          objects,
          () => options.exportDatabase ?? loadExportDatabase(),
          options.kernelRelease ?? null,
          auditOptions,
        )
      : null;
  const outcome = embedded ?? (await audit(objects, kernel, auditOptions));
  return { outcome, kernel: embedded?.kernel ?? kernel, embedded: off ? "off" : embedded ? "used" : "unmatched" };
}
