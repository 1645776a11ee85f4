import { FormatError } from "../core/errors.js";
import type { ByteStream } from "./byte-stream.js";
import { entryMember, heldMember, type Member, StreamedData, typeOfMode } from "./member.js";

const HEADER = 110;
/** Longer than any path a system accepts (PATH_MAX is 4096): such a name is damage, not a name. */
const MAX_NAME = 1 << 16;

const pad4 = (n: number) => (n + 3) & ~3;

/**
 * Members of a cpio archive in the "newc" (070701) or "crc" (070702) format, handed on as they are
 * read. An initramfs is often several archives back to back — an uncompressed early-microcode one,
 * then a compressed main one — so the generator returns whether bytes other than zero padding
 * follow the TRAILER!!! entry: the stream then holds another input for the caller to open.
 *
 * Hard links are a set of entries with one inode number and more than one link: GNU cpio and the
 * kernel's gen_init_cpio store the data once, with the set's last entry, and the others empty (the
 * kernel's initramfs unpacker links them all to one file). So an empty entry of such a set is held
 * back until the entry with the data comes, then handed on as a hard link to it (one after it, at
 * once); a set whose data never come is a set of empty files.
 */
export async function* cpioMembers(s: ByteStream): AsyncGenerator<Member, boolean> {
  /** Empty entries of hard-link sets whose data have not come yet, and the entry that stored each set's data. */
  const linkSets = new Map<string, { name: string; offset: number }[]>();
  const withData = new Map<string, string>();
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
    const ino = hex(0);
    const mode = hex(1);
    const nlink = hex(4);
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
    const type = typeOfMode(mode);
    const regular = type === "file";
    // One inode: the same number on the same device (fields 7 and 8, its major and minor).
    const inode = `${hex(7)}:${hex(8)}:${ino}`;
    if (name === "TRAILER!!!") {
      for (const held of linkSets.values())
        for (const m of held)
          yield heldMember({ name: m.name, data: Buffer.alloc(0), regular: true, offset: m.offset });
    } else if (regular && nlink > 1 && size === 0) {
      // After the set's data (an order some writers use), a link to them at once; before, held back.
      const stored = withData.get(inode);
      if (stored !== undefined) yield entryMember({ name, offset: at, type: "hard link", linkTo: stored });
      else {
        const held = linkSets.get(inode) ?? [];
        held.push({ name, offset: at });
        linkSets.set(inode, held);
      }
    } else if (regular) {
      yield data.member({ name, regular, offset: at });
      for (const m of linkSets.get(inode) ?? []) yield entryMember({ ...m, type: "hard link", linkTo: name });
      linkSets.delete(inode);
      if (nlink > 1) withData.set(inode, name);
    } else {
      yield entryMember({ name, offset: at, type });
    }
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
