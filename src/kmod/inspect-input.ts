import { createHash } from "node:crypto";
import { ARCHIVE_HEAD, type ArchiveKind, archiveMembers, isContainerStart, sniffArchive } from "../bytes/archive.js";
import { ByteStream } from "../bytes/byte-stream.js";
import { ChunkPool } from "../bytes/chunk-pool.js";
import { DecodeBudget } from "../bytes/decode-budget.js";
import { isLzmaAlone, lzmaAloneChunks } from "../bytes/lzma-alone.js";
import type { Member } from "../bytes/member.js";
import { decompressChunks } from "../bytes/decompress-stream.js";
import type { OutputBuffer } from "../bytes/output-buffer.js";
import { bufferSource, type RangeSource } from "../bytes/range-source.js";
import { DEFAULT_CHUNK } from "../bytes/stream-input.js";
import { decompress, sniffCompression } from "../bytes/sniff.js";
import { FormatError } from "../core/errors.js";
import type { Compression } from "../core/facts.js";
import { outputBudget } from "../core/limits.js";
import { errorOutcome, type InputResult, type Outcome } from "../core/outcome.js";
import { hasElfMagic } from "../elf/header.js";
import { NameIndex } from "./name-index.js";
import { describeStart, type Inspection, type InspectOptions, inspectDecompressed, type ParseSetup } from "./facts.js";

export const toOutcome = (r: Inspection): Outcome =>
  r.outcome === "facts"
    ? { kind: "facts", facts: r.facts, bytes: r.bytes }
    : { kind: "skipped", reason: r.reason, bytes: r.bytes };

/**
 * A compressed input from this size on is decoded as its archive's members are read, never whole:
 * a package's payload. Below it (every module, compressed or not), decoding whole first is faster.
 */
export const STREAM_FROM = 8 << 20;

/**
 * A compressed input under STREAM_FROM is decoded whole only while its output stays under this:
 * past it (a small file that decodes to a large archive) it is decoded again as a stream, so what
 * an input holds decoded at once stays bounded whatever it decodes to.
 */
const WHOLE_UP_TO = 32 << 20;

/** Enough of a file's start to tell compression, ELF and every archive apart. */
const HEAD = ARCHIVE_HEAD;

/**
 * Opens one input by content, all the way down: compression, then archives (tar, cpio including
 * concatenated initramfs segments, ar/.deb, RPM, ISO 9660, vmtar) inside one another, to the ELF
 * objects at the leaves. A member's path is its provenance chain joined by "!/". A damaged archive
 * is an error at its own path; the members read before the damage stay.
 */
export function inspectInput(input: Buffer, options: InspectOptions): Promise<InputResult> {
  return inspectInputWith(input, options, {});
}

/** inspectInput, run as `setup` says; `into`: where the input's own decompressed bytes may go. */
export function inspectInputWith(
  input: Buffer,
  options: InspectOptions,
  setup: ParseSetup,
  into?: OutputBuffer,
): Promise<InputResult> {
  return inspectSourceWith(bufferSource(input), options, setup, { into });
}

/** Where bytes may go that are needed only for a moment (a thread's reusable buffers). */
export interface InputBuffers {
  /** The input's own decompressed bytes. */
  into?: OutputBuffer;
  /** A streamed member's bytes, when it is a module read as it streams past. */
  member?: OutputBuffer;
}

/**
 * inspectInputWith for bytes read as they are needed. A large compressed tar, cpio or ar (a
 * package's data.tar.xz, an initramfs) is decoded as its members are read, and a member that
 * cannot be a module (no ELF, compression or archive at its start) is passed over unread, so only a
 * module's own bytes are ever held whole.
 */
