import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { Decompress } from "fzstd";
import { asFormatError, FormatError } from "../core/errors.js";
import type { Compression } from "../core/facts.js";
import { type DecodeLimits, outputBudget } from "../core/limits.js";
import { decodeBzip2 } from "./bzip2.js";
import type { ChunkPool } from "./chunk-pool.js";
import type { RangeSource } from "./range-source.js";
import { sniffCompression } from "./sniff.js";
import { asSource, ChunkGatherer, chunkSize, type StreamInput } from "./stream-input.js";
import { xzChunks } from "./xz-stream.js";

/**
 * Decoders that stream both ways: the input is read through a RangeSource a window at a time, and
 * the output comes out in chunks (~1 MiB) as it is decoded, so an archive reader holds one chunk of
 * a package, not the package. Each gives the same bytes as its whole-buffer decoder (decodeGzip,
 * decodeZstd, decodeXz, decodeBzip2) and fails with the same FormatError; every output byte counts
 * against outputBudget of the input's size, so a bomb stops at the limit with its output never held.
 */
export interface ChunkOptions {
  /** Largest chunk yielded; all are this size but the last. */
  chunkBytes?: number;
  /** Buffers to gather chunks in, which the reader gives back (chunk-pool.ts); by default, fresh ones. */
  pool?: ChunkPool;
  /** xz only: decoder threads (xz-stream.ts). */
  threads?: number;
  /** xz only: output decoded ahead of the block being read, at most (xz-stream.ts). */
  aheadBytes?: number;
}

export function decompressChunks(
  kind: Compression,
  input: StreamInput,
  limits: DecodeLimits,
  options: ChunkOptions = {},
): AsyncGenerator<Buffer, void, undefined> {
  switch (kind) {
    case "gzip":
      return gzipChunks(input, limits, options);
    case "xz":
      return xzChunks(input, limits, options);
    case "zstd":
      return zstdChunks(input, limits, options);
    case "bzip2":
      return bzip2Chunks(input, limits, options);
  }
}

/** The compression a source's leading bytes name (sniff.ts's table), read without reading the rest. */
export async function sniffSource(source: RangeSource): Promise<Compression | undefined> {
  return sniffCompression(await source.read(0, Math.min(16, source.size)))?.kind;
}

/** Compressed input read at a time. */
const READ_WINDOW = 1 << 20;

async function* windows(source: RangeSource): AsyncGenerator<Buffer> {
  for (let at = 0; at < source.size; at += READ_WINDOW)
    yield await source.read(at, Math.min(READ_WINDOW, source.size - at));
}

// ---- gzip ----

/**
 * gzip through node:zlib's Gunzip stream: the same decoder as decodeGzip's gunzip(), so members one
 * after another are one output, and bytes after the last member are taken or ignored as gunzip()
 * takes or ignores them. Back-pressure holds zlib to the consumer's pace. zlib does not say where in
 * the input it failed, so its errors carry no offset (as decodeGzip's do not).
 */
export async function* gzipChunks(
  input: StreamInput,
  limits: DecodeLimits,
  options: ChunkOptions = {},
): AsyncGenerator<Buffer, void, undefined> {
  const source = asSource(input);
  const budget = outputBudget(source.size, limits);
  const gather = new ChunkGatherer(chunkSize(options.chunkBytes), options.pool);
  const gunzip = createGunzip({ chunkSize: 1 << 16 });
  const feed = Readable.from(windows(source), { objectMode: false });
  // A failed read fails the decoder with the read's own error, which the loop below then throws.
  feed.on("error", (e) => gunzip.destroy(e));
  feed.pipe(gunzip);
  let total = 0;
  try {
    for await (const piece of gunzip as AsyncIterable<Buffer>) {
      total += piece.length;
      if (total > budget.bytes) throw new FormatError("gzip stream", undefined, budget.why);
      yield* gather.push(piece);
    }
  } catch (e) {
    // zlib's errors carry a Z_ code; a read's error (already a FormatError, or the file system's) is not zlib's.
    if ((e as NodeJS.ErrnoException).code?.startsWith("Z_"))
      throw new FormatError("gzip stream", undefined, (e as Error).message);
    throw e;
  } finally {
    feed.destroy();
    gunzip.destroy();
  }
  const last = gather.flush();
  if (last) yield last;
}

// ---- zstd ----

/** Input pushed to fzstd at a time, at the least and at the most. */
const MIN_ZSTD_PIECE = 256;
const MAX_ZSTD_PIECE = 1 << 20;

/**
 * zstd through fzstd's Decompress, as decodeZstd. fzstd decodes all it is given at once, with no
 * back-pressure: so it is given a piece expected to come to about a chunk of output, judged by the
 * ratio so far, and a bomb (thousands of blocks in a few bytes) gives a few chunks at a time, not
 * the budget's worth.
 */
export async function* zstdChunks(
  input: StreamInput,
  limits: DecodeLimits,
  options: ChunkOptions = {},
): AsyncGenerator<Buffer, void, undefined> {
  const source = asSource(input);
  const budget = outputBudget(source.size, limits);
  const chunk = chunkSize(options.chunkBytes);
  const gather = new ChunkGatherer(chunk, options.pool);
  let ready: Buffer[] = [];
  let total = 0;
  let ended = false;
  const dec = new Decompress((piece, final) => {
    total += piece.length;
    if (total > budget.bytes) throw new FormatError("zstd stream", undefined, budget.why);
    ready.push(...gather.push(piece));
    if (final) ended = true;
  });
  let fed = 0;
  let piece = MIN_ZSTD_PIECE;
  let window: Buffer | undefined;
  let windowAt = 0;
  while (fed < source.size) {
    const outBefore = total;
    const n = Math.min(source.size - fed, piece);
    if (!window || fed + n > windowAt + window.length) {
      windowAt = fed;
      window = await source.read(fed, Math.min(source.size - fed, Math.max(n, READ_WINDOW)));
    }
    const end = fed + n === source.size;
    try {
      dec.push(window.subarray(fed - windowAt, fed - windowAt + n), end);
    } catch (e) {
      throw asFormatError("zstd stream", e);
    }
    fed += n;
    const out = ready;
    ready = [];
    yield* out;
    // A piece that gave nothing (a block larger than it) is doubled, else fzstd would copy the
    // growing remainder of the block again at every push.
    piece =
      total > outBefore
        ? Math.max(MIN_ZSTD_PIECE, Math.min(MAX_ZSTD_PIECE, Math.floor((chunk * n) / (total - outBefore))))
        : Math.min(MAX_ZSTD_PIECE, piece * 2);
  }
  if (!ended) throw new FormatError("zstd stream", source.size, "truncated: the last frame does not end");
  const last = gather.flush();
  if (last) yield last;
}

// ---- bzip2 ----

/**
 * bzip2 decoded whole and then yielded in chunks: seek-bzip, the only bzip2 decoder at hand, writes
 * into one output and cannot be paused or resumed, so there is no stream to be had. The budget
 * still bounds what is held, as in decodeBzip2; bzip2 is rare in packages (old RPMs, a few tarballs).
 */
export async function* bzip2Chunks(
  input: StreamInput,
  limits: DecodeLimits,
  options: ChunkOptions = {},
): AsyncGenerator<Buffer, void, undefined> {
  const source = asSource(input);
  const bytes = input instanceof Uint8Array ? input : await source.read(0, source.size);
  const out = await decodeBzip2(bytes, limits);
  const chunk = chunkSize(options.chunkBytes);
  for (let at = 0; at < out.length; at += chunk) yield out.subarray(at, at + chunk);
}
