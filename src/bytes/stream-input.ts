import type { ChunkPool } from "./chunk-pool.js";
import { bufferSource, type RangeSource } from "./range-source.js";

/** What the streaming decoders accept: bytes already in memory, or a source read a window at a time. */
export type StreamInput = Uint8Array | RangeSource;

export const asSource = (input: StreamInput): RangeSource =>
  input instanceof Uint8Array ? bufferSource(input) : input;

/** Chunks yielded when the caller names no size. */
export const DEFAULT_CHUNK = 1 << 20;

export const chunkSize = (chunkBytes: number | undefined): number =>
  Math.max(1, Math.floor(chunkBytes ?? DEFAULT_CHUNK));

/**
 * Gathers a decoder's pieces (zlib's and fzstd's are tens of KiB) into chunks of exactly `size`
 * bytes, the last excepted, so a consumer sees the same chunking whatever the codec.
 */
export class ChunkGatherer {
  private pieces: Buffer[] = [];
  private held = 0;
  constructor(
    private readonly size: number,
    private readonly pool?: ChunkPool,
  ) {}

  /** Whole chunks ready after `piece`, in order. */
  push(piece: Uint8Array): Buffer[] {
    let rest = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    const out: Buffer[] = [];
    while (rest.length > 0) {
      const take = Math.min(rest.length, this.size - this.held);
      // A piece that is a whole chunk by itself passes through without a copy.
      if (this.held === 0 && take === this.size) out.push(rest.subarray(0, take));
      else {
        this.pieces.push(rest.subarray(0, take));
        this.held += take;
        if (this.held === this.size) out.push(this.take());
      }
      rest = rest.subarray(take);
    }
    return out;
  }

  /** What is held, once the decoder has ended; undefined when nothing is. */
  flush(): Buffer | undefined {
    return this.held > 0 ? this.take() : undefined;
  }

  private take(): Buffer {
    let chunk = this.pieces[0]!;
    if (this.pieces.length > 1 || this.pool) {
      chunk = this.pool ? this.pool.take(this.held) : Buffer.allocUnsafe(this.held);
      let at = 0;
      for (const p of this.pieces) at += p.copy(chunk, at);
    }
    this.pieces = [];
    this.held = 0;
    return chunk;
  }
}
