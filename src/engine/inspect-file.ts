import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import {
  inspectBytesWith,
  readDefinedSymbols,
  readExportReferences,
  type InspectOptions,
  type ParseSetup,
} from "../kmod/facts.js";
import { inspectInputWith, inspectSourceWith, STREAM_FROM, toOutcome } from "../kmod/inspect-input.js";
import { ARCHIVE_HEAD, isContainerStart } from "../bytes/archive.js";
import { fileSource, fsPath, isListed, SWAPPED } from "../bytes/range-source.js";
import { type FactBuilder, PLAIN_FACTS } from "../kmod/fact-builder.js";
import { errorOutcome, type InputResult } from "../core/outcome.js";
import { type DecodeLimits, WHOLE_MAX } from "../core/limits.js";
import { readFactRanges } from "./ranged-read.js";
import { UnreadBytes, type ReadRanges } from "../elf/byte-view.js";
import { Scratch } from "./scratch.js";
import type { FactPool } from "./intern.js";
import type { FileId } from "./walk.js";
import { openListedSync, SwappedError } from "./open-listed.js";

/** What became of one file: the unit that crosses from a worker thread to the main thread. */
export type FileOutcome = InputResult;

/**
 * A file the walk listed. `rawAbs`: its path as bytes, where a name on it is not UTF-8 (`abs` then
 * shows it escaped). `dir`: the directory it was listed in, which the read opens it in; `id` (where
 * there is no /proc to do that through): the file as listed, the read refusing any other.
 */
export interface FileTask {
  abs: string;
  followLinks: boolean;
  rawAbs?: Uint8Array;
  dir?: FileId;
  id?: FileId;
}

/**
 * Files from this size on are read by ranges when only facts are wanted. Below it (where a typical
 * module lies), one read of the whole file beats the four or five a ranged read makes; above it,
 * skipping code and relocations (most of a module) wins.
 */
const RANGED_FROM = 64 << 10;

export interface ReadOptions {
  /** Only module facts are wanted (no hash, no relocations): large plain files may be read by ranges. */
  factsOnly?: boolean;
  rangedFrom?: number;
  /**
   * Where the bytes go (Scratch: this thread's reusable buffer; the caller must be done with the
   * bytes before the next read).
   */
  scratch?: { take(size: number): Buffer };
  /**
   * From this size on, a compressed file or an archive is not read here but left to be read as it
   * is opened (kmod/inspect-input.ts streams it): `{ large }` says so.
   */
  streamFrom?: number;
  /** The file this must be (engine/walk.ts listed it so): another found at the path is an error. */
  expect?: FileId;
  /** The directory the walk listed it in: it is opened there (engine/open-listed.ts), or not at all. */
  listedIn?: FileId;
}

/**
 * One regular file's bytes, or why there are none. `ranged`: only these parts of `bytes` were read.
 * `sha256`: of `bytes`, an ELF file, when the thread that read it hashed it (engine/read-ahead.ts).
 * `code`: the errno code when the system refused the open or read (ENOENT, EACCES…).
 */
export type WholeRead =
  | { bytes: Buffer; ranged?: ReadRanges; sha256?: string }
  | { skip: string }
  | { error: string; code?: string };

/** A read that may leave a large package or image to be streamed (ReadOptions.streamFrom). */
export type FileRead = WholeRead | { large: number };

const errnoCode = (e: unknown): { code?: string } => {
  const code = (e as NodeJS.ErrnoException).code;
  return code === undefined ? {} : { code };
};

function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return `${err.code ?? ""} ${String(err.message ?? e).replace(/^\w+: /, "")}`.trim();
}

/**
 * Reads one regular file whole, synchronously (a worker thread reads many files back to back, and
 * the thread pool round trips of async reads cost more than the reads). Opened non-blocking and
 * checked with fstat after opening, so a file swapped for a FIFO or device between listing and
 * reading is reported instead of blocking, and a swapped-in symlink is refused where links are
 * not to be followed.
 */
