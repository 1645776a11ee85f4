/**
 * Chunk buffers a decoder fills and its reader gives back once it has read them. A package decodes
 * to hundreds of chunks; a fresh buffer for each leaves the dead ones to the collector, which
 * frees them late (a chunk read over a collection is promoted and waits for a full one), so tens of
 * MiB of them were held at a time and then left holes in the allocator's heap. Reused, a stream
 * holds what its reader is reading and a few spares.
 *
 * A chunk is given back only by the one reader that holds it, which must keep no view of it after:
 * ByteStream copies out whatever it hands on from a pooled stream.
 */
export class ChunkPool {
  readonly #spares: Buffer[] = [];
  /** What this pool has handed out and not had back: only those are taken back, and only once. */
  readonly #out = new WeakSet<ArrayBufferLike>();

  /**
   * @param size the chunk size, which every buffer made has
   * @param keep spares kept at most: what a reader gives back beyond them is left to the collector
   */
  constructor(
    readonly size: number,
    private readonly keep = 4,
  ) {}

  /** A buffer of `n` bytes (at most the chunk size), whose contents are whatever was there. */
  take(n: number): Buffer {
    if (n > this.size) return Buffer.allocUnsafeSlow(n);
    const b = this.#spares.pop() ?? Buffer.allocUnsafeSlow(this.size);
    this.#out.add(b.buffer);
    return b.subarray(0, n);
  }

  /** Gives back a chunk taken from this pool (or a part of one); any other buffer is left alone. */
  give(chunk: Buffer): void {
    if (!this.#out.delete(chunk.buffer) || this.#spares.length >= this.keep) return;
    this.#spares.push(Buffer.from(chunk.buffer, 0, this.size));
  }
}
