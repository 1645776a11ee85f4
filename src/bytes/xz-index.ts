import { crc32 } from "node:zlib";
import { FormatError } from "../core/errors.js";

/**
 * What an xz file's indexes declare, read from the end. Each stream ends in a 12-byte footer that
 * gives its index's size ((Backward Size + 1) × 4); the index lists, per block, its unpadded and
 * uncompressed sizes as variable-length integers, from which the stream's start follows, where a
 * header must begin. Streams are concatenated, with zero padding between them, and decode as one
 * output (as `xz -dc` decodes them): each is walked, back to the first.
 *
 * The parse asks for its bytes one offset at a time (it yields the offset, and is given the byte
 * there), so that bytes in memory (xzDeclaredSize) and a source read a window at a time
 * (xz-stream.ts) are read by the same code. `size`: the length of the xz file.
 */
export interface XzDeclared {
  /** Uncompressed bytes the streams walked declare: a lower bound of the output, exact when `whole`. */
  bytes: number;
  /** Streams walked from the end. */
  streams: number;
  /** Every stream back to the file's first byte was walked. */
  whole: boolean;
  /** More streams were left than the walk reads (XZ_STREAMS_WALKED): the file is refused. */
  tooMany?: boolean;
}

/** Streams walked at most: a bound on the parse's own work (real files hold one, or a few). */
export const XZ_STREAMS_WALKED = 1 << 12;
/** Padding between streams crossed at most, likewise. */
const MAX_PADDING = 1 << 12;
const HEADER_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];

/** Undefined when the file does not end in a well-formed footer and index: the decoder then finds out for itself. */
export function* xzIndexParse(size: number): Generator<number, XzDeclared | undefined, number> {
  return yield* walk(size);
}

/** One block of an xz file, where its stream's index puts it. */
export interface XzBlock {
  /** Offset of its stream's header, whose 12 bytes a decoder of this block alone is given first. */
  stream: number;
  /** Offset of the block's header, and its size there: header, data, padding and check. */
  at: number;
  size: number;
  /** Uncompressed bytes its index declares. */
  out: number;
}

/**
 * Every block of the file, front to back, for decoding blocks apart (xz-lanes.ts); undefined unless
 * every stream back to the first byte was walked, with its index's CRC32 right, and the blocks
 * number at most `maxBlocks`. A decoder given a block alone trusts the index for where the block
 * is, so only an index that is whole is taken.
 */
export function* xzBlocksParse(size: number, maxBlocks: number): Generator<number, XzBlock[] | undefined, number> {
  const streams: XzBlock[][] = [];
  const declared = yield* walk(size, { streams, maxBlocks, listed: 0 });
  return declared?.whole ? streams.reverse().flat() : undefined;
}

/** Where xzBlocksParse wants the blocks: a list per stream, from the last stream back. */
interface BlockList {
  streams: XzBlock[][];
  maxBlocks: number;
  /** Blocks in `streams` so far. */
  listed: number;
}

function* walk(size: number, list?: BlockList): Generator<number, XzDeclared | undefined, number> {
  const last = yield* streamEndingAt(size, list);
  if (!last) return undefined;
  let bytes = last.bytes;
  let streams = 1;
  let end = last.start;
  for (;;) {
    // Stream padding: null bytes, four at a time.
    let padding = 0;
    while (end >= 4 && padding < MAX_PADDING) {
      let zero = true;
      for (let i = 1; i <= 4 && zero; i++) zero = (yield end - i) === 0;
      if (!zero) break;
      end -= 4;
      padding += 4;
    }
    if (end === 0) return { bytes, streams, whole: true };
    if (streams === XZ_STREAMS_WALKED) return { bytes, streams, whole: false, tooMany: true };
    const before = yield* streamEndingAt(end, list);
    if (!before) return { bytes, streams, whole: false };
    bytes += before.bytes;
    streams++;
    end = before.start;
  }
}

/**
 * The stream whose footer ends at `end`: what its index declares, and where its header starts.
 * With `list`, its blocks too, and undefined for an index that fails its CRC32 or holds more blocks
 * than are left to list.
 */
