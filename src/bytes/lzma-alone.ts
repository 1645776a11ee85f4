import { endianness } from "node:os";
import type { Transform } from "node:stream";
import { FormatError } from "../core/errors.js";
import { type DecodeLimits, outputBudget } from "../core/limits.js";
import type { RangeSource } from "./range-source.js";
import { asSource, ChunkGatherer, chunkSize, type StreamInput } from "./stream-input.js";
import {
  type Liblzma,
  LZMA_BUF_ERROR,
  LZMA_DATA_ERROR,
  LZMA_FINISH,
  LZMA_FORMAT_ERROR,
  LZMA_MEMLIMIT_ERROR,
  LZMA_OK,
  LZMA_OPTIONS_ERROR,
  LZMA_RUN,
  LZMA_STREAM_END,
  loadLiblzma,
} from "./xz-liblzma.js";

/*
 * The legacy .lzma format ("LZMA_alone", lzma-utils): a 13-byte header (properties, dictionary
 * size, uncompressed size or all ones for unknown) and raw LZMA1 data, no magic and no check. Debian
 * packages of dpkg before 1.15.6 held data.tar.lzma, old RPMs lzma payloads, and the kernel unpacks
 * an lzma initramfs. Decoded as the xz path decodes: streamed in chunks, every output byte counted
 * against outputBudget, the dictionary bounded by limits.xzMemlimit.
 */

/** Header, and the range coder's first byte, which LZMA1 always writes as 0. */
const HEAD = 14;
const UNKNOWN_SIZE = 0xffff_ffff_ffff_ffffn;
/** liblzma refuses larger declared sizes in .lzma files as not being the format. */
const MAX_DECLARED = 1n << 38n;

/**
 * Whether bytes start as a .lzma file, as liblzma's lzma_alone_decoder would accept it: properties
 * within range (lc + lp ≤ 4), a dictionary of 2^n or 2^n + 2^(n-1) bytes (or all ones), a declared
 * size below 2^38 or unknown, and the range coder's zero first byte. There being no magic, this is
 * as strict as liblzma's own check, so firmware or text is not taken for it.
 */
export function isLzmaAlone(b: Uint8Array): boolean {
  if (b.length < HEAD) return false;
  const props = b[0]!;
  if (props >= 9 * 5 * 5 || (props % 9) + (Math.floor(props / 9) % 5) > 4) return false;
  const view = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const dict = view.readUInt32LE(1);
  if (dict !== 0xffff_ffff && !isDictionarySize(dict)) return false;
  const size = view.readBigUInt64LE(5);
  return (size === UNKNOWN_SIZE || size < MAX_DECLARED) && b[13] === 0;
}

function isDictionarySize(d: number): boolean {
  if (d < 4096) return false;
  const high = 2 ** Math.floor(Math.log2(d));
  return d === high || d === high + high / 2;
}

/** The uncompressed size a .lzma header declares, or undefined when it says unknown. */
function declaredSize(head: Buffer): number | undefined {
  const size = head.readBigUInt64LE(5);
  return size === UNKNOWN_SIZE ? undefined : Number(size);
}

/** The decoded bytes of a .lzma input, in chunks of `chunkBytes` (the last excepted). */
export async function* lzmaAloneChunks(
  input: StreamInput,
  limits: DecodeLimits,
  options: { chunkBytes?: number } = {},
): AsyncGenerator<Buffer, void, undefined> {
  const source = asSource(input);
  const head = await source.read(0, Math.min(HEAD, source.size));
  if (!isLzmaAlone(head)) throw new FormatError("lzma stream", 0, "not in the .lzma format");
  const budget = outputBudget(source.size, limits);
  const declared = declaredSize(head);
  // A declared size past the budget is refused before a byte is decoded, as an xz index's is.
  if (declared !== undefined && declared > budget.bytes)
    throw new FormatError("lzma stream", 5, `declares ${declared} bytes: ${budget.why}`);
  const coder = await aloneCoder();
  yield* coder ? liblzmaChunks(coder, source, limits, options) : lzmaNativeChunks(source, limits, options);
}

// ---- the system's liblzma through koffi ----

