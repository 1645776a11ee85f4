import { FormatError } from "../core/errors.js";
import type { ChunkPool } from "./chunk-pool.js";
import { WHOLE_MAX, WHOLE_MAX_WHY } from "../core/limits.js";
import type { OutputBuffer } from "./output-buffer.js";
import { bufferSource, type RangeSource, subSource } from "./range-source.js";
import { SPILL_FROM, spilled } from "./spill.js";

/** How much of a range-backed stream is read at a time. */
const WINDOW = 1 << 20;

/**
 * Bytes read front to back: a decoder's output as it arrives, or a RangeSource read window by
 * window. Archive readers take their headers from it and hand each member on without the archive
 * ever being held whole. Reads never fail for running short: they return what there was, and the
 * reader says what that means for its format.
 */
export class ByteStream {
  readonly #chunks: Buffer[] = [];
  #buffered = 0;
  #offset = 0;
  #ended = false;
  /** Where the next window starts, for a range-backed stream. */
  #sourceAt = 0;

  private constructor(
    private readonly pull: () => Promise<Buffer | null>,
    private readonly source: RangeSource | null,
    private readonly stop: () => Promise<void>,
    /** Where chunks go once read: then nothing handed on is a view of a chunk. */
    private readonly pool: ChunkPool | null = null,
  ) {}

  /**
   * A decoder's output. `close` stops the decoder when the stream is left early. `pool`: the one the
   * decoder takes its chunks from, which they go back to as they are read.
   */
  static ofChunks(chunks: AsyncIterable<Buffer>, pool?: ChunkPool): ByteStream {
    const it = chunks[Symbol.asyncIterator]();
    return new ByteStream(
      async () => {
        const r = await it.next();
        return r.done ? null : r.value;
      },
      null,
      async () => void (await it.return?.()),
      pool,
    );
  }

  static ofSource(source: RangeSource): ByteStream {
    const s: ByteStream = new ByteStream(
      async () => {
        if (s.#sourceAt >= source.size) return null;
        const n = Math.min(WINDOW, source.size - s.#sourceAt);
        const b = await source.read(s.#sourceAt, n);
        s.#sourceAt += n;
        return b;
      },
      source,
      async () => {},
    );
    return s;
  }

  /** Bytes consumed so far: the offset in the stream of the next byte read. */
  get offset(): number {
    return this.#offset;
  }

  /** Bytes left, when the stream knows (a range-backed one). */
  get remaining(): number | undefined {
    return this.source ? this.source.size - this.#offset : undefined;
  }

  /** Buffers until `n` bytes are ready or the stream ends; how many are. */
  async #fill(n: number): Promise<number> {
    while (this.#buffered < n && !this.#ended) {
      const b = await this.pull();
      if (b === null) this.#ended = true;
      else if (b.length) {
        this.#chunks.push(b);
        this.#buffered += b.length;
      }
    }
    return Math.min(n, this.#buffered);
  }

  /** Up to `n` bytes from the front of what is buffered, without consuming them. */
  #front(n: number, into?: OutputBuffer): Buffer {
    const first = this.#chunks[0];
    if (!first) return Buffer.alloc(0);
    if (first.length >= n && !this.pool) return first.subarray(0, n);
    const out = into ? into(n) : Buffer.allocUnsafe(n);
    let at = 0;
    for (const c of this.#chunks) {
      if (at === n) break;
      const k = Math.min(c.length, n - at);
      c.copy(out, at, 0, k);
      at += k;
    }
    return out;
  }

  #drop(n: number): void {
    this.#offset += n;
    this.#buffered -= n;
    while (n > 0) {
      const c = this.#chunks[0]!;
      if (c.length <= n) {
        this.#chunks.shift();
        this.pool?.give(c);
        n -= c.length;
      } else {
        this.#chunks[0] = c.subarray(n);
        n = 0;
      }
    }
  }

  /** Up to `n` bytes, without consuming them. */
  async peek(n: number): Promise<Buffer> {
    return this.#front(await this.#fill(n));
  }

  /**
   * Up to `n` bytes, consumed: fewer only where the stream ends. `into`: where to put bytes that are
   * copied out of the stream's chunks (a thread's reusable buffer).
   */
  async read(n: number, into?: OutputBuffer): Promise<Buffer> {
    const got = await this.#fill(n);
    const out = this.#front(got, into);
    this.#drop(got);
    return out;
  }

  /** Passes over up to `n` bytes; how many there were. A range-backed stream does not read them. */
  async skip(n: number): Promise<number> {
    const buffered = Math.min(n, this.#buffered);
    this.#drop(buffered);
    let left = n - buffered;
    if (this.source && left > 0) {
      const k = Math.min(left, this.source.size - this.#sourceAt);
      this.#sourceAt += k;
      this.#offset += k;
      left -= k;
    }
    while (left > 0 && (await this.#fill(Math.min(left, WINDOW))) > 0) {
      const k = Math.min(left, this.#buffered);
      this.#drop(k);
      left -= k;
    }
    return n - left;
  }

  /**
   * The next `n` bytes as a source of their own, consumed: a part of the underlying source, unread,
   * when the stream has one; otherwise read into memory, or into a temporary file from SPILL_FROM on
   * (the source then has a `close` the taker calls). Null when fewer than `n` bytes are left.
   */
  async take(n: number): Promise<RangeSource | null> {
    if (this.source) {
      if (this.#offset + n > this.source.size) return null;
      const part = subSource(this.source, this.#offset, n);
      await this.skip(n);
      return part;
    }
    if (n >= SPILL_FROM) return spilled((k) => this.read(k), n);
    const b = await this.read(n);
    return b.length === n ? bufferSource(b) : null;
  }

  /** Whether no byte is left. */
  async atEnd(): Promise<boolean> {
    return (await this.#fill(1)) === 0;
  }

  /**
   * Everything left, as a source: a part of the underlying source, or read into memory, which holds
   * no more than one buffer can (WHOLE_MAX): past it, a FormatError naming that bound.
   */
  async rest(): Promise<RangeSource> {
    if (this.source) return (await this.take(this.source.size - this.#offset))!;
    const parts: Buffer[] = [];
    let total = 0;
    for (let b = await this.read(WINDOW); b.length > 0; b = await this.read(WINDOW)) {
      total += b.length;
      if (total > WHOLE_MAX) throw new FormatError("decoded data", this.#offset, WHOLE_MAX_WHY);
      parts.push(b);
    }
    return bufferSource(parts.length === 1 ? parts[0]! : Buffer.concat(parts, total));
  }

  /** Stops what produces the bytes (a decoder and its threads) when the stream is left early. */
  close(): Promise<void> {
    for (const c of this.#chunks.splice(0)) this.pool?.give(c);
    this.#buffered = 0;
    return this.stop();
  }
}
