import { availableParallelism } from "node:os";
import type { Transform } from "node:stream";
import { FormatError } from "../core/errors.js";
import { type DecodeLimits, outputBudget } from "../core/limits.js";
import type { ChunkPool } from "./chunk-pool.js";
import { keepLargeBuffersOnMmap } from "./glibc-malloc.js";
import type { RangeSource } from "./range-source.js";
import { asSource, chunkSize, type StreamInput } from "./stream-input.js";
import { refuseDeclared, type XzDeclared, xzBlocksParse, xzIndexParse } from "./xz-index.js";
import { type Coder, laneChunks, openLaneDecoders, type XzSegment } from "./xz-lanes.js";
import {
  LZMA_BUF_ERROR,
  LZMA_CONCATENATED,
  LZMA_DATA_ERROR,
  LZMA_FORMAT_ERROR,
  LZMA_MEM_ERROR,
  LZMA_MEMLIMIT_ERROR,
  LZMA_OPTIONS_ERROR,
  loadLiblzma,
} from "./xz-liblzma.js";

/**
 * An xz file decoded as a stream: its output comes in chunks as liblzma produces it, so a reader
 * of the archive inside holds one chunk, not the whole output. Several concatenated streams are one
 * output, as with `xz -dc`. The input is read through a RangeSource a window at a time, so a payload
 * on disk (a .deb's data.tar.xz) is never held whole either; a Uint8Array is read the same way.
 *
 * The system's liblzma decodes on koffi's threads, so the JS thread is free while liblzma works (on
 * the next few chunks while the consumer reads this one); a file whose index lists several blocks
 * has them decoded on several threads at once (xz-lanes.ts). With a ChunkPool, chunks are the
 * pool's and go back to it as they are read. Where there is no such liblzma, lzma-native decodes,
 * fed a little input at a time so its output, which it pushes without back-pressure, stays small.
 *
 * Every byte of output counts against outputBudget: past it, the iterator throws the FormatError
 * naming the limit. Stopping the iteration early (break, return()) ends the decoder.
 */
export interface XzChunkOptions {
  /** Decoder threads (liblzma only); default: every core. 1 decodes the file from front to back on one. */
  threads?: number;
  /** Largest chunk yielded; liblzma's chunks are all this size but the last. */
  chunkBytes?: number;
  /** Where liblzma's chunks are put (chunk-pool.ts); by default, fresh buffers. */
  pool?: ChunkPool;
  /**
   * Output the other threads may decode ahead of the block being read, at most; they wait while it
   * is full. Default DEFAULT_AHEAD.
   */
  aheadBytes?: number;
}

/**
 * One block of xz's default size (24 MiB, the Debian packages' own): while the reader works through
 * one block, a second thread decodes the next whole, and the two take turns. Less keeps the second
 * thread waiting whenever the reader dwells on a large module.
 */
export const DEFAULT_AHEAD = 24 << 20;

/** Decoders begun and not yet ended: a test's hold on "stopping early frees the decoder". */
let open = 0;
export const openXzDecoders = (): number => open + openLaneDecoders();

export async function* xzChunks(
  input: StreamInput,
  limits: DecodeLimits,
  options: XzChunkOptions = {},
): AsyncGenerator<Buffer, void, undefined> {
  const coder = await liblzmaCoder();
  if (coder) yield* liblzmaChunks(coder, asSource(input), limits, options);
  else yield* xzChunksLzmaNative(input, limits, options);
}

/** The budget of one decode; a stream whose own index declares more is refused before decoding a byte. */
async function budgetOf(source: RangeSource, limits: DecodeLimits) {
  const budget = outputBudget(source.size, limits);
  // What the streams walked declare is a lower bound of the whole output, so refusing on it is right.
  const declared = await xzDeclaredOf(source);
  refuseDeclared(declared, budget);
  return budget;
}

/** Index bytes read at a time: an index holds ~2–20 bytes a block, so one read is nearly always all of it. */
const INDEX_WINDOW = 1 << 16;

/** xzDeclaredSize (xz-index.ts) of a source. */
export async function xzDeclaredSizeOf(source: RangeSource): Promise<number | undefined> {
  const d = await xzDeclaredOf(source);
  return d?.whole ? d.bytes : undefined;
}

/** xzDeclared (xz-index.ts) of a source. */
export function xzDeclaredOf(source: RangeSource): Promise<XzDeclared | undefined> {
  return readParse(source, xzIndexParse(source.size));
}