export async function inspectSourceWith(
  input: RangeSource,
  options: InspectOptions,
  setup: ParseSetup,
  buffers: InputBuffers = {},
): Promise<InputResult> {
  const result: InputResult = { members: [] };
  const listsSkips = options.listSkippedMembers !== false;
  const report = (path: string, outcome: Outcome) => {
    if (path === "") result.self = outcome;
    else if (outcome.kind === "skipped" && !listsSkips) count(path, outcome);
    else result.members.push({ path, outcome });
  };
  // The skip counted last, for a hard link to the member it was: the link is that skip again.
  let lastSkip = "";
  const count = (path: string, skip: Extract<Outcome, { kind: "skipped" }>) => {
    lastSkip = skip.reason;
    result.counted ??= { count: 0, bytes: 0, first: { path, reason: skip.reason } };
    result.counted.count++;
    result.counted.bytes += skip.bytes ?? 0;
  };
  const reported = () => result.members.length + (result.self ? 1 : 0) + (result.counted?.count ?? 0);
  let spare = buffers.into;
  let members = 0;
  const budget = DecodeBudget.of(input.size, options.limits);
  // Members opened as inputs of their own (compressed, or archives), by their bytes: the same bytes
  // under another name (an ISO's entries sharing an extent, a copy) are decoded once.
  const opened = new Map<string, Gave>();

  const open = async (source: RangeSource, path: string, depth: number): Promise<void> => {
    let plain: Buffer | ByteStream;
    let compression: Compression | null;
    let lzma = false;
    // Where a member's bytes decoded whole may go: the buffer its inspection reuses.
    const leaf = depth > 0 ? buffers.member : undefined;
    try {
      const head = await source.read(0, Math.min(source.size, HEAD));
      const codec = sniffCompression(head);
      // Null where it is compressed again inside: then decoded whole, under the full limits, below.
      const decoded = !codec
        ? null
        : source.size >= STREAM_FROM
          ? await streamOf(source, codec.kind)
          : await decodeWhole(source, codec.kind, leaf);
      if (!codec && isLzmaAlone(head)) {
        // Legacy .lzma, which only packages and initramfs images use: always decoded as read.
        plain = ByteStream.ofChunks(budget.metered(lzmaAloneChunks(source, options.limits), "lzma stream"));
        compression = null;
        lzma = true;
      } else if (decoded) {
        plain = decoded;
        compression = codec!.kind;
      } else if (!codec && sniffArchive(head)) {
        // An archive as it is (a .deb's ar, an ISO): read in place, its members parts of the source.
        plain = ByteStream.ofSource(source);
        compression = null;
      } else ({ bytes: plain, compression } = await decodeAll(await source.read(0, source.size), options.limits, leaf));
    } catch (e) {
      return void report(path, errorOutcome(e));
    }
    const stream = plain instanceof ByteStream ? plain : null;
    try {
      const kind = sniffArchive(stream ? await stream.peek(HEAD) : (plain as Buffer));
      if (!kind && lzma) {
        const outcome = lzmaContent(await stream!.peek(HEAD));
        // Decoded to its end all the same, so that damage or a bomb is reported as with any other compression.
        await stream!.skip(Number.MAX_SAFE_INTEGER);
        return void report(path, outcome);
      }
      if (!kind) return void report(path, inspectOne(stream ? await readAll(stream) : (plain as Buffer), compression));
      // An archive decoded into that buffer is copied out first: its own members' bytes go there.
      const held = leaf && compression && !stream ? Buffer.from(plain as Buffer) : (plain as Buffer);
      await openArchive(kind, stream ?? ByteStream.ofSource(bufferSource(held)), path, depth);
    } catch (e) {
      report(path, errorOutcome(e));
    } finally {
      await stream?.close();
    }
  };

  const inspectOne = (bytes: Buffer, compression: Compression | null): Outcome => {
    try {
      return toOutcome(inspectDecompressed(bytes, compression, options, setup));
    } catch (e) {
      return errorOutcome(e);
    }
  };

  /**
   * Undoes the compression of `bytes` whole, its output charged to the budget. Only the first
   * decoding (the input itself) may use the caller's buffer: what is decoded later — members, a
   * cpio's next segment — are views of bytes that must stay intact meanwhile. `leaf`: where a
   * member's output may go instead, when whatever keeps it beyond its inspection copies it.
   */
  const decodeAll = async (bytes: Buffer, limits: InspectOptions["limits"], leaf?: OutputBuffer) => {
    const target = spare ?? leaf;
    spare = undefined;
    const decoded = await decompress(bytes, limits, target);
    if (decoded.compression) budget.charge(decoded.bytes.length, `${decoded.compression} stream`, 0);
    return decoded;
  };

  /**
   * A small compressed input decoded whole, as long as it decodes to little; one that decodes to
   * more is streamed. Null where the usual whole decoding bounds it already, or where it is
   * compressed again inside.
   */
  const decodeWhole = async (
    source: RangeSource,
    kind: Compression,
    leaf?: OutputBuffer,
  ): Promise<Buffer | ByteStream | null> => {
    if (outputBudget(source.size, options.limits).bytes <= WHOLE_UP_TO) return null;
    try {
      return (
        await decodeAll(
          await source.read(0, source.size),
          { ...options.limits, maxDecompressedBytes: WHOLE_UP_TO },
          leaf,
        )
      ).bytes;
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
    }
    // Past the cap, or damaged: streamed, the damage is found again and reported where it lies.
    return streamOf(source, kind);
  };

  /** A stream of the decoded bytes, unless they are compressed again (then decoded whole, as ever). */
  const streamOf = async (source: RangeSource, kind: Compression): Promise<ByteStream | null> => {
    const pool = new ChunkPool(DEFAULT_CHUNK);
    const stream = ByteStream.ofChunks(
      budget.metered(decompressChunks(kind, source, options.limits, { pool }), `${kind} stream`),
      pool,
    );
    if (!sniffCompression(await stream.peek(16))) return stream;
    await stream.close();
    return null;
  };

  const openArchive = async (kind: ArchiveKind, s: ByteStream, path: string, depth: number): Promise<void> => {
    if (depth >= options.limits.maxContainerDepth)
      return void report(path, {
        kind: "error",
        message: `${kind} archive nested more than ${options.limits.maxContainerDepth} deep (--max-container-depth)`,
      });
    const before = reported();
    try {
      const list = archiveMembers(kind, s);
      // What each member of this archive gave, by its name: a hard link gives what its target gave.
      // Only tar and cpio name a link's target; the other kinds need no such list.
      const gave = new NameIndex<Gave | string>();
      const links = kind === "tar" || kind === "cpio";
      let next = await list.next();
      for (; !next.done; next = await list.next()) {
        const m = next.value;
        if (!m.regular && !m.damage && (m.type ?? "directory") === "directory") continue; // holds no file itself
        admit(1, kind, m.offset);
        const name = memberName(m.name);
        const child = path === "" || name === "" ? path || name : `${path}!/${name}`;
        const at = mark();
        if (m.damage) report(child, errorOutcome(m.damage));
        else if (m.type === "hard link") linked(kind, m, child, gave.get(memberName(m.linkTo ?? "")));
        else if (!m.regular) report(child, { kind: "skipped", reason: entryReason(m) });
        else {
          const head = await m.head(HEAD);
          const refused = expansionRefused(kind, m, options.limits);
          if (passedOver(head)) report(child, { kind: "skipped", reason: describeStart(head), bytes: m.size });
          else if (refused) report(child, errorOutcome(refused));
          else {
            // Holes are decoded bytes to the input's budget: one member's expansion is bounded, many members' are not.
            if (m.stored !== undefined) budget.charge(m.size - m.stored, `${kind} sparse member`, m.offset);
            if (isPlainModule(head) && s.remaining === undefined) {
              // A module streaming past is copied out of the decoder's chunks once, into a buffer the
              // thread reuses: its facts keep nothing of its bytes.
              const bytes = await m.bytes(buffers.member);
              report(child, inspectOne(bytes, null));
            } else await openMember(kind, m, child, depth + 1);
          }
        }
        if (!links) continue;
        const given = givenSince(child, at);
        if (given.to === given.from && given.counted === 1) gave.set(name, lastSkip);
        else if (given.to > given.from || given.counted > 0) gave.set(name, given);
      }
      if (next.value) await open(next.value, path, depth);
      // What follows the archive's end is decoded too: damage there is damage to the input.
      await s.skip(Number.MAX_SAFE_INTEGER);
    } catch (e) {
      report(path, errorOutcome(e));
    }
    // An archive that holds no file at all is still a file the scan reached.
    if (reported() === before)
      report(path, { kind: "skipped", reason: `${kind} archive holding no files`, bytes: s.offset });
  };

  /** Counts `n` more members of the input against --max-members. */
  const admit = (n: number, kind: ArchiveKind, offset: number) => {
    members += n;
    if (members > options.limits.maxMembers)
      throw new FormatError(
        `${kind} archive`,
        offset,
        `more than ${options.limits.maxMembers} members (--max-members)`,
      );
  };

  /** Where the outcomes reported from now on begin, for givenSince. */
  const mark = () => ({ from: result.members.length, counted: result.counted?.count ?? 0 });
  /** What was reported at `path` and below since `at`. */
  const givenSince = (path: string, at: ReturnType<typeof mark>): Gave => ({
    path,
    from: at.from,
    to: result.members.length,
    counted: (result.counted?.count ?? 0) - at.counted,
  });

  /** A member opened as an input of its own, unless the same bytes were opened before: then what they gave. */
  const openMember = async (kind: ArchiveKind, m: Member, child: string, depth: number) => {
    const data = await m.data();
    try {
      const key = await contentKey(data);
      const same = opened.get(key);
      if (same) return givenAgain(kind, m, child, same);
      const at = mark();
      await open(data, child, depth);
      opened.set(key, givenSince(child, at));
    } finally {
      await data.close?.();
    }
  };

  /**
   * A hard link is its target under another name: what the target gave (facts, a skip, nested
   * members) is given again at the link's path. `target`: where the target's outcomes lie.
   */
  const linked = (kind: ArchiveKind, m: Member, child: string, target: Gave | string | undefined) => {
    if (!target)
      return void report(child, { kind: "skipped", reason: `hard link to "${m.linkTo}", which no earlier member is` });
    // A member skipped and counted, not listed: its reason.
    if (typeof target === "string") return void report(child, { kind: "skipped", reason: target, bytes: 0 });
    givenAgain(kind, m, child, target);
  };

  /** What `target` gave, given again at `child`: decoded once, it counts no decoded bytes again. */
  const givenAgain = (kind: ArchiveKind, m: Member, child: string, target: Gave) => {
    // Each outcome given again counts as a member: links to a large nested archive multiply it.
    admit(target.to - target.from + target.counted - 1, kind, m.offset);
    for (let i = target.from; i < target.to; i++) {
      const { path: p, outcome } = result.members[i]!;
      report(child + p.slice(target.path.length), again(outcome));
    }
    // Skips counted, not listed, below the target: as many again (the first of them stays the example).
    if (target.counted > 0) result.counted!.count += target.counted;
  };

  await open(input, "", 0);
  return result;
}

