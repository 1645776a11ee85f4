import { keepLargeBuffersOnMmap, releaseFreeMemory } from "./glibc-malloc.js";
import { availableParallelism, endianness } from "node:os";
import type { Transform } from "node:stream";
import type { ChunkPool } from "./chunk-pool.js";
import { FormatError } from "../core/errors.js";
import { type DecodeLimits, outputBudget } from "../core/limits.js";
import type { RangeSource } from "./range-source.js";
import { asSource, chunkSize, type StreamInput } from "./stream-input.js";
import { refuseDeclared, type XzDeclared, xzIndexParse } from "./xz-index.js";
import {
  LZMA_BUF_ERROR,
  LZMA_CONCATENATED,
  LZMA_DATA_ERROR,
  LZMA_FINISH,
  LZMA_FORMAT_ERROR,
  LZMA_MEM_ERROR,
  LZMA_MEMLIMIT_ERROR,
  LZMA_OK,
  LZMA_OPTIONS_ERROR,
  LZMA_RUN,
  LZMA_STREAM_END,
  type Liblzma,
  loadLiblzma,
} from "./xz-liblzma.js";

/**
 * An xz file decoded as a stream: its output comes in chunks as liblzma produces it, so a reader
 * of the archive inside holds one chunk, not the whole output. Several concatenated streams are one
 * output, as with `xz -dc`. The input is read through a RangeSource a window at a time, so a payload
 * on disk (a .deb's data.tar.xz) is never held whole either; a Uint8Array is read the same way.
 *
 * The system's liblzma 5.4 decodes through lzma_stream_decoder_mt: the blocks of a multi-block
 * stream are decoded on several threads, and lzma_code runs on koffi's worker threads, so the JS
 * thread is free while liblzma works (on the next few chunks while the consumer reads this one).
 * With a ChunkPool, chunks are the pool's and go back to it as they are read. Where there is no
 * such liblzma, lzma-native decodes, fed a little input at a time so its output, which it pushes
 * without back-pressure, stays small.
 *
 * Every byte of output counts against outputBudget: past it, the iterator throws the FormatError
 * naming the limit. Stopping the iteration early (break, return()) ends the decoder.
 */
export interface XzChunkOptions {
  /** Decoder threads (liblzma only); default: every core. 1 decodes on one thread, without the MT decoder. */
  threads?: number;
  /** Largest chunk yielded; liblzma's chunks are all this size but the last. */
  chunkBytes?: number;
  /** Where liblzma's chunks are put (chunk-pool.ts); by default, fresh buffers. */
  pool?: ChunkPool;
  /**
   * Memory the MT decoder's threads may hold (blocks in, blocks decoded ahead of the consumer);
   * where the blocks do not fit, fewer threads work. Default DEFAULT_THREAD_MEMORY, never above
   * limits.xzMemlimit.
   */
  threadMemory?: number;
}

/**
 * The MT decoder's default memory. Each thread holds a whole block, in and out, so the peak grows
 * with threads × block size: this keeps two threads on xz's default 24 MiB blocks (the Debian
 * packages' own) while the decoder stays a small part of a scan's memory, and refuses more threads
 * only where blocks are larger, which then decode on fewer threads rather than fail.
 */
export const DEFAULT_THREAD_MEMORY = 96 << 20;
/**
 * Chunks liblzma may decode ahead of the consumer: with one, it waited whenever a large module was
 * being parsed, and decoding on one thread could not keep up.
 */
const AHEAD = 4;
/** Output after which an ended decoder's leftovers are given back to the system (glibc-malloc.ts). */
const TRIM_AFTER = 64 << 20;
/** Input is copied into native memory this much at a time: liblzma keeps pointers into it between calls. */
const INPUT_WINDOW = 1 << 20;
/** liblzma's own ceiling on threads (LZMA_THREADS_MAX). */
const THREADS_MAX = 16384;

/** Decoders begun and not yet ended: a test's hold on "stopping early frees the decoder". */
let open = 0;
export const openXzDecoders = (): number => open;

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

/**
 * xzDeclared (xz-index.ts) of a source: the same parse, reading only the streams' footers, indexes
 * and headers, a window at a time, so a hostile Backward Size (up to 16 GiB) costs reads, not memory.
 */