/**
 * Runs a parse of xz-index.ts on a source, reading only the streams' footers, indexes and headers,
 * a window at a time, so a hostile Backward Size (up to 16 GiB) costs reads, not memory.
 */
async function readParse<T>(source: RangeSource, parse: Generator<number, T, number>): Promise<T> {
  let window: Buffer = Buffer.alloc(0);
  let windowAt = 0;
  let step = parse.next();
  while (!step.done) {
    const pos = step.value;
    if (pos < windowAt || pos >= windowAt + window.length) {
      // Around the byte asked for: an index is read forwards, the streams before it backwards.
      windowAt = Math.max(0, Math.min(pos - INDEX_WINDOW / 2, source.size - INDEX_WINDOW));
      window = await source.read(windowAt, Math.min(INDEX_WINDOW, source.size - windowAt));
    }
    step = parse.next(window[pos - windowAt]!);
  }
  return step.value;
}

// ---- liblzma through koffi ----

let coderOnce: Promise<Coder | null> | undefined;
/** Null where liblzma cannot be loaded, or its struct is not laid out as here. */
export function liblzmaCoder(): Promise<Coder | null> {
  coderOnce ??= loadLiblzma().then((liblzma) => {
    if (!liblzma) return null;
    const { koffi, lib } = liblzma;
    // Pointers and size_t are written straight into the struct's memory as 64-bit words.
    if (koffi.sizeof("void *") !== 8 || koffi.sizeof("size_t") !== 8) return null;
    try {
      const ptr = "void *";
      const streamType = koffi.struct({
        next_in: ptr,
        avail_in: "size_t",
        total_in: "uint64_t",
        next_out: ptr,
        avail_out: "size_t",
        total_out: "uint64_t",
        allocator: ptr,
        internal: ptr,
        reserved_ptr1: ptr,
        reserved_ptr2: ptr,
        reserved_ptr3: ptr,
        reserved_ptr4: ptr,
        seek_pos: "uint64_t",
        reserved_int2: "uint64_t",
        reserved_int3: "size_t",
        reserved_int4: "size_t",
        reserved_enum1: "int",
        reserved_enum2: "int",
      });
      keepLargeBuffersOnMmap(koffi);
      return {
        koffi,
        streamType,
        decoder: lib.func("int lzma_stream_decoder(void *strm, uint64_t memlimit, uint32_t flags)"),
        code: lib.func("int lzma_code(void *strm, int action)"),
        end: lib.func("void lzma_end(void *strm)"),
      };
    } catch {
      return null;
    }
  });
  return coderOnce;
}

const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];

/**
 * An input that does not end in a well-formed index and footer was cut short (or its end damaged):
 * said so, since liblzma reports a cut in the middle of a block as corrupt data. One that does
 * not even begin as xz (an empty one, say) is said to be no xz at all.
 */
async function cutShort(source: RangeSource): Promise<FormatError | undefined> {
  const head = await source.read(0, Math.min(XZ_MAGIC.length, source.size));
  if (!XZ_MAGIC.every((b, i) => head[i] === b)) return new FormatError("xz stream", 0, "not in the xz format");
  if ((await xzDeclaredOf(source)) === undefined)
    return new FormatError("xz stream", source.size, "truncated: the input does not end in an xz index and footer");
  return undefined;
}

/** What liblzma's code means, as the reader of a report needs it; `inputAt`: how far liblzma had read. */
async function liblzmaError(code: number, limits: DecodeLimits, source: RangeSource, inputAt: number): Promise<Error> {
  const at = (message: string, offset: number | undefined = inputAt) => new FormatError("xz stream", offset, message);
  switch (code) {
    case LZMA_MEMLIMIT_ERROR:
      return at(`needs more memory than the ${limits.xzMemlimit} bytes allowed for an xz dictionary`);
    case LZMA_FORMAT_ERROR:
      return at("not in the xz format", 0);
    case LZMA_OPTIONS_ERROR:
      return at("uses options that liblzma does not support");
    case LZMA_DATA_ERROR:
      return (await cutShort(source)) ?? at("corrupt data");
    case LZMA_BUF_ERROR:
      return (await cutShort(source)) ?? at("truncated: the input ends before the stream does", source.size);
    case LZMA_MEM_ERROR:
      return new Error("liblzma could not allocate memory");
    default:
      // LZMA_PROG_ERROR and anything unforeseen: a misuse of liblzma, so ours, not the input's.
      return new Error(`liblzma returned ${code}`);
  }
}

