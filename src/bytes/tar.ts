import { FormatError } from "../core/errors.js";
import type { ByteStream } from "./byte-stream.js";
import { damagedMember, entryMember, type Member, type MemberType, StreamedData } from "./member.js";
import { bufferSource } from "./range-source.js";

const BLOCK = 512;

function field(b: Buffer, at: number, len: number): string {
  const end = b.indexOf(0, at);
  return b.toString("utf8", at, end >= 0 && end < at + len ? end : at + len);
}

/** Octal (space/NUL padded), or GNU base-256 when the high bit of the first byte is set. */
function number(b: Buffer, at: number, len: number, where: number): number {
  if (b[at]! & 0x80) {
    let v = 0;
    for (let i = 1; i < len; i++) v = v * 256 + b[at + i]!;
    if (!Number.isSafeInteger(v)) throw new FormatError("tar header", where, "base-256 size too large");
    return v;
  }
  const s = b
    .toString("latin1", at, at + len)
    .replace(/[\0 ]+$/, "")
    .trim();
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) throw new FormatError("tar header", where, `size field "${s}" is not octal`);
  return Number.parseInt(s, 8);
}

/**
 * The header checksum, summed over bytes read as unsigned, as POSIX says, or as signed, as some
 * old tar implementations wrote it: GNU tar accepts either, and so do we.
 */
function checksumOk(b: Buffer, where: number): boolean {
  const stored = number(b, 148, 8, where);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : b[i]!;
    unsigned += byte;
    signed += byte < 0x80 ? byte : byte - 0x100;
  }
  return stored === unsigned || stored === signed;
}

/** pax extended header records: "len key=value\n". */
function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const sp = data.indexOf(0x20, at);
    if (sp < 0) break;
    const len = Number(data.toString("latin1", at, sp));
    if (!Number.isSafeInteger(len) || len <= 0 || at + len > data.length) break;
    const rec = data.toString("utf8", sp + 1, at + len - 1);
    const eq = rec.indexOf("=");
    const key = rec.slice(0, eq);
    // GNU sparse 0.0 repeats these two keys, a pair per run: kept in order as 0.1's map.
    if (key === "GNU.sparse.offset" || key === "GNU.sparse.numbytes") {
      const map = out.get("GNU.sparse.map");
      out.set("GNU.sparse.map", map === undefined ? rec.slice(eq + 1) : `${map},${rec.slice(eq + 1)}`);
    } else if (eq > 0) out.set(key, rec.slice(eq + 1));
    at += len;
  }
  return out;
}

/** Past this, a long name or pax header is no real one: it is not read into memory. */
const MAX_HEADER_DATA = 16 << 20;

/**
 * Entry types other than a file's. Any type not named here nor read as a header is a file: GNU tar
 * extracts an unknown type as a regular file, so a module under one must not pass unseen.
 */
const TYPES: { [type: string]: MemberType } = {
  "1": "hard link",
  "2": "symbolic link",
  "3": "character device",
  "4": "block device",
  "5": "directory",
  "6": "FIFO",
  D: "directory", // GNU dump directory
  V: "special file", // GNU volume label
  M: "special file", // GNU continuation of a file begun on another volume
  N: "special file", // old GNU long names, not written since 1.12
};

/** One stored run of a sparse member: `size` bytes of data at `offset` of the expanded file. */
interface Region {
  offset: number;
  size: number;
}

/** Old-GNU sparse entries, 24 bytes each (offset, bytes stored); an empty offset field ends them. */
function sparseEntries(b: Buffer, at: number, count: number, where: number, into: Region[]): void {
  for (let i = 0; i < count; i++) {
    const e = at + i * 24;
    if (b[e] === 0) return;
    into.push({ offset: number(b, e, 12, where), size: number(b, e + 12, 12, where) });
  }
}

/** Extension blocks of one sparse member: past this many, the map is damage, not a file's. */
const MAX_SPARSE_BLOCKS = MAX_HEADER_DATA / BLOCK;

/**
 * Why a sparse map cannot be a file's, or undefined: runs in order, not overlapping, inside the
 * expanded size, and together exactly the bytes stored.
 */
function badSparseMap(regions: Region[], real: number, stored: number): string | undefined {
  let end = 0;
  let sum = 0;
  for (const r of regions) {
    if (r.offset < end) return `run at ${r.offset} overlaps or precedes the one before`;
    end = r.offset + r.size;
    if (!Number.isSafeInteger(end) || end > real) return `run at ${r.offset} ends past the file's ${real} bytes`;
    sum += r.size;
  }
  return sum === stored ? undefined : `runs of ${sum} bytes, but ${stored} stored`;
}