/** An outcome given again under another name: decoded once, it counts no decoded bytes again. */
const again = (o: Outcome): Outcome => (o.kind === "error" ? o : { ...o, bytes: 0 });

/** Names a member's bytes, whatever its name: their sha256, read a window at a time. */
async function contentKey(data: RangeSource): Promise<string> {
  const hash = createHash("sha256");
  // Bytes in memory are hashed where they lie; a file's are read a window at a time into one buffer.
  const window = data.size > KEY_WINDOW ? Buffer.allocUnsafe(KEY_WINDOW) : undefined;
  for (let at = 0; at < data.size; at += KEY_WINDOW)
    hash.update(await data.read(at, Math.min(KEY_WINDOW, data.size - at), window));
  return hash.digest("base64");
}

const KEY_WINDOW = 1 << 20;

/**
 * What one member gave: the outcomes result.members holds from `from` up to `to`, at `path` and
 * below, and the skips below it that were counted instead of listed.
 */
interface Gave {
  path: string;
  from: number;
  to: number;
  counted: number;
}

/**
 * Why a sparse member may not be expanded: its holes are bytes made from nothing, held to the
 * ratio and size limits a decompression is held to. Only a member that must be read is expanded.
 */
function expansionRefused(kind: ArchiveKind, m: Member, limits: InspectOptions["limits"]): FormatError | undefined {
  if (m.stored === undefined) return undefined;
  const budget = outputBudget(m.stored, limits);
  if (m.size <= budget.bytes) return undefined;
  return new FormatError(`${kind} sparse member`, m.offset, `${m.size} bytes with its holes: ${budget.why}`);
}