/** Blocks listed at most for decoding apart: past it, the file is decoded on one lane. */
const MAX_BLOCKS = 1 << 16;

async function* liblzmaChunks(
  coder: Coder,
  source: RangeSource,
  limits: DecodeLimits,
  options: XzChunkOptions,
): AsyncGenerator<Buffer, void, undefined> {
  const budget = await budgetOf(source, limits);
  const chunk = chunkSize(options.chunkBytes);
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  // Blocks apart only where their index is whole: a file cut short or damaged at its end is decoded
  // from the front on one lane, which gives its output up to the damage and then says what it is.
  const blocks = threads > 1 ? await readParse(source, xzBlocksParse(source.size, MAX_BLOCKS)) : undefined;
  const segments: XzSegment[] =
    blocks && blocks.length > 1
      ? blocks.map((b) => ({ at: b.at, size: b.size, block: { stream: b.stream, out: b.out } }))
      : [{ at: 0, size: source.size }];
  yield* laneChunks(coder, source, segments, {
    lanes: threads,
    chunk,
    aheadBytes: options.aheadBytes ?? DEFAULT_AHEAD,
    memlimit: limits.xzMemlimit,
    budget,
    pool: options.pool,
    failure: (code, inputAt) => liblzmaError(code, limits, source, inputAt),
  });
}

// ---- lzma-native, where there is no liblzma 5.4 ----

interface LzmaNative {
  createStream(coder: "streamDecoder", options: { memlimit: number; flags: number; bufsize: number }): Transform;
}
let lzmaNativeOnce: Promise<LzmaNative> | undefined;
const lzmaNative = () => (lzmaNativeOnce ??= import("lzma-native").then((m) => m.default as unknown as LzmaNative));

/** Input fed to lzma-native at a time, at the least and at the most. */
const MIN_PIECE = 1 << 10;
const MAX_PIECE = 1 << 20;

/** The general path: lzma-native's liblzma 5.2, on one thread. Exported so tests can hold liblzma's to it. */
export async function* xzChunksLzmaNative(
  input: StreamInput,
  limits: DecodeLimits,
  options: XzChunkOptions = {},
): AsyncGenerator<Buffer, void, undefined> {
  const source = asSource(input);
  const budget = await budgetOf(source, limits);
  const chunk = chunkSize(options.chunkBytes);
  const lzma = await lzmaNative();
  const stream = lzma.createStream("streamDecoder", {
    memlimit: limits.xzMemlimit,
    flags: LZMA_CONCATENATED,
    bufsize: chunk,
  });
  open++;
  const ready: Buffer[] = [];
  let total = 0;
  let failure: Error | undefined;
  let streamError: Error | undefined;
  let ended = false;
  let writing = false;
  let finished = false;
  let fed = 0;
  let wake: (() => void) | undefined;
  const rouse = () => {
    wake?.();
    wake = undefined;
  };
  stream.on("data", (out: Buffer) => {
    if (failure) return;
    total += out.length;
    if (total > budget.bytes) {
      failure = new FormatError("xz stream", undefined, budget.why);
      stream.destroy();
    } else ready.push(out);
    rouse();
  });
  stream.on("error", (err: Error) => {
    if (!failure) streamError ??= err;
    rouse();
  });
  stream.on("end", () => {
    ended = true;
    rouse();
  });
  try {
    for (;;) {
      const out = ready.shift();
      if (out) {
        yield out;
        continue;
      }
      if (failure) throw failure;
      // Worded as the liblzma path words them: lzma-native says "No progress is possible" of a cut.
      if (streamError) throw (await cutShort(source)) ?? new FormatError("xz stream", undefined, streamError.message);
      if (ended) return;
      if (!writing && fed < source.size) {
        // lzma-native pushes all the output of what it is given at once, heeding no back-pressure:
        // a piece expected to give about a chunk keeps what waits here near a chunk, bombs included.
        const ratio = total > 0 ? fed / total : 1 / 8;
        const n = Math.min(source.size - fed, Math.max(MIN_PIECE, Math.min(MAX_PIECE, Math.floor(chunk * ratio))));
        writing = true;
        const piece = await source.read(fed, n);
        fed += n;
        // The stream may have failed while the piece was read; a write to it then would never call back.
        if (failure || streamError) continue;
        stream.write(piece, () => {
          writing = false;
          rouse();
        });
      } else if (!writing && !finished) {
        finished = true;
        stream.end();
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    stream.destroy();
    open--;
  }
}