/** lzma_stream is 136 bytes on 64-bit systems; its first six fields are all that is read or set here. */
const STREAM_BYTES = 256;
const NEXT_IN = 0;
const AVAIL_IN = 8;
const TOTAL_IN = 16;
const NEXT_OUT = 24;
const AVAIL_OUT = 32;
const TOTAL_OUT = 40;
/** Compressed input copied to liblzma at a time. */
const INPUT_WINDOW = 1 << 20;

type Fn = ReturnType<Liblzma["lib"]["func"]>;
interface AloneCoder {
  koffi: Liblzma["koffi"];
  init: Fn;
  code: Fn;
  end: Fn;
}

let coderOnce: Promise<AloneCoder | null> | undefined;
/** Null where liblzma cannot be loaded or pointers are not 64-bit (the fields are written as 64-bit words). */
export function aloneCoder(): Promise<AloneCoder | null> {
  coderOnce ??= loadLiblzma().then((liblzma) => {
    if (!liblzma) return null;
    const { koffi, lib } = liblzma;
    if (koffi.sizeof("void *") !== 8 || koffi.sizeof("size_t") !== 8) return null;
    try {
      return {
        koffi,
        init: lib.func("int lzma_alone_decoder(void *strm, uint64_t memlimit)"),
        code: lib.func("int lzma_code(void *strm, int action)"),
        end: lib.func("void lzma_end(void *strm)"),
      };
    } catch {
      return null;
    }
  });
  return coderOnce;
}

function liblzmaError(code: number, limits: DecodeLimits, inputAt: number, size: number): Error {
  switch (code) {
    case LZMA_MEMLIMIT_ERROR:
      return new FormatError(
        "lzma stream",
        1,
        `needs more memory than the ${limits.xzMemlimit} bytes allowed for an lzma dictionary`,
      );
    case LZMA_FORMAT_ERROR:
      return new FormatError("lzma stream", 0, "not in the .lzma format");
    case LZMA_OPTIONS_ERROR:
      return new FormatError("lzma stream", 0, "uses options that liblzma does not support");
    case LZMA_DATA_ERROR:
      return new FormatError("lzma stream", inputAt, "corrupt data");
    case LZMA_BUF_ERROR:
      return new FormatError("lzma stream", size, "truncated: the input ends before the stream does");
    default:
      // LZMA_MEM_ERROR, LZMA_PROG_ERROR: not a property of the input.
      return new Error(`liblzma returned ${code}`);
  }
}

/**
 * One thread, called synchronously a chunk at a time: a .lzma stream is one block that no decoder
 * can split, and the chunk bounds how long each call holds the thread.
 */