export function readRegularFileSync(
  abs: string | Uint8Array,
  followLinks: boolean,
  maxBytes: number,
  options?: ReadOptions & { streamFrom?: undefined },
): WholeRead;
export function readRegularFileSync(
  abs: string | Uint8Array,
  followLinks: boolean,
  maxBytes: number,
  options: ReadOptions,
): FileRead;
export function readRegularFileSync(
  abs: string | Uint8Array,
  followLinks: boolean,
  maxBytes: number,
  options: ReadOptions = {},
): FileRead {
  let fd: number;
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (followLinks ? 0 : constants.O_NOFOLLOW);
  try {
    fd = options.listedIn ? openListedSync({ path: abs, dir: options.listedIn }, flags) : openSync(fsPath(abs), flags);
  } catch (e) {
    if (e instanceof SwappedError) return { error: e.message };
    if ((e as NodeJS.ErrnoException).code === "ELOOP" && !followLinks) return { skip: "symbolic link, not followed" };
    return { error: `cannot open: ${errnoText(e)}`, ...errnoCode(e) };
  }
  try {
    const st = fstatSync(fd);
    if (options.expect && !isListed(st, options.expect)) return { error: SWAPPED };
    if (!st.isFile()) return { skip: "not a regular file (changed while scanning)" };
    if (st.size > maxBytes) return { error: `file of ${st.size} bytes exceeds the ${maxBytes}-byte limit per file` };
    if (st.size >= (options.streamFrom ?? Number.POSITIVE_INFINITY) && isContainer(fd)) return { large: st.size };
    if (st.size > WHOLE_MAX)
      return {
        error: `file of ${st.size} bytes: larger than the ${WHOLE_MAX} bytes one buffer holds, the most a file read whole can be`,
      };
    const bytes = options.scratch ? options.scratch.take(st.size) : Buffer.allocUnsafe(st.size);
    const ranged =
      options.factsOnly && st.size >= (options.rangedFrom ?? RANGED_FROM) ? readFactRanges(fd, bytes) : null;
    if (ranged) return { bytes, ranged };
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, bytes, got, st.size - got, got);
      if (n === 0) break; // the file shrank while being read: parse what is there
      got += n;
    }
    return { bytes: got === st.size ? bytes : bytes.subarray(0, got) };
  } catch (e) {
    return { error: `cannot read: ${errnoText(e)}`, ...errnoCode(e) };
  } finally {
    closeSync(fd);
  }
}

/** A task's file, read as readRegularFileSync reads it, and refused if it is not the file listed. */
export function readTaskSync(
  task: FileTask,
  maxBytes: number,
  options?: ReadOptions & { streamFrom?: undefined },
): WholeRead;
export function readTaskSync(task: FileTask, maxBytes: number, options: ReadOptions): FileRead;
export function readTaskSync(task: FileTask, maxBytes: number, options: ReadOptions = {}): FileRead {
  return readRegularFileSync(task.rawAbs ?? task.abs, task.followLinks, maxBytes, {
    ...options,
    ...(task.id ? { expect: task.id } : {}),
    ...(task.dir ? { listedIn: task.dir } : {}),
  });
}

/** Whether an open file starts as a compressed file or an archive does. */
function isContainer(fd: number): boolean {
  const head = Buffer.alloc(ARCHIVE_HEAD);
  const n = readSync(fd, head, 0, head.length, 0);
  return isContainerStart(head.subarray(0, n));
}

/**
 * What a reading thread reuses from file to file: buffers (the outcome is plain data, so they are
 * free again on return) and what makes its facts' objects.
 */
export interface ThreadBuffers {
  read: Scratch;
  decoded: Scratch;
  builder: FactBuilder;
}

/**
 * `pool`: the facts the modules read here share with the scan's others, given on the thread that
 * keeps them. A worker thread shares nothing: its facts cross to the main thread through the wire,
 * whose decoder makes them anew and shares them there (engine/wire.ts), so a pool of its own would
 * cost it time for nothing.
 */
export const threadBuffers = (pool?: FactPool): ThreadBuffers => ({
  read: new Scratch(),
  decoded: new Scratch(),
  builder: pool ?? PLAIN_FACTS,
});

/** The outcome of a file that could not be read. */
const unread = (read: { skip: string } | { error: string }): FileOutcome => ({
  self: "skip" in read ? { kind: "skipped", reason: read.skip } : { kind: "error", message: read.error },
  members: [],
});

