import { FormatError } from "../core/errors.js";
import type { ArchiveMember } from "./member.js";

/** Members of a Unix ar archive (a Debian .deb is one: debian-binary, control.tar.*, data.tar.*). */
export function* arMembers(b: Buffer): Generator<ArchiveMember> {
  let at = 8; // "!<arch>\n"
  let longNames: Buffer | undefined;
  while (at < b.length) {
    if (at + 60 > b.length) throw new FormatError("ar header", at, "header runs past the end of the archive");
    if (b[at + 58] !== 0x60 || b[at + 59] !== 0x0a) throw new FormatError("ar header", at, "bad header terminator");
    let name = b.toString("utf8", at, at + 16).trimEnd();
    const size = Number(b.toString("latin1", at + 48, at + 58).trim());
    if (!Number.isSafeInteger(size) || size < 0) throw new FormatError("ar header", at, "size is not a number");
    let dataAt = at + 60;
    if (dataAt + size > b.length)
      throw new FormatError("ar header", at, `member of ${size} bytes runs past the end of the archive`);
    let data = b.subarray(dataAt, dataAt + size);
    const next = dataAt + size + (size & 1);
    if (name.startsWith("#1/")) {
      // BSD: the name is the first N bytes of the data
      const n = Number(name.slice(3));
      if (!Number.isSafeInteger(n) || n > size) throw new FormatError("ar header", at, "bad BSD long name length");
      name = data.toString("utf8", 0, n).replace(/\0+$/, "");
      data = data.subarray(n);
      dataAt += n;
    } else if (name === "//") {
      longNames = data; // GNU long-name table
      at = next;
      continue;
    } else if (name === "/" || name === "/SYM64/") {
      at = next; // symbol index
      continue;
    } else if (/^\/\d+$/.test(name) && longNames) {
      const off = Number(name.slice(1));
      const end = longNames.indexOf("/\n", off);
      name = longNames.toString("utf8", off, end > off ? end : longNames.length);
    } else if (name.endsWith("/")) name = name.slice(0, -1);
    yield { name, data, regular: true, offset: at };
    at = next;
  }
}
