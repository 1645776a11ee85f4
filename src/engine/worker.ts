import { parentPort } from "node:worker_threads";
import type { InspectOptions } from "../kmod/facts.js";
import { hitsFault } from "./fault.js";
import { inspectFile, threadBuffers, type FileOutcome, type FileTask } from "./inspect-file.js";
import { WireEncoder, type WireBatch } from "./wire.js";
import { readBatch, type ReadRequest, type ReadResponse } from "./read-ahead.js";

/**
 * Worker thread: inspects the batches of files the main thread sends, one batch at a time, or only
 * reads them for the main thread to parse (engine/read-ahead.ts).
 */
export interface WorkerRequest {
  id: number;
  tasks: FileTask[];
  options: InspectOptions;
}

/** Sent last: the worker closes its port and its thread ends on its own, with nothing in flight. */
export interface WorkerClose {
  close: true;
}

export interface WorkerResponse {
  id: number;
  /** Encoded for the main thread's decoder of this worker (wire.ts). */
  batch: WireBatch;
}

const buffers = threadBuffers();
const wire = new WireEncoder();

async function inspectBatch(req: WorkerRequest): Promise<void> {
  if (hitsFault(req.tasks)) process.exit(70);
  const outcomes: FileOutcome[] = [];
  for (const t of req.tasks) outcomes.push(await inspectFile(t, req.options, buffers));
  parentPort!.postMessage({ id: req.id, batch: wire.encode(outcomes) } satisfies WorkerResponse);
}

function readOnly(req: ReadRequest): void {
  if (hitsFault(req.read)) process.exit(70);
  const { reads, transfer } = readBatch(req);
  parentPort!.postMessage({ id: req.id, reads } satisfies ReadResponse, transfer);
}

// Batches arrive while one is still being read (the pool keeps two in flight); they are taken one
// after another, never interleaved at an await, because they share one read buffer.
let queue: Promise<void> = Promise.resolve();
parentPort?.on("message", (msg: WorkerRequest | ReadRequest | WorkerClose) => {
  queue = queue.then(() => ("close" in msg ? parentPort!.close() : "read" in msg ? readOnly(msg) : inspectBatch(msg)));
});
