import { parentPort } from "node:worker_threads";
import type { InspectOptions } from "../kmod/facts.js";
import { inspectFile, type FileOutcome, type FileTask } from "./inspect-file.js";

/** Worker thread: inspects the batches of files the main thread sends, one batch at a time. */
export interface WorkerRequest {
  id: number;
  tasks: FileTask[];
  options: InspectOptions;
}

export interface WorkerResponse {
  id: number;
  /** FileOutcome[] as JSON: facts are plain data, and JSON.parse on the main thread is about twice as fast as structured clone for them. */
  outcomes: string;
}

parentPort?.on("message", async (req: WorkerRequest) => {
  const outcomes: FileOutcome[] = [];
  for (const t of req.tasks) outcomes.push(await inspectFile(t, req.options));
  parentPort!.postMessage({ id: req.id, outcomes: JSON.stringify(outcomes) } satisfies WorkerResponse);
});
