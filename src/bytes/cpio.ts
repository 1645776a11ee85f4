import { FormatError } from "../core/errors.js";
import type { ByteStream } from "./byte-stream.js";
import { type Member, StreamedData } from "./member.js";

const HEADER = 110;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
/** Longer than any path a system accepts (PATH_MAX is 4096): such a name is damage, not a name. */
const MAX_NAME = 1 << 16;

const pad4 = (n: number) => (n + 3) & ~3;

/**
 * Members of a cpio archive in the "newc" (070701) or "crc" (070702) format, handed on as they are
 * read. An initramfs is often several archives back to back — an uncompressed early-microcode one,
 * then a compressed main one — so the generator returns whether bytes other than zero padding
 * follow the TRAILER!!! entry: the stream then holds another input for the caller to open.
 */
export async function* cpioMembers(s: ByteStream): AsyncGenerator<Member, boolean> {
  for (;;) {
    const at = s.offset;
    const h = await s.read(HEADER);
    if (h.length < HEADER) throw new FormatError("cpio header", at, "archive ends without a TRAILER!!! entry");
    const magic = h.toString("latin1", 0, 6);
    if (magic !== "070701" && magic !== "070702") throw new FormatError("cpio header", at, `bad magic "${magic}"`);
    const hex = (i: number) => {
      const f = h.toString("latin1", 6 + i * 8, 14 + i * 8);
      if (!/^[0-9a-fA-F]{8}$/.test(f)) throw new FormatError("cpio header", at, `field ${i} "${f}" is not hexadecimal`);
      return Number.parseInt(f, 16);
    };
    const mode = hex(1);
    const size = hex(6);
    const nameSize = hex(11);
    const nameEnd = at + HEADER + nameSize;
    const nameShort = () => new FormatError("cpio header", at, "name runs past the end of the archive");
    if (nameSize === 0 || nameSize > (s.remaining ?? MAX_NAME)) throw nameShort();
    const nameBytes = await s.read(nameSize);
    if (nameBytes.length < nameSize) throw nameShort();
    const name = nameBytes.toString("utf8", 0, nameSize - 1);
    const short = () => new FormatError("cpio header", at, `member of ${size} bytes runs past the end of the archive`);
    const gap = pad4(nameEnd) - nameEnd;
    if (gap + size > (s.remaining ?? gap + size) || (await s.skip(gap)) < gap) throw short();
    const data = new StreamedData(s, size, short);
    if (name !== "TRAILER!!!") yield data.member({ name, regular: (mode & S_IFMT) === S_IFREG, offset: at });
    await data.finish();
    const end = pad4(nameEnd + gap + size) - (nameEnd + gap + size);
    await s.skip(end);
    if (name === "TRAILER!!!") break;
  }
  for (;;) {
    const b = await s.peek(4096);
    if (b.length === 0) return false;
    let zeros = 0;
    while (zeros < b.length && b[zeros] === 0) zeros++;
    await s.skip(zeros);
    if (zeros < b.length) return true;
  }
}