/** A sparse map as numbers, offset and size by turns ("GNU.sparse.map" of pax sparse 0.0 and 0.1). */
function regionsOf(numbers: number[]): Region[] | string {
  if (numbers.length % 2 !== 0 || numbers.some((n) => !Number.isSafeInteger(n)))
    return "map is not pairs of offsets and sizes";
  const out: Region[] = [];
  for (let i = 0; i < numbers.length; i += 2) out.push({ offset: numbers[i]!, size: numbers[i + 1]! });
  return out;
}

const decimals = (text: string) =>
  text === "" ? [] : text.split(",").map((x) => (/^\d{1,16}$/.test(x) ? Number(x) : Number.NaN));

/**
 * pax sparse 1.0: the map is at the start of the member's data, decimal numbers a line each (how
 * many runs, then offset and size by turns), padded to a block. `bytes`: how much of the data it took.
 */
async function leadingMap(s: ByteStream, size: number): Promise<{ regions: Region[] | string; bytes: number }> {
  const numbers: number[] = [];
  let digits = "";
  let bytes = 0;
  for (;;) {
    if (bytes + BLOCK > size || bytes >= MAX_HEADER_DATA) return { regions: "map runs past the member's data", bytes };
    const block = await s.read(BLOCK);
    if (block.length < BLOCK) throw new FormatError("tar sparse map", s.offset, "runs past the end of the archive");
    bytes += BLOCK;
    for (const c of block) {
      if (c === 0x0a && digits !== "") {
        numbers.push(Number(digits));
        digits = "";
        if (numbers.length === 1 + 2 * numbers[0]!) return { regions: regionsOf(numbers.slice(1)), bytes };
      } else if (c >= 0x30 && c <= 0x39 && digits.length < 16) digits += String.fromCharCode(c);
      else return { regions: "map is not decimal numbers a line each", bytes };
    }
  }
}

/** The expanded bytes of a sparse member from its stored runs (`stored`: as many of them as there are). */
function expand(stored: Buffer, regions: Region[], out: Buffer): Buffer {
  out.fill(0);
  let from = 0;
  for (const r of regions) {
    if (from >= stored.length || r.offset >= out.length) break;
    const n = Math.min(r.size, stored.length - from, out.length - r.offset);
    stored.copy(out, r.offset, from, from + n);
    from += r.size;
  }
  return out;
}

/**
 * A sparse member's runs and expanded size: old GNU ('S') keeps them in its header and extension
 * blocks, pax 0.1 (and 0.0, gathered) in its pax header, pax 1.0 at the start of its data
 * (`mapBytes`: how much of the data the map took). `regions` is why, where the map is no map.
 */
async function sparseMap(
  type: string,
  b: Buffer,
  at: number,
  s: ByteStream,
  pax: Map<string, string>,
  size: number,
): Promise<{ regions: Region[] | string; real: number; mapBytes: number }> {
  if (type === "S") {
    const runs: Region[] = [];
    sparseEntries(b, 386, 4, at, runs);
    for (let more = b[482] !== 0, blocks = 0; more; blocks++) {
      const x = s.offset;
      const e = await s.read(BLOCK);
      if (e.length < BLOCK) throw new FormatError("tar sparse header", x, "runs past the end of the archive");
      if (blocks === MAX_SPARSE_BLOCKS)
        throw new FormatError("tar sparse header", x, `more than ${MAX_SPARSE_BLOCKS} extension blocks`);
      sparseEntries(e, 0, 21, x, runs);
      more = e[504] !== 0;
    }
    return { regions: runs, real: number(b, 483, 12, at), mapBytes: 0 };
  }
  const real = Number(pax.get("GNU.sparse.realsize") ?? pax.get("GNU.sparse.size"));
  if (pax.get("GNU.sparse.major") === "1") {
    const map = await leadingMap(s, size);
    return { regions: map.regions, real, mapBytes: map.bytes };
  }
  return { regions: regionsOf(decimals(pax.get("GNU.sparse.map") ?? "")), real, mapBytes: 0 };
}