function* streamEndingAt(
  end: number,
  list?: BlockList,
): Generator<number, { bytes: number; start: number } | undefined, number> {
  if (end < 24) return undefined;
  // Front to back, so that a reader of windows reads the footer's end in one.
  let backward = 0;
  for (let i = 0; i < 4; i++) backward += (yield end - 8 + i) * 256 ** i;
  if ((yield end - 2) !== 0x59 || (yield end - 1) !== 0x5a) return undefined;
  const indexSize = (backward + 1) * 4;
  const indexAt = end - 12 - indexSize;
  let at = indexAt;
  if (at < 12 || (yield at) !== 0x00) return undefined;
  at++;
  const indexEnd = end - 12 - 4; // the index ends with padding and a CRC32
  // The index's bytes as read, for its CRC32: only where blocks are listed, whose count bounds them.
  const seen: number[] | undefined = list ? [0x00] : undefined;
  function* vli(): Generator<number, number | undefined, number> {
    let value = 0;
    for (let shift = 0; shift < 63 && at < indexEnd; shift += 7) {
      const b = yield at++;
      seen?.push(b);
      value += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return value;
    }
    return undefined;
  }
  const records = yield* vli();
  if (records === undefined || records > indexSize) return undefined;
  if (list && records > list.maxBlocks - list.listed) return undefined;
  const sizes: number[] = [];
  let bytes = 0;
  let blocks = 0;
  for (let i = 0; i < records; i++) {
    const unpadded = yield* vli();
    const blockSize = yield* vli();
    if (unpadded === undefined || blockSize === undefined) return undefined;
    blocks += Math.ceil(unpadded / 4) * 4;
    bytes += blockSize;
    if (list) sizes.push(Math.ceil(unpadded / 4) * 4, blockSize);
  }
  const start = indexAt - blocks - 12;
  if (start < 0) return undefined;
  for (let i = 0; i < HEADER_MAGIC.length; i++) if ((yield start + i) !== HEADER_MAGIC[i]) return undefined;
  if (list && seen) {
    // What liblzma checks once it reads a footer, which a decoder of blocks never gives it: the
    // footer's own CRC32, and its flags (the check type) the same as the header's.
    const footer: number[] = [];
    for (let i = 12; i > 0; i--) footer.push(yield end - i);
    const footerCrc = footer[0]! + footer[1]! * 2 ** 8 + footer[2]! * 2 ** 16 + footer[3]! * 2 ** 24;
    if (crc32(Uint8Array.from(footer.slice(4, 10))) !== footerCrc) return undefined;
    if ((yield start + 6) !== footer[8] || (yield start + 7) !== footer[9]) return undefined;
    if (at + ((4 - ((at - indexAt) % 4)) % 4) !== indexEnd) return undefined;
    while (at < indexEnd) if ((yield at++) !== 0) return undefined;
    let stored = 0;
    for (let i = 0; i < 4; i++) stored += (yield indexEnd + i) * 256 ** i;
    for (let i = seen.length; i < indexEnd - indexAt; i++) seen.push(0);
    if (crc32(Uint8Array.from(seen)) !== stored) return undefined;
    const own: XzBlock[] = [];
    let blockAt = start + 12;
    for (let i = 0; i < sizes.length; i += 2) {
      own.push({ stream: start, at: blockAt, size: sizes[i]!, out: sizes[i + 1]! });
      blockAt += sizes[i]!;
    }
    list.streams.push(own);
    list.listed += own.length;
  }
  return { bytes, start };
}

export function xzDeclared(bytes: Uint8Array): XzDeclared | undefined {
  const parse = xzIndexParse(bytes.length);
  let step = parse.next();
  while (!step.done) step = parse.next(bytes[step.value]!);
  return step.value;
}

/** The uncompressed size the file's streams declare, where every one of them could be walked. */
export function xzDeclaredSize(bytes: Uint8Array): number | undefined {
  const d = xzDeclared(bytes);
  return d?.whole ? d.bytes : undefined;
}

/**
 * Refuses, before a byte is decoded, streams whose indexes declare more than the budget allows, and
 * a file of more streams than the walk of their indexes reads (real files hold one, or a few; a
 * bomb spread over more would otherwise go uncounted).
 */
export function refuseDeclared(declared: XzDeclared | undefined, budget: { bytes: number; why: string }): void {
  if (declared?.tooMany)
    throw new FormatError(
      "xz stream",
      undefined,
      `more than ${XZ_STREAMS_WALKED} concatenated streams, more than are read before decoding (a bound on work)`,
    );
  if (declared === undefined || declared.bytes <= budget.bytes) return;
  const { bytes, streams, whole } = declared;
  const what = whole
    ? `declares ${bytes} bytes${streams > 1 ? ` in ${streams} concatenated streams` : ""}`
    : `declares at least ${bytes} bytes in its last ${streams} stream${streams > 1 ? "s" : ""} alone`;
  throw new FormatError("xz stream", undefined, `${what}: ${budget.why}`);
}
