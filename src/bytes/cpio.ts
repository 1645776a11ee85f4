import { FormatError } from "../core/errors.js";
import type { ArchiveMember } from "./member.js";

const HEADER = 110;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

const pad4 = (n: number) => (n + 3) & ~3;

/**
 * Members of a cpio archive in the "newc" (070701) or "crc" (070702) format. An initramfs is often
 * several archives back to back — an uncompressed early-microcode one, then a compressed main one —
 * so whatever follows the TRAILER!!! entry (after zero padding) is returned as `rest` for the
 * caller to open as another input.
 */
export function cpioMembers(b: Buffer): { members: ArchiveMember[]; rest: Buffer | undefined } {
  const members: ArchiveMember[] = [];
  let at = 0;
  for (;;) {
    if (at + HEADER > b.length) throw new FormatError("cpio header", at, "archive ends without a TRAILER!!! entry");
    const magic = b.toString("latin1", at, at + 6);
    if (magic !== "070701" && magic !== "070702") throw new FormatError("cpio header", at, `bad magic "${magic}"`);
    const hex = (i: number) => {
      const s = b.toString("latin1", at + 6 + i * 8, at + 14 + i * 8);
      if (!/^[0-9a-fA-F]{8}$/.test(s)) throw new FormatError("cpio header", at, `field ${i} "${s}" is not hexadecimal`);
      return Number.parseInt(s, 16);
    };
    const mode = hex(1);
    const size = hex(6);
    const nameSize = hex(11);
    const nameAt = at + HEADER;
    if (nameSize === 0 || nameAt + nameSize > b.length)
      throw new FormatError("cpio header", at, "name runs past the end of the archive");
    const name = b.toString("utf8", nameAt, nameAt + nameSize - 1);
    const dataAt = pad4(nameAt + nameSize);
    if (dataAt + size > b.length)
      throw new FormatError("cpio header", at, `member of ${size} bytes runs past the end of the archive`);
    at = pad4(dataAt + size);
    if (name === "TRAILER!!!") break;
    members.push({
      name,
      data: b.subarray(dataAt, dataAt + size),
      regular: (mode & S_IFMT) === S_IFREG,
      offset: nameAt - HEADER,
    });
  }
  while (at < b.length && b[at] === 0) at++;
  return { members, rest: at < b.length ? b.subarray(at) : undefined };
}
