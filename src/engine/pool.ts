import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { InspectOptions } from "../kmod/facts.js";
import { hitsFault } from "./fault.js";
import { PACKAGE_ROOT } from "../package-root.js";
import { inspectFile, threadBuffers, type FileOutcome, type FileRead, type FileTask } from "./inspect-file.js";
import { FactPool } from "./intern.js";
import { WireDecoder } from "./wire.js";
import type { WorkerClose, WorkerRequest, WorkerResponse } from "./worker.js";
import { receivedReads, Regions, type PlacedRead, type ReadRequest, type ReadResponse } from "./read-ahead.js";

/**
 * Inspects files on this thread, and on worker threads once files turn out to be costly. A worker
 * costs its JIT warm-up and the wire, which plain modules (~0.15 ms each) never earn back: Debian's
 * 6.1 tree is read fastest by this thread alone. Compressed modules cost ~1 ms each in the decoder,
 * and there every core counts. So the workers boot at once (on a core that is idle meanwhile) but
 * are handed files only after a batch read here held costly ones. From then on this thread only
 * hands out work, and one more worker takes its place: a batch decoded here (one large module can
 * take a tenth of a second) kept it from feeding the workers, which then stood idle — on Debian's
 * 6.12 tree the one worker was idle a fifth of the time.
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
 * Files worth more threads (see InspectPool): compressed ones, whose decoding (~1 ms a module)
 * dwarfs their parsing, and archives. Told by what was read, not by the clock: the first batches
 * are slow while the JIT warms up, whatever they hold.
 */
const costly = (o: FileOutcome): boolean => o.members.length > 0 || (o.self?.kind === "facts" && o.self.facts.compression !== null);

interface Slot {
  worker: Worker;
  busy: number;
  /** Whether the worker came to run (false: it failed first); settled once it did either. */
  running: Promise<boolean>;
  online: boolean;
  /** FileOutcome[] for an inspection, PlacedRead[] for a read. */
  replies: Map<number, { resolve: (o: never) => void; reject: (e: unknown) => void }>;
}

