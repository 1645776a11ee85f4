import { FormatError } from "../core/errors.js";
import type { ArchiveMember } from "./member.js";

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
}

/** Rock Ridge: the NM entries in a directory record's system use area give the POSIX name. */
function rockRidgeName(b: Buffer, at: number, end: number): string | undefined {
  let name = "";
  let found = false;
  while (at + 4 <= end) {
    const sig = b.toString("latin1", at, at + 2);
    const len = b[at + 2]!;
    if (len < 4 || at + len > end) break;
    if (sig === "NM") {
      const flags = b[at + 4]!;
      if (!(flags & 0x06)) name += b.toString("utf8", at + 5, at + len); // not "." / ".."
      found = true;
    }
    at += len;
  }
  return found ? name : undefined;
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
  if (nameLen === 1 && (raw[0] === 0 || raw[0] === 1)) name = raw[0] === 0 ? "." : "..";
  else if (joliet) name = Buffer.from(raw).swap16().toString("utf16le");
  else {
    const su = at + 33 + nameLen + ((nameLen & 1) === 0 ? 1 : 0);
    name = rockRidgeName(b, su, at + len) ?? raw.toString("latin1").replace(/;\d+$/, "").replace(/\.$/, "");
  }
  if (joliet) name = name.replace(/;\d+$/, "");
  return { extent: b.readUInt32LE(at + 2), size: b.readUInt32LE(at + 10), directory: (b[at + 25]! & 0x02) !== 0, name };
}

/**
 * Files of an ISO 9660 image, read in place without mounting: the directory tree from the primary
 * volume descriptor, named by Rock Ridge NM entries where present, else from a Joliet
 * supplementary descriptor (UCS-2 names) where present, else by the ISO names without ";1".
 * Every extent is checked against the image; directories already visited are not entered again.
 */
export function* isoMembers(b: Buffer): Generator<ArchiveMember> {
  let primary: number | undefined;
  let joliet: number | undefined;
  for (let at = FIRST_DESCRIPTOR; at + SECTOR <= b.length; at += SECTOR) {
    const type = b[at]!;
    if (b.toString("latin1", at + 1, at + 6) !== "CD001")
      throw new FormatError("ISO 9660 volume descriptor", at, "bad identifier");
    if (type === 255) break;
    if (type === 1) primary ??= at;
    if (type === 2 && b[at + 88] === 0x25 && b[at + 89] === 0x2f && [0x40, 0x43, 0x45].includes(b[at + 90]!))
      joliet ??= at;
  }
  if (primary === undefined)
    throw new FormatError("ISO 9660 volume descriptor", FIRST_DESCRIPTOR, "no primary volume descriptor");
  const blockSize = b.readUInt16LE(primary + 128);
  if (blockSize !== 2048 && blockSize !== 1024 && blockSize !== 512)
    throw new FormatError("ISO 9660 volume descriptor", primary + 128, `logical block size ${blockSize}`);
  const rootOf = (d: number, isJoliet: boolean) => readRecord(b, d + 156, isJoliet, d + 156)!;
  const root = rootOf(primary, false);
  // Rock Ridge marks itself in the root's "." record (SUSP "SP"); without it, prefer Joliet names.
  const useJoliet = joliet !== undefined && !hasRockRidge(b, root.extent * blockSize);
  const start = useJoliet ? rootOf(joliet!, true) : root;
  const seen = new Set<number>();
  const stack: { rec: Record; path: string }[] = [{ rec: start, path: "" }];
  while (stack.length) {
    const { rec, path } = stack.pop()!;
    if (seen.has(rec.extent)) continue;
    seen.add(rec.extent);
    const from = rec.extent * blockSize;
    if (from + rec.size > b.length)
      throw new FormatError(
        "ISO 9660 directory",
        from,
        `directory of ${rec.size} bytes runs past the end of the image`,
      );
    const children: { rec: Record; path: string }[] = [];
    for (let at = from; at < from + rec.size; ) {
      const r = readRecord(b, at, useJoliet, at);
      if (!r) {
        at = (Math.floor((at - from) / SECTOR) + 1) * SECTOR + from; // records do not cross sectors
        continue;
      }
      at += b[at]!;
      if (r.name === "." || r.name === "..") continue;
      const childPath = path ? `${path}/${r.name}` : r.name;
      if (r.directory) children.push({ rec: r, path: childPath });
      else {
        const dataAt = r.extent * blockSize;
        if (dataAt + r.size > b.length)
          throw new FormatError("ISO 9660 file", dataAt, `${childPath}: ${r.size} bytes run past the end of the image`);
        yield { name: childPath, data: b.subarray(dataAt, dataAt + r.size), regular: true, offset: dataAt };
      }
    }
    stack.push(...children.reverse());
  }
}

function hasRockRidge(b: Buffer, rootAt: number): boolean {
  if (rootAt + 34 > b.length) return false;
  const len = b[rootAt]!;
  const nameLen = b[rootAt + 32]!;
  const su = rootAt + 33 + nameLen + ((nameLen & 1) === 0 ? 1 : 0);
  return su + 2 <= rootAt + len && b.toString("latin1", su, su + 2) === "SP";
}
