import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { InspectOptions } from "../kmod/facts.js";
import { hitsFault } from "./fault.js";
import { PACKAGE_ROOT } from "../package-root.js";
import { inspectFile, threadBuffers, type FileOutcome, type FileTask } from "./inspect-file.js";
import { FactPool } from "../kmod/intern.js";
import { WireDecoder } from "./wire.js";
import type { WorkerClose, WorkerRequest, WorkerResponse } from "./worker.js";

/**
 * Inspects files on this thread, and on worker threads once files turn out to be costly. A worker
 * costs its JIT warm-up and the wire, which plain modules (~0.15 ms each) never earn back: Debian's
 * 6.1 tree is read fastest by this thread alone. Compressed modules cost ~1 ms each in the decoder,
 * and there every core counts. So the workers boot at once (on a core that is idle meanwhile) but
 * are handed files only after a batch read here held costly ones. From then on this thread only
 * hands out work, and one more worker takes its place: a batch decoded here (one large module can
 * take a tenth of a second) kept it from feeding the workers, which then stood idle — on Debian's
 * 6.12 tree the one worker was idle a fifth of the time.
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
  replies: Map<number, { resolve: (o: FileOutcome[]) => void; reject: (e: unknown) => void }>;
}

/** `threads`: threads inspecting files, this one included. */
export function createPool(threads: number, options: InspectOptions): InspectPool {
  // Under a TypeScript test runner this module is .ts and there is no compiled worker to start.
  const workerFile = fileURLToPath(WORKER);
  // One object per distinct fact across the scan, whichever thread read it (kmod/intern.ts).
  const shared = new FactPool();
  const local = inProcess(options, shared);
  if (threads <= 1 || !import.meta.url.endsWith(".js") || !existsSync(workerFile)) return local;
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
    // A new worker numbers its strings from zero again.
    const wire = new WireDecoder();
    worker.on("message", (res: WorkerResponse) => {
      // Decoded on arrival, in the order sent: a batch may name strings an earlier one brought.
      const outcomes = wire.decode(res.batch).map((o) => shared.wired(o));
      const r = slot.replies.get(res.id);
      slot.replies.delete(res.id);
      r?.resolve(outcomes);
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
  let nextId = 0;
  startWorkers(threads - 1);
  const freeSlot = (): Slot | undefined => (useWorkers ? slots.filter((s) => s.busy < IN_FLIGHT).sort((a, b) => a.busy - b.busy)[0] : undefined);
  return {
    async inspect(tasks, isolated = false) {
      if (isolated) useWorkers = true;
      let slot = freeSlot();
      while (!slot) {
        if (!isolated && !handedOver && !localBusy) {
          localBusy = true;
          try {
            // The file that kills a worker in the tests would only be read here: fail the batch as
            // a dead worker fails it, so that it is retried on workers, where the test can see it.
            if (hitsFault(tasks)) throw new Error("worker thread exited with code 70");
            const out = await local.inspect(tasks);
            if (!useWorkers && out.some(costly)) {
              useWorkers = true;
              const before = slots.length;
              startWorkers(threads);
              const successor = slots[before]?.worker;
              if (successor) successor.once("online", () => (handedOver = true));
              else handedOver = true;
            }
            // Reading on this thread runs in promise callbacks only; let the event loop take the
            // workers' replies before the next batch, or they would wait for the whole walk.
            if (useWorkers) await new Promise<void>((r) => setImmediate(r));
            return out;
          } finally {
            localBusy = false;
            waiting.shift()?.();
          }
        }
        await new Promise<void>((r) => waiting.push(r));
        slot = freeSlot();
      }
      slot.busy++;
      // This thread may be free while the workers are being fed: let the next batch try it.
      if (!localBusy) waiting.shift()?.();
      try {
        return await new Promise<FileOutcome[]>((resolve, reject) => {
          const id = nextId++;
          slot!.replies.set(id, { resolve, reject });
          slot!.worker.postMessage({ id, tasks, options } satisfies WorkerRequest);
        });
      } finally {
        slot.busy--;
        waiting.shift()?.();
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

function inProcess(options: InspectOptions, shared: FactPool): InspectPool {
  const buffers = threadBuffers(shared);
  // Batches are asked for concurrently; one at a time keeps the shared buffer to one file.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    inspect(tasks) {
      const run = queue.then(async () => {
        const out: FileOutcome[] = [];
        for (const t of tasks) out.push(await inspectFile(t, options, buffers));
        return out;
      });
      queue = run.catch(() => {});
      return run;
    },
    async close() {},
  };
}
