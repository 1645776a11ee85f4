/** Files handed to a thread at once: enough to amortise a message, few enough to balance the load. */
const BATCH = 32;
/**
 * The first batch is read on this thread, and what it holds decides whether workers are used
 * (engine/pool.ts): soon told.
 */
const FIRST_BATCH = 4;
/**
 * Takers the queue serves: as many batches as the pool can have under way (each worker two, and
 * this thread one) on the machines it runs on, so that no thread waits for the next to be asked.
 */
export const TAKERS = 16;

/**
 * The files the walk has found, taken in batches by the threads as they become free rather than
 * cut into batches up front: once the walk is over, batches shrink with what is left, so the threads
 * finish together instead of one decoding its last batch while the others wait.
 */
export class FileQueue<T> {
  readonly #items: T[] = [];
  #next = 0;
  #walking = true;
  readonly #waiting: (() => void)[] = [];

  push(item: T): void {
    this.#items.push(item);
    if (this.#items.length - this.#next >= BATCH) this.#wake();
  }

  /** The walk is over: what is left goes out in shrinking batches. */
  close(): void {
    this.#walking = false;
    this.#wake();
  }

  /** Hands out nothing more (the walk failed): takers end once their batches under way do. */
  abandon(): void {
    this.#walking = false;
    this.#next = this.#items.length;
    this.#wake();
  }

  /** The next batch; undefined once the walk is over and every file is taken. */
  async take(): Promise<T[] | undefined> {
    for (;;) {
      const left = this.#items.length - this.#next;
      if (!this.#walking && left === 0) return undefined;
      // While the walk goes on, only whole batches are taken.
      if (this.#walking && left < BATCH) {
        await new Promise<void>((r) => this.#waiting.push(r));
        continue;
      }
      const size = this.#next === 0 ? Math.min(FIRST_BATCH, left) : this.#walking ? BATCH : shrunk(left);
      const batch = this.#items.slice(this.#next, this.#next + size);
      this.#next += size;
      return batch;
    }
  }

  #wake(): void {
    for (const wake of this.#waiting.splice(0)) wake();
  }
}

/** A batch once the walk is over: a fair share of what is left. */
const shrunk = (left: number): number => Math.max(1, Math.min(BATCH, Math.ceil(left / TAKERS)));
