import type { DecodeLimits } from "../../core/limits.js";
import { errorOutcome } from "../../core/outcome.js";
import type { FileOutcome, FileTask } from "../inspect-file.js";
import type { InspectPool } from "../pool.js";
import { type FileQueue, TAKERS } from "./file-queue.js";
import type { Ledger } from "./ledger.js";
import type { QueuedFile } from "./walk-files.js";

/**
 * Starts the takers that read and inspect the queue's files on the pool's threads, each recording
 * what became of its batches in the ledger; each ends once the queue is closed and empty.
 */
export function inspectQueued(queue: FileQueue<QueuedFile>, pool: InspectPool, limits: DecodeLimits, ledger: Ledger) {
  return Array.from({ length: TAKERS }, async () => {
    for (let batch = await queue.take(); batch; batch = await queue.take()) {
      const tasks = batch.map((b) => b.task);
      const overLimit = ledger.decompressed > limits.maxTotalDecompressedBytes;
      const outcomes = overLimit ? tasks.map(() => unread(limits)) : await inspectIsolating(pool, tasks);
      outcomes.forEach((o, i) => ledger.inspected(batch[i]!.path, o));
    }
  });
}

/** A file left unread once the scan has decompressed as much as it may. */
const unread = ({ maxTotalDecompressedBytes: limit }: DecodeLimits): FileOutcome => ({
  self: {
    kind: "error",
    message: `not read: the scan's decompressed bytes passed the limit of ${limit} (--max-total-decompressed)`,
  },
  members: [],
});

/**
 * A batch whose worker died is retried file by file on fresh workers, so only the file that kills
 * a worker is reported (as an internal error), not the innocent files batched with it.
 */
async function inspectIsolating(pool: InspectPool, tasks: FileTask[], isolated = false): Promise<FileOutcome[]> {
  try {
    return await pool.inspect(tasks, isolated);
  } catch (e) {
    if (tasks.length === 1 && isolated) return [{ self: errorOutcome(e), members: [] }];
    // One at a time, each on a worker of its own, so that no other file shares the worker that the
    // culprit takes down.
    const out: FileOutcome[] = [];
    for (const t of tasks) out.push(...(await inspectIsolating(pool, [t], true)));
    return out;
  }
}
