import { FormatError } from "../core/errors.js";
import { damagedMember, entryMember, type Member, sourceMember, typeOfMode } from "./member.js";
import type { RangeSource } from "./range-source.js";

const SECTOR = 2048;
const FIRST_DESCRIPTOR = 16 * SECTOR;

export function isIso9660(b: Buffer): boolean {
  return (
    b.length >= FIRST_DESCRIPTOR + SECTOR &&
    b.toString("latin1", FIRST_DESCRIPTOR + 1, FIRST_DESCRIPTOR + 6) === "CD001"
  );
}

interface Record {
  extent: number;
  size: number;
  directory: boolean;
  name: string;
  /** The POSIX mode a Rock Ridge PX entry gives, where there is one. */
  mode?: number;
}

/**
 * Rock Ridge: the NM entries in a directory record's system use area give the POSIX name, its PX
 * entry the POSIX mode (a symbolic link or a device is a record of no data, told apart only there).
 */
function rockRidge(b: Buffer, at: number, end: number): { name?: string; mode?: number } {
  let name: string | undefined;
  let mode: number | undefined;
  while (at + 4 <= end) {
    const sig = b.toString("latin1", at, at + 2);
    const len = b[at + 2]!;
    if (len < 4 || at + len > end) break;
    if (sig === "NM") {
      const flags = b[at + 4]!;
      name ??= "";
      if (!(flags & 0x06)) name += b.toString("utf8", at + 5, at + len); // not "." / ".."
    } else if (sig === "PX" && len >= 12) mode = b.readUInt32LE(at + 4);
    at += len;
  }
  return { ...(name === undefined ? {} : { name }), ...(mode === undefined ? {} : { mode }) };
}

function readRecord(b: Buffer, at: number, joliet: boolean, where: number): Record | undefined {
  const len = b[at]!;
  if (len === 0) return undefined;
  if (len < 34 || at + len > b.length)
    throw new FormatError("ISO 9660 directory record", where, `record of ${len} bytes does not fit`);
  const nameLen = b[at + 32]!;
  if (33 + nameLen > len) throw new FormatError("ISO 9660 directory record", where, "name runs past its record");
  const raw = b.subarray(at + 33, at + 33 + nameLen);
  let name: string;
  let mode: number | undefined;
  if (nameLen === 1 && (raw[0] === 0 || raw[0] === 1)) name = raw[0] === 0 ? "." : "..";
  else if (joliet) name = Buffer.from(raw).swap16().toString("utf16le");
  else {
    const su = at + 33 + nameLen + ((nameLen & 1) === 0 ? 1 : 0);
    const rr = rockRidge(b, su, at + len);
    name = rr.name ?? raw.toString("latin1").replace(/;\d+$/, "").replace(/\.$/, "");
    mode = rr.mode;
  }
  if (joliet) name = name.replace(/;\d+$/, "");
  const directory = (b[at + 25]! & 0x02) !== 0;
  return {
    extent: b.readUInt32LE(at + 2),
    size: b.readUInt32LE(at + 10),
    directory,
    name,
    ...(mode === undefined ? {} : { mode }),
  };
}

/**
 * Files of an ISO 9660 image, read in place without mounting and without holding the image: the
 * directory tree from the primary volume descriptor, named by Rock Ridge NM entries where present,
 * else from a Joliet supplementary descriptor (UCS-2 names) where present, else by the ISO names
 * without ";1". Only descriptors and directories are read here; a file's data is a part of the
 * image, read by whoever opens it. Every extent is checked against the image. A directory already
 * listed is not entered again under a second name; one whose extent is its own or an ancestor's (a
 * loop, which would hide what it replaced) is damage at its path. Damage to one directory or file
 * is that entry's: the rest of the tree is still read.
 */
