import { createHash } from "node:crypto";
import { hasElfMagic } from "../elf/header.js";
import { STREAM_FROM } from "../kmod/inspect-input.js";
import { readTaskSync, type FileRead, type FileTask } from "./inspect-file.js";

/**
 * Reading and hashing files on one thread while another parses them. A report that gives each
 * module's SHA-256 (JSON; blob licenses declared by hash) reads every file whole and hashes it: a
 * good part of a JSON scan, all of it on the thread that parses, as that thread parses a plain tree
 * alone (engine/pool.ts says why). A worker reads and hashes the next batch meanwhile, into memory
 * both threads see, so the bytes cross no wire and are not copied. Only ELF files are hashed there:
 * a compressed file's sha256 is of its decompressed bytes, hashed where it is decompressed.
 */

/** Asks a worker to read `tasks` whole into `into`, as readRegularFileSync would. */
export interface ReadRequest {
  id: number;
  read: FileTask[];
  into: SharedArrayBuffer;
  maxBytes: number;
}

/**
 * One file as the reader left it: `at`/`size` in the shared region, or in `own`, a buffer of its
 * own for a file the region had no room left for (sent along, not copied). `sha256` when the file
 * is ELF as it is: its bytes are the ones a module's sha256 is of.
 */
export type PlacedRead =
  | { at: number; size: number; own?: ArrayBuffer; sha256?: string }
  | { large: number }
  | { skip: string }
  | { error: string; code?: string };

export interface ReadResponse {
  id: number;
  reads: PlacedRead[];
}

/** Regions the main thread lends the reader: one being parsed, one being filled, one spare. */
const REGIONS = 3;
/**
 * Room for a batch of typical modules several times over; a file that finds no room gets its own
 * buffer. Only the pages a read touches count towards memory.
 */
const REGION_BYTES = 8 << 20;

/** Consecutive buffers in a region, and buffers of their own once it is full. */
class Placement {
  #used = 0;
  readonly #region: Buffer;

  constructor(region: SharedArrayBuffer) {
    this.#region = Buffer.from(region);
  }

  take(size: number): Buffer {
    // Eight-byte aligned, as a buffer of its own would be.
    const at = (this.#used + 7) & ~7;
    return at + size <= this.#region.length
      ? this.#region.subarray(at, (this.#used = at + size))
      : Buffer.allocUnsafeSlow(size);
  }

  /** Where the last file read went. */
  placed(read: FileRead): PlacedRead {
    if (!("bytes" in read)) return read;
    const { bytes } = read;
    return {
      at: bytes.byteOffset,
      size: bytes.length,
      // A file that shrank while read is a view of the start of its own buffer.
      ...(bytes.buffer === this.#region.buffer ? {} : { own: bytes.buffer as ArrayBuffer }),
      ...(hasElfMagic(bytes) ? { sha256: createHash("sha256").update(bytes).digest("hex") } : {}),
    };
  }
}

/** On the reading thread: reads a batch into the region it was lent. */
export function readBatch(req: ReadRequest): { reads: PlacedRead[]; transfer: ArrayBuffer[] } {
  const placement = new Placement(req.into);
  const reads = req.read.map((t) =>
    placement.placed(readTaskSync(t, req.maxBytes, { scratch: placement, streamFrom: STREAM_FROM })),
  );
  const transfer = reads.flatMap((r) => ("own" in r && r.own ? [r.own] : []));
  return { reads, transfer };
}

/** On the parsing thread: the reads as readRegularFileSync would have returned them. */
export function receivedReads(region: SharedArrayBuffer, reads: readonly PlacedRead[]): FileRead[] {
  return reads.map((r) => {
    if (!("at" in r)) return r;
    const bytes = Buffer.from(r.own ?? region, r.at, r.size);
    return r.sha256 ? { bytes, sha256: r.sha256 } : { bytes };
  });
}

/** The regions the parsing thread lends, each to one batch at a time. */
export class Regions {
  readonly #free: SharedArrayBuffer[] = [];
  readonly #waiting: ((r: SharedArrayBuffer) => void)[] = [];
  #made = 0;

  constructor(
    readonly count = REGIONS,
    readonly bytes = REGION_BYTES,
  ) {}

  acquire(): Promise<SharedArrayBuffer> {
    let r = this.#free.pop();
    if (!r && this.#made < this.count) {
      this.#made++;
      r = new SharedArrayBuffer(this.bytes);
    }
    return r ? Promise.resolve(r) : new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Once nothing made from the region's bytes refers to them: facts are strings and numbers. */
  release(r: SharedArrayBuffer): void {
    const next = this.#waiting.shift();
    if (next) next(r);
    else this.#free.push(r);
  }
}
