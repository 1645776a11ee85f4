import { availableParallelism } from "node:os";
import { needsSha256 } from "../audit/blob-licenses.js";
import { releaseFreeMemory } from "../bytes/glibc-malloc.js";
import { DEFAULT_LIMITS, type DecodeLimits } from "../core/limits.js";
import type { ScanResult } from "../core/results.js";
import type { FileTask } from "./inspect-file.js";
import { createPool, type InspectPool } from "./pool.js";
import { assemble } from "./scan/assemble.js";
import { auditObjects } from "./scan/audit-objects.js";
import { FileQueue } from "./scan/file-queue.js";
import { inspectQueued } from "./scan/inspect-files.js";
import { Ledger } from "./scan/ledger.js";
import { locator } from "./scan/located.js";
import { loadTables } from "./scan/load-tables.js";
import type { ScanOptions } from "./scan/options.js";
import { planTables, type TablePlan } from "./scan/plan-tables.js";
import { type QueuedFile, walkFiles } from "./scan/walk-files.js";

export type { ScanOptions } from "./scan/options.js";

/**
 * Scans files and directories: the whole pipeline from bytes to findings, in stages — plan the
 * tables, walk and inspect the files, load the tables, audit, assemble the result.
 */
export async function scan(paths: readonly string[], options: ScanOptions = {}): Promise<ScanResult> {
  const limits: DecodeLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const { plan, ledger, tasks, loaded } = await readFiles(paths, options, limits);
  const tablesWanted = plan.wanted.length > 0;
  const located = await locator(paths);
  const audited = await auditObjects(ledger.objects, loaded.tables, tablesWanted, located, tasks, options, limits);
  const kernelRelease = options.kernelRelease ?? null;
  const result = assemble({ paths, kernelRelease, files: ledger, tablesWanted, loaded, audited });
  // What reading and auditing left free goes back before the result is reported.
  releaseFreeMemory();
  return result;
}

/**
 * Plans the tables, and walks and inspects the files on a pool of threads that ends with this
 * stage: what the pool held for reading (its fact pool's tables, its threads' read buffers) is
 * garbage before the audit begins, not kept beside it.
 */
async function readFiles(paths: readonly string[], options: ScanOptions, limits: DecodeLimits) {
  // Workers start first, and the tables are read while they inspect the first files: the walk
  // needs only the tables' names, to pass over a table it meets.
  const hash = options.hash !== false || needsSha256(options.blobLicenses);
  const listSkippedMembers = options.listSkippedMembers !== false;
  const pool = createPool(options.threads ?? Math.min(availableParallelism(), 4), { limits, hash, listSkippedMembers });
  const plan = await planTables(paths, options).catch(async (e) => {
    await pool.close();
    throw e;
  });
  const tablesLoading = loadTables(plan.wanted, limits);
  const ledger = new Ledger(options.onProgress);
  let tasks: Map<string, FileTask>;
  try {
    tasks = await walkAndInspect(paths, plan, pool, limits, ledger);
  } finally {
    await tablesLoading.catch(() => {}); // settled before the workers go
    await pool.close();
  }
  return { plan, ledger, tasks, loaded: await tablesLoading };
}

/** The walk feeds the threads as it goes; both are over once every file walked is accounted for. */
async function walkAndInspect(
  paths: readonly string[],
  plan: TablePlan,
  pool: InspectPool,
  limits: DecodeLimits,
  ledger: Ledger,
): Promise<Map<string, FileTask>> {
  const queue = new FileQueue<QueuedFile>();
  const inspecting = inspectQueued(queue, pool, limits, ledger);
  try {
    const tasks = await walkFiles(paths, plan, queue, ledger);
    await Promise.all(inspecting);
    return tasks;
  } finally {
    // When the walk failed: take nothing more, and let the batches under way end before the pool does.
    queue.abandon();
    await Promise.allSettled(inspecting);
  }
}
