import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { InspectOptions } from "../kmod/facts.js";
import { PACKAGE_ROOT } from "../package-root.js";
import { hitsFault } from "./fault.js";
import { type FileOutcome, type FileRead, type FileTask, inspectFile, threadBuffers } from "./inspect-file.js";
import { FactPool } from "./intern.js";
import { Regions, receivedReads } from "./read-ahead.js";
import { WorkerSlot } from "./worker-slot.js";

/**
 * Inspects files on this thread, and on worker threads once files turn out to be costly. A worker
 * costs its JIT warm-up and the wire, which plain modules (cheap to parse) never earn back: a tree
 * of plain modules is read fastest by this thread alone. Compressed modules cost far more in the
 * decoder than in the parser, and there every core counts. So the workers boot as soon as a second
 * batch is asked for (on a core that is idle meanwhile), but are handed files only after a batch
 * read here held costly ones. A scan whose files all fit in the first batch (a package, an image, a
 * few of them) boots none: they are read here, their decoders on threads of their own, and an idle
 * worker would only add its memory. From
 * then on this thread only hands out work, and one more worker takes its place: a batch decoded
 * here (one large module takes long) kept it from feeding the workers, which then stood idle.
 *
 * Until then, when the scan hashes every file, the first worker reads and hashes the next batch's
 * files for this thread (engine/read-ahead.ts), into memory both threads share, while this thread
 * parses the last.
 */
export interface InspectPool {
  /** `isolated`: on a worker only — a retry of a batch whose worker died, file by file. */
  inspect(tasks: FileTask[], isolated?: boolean): Promise<FileOutcome[]>;
  close(): Promise<void>;
}

/**
 * The worker, bundled into one file like the CLI (npm run build), so that a worker starts without
 * loading forty modules one by one. Found from the package root, as the CLI runs this code from
 * its own bundle.
 */
const WORKER = new URL("dist/kmodaudit-worker.js", PACKAGE_ROOT);
/** Batches queued per worker, so a worker never waits for the main thread between two batches. */
const IN_FLIGHT = 2;
/**
 * Files worth more threads (see InspectPool): compressed ones, whose decoding dwarfs their parsing,
 * and archives. Told by what was read, not by the clock: the first batches are slow while the JIT
 * warms up, whatever they hold.
 */
const costly = (o: FileOutcome): boolean =>
  o.members.length > 0 || (o.self?.kind === "facts" && o.self.facts.compression !== null);

/** `threads`: threads inspecting files, this one included. */
export function createPool(threads: number, options: InspectOptions): InspectPool {
  // One object per distinct fact across the scan, whichever thread read it (engine/intern.ts).
  const shared = new FactPool();
  const local = inProcess(options, shared);
  // Under a TypeScript test runner this module is .ts and there is no compiled worker to start.
  const workers = threads > 1 && import.meta.url.endsWith(".js") && existsSync(fileURLToPath(WORKER));
  if (!workers) return { inspect: (tasks) => local.inspect(tasks), close: local.close };
  return new ThreadPool(threads, options, shared, local);
}

/**
 * Where the pool stands. `alone`: this thread inspects every file; the workers boot meanwhile and
 * are given nothing. `sharing`: costly files showed up (or a worker's batch is retried): workers
 * take batches, and this thread too. `handed-over`: the worker that takes this thread's place is
 * running, and this thread only hands out work.
 */
type Phase = "alone" | "sharing" | "handed-over";

/**
 * A batch for this thread to parse: with its files as the reader (the first worker) read them, or
 * without, for this thread to read itself while the reader boots. `release` once it is parsed.
 */
interface ReadAhead {
  reads?: FileRead[];
  release: () => void;
}

class ThreadPool implements InspectPool {
  #phase: Phase = "alone";
  /** This thread is inspecting a batch. */
  #busyHere = false;
  /** A batch is read on this thread while the reader boots: one at a time, the rest wait for the reader. */
  #readingHere = false;
  readonly #slots: WorkerSlot[] = [];
  /**
   * Batches waiting for a thread. Every waiter looks again whenever a thread frees up: some wait for
   * this thread only (their files were read ahead for it), others for any, and a wake-up taken by
   * one that cannot use it must not strand the other.
   */
  readonly #waiting: (() => void)[] = [];
  readonly #regions = new Regions();
  /**
   * Reading ahead pays when the reader hashes the files too. Reading alone does not (no faster, and
   * more memory): on a two-core machine, a thread busy on the other core slows this one's parsing.
   */
  readonly #readsAhead: boolean;
  /** Batches asked for so far: the workers boot with the second. */
  #asked = 0;
  /** A batch here held costly files before any worker booted: hand over once they do. */
  #handOverDue = false;

  constructor(
    private readonly threads: number,
    private readonly options: InspectOptions,
    private readonly shared: FactPool,
    private readonly local: LocalPool,
  ) {
    this.#readsAhead = options.hash !== false;
  }

