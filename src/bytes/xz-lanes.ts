import { endianness } from "node:os";
import { FormatError } from "../core/errors.js";
import type { ChunkPool } from "./chunk-pool.js";
import { releaseFreeMemory } from "./glibc-malloc.js";
import type { RangeSource } from "./range-source.js";
import { LZMA_CONCATENATED, LZMA_FINISH, LZMA_OK, LZMA_RUN, LZMA_STREAM_END, type Liblzma } from "./xz-liblzma.js";

/**
 * xz decoded by liblzma's single-threaded stream decoder on several lanes at once, each lane a
 * decoder of its own whose lzma_code calls run on koffi's threads. The work is a list of segments:
 * the whole file (one lane), or each block of a file whose index lists its blocks, which a stream
 * decoder decodes alone once given the block's stream header first. Lanes take blocks in order and
 * the reader takes their output in order.
 *
 * Why not liblzma's MT decoder: each of its threads holds its block's whole input and whole output,
 * and it caches one more output buffer (README, Performance). Here a lane holds its dictionary and
 * a window of input, and output waits in one shared set of slots: what the reader's block needs,
 * and a bounded amount decoded ahead on the other lanes.
 */
export interface XzSegment {
  /** Where its bytes are in the source, and how many. */
  at: number;
  size: number;
  /** A block: its stream header's offset, and the uncompressed bytes its index declares. */
  block?: { stream: number; out: number };
}

export interface Coder {
  koffi: Liblzma["koffi"];
  streamType: unknown;
  decoder: Fn;
  code: Fn;
  end: Fn;
}
type Fn = ReturnType<Liblzma["lib"]["func"]>;

export interface LaneOptions {
  lanes: number;
  /** Bytes in each chunk yielded, all but the last. */
  chunk: number;
  /** Output other lanes may decode ahead of the reader's segment, at most. */
  aheadBytes: number;
  memlimit: number;
  /** Output bytes past which decoding fails with `budget.why`. */
  budget: { bytes: number; why: string };
  pool?: ChunkPool;
  /** The error for liblzma's `code` in a segment, `inputAt` bytes into the source. */
  failure(code: number, inputAt: number): Promise<Error>;
}

/**
 * Output one lzma_code call may give at most. A lane's next call begins only once the JS thread
 * turns its event loop, which it does not while it parses a module: the more a call does, the less
 * a lane waits then.
 */
const SLOT = 4 << 20;
/**
 * Slots the reader's segment may always have: its lane decodes into one while the reader reads the
 * other.
 */
const RESERVED = 2;
/** Input copied into native memory at a time: liblzma keeps pointers into it between calls. */
const INPUT_WINDOW = 1 << 20;
const STREAM_HEADER = 12;
/** Output after which an ended decoding's leftovers are given back to the system (glibc-malloc.ts). */
const TRIM_AFTER = 64 << 20;

/** Decodings begun and not yet ended: a test's hold on "stopping early frees the decoder". */
let open = 0;
export const openLaneDecoders = (): number => open;
/** The most lzma_code calls under way at once since the last reset: a test's hold on "lanes work at once". */
let callsNow = 0;
let callsMost = 0;
export const laneCallsAtOnce = (reset = false): number => {
  const most = callsMost;
  if (reset) callsMost = 0;
  return most;
};

/** Ends decodings whose iterator was dropped without return(): otherwise native memory would outlive them. */
const dropped = new FinalizationRegistry<{ release(): void }>((native) => native.release());

/** Output in a slot: `n` bytes, of which the reader has taken those before `from`. */
interface Piece {
  slot: number;
  n: number;
  from: number;
}
interface SegmentState {
  pieces: Piece[];
  done: boolean;
  error?: unknown;
}