async function* liblzmaChunks(
  coder: AloneCoder,
  source: RangeSource,
  limits: DecodeLimits,
  options: { chunkBytes?: number },
): AsyncGenerator<Buffer, void, undefined> {
  const { koffi } = coder;
  const budget = outputBudget(source.size, limits);
  const chunk = chunkSize(options.chunkBytes);
  const inWindow = Math.min(INPUT_WINDOW, Math.max(1, source.size));
  const strm = koffi.alloc("uint8_t", STREAM_BYTES);
  const inBuf = koffi.alloc("uint8_t", inWindow);
  const outBuf = koffi.alloc("uint8_t", chunk);
  const fields = new DataView(koffi.view(strm, STREAM_BYTES));
  new Uint8Array(fields.buffer).fill(0); // LZMA_STREAM_INIT
  const inView = new Uint8Array(koffi.view(inBuf, inWindow));
  const outView = new Uint8Array(koffi.view(outBuf, chunk));
  const inAddress = koffi.address(inBuf);
  const outAddress = koffi.address(outBuf);
  const le = endianness() === "LE";
  const word = (at: number) => Number(fields.getBigUint64(at, le));
  const setWord = (at: number, value: bigint | number) => fields.setBigUint64(at, BigInt(value), le);
  let begun = false;
  try {
    const init = coder.init(strm, limits.xzMemlimit) as number;
    begun = true;
    if (init !== LZMA_OK) throw liblzmaError(init, limits, 0, source.size);
    let fed = 0;
    for (;;) {
      if (word(AVAIL_IN) === 0 && fed < source.size) {
        const n = Math.min(inWindow, source.size - fed);
        inView.set(await source.read(fed, n));
        fed += n;
        setWord(NEXT_IN, inAddress);
        setWord(AVAIL_IN, n);
      }
      // One byte past the budget is room enough to learn that the output goes past it.
      const room = Math.min(chunk, budget.bytes + 1 - word(TOTAL_OUT));
      setWord(NEXT_OUT, outAddress);
      setWord(AVAIL_OUT, room);
      const inBefore = word(TOTAL_IN);
      const ret = coder.code(strm, fed === source.size ? LZMA_FINISH : LZMA_RUN) as number;
      if (word(TOTAL_OUT) > budget.bytes) throw new FormatError("lzma stream", undefined, budget.why);
      const produced = room - word(AVAIL_OUT);
      if (ret !== LZMA_OK && ret !== LZMA_STREAM_END) throw liblzmaError(ret, limits, word(TOTAL_IN), source.size);
      if (produced > 0) yield Buffer.from(outView.subarray(0, produced));
      if (ret === LZMA_STREAM_END) return;
      // All input in and told so, and nothing moved: liblzma would say LZMA_BUF_ERROR next.
      if (produced === 0 && word(TOTAL_IN) === inBefore && fed === source.size && word(AVAIL_IN) === 0)
        throw liblzmaError(LZMA_BUF_ERROR, limits, word(TOTAL_IN), source.size);
    }
  } finally {
    if (begun) coder.end(strm);
    koffi.free(strm);
    koffi.free(inBuf);
    koffi.free(outBuf);
  }
}

// ---- lzma-native, where there is no usable liblzma ----

interface LzmaNative {
  createStream(coder: "aloneDecoder", options: { memlimit: number }): Transform;
}
let lzmaNativeOnce: Promise<LzmaNative> | undefined;
const lzmaNative = () => (lzmaNativeOnce ??= import("lzma-native").then((m) => m.default as unknown as LzmaNative));

/**
 * Input given to lzma-native a small piece at a time: it pushes all the output of a piece at once,
 * heeding no back-pressure, so the piece bounds what waits here (LZMA1 expands at most ~7000×).
 */
const NATIVE_PIECE = 4096;

/** The same decoding through lzma-native's bundled liblzma. Exported so tests can hold the two paths to one another. */
export async function* lzmaNativeChunks(
  input: StreamInput,
  limits: DecodeLimits,
  options: { chunkBytes?: number } = {},
): AsyncGenerator<Buffer, void, undefined> {
  const source = asSource(input);
  const budget = outputBudget(source.size, limits);
  const gather = new ChunkGatherer(chunkSize(options.chunkBytes));
  const stream = (await lzmaNative()).createStream("aloneDecoder", { memlimit: limits.xzMemlimit });
  const ready: Buffer[] = [];
  let total = 0;
  let failure: Error | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  const rouse = () => {
    wake?.();
    wake = undefined;
  };
  stream.on("data", (out: Buffer) => {
    total += out.length;
    if (total > budget.bytes) failure ??= new FormatError("lzma stream", undefined, budget.why);
    else ready.push(...gather.push(out));
    rouse();
  });
  stream.on("error", (e: Error) => {
    failure ??= new FormatError("lzma stream", undefined, e.message);
    rouse();
  });
  stream.on("end", () => {
    ended = true;
    rouse();
  });
  try {
    let fed = 0;
    while (!ended) {
      if (failure) throw failure;
      if (ready.length > 0) {
        yield* ready.splice(0);
        continue;
      }
      const waiting = new Promise<void>((resolve) => {
        wake = resolve;
      });
      if (fed < source.size) {
        const n = Math.min(NATIVE_PIECE, source.size - fed);
        const piece = await source.read(fed, n);
        fed += n;
        stream.write(piece, rouse);
        if (fed === source.size) stream.end();
      } else if (fed === 0) stream.end();
      await waiting;
    }
    if (failure) throw failure;
    yield* ready.splice(0);
    const last = gather.flush();
    if (last) yield last;
  } finally {
    stream.destroy();
  }
}
