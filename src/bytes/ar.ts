import { FormatError } from "../core/errors.js";
import type { ByteStream } from "./byte-stream.js";
import { type Member, StreamedData } from "./member.js";

/** Past this, a GNU long-name table is no real one: it is not read into memory. */
const MAX_NAME_TABLE = 16 << 20;

/** Members of a Unix ar archive (a Debian .deb is one: debian-binary, control.tar.*, data.tar.*). */
export async function* arMembers(s: ByteStream): AsyncGenerator<Member> {
  await s.skip(8); // "!<arch>\n"
  let longNames: Buffer | undefined;
  while (!(await s.atEnd())) {
    const at = s.offset;
    const h = await s.read(60);
    if (h.length < 60) throw new FormatError("ar header", at, "header runs past the end of the archive");
    if (h[58] !== 0x60 || h[59] !== 0x0a) throw new FormatError("ar header", at, "bad header terminator");
    let name = h.toString("utf8", 0, 16).trimEnd();
    const size = Number(h.toString("latin1", 48, 58).trim());
    if (!Number.isSafeInteger(size) || size < 0) throw new FormatError("ar header", at, "size is not a number");
    const short = () => new FormatError("ar header", at, `member of ${size} bytes runs past the end of the archive`);
    if (size > (s.remaining ?? size)) throw short();
    let dataSize = size;
    if (name.startsWith("#1/")) {
      // BSD: the name is the first N bytes of the data
      const n = Number(name.slice(3));
      if (!Number.isSafeInteger(n) || n > size) throw new FormatError("ar header", at, "bad BSD long name length");
      const nameBytes = await s.read(n);
      if (nameBytes.length < n) throw short();
      name = nameBytes.toString("utf8").replace(/\0+$/, "");
      dataSize -= n;
    } else if (name === "//" || name === "/" || name === "/SYM64/") {
      // GNU long-name table, or a symbol index
      if (name === "//") {
        if (size > MAX_NAME_TABLE) throw new FormatError("ar header", at, `long-name table of ${size} bytes`);
        longNames = await s.read(size);
        if (longNames.length < size) throw short();
      } else if ((await s.skip(size)) < size) throw short();
      await s.skip(size & 1);
      continue;
    } else if (/^\/\d+$/.test(name) && longNames) {
      const off = Number(name.slice(1));
      const end = longNames.indexOf("/\n", off);
      name = longNames.toString("utf8", off, end > off ? end : longNames.length);
    } else if (name.endsWith("/")) name = name.slice(0, -1);
    const data = new StreamedData(s, dataSize, short);
    yield data.member({ name, regular: true, offset: at });
    await data.finish();
    await s.skip(size & 1);
  }
}