export async function* laneChunks(
  coder: Coder,
  source: RangeSource,
  segments: readonly XzSegment[],
  options: LaneOptions,
): AsyncGenerator<Buffer, void, undefined> {
  const { koffi } = coder;
  const { chunk, budget } = options;
  const lanes = Math.max(1, Math.min(options.lanes, segments.length));
  const slots = RESERVED + (lanes > 1 ? Math.ceil(options.aheadBytes / SLOT) : 0);
  const le = endianness() === "LE";
  const off = (field: string) => koffi.offsetof(coder.streamType as never, field);
  const NEXT_IN = off("next_in");
  const AVAIL_IN = off("avail_in");
  const TOTAL_IN = off("total_in");
  const NEXT_OUT = off("next_out");
  const AVAIL_OUT = off("avail_out");
  const TOTAL_OUT = off("total_out");
  const streamSize = koffi.sizeof(coder.streamType as never);
  const inWindow = Math.min(INPUT_WINDOW, Math.max(STREAM_HEADER, source.size));

  const slab = koffi.alloc("uint8_t", slots * SLOT);
  const slabView = new Uint8Array(koffi.view(slab, slots * SLOT));
  const slabAddress = koffi.address(slab);
  const laneMemory = Array.from({ length: lanes }, () => {
    const strm = koffi.alloc(coder.streamType as never, 1);
    const inBuf = koffi.alloc("uint8_t", inWindow);
    const fields = new DataView(koffi.view(strm, streamSize));
    new Uint8Array(fields.buffer).fill(0); // LZMA_STREAM_INIT
    return {
      strm,
      inBuf,
      fields,
      inView: new Uint8Array(koffi.view(inBuf, inWindow)),
      inAddress: koffi.address(inBuf),
      // Each window is read into it, then copied into the native one before the next is read.
      readBuf: Buffer.allocUnsafeSlow(inWindow),
    };
  });

  // Plain state, no reference back to the generator: the finalizer below must not keep it alive.
  const native = {
    released: false,
    decoded: 0,
    /** lzma_code calls running on koffi's threads: lzma_end must wait for them. */
    busy: 0,
    releaseWhenIdle: false,
    release() {
      if (native.released) return;
      if (native.busy > 0) {
        native.releaseWhenIdle = true;
        return;
      }
      native.released = true;
      for (const m of laneMemory) {
        // On a stream never begun (still LZMA_STREAM_INIT), lzma_end does nothing.
        coder.end(m.strm);
        koffi.free(m.strm);
        koffi.free(m.inBuf);
      }
      koffi.free(slab);
      open--;
      // A package's decoding, not a module's: what it left free in the arenas goes back.
      if (native.decoded >= TRIM_AFTER) releaseFreeMemory(koffi);
    },
  };
  open++;
  // Used again in the finally block, so it lives exactly as long as this generator's frame.
  const token = {};
  dropped.register(token, native, token);

  const free = Array.from({ length: slots }, (_, i) => i);
  const states: SegmentState[] = segments.map(() => ({ pieces: [], done: false }));
  /** The segment the reader is on. */
  let current = 0;
  /** The next segment no lane has taken. */
  let next = 0;
  /** The first segment that failed: none after it is begun. */
  let failedAt = segments.length;
  let stopped = false;
  let waiting: (() => void)[] = [];
  const wakeAll = () => {
    const w = waiting;
    waiting = [];
    for (const r of w) r();
  };
  const wait = () => new Promise<void>((r) => waiting.push(r));

  /** A free slot for segment `s`'s output; only the reader's segment may take the last RESERVED. -1: stopped. */
  const takeSlot = async (s: number): Promise<number> => {
    for (;;) {
      if (stopped || native.released) return -1;
      if (free.length > (s === current ? 0 : RESERVED)) return free.pop()!;
      await wait();
    }
  };

  const call = (strm: unknown, action: number) =>
    new Promise<number>((resolve, reject) => {
      native.busy++;
      callsMost = Math.max(callsMost, ++callsNow);
      coder.code.async(strm, action, (err: unknown, r: number) => {
        native.busy--;
        callsNow--;
        if (native.releaseWhenIdle && native.busy === 0) native.release();
        if (err) reject(err);
        else resolve(r);
      });
    });

  async function decode(lane: number, s: number): Promise<void> {
    const m = laneMemory[lane]!;
    const seg = segments[s]!;
    const state = states[s]!;
    const word = (at: number) => Number(m.fields.getBigUint64(at, le));
    const setWord = (at: number, value: bigint | number) => m.fields.setBigUint64(at, BigInt(value), le);
    // A block is not the end of its stream: the decoder is told to run, and the block ends where its
    // input does. The whole file ends where liblzma says so, once told it has all the input.
    const init = coder.decoder(m.strm, options.memlimit, seg.block ? 0 : LZMA_CONCATENATED) as number;
    if (init !== LZMA_OK) throw await options.failure(init, seg.at);
    const header = seg.block ? STREAM_HEADER : 0;
    let fed = 0;
    const { readBuf } = m;
    let ahead: Promise<Buffer> | undefined;
    const readAhead = () => {
      const n = Math.min(inWindow, seg.size - fed);
      ahead = n > 0 ? source.read(seg.at + fed, n, readBuf) : undefined;
      // Its failure is met where it is awaited; unawaited (an early stop), it must not go unhandled.
      ahead?.catch(() => undefined);
    };
    if (seg.block) {
      m.inView.set(await source.read(seg.block.stream, STREAM_HEADER, readBuf));
      setWord(NEXT_IN, m.inAddress);
      setWord(AVAIL_IN, STREAM_HEADER);
    }
    readAhead();
    let slot = -1;
    let filled = 0;
    const flush = () => {
      if (slot < 0) return;
      if (filled > 0) state.pieces.push({ slot, n: filled, from: 0 });
      else free.push(slot);
      slot = -1;
      wakeAll();
    };
    try {
      for (;;) {
        if (slot < 0) {
          slot = await takeSlot(s);
          if (slot < 0) return;
          filled = 0;
        }
        if (word(AVAIL_IN) === 0 && ahead) {
          const window = await ahead;
          if (native.released) return;
          m.inView.set(window);
          fed += window.length;
          readAhead();
          setWord(NEXT_IN, m.inAddress);
          setWord(AVAIL_IN, window.length);
        }
        const at = slabAddress + BigInt(slot * SLOT + filled);
        const room = Math.min(SLOT - filled, seg.block ? seg.block.out - word(TOTAL_OUT) + 1 : SLOT);
        setWord(NEXT_OUT, at);
        // One byte past the budget (or past a block's declared size) is room enough to learn that
        // the output goes past it.
        setWord(AVAIL_OUT, Math.min(room, budget.bytes + 1 - native.decoded));
        const action = !seg.block && fed === seg.size ? LZMA_FINISH : LZMA_RUN;
        const before = word(TOTAL_OUT);
        const ret = await call(m.strm, action);
        // Ended while liblzma worked (the iterator dropped): its memory is gone. Or the reader stopped.
        if (native.released || stopped) return;
        const gave = word(TOTAL_OUT) - before;
        filled += gave;
        native.decoded += gave;
        // What lies past the budget, or past a block's declared size, is not handed on.
        if (native.decoded > budget.bytes) {
          filled -= Math.min(gave, native.decoded - budget.bytes);
          throw new FormatError("xz stream", undefined, budget.why);
        }
        const inputAt = seg.at + word(TOTAL_IN) - header;
        if (ret !== LZMA_OK && (ret !== LZMA_STREAM_END || seg.block)) throw await options.failure(ret, inputAt);
        if (seg.block && word(TOTAL_OUT) > seg.block.out) {
          filled -= Math.min(gave, word(TOTAL_OUT) - seg.block.out);
          throw new FormatError("xz stream", inputAt, "corrupt data: a block decodes to more than its index says");
        }
        // A block has ended once liblzma has taken all its input (the check last) and had room to spare.
        const ended = seg.block
          ? fed === seg.size && word(AVAIL_IN) === 0 && word(AVAIL_OUT) > 0
          : ret === LZMA_STREAM_END;
        if (ended) {
          if (seg.block && word(TOTAL_OUT) !== seg.block.out)
            throw new FormatError("xz stream", inputAt, "corrupt data: a block decodes to less than its index says");
          flush();
          state.done = true;
          return;
        }
        if (filled === SLOT) flush();
      }
    } finally {
      flush();
    }
  }

  async function lane(i: number): Promise<void> {
    while (!stopped && next < failedAt) {
      const s = next++;
      try {
        await decode(i, s);
      } catch (e) {
        states[s]!.error = e;
        failedAt = Math.min(failedAt, s);
      }
      wakeAll();
    }
  }

  const work = Array.from({ length: lanes }, (_, i) => lane(i));
  // Pieces are gathered into chunks of exactly `chunk` bytes, the last excepted, across the ends of
  // blocks: a consumer sees the same chunks however the file was decoded.
  let out: Buffer | undefined;
  let outFill = 0;
  try {
    while (current < segments.length) {
      const state = states[current]!;
      const piece = state.pieces[0];
      if (!piece) {
        if (state.error !== undefined) throw state.error;
        if (state.done) {
          current++;
          wakeAll();
        } else await wait();
        continue;
      }
      out ??= options.pool ? options.pool.take(chunk) : Buffer.allocUnsafe(chunk);
      const k = Math.min(piece.n - piece.from, chunk - outFill);
      const from = piece.slot * SLOT + piece.from;
      out.set(slabView.subarray(from, from + k), outFill);
      outFill += k;
      piece.from += k;
      if (piece.from === piece.n) {
        state.pieces.shift();
        free.push(piece.slot);
        wakeAll();
      }
      if (outFill < chunk) continue;
      // A call that has returned is seen only once the event loop turns, which a consumer reading
      // full slots never lets it do: one turn per chunk keeps the lanes working while it reads.
      if (native.busy > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const full = out;
      out = undefined;
      outFill = 0;
      yield full;
    }
    if (out && outFill > 0) yield out.subarray(0, outFill);
  } finally {
    dropped.unregister(token);
    stopped = true;
    wakeAll();
    // lzma_end may not run while lzma_code does; awaiting the lanes means return() resolves with them ended.
    await Promise.all(work);
    native.release();
  }
}