export async function xzDeclaredOf(source: RangeSource): Promise<XzDeclared | undefined> {
  const parse = xzIndexParse(source.size);
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

// ---- liblzma 5.4 through koffi ----

/** The MT decoder reports an error as soon as a thread meets it, instead of after the output before it. */
const LZMA_FAIL_FAST = 0x20;

type Fn = ReturnType<Liblzma["lib"]["func"]>;
interface Coder {
  koffi: Liblzma["koffi"];
  streamType: unknown;
  mtType: unknown;
  decoderMt: Fn;
  decoder: Fn;
  code: Fn;
  end: Fn;
}

let coderOnce: Promise<Coder | null> | undefined;
/** Null where liblzma cannot be loaded, lacks the MT decoder (before 5.4), or its struct is not laid out as here. */
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
      const mtType = koffi.struct({
        flags: "uint32_t",
        threads: "uint32_t",
        block_size: "uint64_t",
        timeout: "uint32_t",
        preset: "uint32_t",
        filters: ptr,
        check: "int",
        reserved_enum1: "int",
        reserved_enum2: "int",
        reserved_enum3: "int",
        reserved_int1: "uint32_t",
        reserved_int2: "uint32_t",
        reserved_int3: "uint32_t",
        reserved_int4: "uint32_t",
        memlimit_threading: "uint64_t",
        memlimit_stop: "uint64_t",
        reserved_int7: "uint64_t",
        reserved_int8: "uint64_t",
        reserved_ptr1: ptr,
        reserved_ptr2: ptr,
        reserved_ptr3: ptr,
        reserved_ptr4: ptr,
      });
      keepLargeBuffersOnMmap(koffi);
      return {
        koffi,
        streamType,
        mtType,
        decoderMt: lib.func("lzma_stream_decoder_mt", "int", [ptr, koffi.pointer(mtType)]),
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
 * said so, since the MT decoder reports a cut in the middle of a block as corrupt data. One that does
 * not even begin as xz (an empty one, say) is said to be no xz at all.
 */
async function cutShort(source: RangeSource): Promise<FormatError | undefined> {
  const head = await source.read(0, Math.min(XZ_MAGIC.length, source.size));
  if (!XZ_MAGIC.every((b, i) => head[i] === b)) return new FormatError("xz stream", 0, "not in the xz format");
  if ((await xzDeclaredOf(source)) === undefined)
    return new FormatError("xz stream", source.size, "truncated: the input does not end in an xz index and footer");
  return undefined;
}

/**
 * What liblzma's code means, as the reader of a report needs it; `inputAt`: how far liblzma had
 * read. `threaded`: the MT decoder, whose threads read ahead by as much as they happen to when one
 * meets damage, so how far it had read then differs from run to run: corrupt data gets no offset
 * rather than one a second run would not repeat.
 */
async function liblzmaError(
  code: number,
  limits: DecodeLimits,
  source: RangeSource,
  inputAt: number,
  threaded = false,
): Promise<Error> {
  const at = (message: string, offset: number | undefined = inputAt) => new FormatError("xz stream", offset, message);
  switch (code) {
    case LZMA_MEMLIMIT_ERROR:
      return at(`needs more memory than the ${limits.xzMemlimit} bytes allowed for an xz dictionary`);
    case LZMA_FORMAT_ERROR:
      return at("not in the xz format", 0);
    case LZMA_OPTIONS_ERROR:
      return at("uses options that liblzma does not support");
    case LZMA_DATA_ERROR:
      return (await cutShort(source)) ?? at("corrupt data", threaded ? undefined : inputAt);
    case LZMA_BUF_ERROR:
      return (await cutShort(source)) ?? at("truncated: the input ends before the stream does", source.size);
    case LZMA_MEM_ERROR:
      return new Error("liblzma could not allocate memory");
    default:
      // LZMA_PROG_ERROR and anything unforeseen: a misuse of liblzma, so ours, not the input's.
      return new Error(`liblzma returned ${code}`);
  }
}

/** Ends decoders whose iterator was dropped without return(): otherwise their threads would outlive them. */
const dropped = new FinalizationRegistry<{ release(): void }>((native) => native.release());

async function* liblzmaChunks(
  coder: Coder,
  source: RangeSource,
  limits: DecodeLimits,
  options: XzChunkOptions,
): AsyncGenerator<Buffer, void, undefined> {
  const budget = await budgetOf(source, limits);
  const { koffi } = coder;
  const chunk = chunkSize(options.chunkBytes);
  const threads = Math.min(THREADS_MAX, Math.max(1, Math.floor(options.threads ?? availableParallelism())));
  const le = endianness() === "LE";
  const off = (field: string) => koffi.offsetof(coder.streamType as never, field);
  const NEXT_IN = off("next_in");
  const AVAIL_IN = off("avail_in");
  const TOTAL_IN = off("total_in");
  const NEXT_OUT = off("next_out");
  const AVAIL_OUT = off("avail_out");
  const TOTAL_OUT = off("total_out");

  const strm = koffi.alloc(coder.streamType as never, 1);
  const inWindow = Math.min(INPUT_WINDOW, Math.max(1, source.size));
  const inBuf = koffi.alloc("uint8_t", inWindow);
  const outBuf = koffi.alloc("uint8_t", chunk * AHEAD);
  const fields = new DataView(koffi.view(strm, koffi.sizeof(coder.streamType as never)));
  new Uint8Array(fields.buffer).fill(0); // LZMA_STREAM_INIT
  const inView = new Uint8Array(koffi.view(inBuf, inWindow));
  const outView = new Uint8Array(koffi.view(outBuf, chunk * AHEAD));
  const inAddress = koffi.address(inBuf);
  const outAddress = koffi.address(outBuf);

  /** A call to liblzma and what follows it, while one is under way. */
  let running: Promise<void> | undefined;
  /** The consumer is done: no call is begun after the one under way. */
  let stopped = false;
  // Plain state, no reference back to the generator: the finalizer below must not keep it alive.
  const native = {
    begun: false,
    released: false,
    /** A call to lzma_code is running on a koffi thread: lzma_end must wait for it. */
    busy: false,
    releaseWhenIdle: false,
    release() {
      if (native.released) return;
      if (native.busy) {
        native.releaseWhenIdle = true;
        return;
      }
      native.released = true;
      const decoded = native.begun ? Number(fields.getBigUint64(TOTAL_OUT, le)) : 0;
      if (native.begun) {
        coder.end(strm);
        open--;
      }
      koffi.free(strm);
      koffi.free(inBuf);
      koffi.free(outBuf);
      // A package's decoding, not a module's: what it left free in the arenas goes back.
      if (decoded >= TRIM_AFTER) releaseFreeMemory(koffi);
    },
  };
  // Used again in the finally block, so it lives exactly as long as this generator's frame.
  const token = {};
  dropped.register(token, native, token);

  try {
    const mt = {
      flags: LZMA_CONCATENATED | LZMA_FAIL_FAST,
      threads,
      block_size: 0,
      timeout: 0,
      preset: 0,
      filters: null,
      check: 0,
      reserved_enum1: 0,
      reserved_enum2: 0,
      reserved_enum3: 0,
      reserved_int1: 0,
      reserved_int2: 0,
      reserved_int3: 0,
      reserved_int4: 0,
      // Threads decode ahead of the consumer only while their buffers fit; past it, one thread decodes.
      memlimit_threading: Math.min(options.threadMemory ?? DEFAULT_THREAD_MEMORY, limits.xzMemlimit),
      memlimit_stop: limits.xzMemlimit,
      reserved_int7: 0,
      reserved_int8: 0,
      reserved_ptr1: null,
      reserved_ptr2: null,
      reserved_ptr3: null,
      reserved_ptr4: null,
    };
    const init =
      threads === 1
        ? (coder.decoder(strm, limits.xzMemlimit, LZMA_CONCATENATED) as number)
        : (coder.decoderMt(strm, mt) as number);
    // A failed init has freed what it allocated, and lzma_end after it does nothing: one way out for both.
    native.begun = true;
    open++;
    if (init !== LZMA_OK) throw await liblzmaError(init, limits, source, 0);

    let fed = 0; // input bytes copied into the window so far
    const word = (at: number) => Number(fields.getBigUint64(at, le));
    const setWord = (at: number, value: bigint | number) => fields.setBigUint64(at, BigInt(value), le);
    // The next window is read while liblzma works on this one, into one buffer: each is copied into
    // liblzma's window before the next is read.
    let ahead: Promise<Buffer> | undefined;
    const readBuf = Buffer.allocUnsafeSlow(inWindow);
    const readAhead = () => {
      const n = Math.min(inWindow, source.size - fed);
      ahead = n > 0 ? source.read(fed, n, readBuf) : undefined;
      // Its failure is met where it is awaited; unawaited (an early stop), it must not go unhandled.
      ahead?.catch(() => undefined);
    };
    readAhead();

    // liblzma fills the slots in turn, one call at a time, while the consumer takes the full ones
    // in the same order: `full` slots wait from `taken` on, and `writing` is the one being filled.
    const filled = new Array<number>(AHEAD).fill(0);
    let writing = 0;
    let taken = 0;
    let full = 0;
    let ended = false; // LZMA_STREAM_END: the slot written last is full, however little it holds
    let failure: unknown;
    let wake: (() => void) | undefined;
    const rouse = () => {
      wake?.();
      wake = undefined;
    };
    const code = async (): Promise<void> => {
      if (word(AVAIL_IN) === 0 && ahead) {
        const window = await ahead;
        if (native.released) return;
        inView.set(window);
        fed += window.length;
        readAhead();
        setWord(NEXT_IN, inAddress);
        setWord(AVAIL_IN, window.length);
      }
      const slot = outAddress + BigInt(writing * chunk);
      // One byte past the budget is room enough to learn that the output goes past it.
      setWord(NEXT_OUT, slot + BigInt(filled[writing]!));
      setWord(AVAIL_OUT, Math.min(chunk - filled[writing]!, budget.bytes + 1 - word(TOTAL_OUT)));
      // Once the last window is in, liblzma is told so, which it needs to end the last stream.
      const action = fed === source.size ? LZMA_FINISH : LZMA_RUN;
      native.busy = true;
      const ret = await new Promise<number>((resolve, reject) =>
        coder.code.async(strm, action, (err: unknown, r: number) => {
          native.busy = false;
          if (native.releaseWhenIdle) native.release();
          if (err) reject(err);
          else resolve(r);
        }),
      );
      // Ended while liblzma worked (the iterator dropped): its memory is gone.
      if (native.released) return;
      filled[writing] = Number(fields.getBigUint64(NEXT_OUT, le) - slot);
      if (word(TOTAL_OUT) > budget.bytes) throw new FormatError("xz stream", undefined, budget.why);
      if (ret !== LZMA_OK && ret !== LZMA_STREAM_END)
        throw await liblzmaError(ret, limits, source, word(TOTAL_IN), threads > 1);
      ended = ret === LZMA_STREAM_END;
      if (ended || filled[writing] === chunk) {
        full++;
        writing = (writing + 1) % AHEAD;
      }
    };
    /** Calls liblzma again while a slot is free: it decodes ahead of the consumer by up to AHEAD chunks. */
    const pump = () => {
      if (running || stopped || ended || failure || native.released || full === AHEAD) return;
      running = code().then(
        () => {
          running = undefined;
          rouse();
          pump();
        },
        (e: unknown) => {
          running = undefined;
          failure = e;
          rouse();
        },
      );
    };

    pump();
    for (;;) {
      // A call that has returned is seen only once the event loop turns, which a consumer reading
      // full slots never lets it do: one turn per chunk keeps liblzma working while it reads.
      if (running) await new Promise<void>((resolve) => setImmediate(resolve));
      if (full === 0) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      const n = filled[taken]!;
      let out: Buffer | undefined;
      if (n > 0) {
        out = options.pool ? options.pool.take(n) : Buffer.allocUnsafe(n);
        out.set(outView.subarray(taken * chunk, taken * chunk + n));
      }
      filled[taken] = 0;
      taken = (taken + 1) % AHEAD;
      full--;
      const last = ended && full === 0;
      pump();
      if (out) yield out;
      if (last) return;
    }
  } finally {
    dropped.unregister(token);
    stopped = true;
    // lzma_end may not run while lzma_code does; awaiting it here means return() resolves with the decoder ended.
    if (running) await running;
    native.release();
  }
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