/** A sparse member: its stored runs streamed past, its bytes the expanded file, holes as zeros. */
function sparseMember(stored: Member, regions: Region[], real: number): Member {
  const bytes = async (into?: (n: number) => Buffer) =>
    expand(await stored.bytes(), regions, into?.(real) ?? Buffer.alloc(real));
  return {
    ...stored,
    size: real,
    stored: stored.size,
    head: async (n) => expand(await stored.head(n), regions, Buffer.alloc(Math.min(n, real))),
    bytes,
    data: async () => bufferSource(await bytes()),
  };
}

/**
 * Members of a tar archive: ustar, GNU (long names and link names 'L'/'K', base-256 sizes) and pax
 * ('x' per-file and 'g' global headers: path, linkpath, size). Sparse members, old-GNU ('S', with
 * extension blocks) and pax (GNU.sparse.* 0.0, 0.1 and 1.0), are expanded as read. Each header's
 * checksum is verified; a size is checked against what is left of the archive before a member is
 * handed on where the stream knows, and when its data is read otherwise. Every entry is handed on: links, devices and directories with their type, a sparse
 * member whose map cannot be a file's as damage of its own.
 */
export async function* tarMembers(s: ByteStream): AsyncGenerator<Member> {
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax = new Map<string, string>();
  const global = new Map<string, string>();
  for (;;) {
    const at = s.offset;
    const b = await s.read(BLOCK);
    if (b.length < BLOCK || b.every((x) => x === 0)) return; // end of archive
    if (!checksumOk(b, at)) throw new FormatError("tar header", at, "checksum mismatch");
    const type = String.fromCharCode(b[156]!) || "0";
    let size = number(b, 124, 12, at);
    const paxSize = pax.get("size") ?? global.get("size");
    if (paxSize !== undefined && type !== "x" && type !== "g") size = Number(paxSize);
    const short = () => new FormatError("tar header", at, `member of ${size} bytes runs past the end of the archive`);
    if (!Number.isSafeInteger(size) || size < 0 || size > (s.remaining ?? size)) throw short();
    const padding = Math.ceil(size / BLOCK) * BLOCK - size;
    if (type === "L" || type === "K" || type === "x" || type === "g") {
      if (size > MAX_HEADER_DATA)
        throw new FormatError("tar header", at, `${type} header of ${size} bytes: larger than any real one`);
      const data = await s.read(size);
      if (data.length < size) throw short();
      if (type === "L") longName = data.toString("utf8").replace(/\0+$/, "");
      else if (type === "K") longLink = data.toString("utf8").replace(/\0+$/, "");
      else if (type === "x") pax = paxRecords(data);
      else for (const [k, v] of paxRecords(data)) global.set(k, v);
    } else {
      // POSIX ustar ("ustar\0") has a name prefix; old GNU ("ustar  \0") keeps other fields there.
      const prefix = b.toString("latin1", 257, 263) === "ustar\0" ? field(b, 345, 155) : "";
      const name =
        longName ??
        pax.get("path") ??
        global.get("path") ??
        (prefix ? `${prefix}/${field(b, 0, 100)}` : field(b, 0, 100));
      let data = new StreamedData(s, size, short);
      const entryType = TYPES[type];
      const paxSparse = pax.has("GNU.sparse.major") || pax.has("GNU.sparse.map") || pax.has("GNU.sparse.size");
      if (entryType !== undefined) {
        const linkTo = longLink ?? pax.get("linkpath") ?? field(b, 157, 100);
        yield entryMember({ name, offset: at, type: entryType, ...(entryType === "hard link" ? { linkTo } : {}) });
      } else if (type === "S" || paxSparse) {
        const sparseName = type === "S" ? name : (pax.get("GNU.sparse.name") ?? name);
        const { regions, real, mapBytes } = await sparseMap(type, b, at, s, pax, size);
        // A pax 1.0 map took the start of the data: the runs stored follow it.
        if (mapBytes > 0) data = new StreamedData(s, size - mapBytes, short);
        const bad =
          typeof regions === "string"
            ? regions
            : !Number.isSafeInteger(real) || real < 0
              ? "no expanded size"
              : badSparseMap(regions, real, data.size);
        if (bad || typeof regions === "string")
          yield damagedMember(sparseName, at, new FormatError("tar sparse map", at, `${sparseName}: ${bad}`));
        else yield sparseMember(data.member({ name: sparseName, regular: true, offset: at }), regions, real);
      } else yield data.member({ name, regular: true, offset: at });
      await data.finish();
      longName = undefined;
      longLink = undefined;
      pax = new Map();
    }
    await s.skip(padding);
  }
}