/** `given`: the file as another thread already read it, whole (engine/read-ahead.ts). */
export async function inspectFile(
  task: FileTask,
  options: InspectOptions,
  buffers?: ThreadBuffers,
  given?: FileRead,
): Promise<FileOutcome> {
  // Without a hash to compute, a plain module needs only the sections its facts come from.
  const factsOnly = options.hash === false && !options.references;
  const scratch = buffers ? { scratch: buffers.read } : {};
  let read =
    given ??
    readTaskSync(task, options.limits.maxDecompressedBytes, {
      factsOnly,
      streamFrom: STREAM_FROM,
      ...scratch,
    });
  if ("large" in read) return inspectLarge(task, options, buffers);
  if (!("bytes" in read)) return unread(read);
  try {
    // A scan decodes section headers directly, for speed, whatever its report (elf/elfy-adapter.ts);
    // a corpus test and a differential fuzz test hold it to elfy's facts.
    const setup: ParseSetup = { decoder: "direct", builder: buffers?.builder ?? PLAIN_FACTS };
    const bulk: InspectOptions = read.sha256 ? { ...options, hash: false } : options;
    if (read.ranged) {
      try {
        const inspection = await inspectBytesWith(read.bytes, bulk, { ...setup, readRanges: read.ranged });
        return { self: toOutcome(inspection), members: [] };
      } catch (e) {
        if (!(e instanceof UnreadBytes)) throw e;
      }
      // Its facts needed bytes the ranges left out: read it whole, as if it had never been ranged.
      read = readTaskSync(task, options.limits.maxDecompressedBytes, scratch);
      if (!("bytes" in read)) return unread(read);
    }
    const into = buffers ? (n: number) => buffers.decoded.take(n) : undefined;
    const result = await inspectInputWith(read.bytes, bulk, setup, into);
    // Hashed already, as an ELF file: neither compressed nor an archive, so it is the file's own facts.
    if (read.sha256 && result.self?.kind === "facts") result.self.facts.sha256 = read.sha256;
    return result;
  } catch (e) {
    return { self: errorOutcome(e), members: [] };
  }
}

/** A package or an image, read as it is opened instead of whole first. */
async function inspectLarge(task: FileTask, options: InspectOptions, buffers?: ThreadBuffers): Promise<FileOutcome> {
  let source: Awaited<ReturnType<typeof fileSource>>;
  let listed: number | undefined;
  try {
    const path = task.rawAbs ?? task.abs;
    // Opened in the directory it was listed in, then once more through that descriptor for the
    // positional reads of a FileHandle: the very file, whatever its path leads to by then.
    if (task.dir) listed = openListedSync({ path, dir: task.dir }, constants.O_RDONLY | constants.O_NONBLOCK);
    source = await fileSource(
      listed === undefined ? path : `/proc/self/fd/${listed}`,
      listed !== undefined || task.followLinks,
      {
        ...(task.id ? { expect: task.id } : {}),
        shown: task.abs,
      },
    );
  } catch (e) {
    return { self: errorOutcome(e), members: [] };
  } finally {
    if (listed !== undefined) closeSync(listed);
  }
  try {
    const setup: ParseSetup = { decoder: "direct", builder: buffers?.builder ?? PLAIN_FACTS };
    return await inspectSourceWith(source, options, setup, {
      ...(buffers ? { member: (n: number) => buffers.decoded.take(n) } : {}),
    });
  } catch (e) {
    return { self: errorOutcome(e), members: [] };
  } finally {
    await source.close();
  }
}

/**
 * Reads a file inspected earlier once more for what the facts do not keep. `none` when it can no
 * longer be read: it was readable a moment ago, and what asked can do without.
 */
async function readAgain<T>(
  task: FileTask,
  limits: DecodeLimits,
  read: (bytes: Buffer, limits: DecodeLimits) => Promise<T>,
  none: T,
): Promise<T> {
  const file = readTaskSync(task, limits.maxDecompressedBytes);
  if (!("bytes" in file)) return none;
  try {
    return await read(file.bytes, limits);
  } catch {
    return none;
  }
}

/** Without references the shim rule stays silent. */
export const referencesOfFile = (task: FileTask, limits: DecodeLimits): Promise<Record<string, string[]>> =>
  readAgain(task, limits, readExportReferences, {});

/** Without definitions a blob finds its kernel by directory alone. */
export const definedSymbolsOfFile = (task: FileTask, limits: DecodeLimits): Promise<Set<string>> =>
  readAgain(task, limits, readDefinedSymbols, new Set<string>());
