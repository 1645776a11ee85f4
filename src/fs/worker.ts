import { parentPort } from "node:worker_threads";
import type { InspectOptions } from "../kmod/facts.js";
import { inspectFile, type FileOutcome, type FileTask } from "./inspect-file.js";

/** Worker thread: inspects the batches of files the main thread sends, one batch at a time. */
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
  /** FileOutcome[] as JSON: facts are plain data, and JSON.parse on the main thread is about twice as fast as structured clone for them. */
  outcomes: string;
}

/** Fault injection for the tests of a dying worker: exit when asked to read a file of this name. */
const FAULT = process.env.KMODAUDIT_TEST_WORKER_EXIT_ON;

parentPort?.on("message", async (msg: WorkerRequest | WorkerClose) => {
  if ("close" in msg) return parentPort!.close();
  const req = msg;
  if (FAULT && req.tasks.some((t) => t.abs.endsWith(FAULT))) process.exit(70);
  const outcomes: FileOutcome[] = [];
  for (const t of req.tasks) outcomes.push(await inspectFile(t, req.options));
  parentPort!.postMessage({ id: req.id, outcomes: JSON.stringify(outcomes) } satisfies WorkerResponse);
});