  async inspect(tasks: FileTask[], isolated = false): Promise<FileOutcome[]> {
    this.#asked++;
    if (this.#asked > 1 && this.#slots.length === 0) {
      while (this.#slots.length < this.threads - 1) this.#addWorker();
      if (this.#handOverDue) this.#handOver();
    }
    if (isolated && this.#phase === "alone") this.#phase = "sharing";
    const ahead = isolated || !this.#readsAhead ? undefined : await this.#readAhead(tasks);
    for (;;) {
      const slot = ahead ? undefined : this.#freeSlot();
      if (slot) return this.#inspectOn(slot, tasks);
      const hereMay = !isolated && !this.#busyHere && (this.#phase !== "handed-over" || ahead);
      if (hereMay) return this.#inspectHere(tasks, ahead);
      await new Promise<void>((r) => this.#waiting.push(r));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#slots.map((s) => s.close()));
  }

  async #inspectHere(tasks: FileTask[], ahead: ReadAhead | undefined): Promise<FileOutcome[]> {
    this.#busyHere = true;
    try {
      // The file that kills a worker in the tests would only be read here: fail the batch as a dead
      // worker fails it, so that it is retried on workers, where the test can see it.
      if (hitsFault(tasks)) throw new Error("worker thread exited with code 70");
      const out = await this.local.inspect(tasks, ahead?.reads);
      if (this.#phase === "alone" && out.some(costly)) {
        if (this.#slots.length > 0) this.#handOver();
        else this.#handOverDue = true;
      }
      // Reading on this thread runs in promise callbacks only; let the event loop take the workers'
      // messages (replies, and the reader coming online) before the next batch, or they would wait
      // for the whole walk.
      if (this.#phase !== "alone" || this.#readsAhead) await new Promise<void>((r) => setImmediate(r));
      return out;
    } finally {
      this.#busyHere = false;
      ahead?.release();
      this.#wakeAll();
    }
  }

  async #inspectOn(slot: WorkerSlot, tasks: FileTask[]): Promise<FileOutcome[]> {
    const reply = slot.inspect(tasks, this.options);
    // This thread may be free while the workers are being fed: let the next batch try it.
    if (!this.#busyHere) this.#wakeAll();
    try {
      return await reply;
    } finally {
      this.#wakeAll();
    }
  }

  /** Costly files: workers take batches from now on, and one more takes this thread's place once it runs. */
  #handOver(): void {
    this.#phase = "sharing";
    const successor = this.#addWorker();
    void successor.running.then((up) => {
      if (up) this.#phase = "handed-over";
    });
  }

  /**
   * Undefined when the batch may go anywhere: once workers inspect files, or when the reader is
   * dead.
   */
  async #readAhead(tasks: FileTask[]): Promise<ReadAhead | undefined> {
    const reader = this.#slots[0];
    if (this.#phase !== "alone" || !reader) return undefined;
    if (!reader.online && !this.#readingHere) {
      this.#readingHere = true;
      return { release: () => void (this.#readingHere = false) };
    }
    if (!(await reader.running) || this.#phase !== "alone") return undefined;
    const region = await this.#regions.acquire();
    const release = () => this.#regions.release(region);
    try {
      const placed = await reader.read(tasks, region, this.options.limits.maxDecompressedBytes);
      return { reads: receivedReads(region, placed), release };
    } catch {
      release();
      return undefined;
    }
  }

  /** The least busy worker with room for a batch, once workers take batches. */
  #freeSlot(): WorkerSlot | undefined {
    if (this.#phase === "alone") return undefined;
    let free: WorkerSlot | undefined;
    for (const s of this.#slots) if (s.busy < IN_FLIGHT && (!free || s.busy < free.busy)) free = s;
    return free;
  }

  #addWorker(): WorkerSlot {
    const slot = new WorkerSlot(WORKER, this.shared);
    this.#slots.push(slot);
    return slot;
  }

  #wakeAll(): void {
    for (const wake of this.#waiting.splice(0)) wake();
  }
}

/** This thread's own inspection; `reads`: the tasks' files, when already read (engine/read-ahead.ts). */
interface LocalPool {
  inspect(tasks: FileTask[], reads?: FileRead[]): Promise<FileOutcome[]>;
  close(): Promise<void>;
}

function inProcess(options: InspectOptions, shared: FactPool): LocalPool {
  const buffers = threadBuffers(shared);
  // Batches are asked for concurrently; one at a time keeps the shared buffer to one file.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    inspect(tasks, reads) {
      const run = queue.then(async () => {
        const out: FileOutcome[] = [];
        for (let i = 0; i < tasks.length; i++) out.push(await inspectFile(tasks[i]!, options, buffers, reads?.[i]));
        return out;
      });
      queue = run.catch(() => {});
      return run;
    },
    async close() {},
  };
}
