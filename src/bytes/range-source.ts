import { constants } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { FormatError } from "../core/errors.js";

/**
 * Bytes that can be read at any offset without being held whole: a file on disk, a part of one (an
 * archive member stored uncompressed), or a buffer already in memory. Decoders read their input
 * through it window by window, so a package's compressed payload is never held whole either.
 */
export interface RangeSource {
  readonly size: number;
  /**
   * Exactly `length` bytes from `offset`; a read past the end is an error, never a short read.
   * `into`: a buffer of at least `length` bytes the reader reuses, which a file is read into (bytes
   * already in memory come as a view of them instead).
   */
  read(offset: number, length: number, into?: Buffer): Promise<Buffer>;
  /** Lets go of what holds the bytes, where that is a file (a spilled member): its taker calls it once done. */
  close?(): Promise<void>;
}

export function bufferSource(bytes: Uint8Array): RangeSource {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    size: b.length,
    read: async (offset, length) => {
      checkRange(offset, length, b.length);
      return b.subarray(offset, offset + length);
    },
  };
}

/** `length` bytes of `source` from `offset`, as a source of their own. */
export function subSource(source: RangeSource, offset: number, length: number): RangeSource {
  checkRange(offset, length, source.size);
  return {
    size: length,
    read: (at, n, into) => {
      checkRange(at, n, length);
      return source.read(offset + at, n, into);
    },
  };
}

/** Which file a path named when it was listed (engine/walk.ts). */
export interface FileIdentity {
  dev: number;
  ino: number;
}

/** What a file is when the one opened is not the one listed at its path. */
export const SWAPPED = "changed while scanning: not the file that was listed (a directory above it was replaced?)";

/** A path as fs takes it: bytes that crossed to a worker thread arrive as a plain Uint8Array. */
export const fsPath = (path: string | Uint8Array): string | Buffer =>
  typeof path === "string" ? path : Buffer.from(path.buffer, path.byteOffset, path.byteLength);

/** Whether an open file is the one listed as `id`. */
export const isListed = (st: FileIdentity, id: FileIdentity): boolean => st.dev === id.dev && st.ino === id.ino;

/**
 * A regular file opened for positional reads: non-blocking, so a file swapped for a FIFO is refused
 * rather than waited on, and without following a last symlink unless `followLinks`. `expect`: the
 * file listed at the path, refused if another is found there; `shown`: the path errors name (where
 * `path` is one of /proc/self/fd's). `size`: its size when opened; a file that shrinks afterwards
 * gives an error at the read that finds it short.
 */
export async function fileSource(
  path: string | Uint8Array,
  followLinks = true,
  { expect, shown = fsPath(path).toString() }: { expect?: FileIdentity; shown?: string } = {},
): Promise<RangeSource & { close(): Promise<void> }> {
  const handle: FileHandle = await open(
    fsPath(path),
    constants.O_RDONLY | constants.O_NONBLOCK | (followLinks ? 0 : constants.O_NOFOLLOW),
  );
  let size: number;
  try {
    const st = await handle.stat();
    if (expect && !isListed(st, expect)) throw new FormatError(shown, undefined, SWAPPED);
    if (!st.isFile()) throw new FormatError(shown, undefined, "not a regular file (changed while scanning)");
    size = st.size;
  } catch (e) {
    await handle.close();
    throw e;
  }
  return {
    size,
    read: async (offset, length, into) => {
      checkRange(offset, length, size);
      const out = into && into.length >= length ? into.subarray(0, length) : Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, offset + done);
        if (bytesRead === 0) throw new FormatError(shown, offset + done, "file shrank while it was read");
        done += bytesRead;
      }
      return out;
    },
    close: () => handle.close(),
  };
}

function checkRange(offset: number, length: number, size: number): void {
  if (
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + length > size
  )
    throw new FormatError("byte range", offset, `${length} bytes from ${offset} lie outside ${size} bytes`);
}
