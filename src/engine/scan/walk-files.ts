import type { FileTask } from "../inspect-file.js";
import { walk } from "../walk.js";
import type { FileQueue } from "./file-queue.js";
import type { Ledger } from "./ledger.js";
import { isPlannedTable, mayBePlannedTable, type TablePlan } from "./plan-tables.js";

/** A file to inspect, under the path the report shows it by. */
export interface QueuedFile {
  path: string;
  task: FileTask;
}

/**
 * Walks the paths: files to inspect go to the queue (and are returned by path, for what the audit
 * reads again), the rest are accounted for at once. The queue is closed when the walk is over.
 */
export async function walkFiles(
  paths: readonly string[],
  plan: TablePlan,
  queue: FileQueue<QueuedFile>,
  ledger: Ledger,
): Promise<Map<string, FileTask>> {
  const tasks = new Map<string, FileTask>();
  let walked = 0;
  for (const entry of walk(paths)) {
    walked++;
    if (entry.type === "skip") ledger.skip(entry.path, entry.reason);
    else if (entry.type === "error") ledger.error(entry.path, entry.message);
    else if (mayBePlannedTable(plan, entry.abs) && (await isPlannedTable(plan, entry.abs))) {
      ledger.skip(entry.path, "kernel export table, used for resolution");
    } else {
      const task: FileTask = {
        abs: entry.abs,
        followLinks: entry.followLinks,
        ...(entry.rawAbs ? { rawAbs: entry.rawAbs } : {}),
        ...(entry.dir ? { dir: entry.dir } : {}),
        ...(entry.id ? { id: entry.id } : {}),
      };
      tasks.set(entry.path, task);
      queue.push({ path: entry.path, task });
    }
  }
  ledger.listed(walked);
  queue.close();
  return tasks;
}