/** A member's name as a path below its archive: "./" and "/" at its start dropped. */
const memberName = (name: string) => name.replace(/^(\.\/|\/)+/, "");

/**
 * Why an entry that is no file is passed over, in the words the directory walk uses: a package
 * and the tree it unpacks to list the same.
 */
const entryReason = (m: Member): string =>
  m.type === "symbolic link" ? "symbolic link, not followed" : `${m.type ?? "special file"}, not a regular file`;

/**
 * Whether a member cannot hold a module — no ELF, compression or archive at its start (firmware,
 * documentation): told from its first bytes, as inspectDecompressed would tell it from all of them.
 */
const passedOver = (head: Buffer) => !hasElfMagic(head) && !isContainerStart(head);

/**
 * What a .lzma file holds when it is no archive. An ELF object in it is no module the system can
 * load (kmod and the kernel decompress gzip, xz and zstd modules only), so it is named, not read.
 */
function lzmaContent(head: Buffer): Outcome {
  const what = hasElfMagic(head)
    ? "an ELF object, which neither kmod nor the kernel loads as a module from .lzma"
    : describeStart(head);
  return { kind: "skipped", reason: `lzma-compressed, ${what}` };
}

/** Whether a member is an ELF object as it is, which open would hand straight to inspectDecompressed. */
const isPlainModule = (head: Buffer) => hasElfMagic(head) && !sniffArchive(head);

async function readAll(s: ByteStream): Promise<Buffer> {
  const rest = await s.rest();
  return rest.read(0, rest.size);
}