/** `threads`: threads inspecting files, this one included. */
export function createPool(threads: number, options: InspectOptions): InspectPool {
  // Under a TypeScript test runner this module is .ts and there is no compiled worker to start.
  const workerFile = fileURLToPath(WORKER);
  // One object per distinct fact across the scan, whichever thread read it (engine/intern.ts).
  const shared = new FactPool();
  const local = inProcess(options, shared);
  if (threads <= 1 || !import.meta.url.endsWith(".js") || !existsSync(workerFile)) return { inspect: (tasks) => local.inspect(tasks), close: local.close };
  let localBusy = false;
  /** Workers are started at once (they boot on an idle core) but given files only once costly ones show up. */
  let useWorkers = false;
  /** Set once the worker that takes this thread's place is running; until then this thread reads too. */
  let handedOver = false;
  let closing = false;
  const start = (slot: Slot) => {
    // A worker keeps nothing between files but its wire's string table; everything else it makes
    // dies young. A small young generation (V8's default is several times this) is collected more
    // often and keeps workers lighter at no measurable cost in time: with two workers on Debian's
    // 6.12 tree, 4 MB against 8 took peak RSS from about 250 to about 228 MB (2 MB saved no more).
    const worker = new Worker(WORKER, { resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    slot.worker = worker;
    slot.online = false;
    slot.running = new Promise<boolean>((resolve) => {
      worker.once("online", () => resolve((slot.online = true)));
      worker.once("error", () => resolve(false));
      worker.once("exit", () => resolve(false));
    });
    // A new worker numbers its strings from zero again.
    const wire = new WireDecoder();
    worker.on("message", (res: WorkerResponse | ReadResponse) => {
      // Decoded on arrival, in the order sent: a batch may name strings an earlier one brought.
      const reply = "reads" in res ? res.reads : wire.decode(res.batch).map((o) => shared.wired(o));
      const r = slot.replies.get(res.id);
      slot.replies.delete(res.id);
      r?.resolve(reply as never);
    });
    // A worker that dies takes its batches with it: they fail (and become per-file errors), a new
    // worker takes its place, and the scan goes on.
    const died = (e: unknown) => {
      for (const r of slot.replies.values()) r.reject(e);
      slot.replies.clear();
      if (!closing && slot.worker === worker) start(slot);
    };
    worker.on("error", died);
    worker.on("exit", (code) => died(new Error(`worker thread exited with code ${code}`)));
  };
  const slots: Slot[] = [];
  const startWorkers = (count: number) => {
    while (slots.length < count) {
      const slot = { busy: 0, replies: new Map() } as unknown as Slot;
      start(slot);
      slots.push(slot);
    }
  };
  const waiting: (() => void)[] = [];
  // Every waiter looks again whenever a thread frees up: some wait for this thread only (their
  // files were read ahead for it), others for any, and a wake-up taken by one that cannot use it
  // must not strand the other.
  const wakeAll = () => {
    for (const wake of waiting.splice(0)) wake();
  };
  let nextId = 0;
  const send = <T>(slot: Slot, message: (id: number) => WorkerRequest | ReadRequest) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      slot.replies.set(id, { resolve: resolve as (o: never) => void, reject });
      slot.worker.postMessage(message(id));
    });
  const regions = new Regions();
  /**
   * Reading ahead pays when the reader hashes the files too: 0.15 s less of a JSON scan of Debian's
   * 6.1 tree. Reading alone does not (the same time, and 25 MB more): on the two-core machine
   * measured, a thread busy on the other core slows this one's parsing by a fifth.
   */
  const readsAhead = options.hash !== false;
  /** Batches this thread reads itself while the reader boots: one at a time, so the rest wait for it. */
  let readingHere = 0;
  /**
   * A batch for this thread to parse, in a scan that reads ahead: with its files as the first
   * worker read them meanwhile, or without, for this thread to read while that worker boots (one
   * batch at a time). Undefined when the batch may go anywhere: once workers inspect files, or
   * when the reader is dead. `release` once the batch is parsed.
   */
  const readAhead = async (tasks: FileTask[]): Promise<{ reads?: FileRead[]; release: () => void } | undefined> => {
    const reader = slots[0];
    if (useWorkers || !reader) return undefined;
    if (!reader.online && readingHere === 0) {
      readingHere++;
      return { release: () => void readingHere-- };
    }
    if (!(await reader.running) || useWorkers) return undefined;
    const region = await regions.acquire();
    const release = () => regions.release(region);
    try {
      const placed = await send<PlacedRead[]>(reader, (id) => ({ id, read: tasks, into: region, maxBytes: options.limits.maxDecompressedBytes }));
      return { reads: receivedReads(region, placed), release };
    } catch {
      release();
      return undefined;
    }
  };
  startWorkers(threads - 1);
  const freeSlot = (): Slot | undefined => (useWorkers ? slots.filter((s) => s.busy < IN_FLIGHT).sort((a, b) => a.busy - b.busy)[0] : undefined);
  return {
    async inspect(tasks, isolated = false) {
      if (isolated) useWorkers = true;
      const ahead = isolated || !readsAhead ? undefined : await readAhead(tasks);
      let slot = ahead ? undefined : freeSlot();
      while (!slot) {
        if (!isolated && (!handedOver || ahead) && !localBusy) {
          localBusy = true;
          try {
            // The file that kills a worker in the tests would only be read here: fail the batch as
            // a dead worker fails it, so that it is retried on workers, where the test can see it.
            if (hitsFault(tasks)) throw new Error("worker thread exited with code 70");
            const out = await local.inspect(tasks, ahead?.reads);
            if (!useWorkers && out.some(costly)) {
              useWorkers = true;
              const before = slots.length;
              startWorkers(threads);
              const successor = slots[before];
              if (successor) void successor.running.then((up) => (handedOver ||= up));
              else handedOver = true;
            }
            // Reading on this thread runs in promise callbacks only; let the event loop take the
            // workers' messages (replies, and the reader coming online) before the next batch, or
            // they would wait for the whole walk.
            if (useWorkers || readsAhead) await new Promise<void>((r) => setImmediate(r));
            return out;
          } finally {
            localBusy = false;
            ahead?.release();
            wakeAll();
          }
        }
        await new Promise<void>((r) => waiting.push(r));
        if (!ahead) slot = freeSlot();
      }
      slot.busy++;
      // This thread may be free while the workers are being fed: let the next batch try it.
      if (!localBusy) wakeAll();
      try {
        return await send<FileOutcome[]>(slot, (id) => ({ id, tasks, options }));
      } finally {
        slot.busy--;
        wakeAll();
      }
    },
    async close() {
      closing = true;
      // Let each worker end by itself rather than terminate() it: a thread stopped abruptly while a
      // native addon (lzma-native) holds state can abort the whole process as it is torn down.
      await Promise.all(
        slots.map(
          (s) =>
            new Promise<void>((done) => {
              const timer = setTimeout(() => void s.worker.terminate().then(() => done()), 10_000);
              s.worker.once("exit", () => {
                clearTimeout(timer);
                done();
              });
              s.worker.postMessage({ close: true } satisfies WorkerClose);
            }),
        ),
      );
    },
  };
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
