import { Worker } from "node:worker_threads";
import type { InspectOptions } from "../kmod/facts.js";
import type { FileOutcome, FileTask } from "./inspect-file.js";
import type { FactPool } from "./intern.js";
import type { PlacedRead, ReadRequest, ReadResponse } from "./read-ahead.js";
import { WireDecoder } from "./wire.js";
import type { WorkerClose, WorkerRequest, WorkerResponse } from "./worker.js";

/** How long a worker asked to close may take before it is terminated. */
const CLOSE_TIMEOUT_MS = 10_000;

interface Reply {
  /** FileOutcome[] for an inspection, PlacedRead[] for a read. */
  resolve: (o: never) => void;
  reject: (e: unknown) => void;
}

/**
 * A worker thread as the main thread sees it. A worker that dies takes its batches with it: they
 * fail (and become per-file errors), a new worker takes its place, and the scan goes on.
 */
export class WorkerSlot {
  /** Batches sent to inspect and not yet answered. */
  busy = 0;
  /** Whether the current worker has come online. */
  online = false;
  /** Whether the current worker came to run (false: it failed first); settled once it did either. */
  running!: Promise<boolean>;
  #worker!: Worker;
  /** The current worker's unanswered requests, by id. */
  #replies!: Map<number, Reply>;
  #nextId = 0;
  /** Closed: a worker that ends is not replaced. */
  #retired = false;

  constructor(
    private readonly file: URL,
    /** Where the facts a worker sends are kept (engine/intern.ts). */
    private readonly shared: FactPool,
  ) {
    this.#start();
  }

  /** Inspects the files on the worker. */
  async inspect(tasks: FileTask[], options: InspectOptions): Promise<FileOutcome[]> {
    this.busy++;
    try {
      return await this.#send<FileOutcome[]>((id) => ({ id, tasks, options }));
    } finally {
      this.busy--;
    }
  }

  /** Has the worker read the files into `into`, for this thread to parse (engine/read-ahead.ts). */
  read(tasks: FileTask[], into: SharedArrayBuffer, maxBytes: number): Promise<PlacedRead[]> {
    return this.#send<PlacedRead[]>((id) => ({ id, read: tasks, into, maxBytes }));
  }

  /**
   * Lets the worker end by itself rather than terminate() it: a thread stopped abruptly while a
   * native addon (lzma-native) holds state can abort the whole process as it is torn down.
   */
  close(): Promise<void> {
    this.#retired = true;
    const worker = this.#worker;
    return new Promise<void>((done) => {
      const timer = setTimeout(() => void worker.terminate().then(() => done()), CLOSE_TIMEOUT_MS);
      worker.once("exit", () => {
        clearTimeout(timer);
        done();
      });
      worker.postMessage({ close: true } satisfies WorkerClose);
    });
  }

  #send<T>(message: (id: number) => WorkerRequest | ReadRequest): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const id = this.#nextId++;
      this.#replies.set(id, { resolve: resolve as (o: never) => void, reject });
      this.#worker.postMessage(message(id));
    });
  }

  #start(): void {
    // A worker keeps nothing between files but its wire's string table; everything else it makes
    // dies young. A small young generation (V8's default is several times this) is collected more
    // often and keeps workers lighter at no measurable cost in time.
    const worker = new Worker(this.file, { resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    const replies = new Map<number, Reply>();
    this.#worker = worker;
    this.#replies = replies;
    this.online = false;
    this.running = new Promise<boolean>((resolve) => {
      worker.once("online", () => resolve((this.online = true)));
      worker.once("error", () => resolve(false));
      worker.once("exit", () => resolve(false));
    });
    // A new worker numbers its strings from zero again.
    const wire = new WireDecoder();
    worker.on("message", (res: WorkerResponse | ReadResponse) => {
      // Decoded on arrival, in the order sent: a batch may name strings an earlier one brought.
      const reply = "reads" in res ? res.reads : wire.decode(res.batch).map((o) => this.shared.wired(o));
      const r = replies.get(res.id);
      replies.delete(res.id);
      r?.resolve(reply as never);
    });
    const died = (e: unknown) => {
      for (const r of replies.values()) r.reject(e);
      replies.clear();
      if (!this.#retired && this.#worker === worker) this.#start();
    };
    worker.on("error", died);
    worker.on("exit", (code) => died(new Error(`worker thread exited with code ${code}`)));
  }
}