export async function* isoMembers(image: RangeSource): AsyncGenerator<Member> {
  const size = image.size;
  let primary: Buffer | undefined;
  let primaryAt = 0;
  let joliet: Buffer | undefined;
  let jolietAt = 0;
  for (let at = FIRST_DESCRIPTOR; at + SECTOR <= size; at += SECTOR) {
    const d = await image.read(at, SECTOR);
    const type = d[0]!;
    if (d.toString("latin1", 1, 6) !== "CD001")
      throw new FormatError("ISO 9660 volume descriptor", at, "bad identifier");
    if (type === 255) break;
    if (type === 1 && !primary) [primary, primaryAt] = [d, at];
    if (type === 2 && !joliet && d[88] === 0x25 && d[89] === 0x2f && [0x40, 0x43, 0x45].includes(d[90]!))
      [joliet, jolietAt] = [d, at];
  }
  if (primary === undefined)
    throw new FormatError("ISO 9660 volume descriptor", FIRST_DESCRIPTOR, "no primary volume descriptor");
  const blockSize = primary.readUInt16LE(128);
  if (blockSize !== 2048 && blockSize !== 1024 && blockSize !== 512)
    throw new FormatError("ISO 9660 volume descriptor", primaryAt + 128, `logical block size ${blockSize}`);
  const rootOf = (d: Buffer, at: number, isJoliet: boolean) => readRecord(d, 156, isJoliet, at + 156)!;
  const root = rootOf(primary, primaryAt, false);
  // Rock Ridge marks itself in the root's "." record (SUSP "SP"); without it, prefer Joliet names.
  const useJoliet = joliet !== undefined && !(await hasRockRidge(image, root.extent * blockSize));
  const start = useJoliet ? rootOf(joliet!, jolietAt, true) : root;
  // Depth first, with a marker popped once a directory's subtree is done: the directories entered
  // and not yet done are exactly the one being read and its ancestors.
  const entered = new Set<number>();
  const done = new Set<number>();
  const stack: ({ rec: Record; path: string } | { leave: number })[] = [{ rec: start, path: "" }];
  while (stack.length) {
    const top = stack.pop()!;
    if ("leave" in top) {
      done.add(top.leave);
      continue;
    }
    const { rec, path } = top;
    if (entered.has(rec.extent)) {
      if (!done.has(rec.extent))
        yield damagedMember(
          path,
          rec.extent * blockSize,
          new FormatError("ISO 9660 directory", rec.extent * blockSize, `${path}: a loop, its extent is an ancestor's`),
        );
      continue;
    }
    entered.add(rec.extent);
    const from = rec.extent * blockSize;
    if (from + rec.size > size) {
      done.add(rec.extent);
      const damage = new FormatError(
        "ISO 9660 directory",
        from,
        `${path || "/"}: ${rec.size} bytes run past the end of the image`,
      );
      if (path === "") throw damage;
      yield damagedMember(path, from, damage);
      continue;
    }
    const dir = await image.read(from, rec.size);
    const children: { rec: Record; path: string }[] = [];
    try {
      for (let at = 0; at < rec.size; ) {
        const recordAt = from + at;
        const r = readRecord(dir, at, useJoliet, recordAt);
        if (!r) {
          at = (Math.floor(at / SECTOR) + 1) * SECTOR; // records do not cross sectors
          continue;
        }
        at += dir[at]!;
        if (r.name === "." || r.name === "..") continue;
        const childPath = path ? `${path}/${r.name}` : r.name;
        const type = r.mode === undefined ? undefined : typeOfMode(r.mode);
        if (r.directory) children.push({ rec: r, path: childPath });
        else if (type !== undefined && type !== "file" && type !== "directory")
          yield entryMember({ name: childPath, offset: recordAt, type });
        else {
          const dataAt = r.extent * blockSize;
          yield dataAt + r.size > size
            ? damagedMember(
                childPath,
                dataAt,
                new FormatError("ISO 9660 file", dataAt, `${childPath}: ${r.size} bytes run past the end of the image`),
              )
            : sourceMember(image, { name: childPath, regular: true, offset: dataAt }, dataAt, r.size);
        }
      }
    } catch (e) {
      // A record that cannot be read ends its directory: what came before it in the directory stays.
      if (!(e instanceof FormatError)) throw e;
      yield damagedMember(path, e.offset ?? from, e);
    }
    // One at a time: a directory of a million entries spread into push() would overflow the stack.
    stack.push({ leave: rec.extent });
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}

async function hasRockRidge(image: RangeSource, rootAt: number): Promise<boolean> {
  if (rootAt + 34 > image.size) return false;
  const b = await image.read(rootAt, Math.min(255, image.size - rootAt));
  const len = b[0]!;
  const nameLen = b[32]!;
  const su = 33 + nameLen + ((nameLen & 1) === 0 ? 1 : 0);
  return su + 2 <= len && su + 2 <= b.length && b.toString("latin1", su, su + 2) === "SP";
}
