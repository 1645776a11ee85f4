import { FormatError } from "../core/errors.js";
import type { ByteStream } from "./byte-stream.js";
import { type Member, StreamedData } from "./member.js";

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
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    at += len;
  }
  return out;
}

/** Past this, a long name or pax header is no real one: it is not read into memory. */
const MAX_HEADER_DATA = 16 << 20;

/**
 * Members of a tar archive: ustar, GNU (long names 'L', base-256 sizes) and pax ('x' per-file and
 * 'g' global headers: path, size). Each header's checksum is verified; a size is checked against
 * what is left of the archive before a member is handed on where the stream knows, and when its
 * data is read otherwise. Non-files (directories, links, devices) are listed with `regular: false`.
 */
export async function* tarMembers(s: ByteStream): AsyncGenerator<Member> {
  let longName: string | undefined;
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
    if (type === "L" || type === "x" || type === "g") {
      if (size > MAX_HEADER_DATA)
        throw new FormatError("tar header", at, `${type} header of ${size} bytes: larger than any real one`);
      const data = await s.read(size);
      if (data.length < size) throw short();
      if (type === "L") longName = data.toString("utf8").replace(/\0+$/, "");
      else if (type === "x") pax = paxRecords(data);
      else for (const [k, v] of paxRecords(data)) global.set(k, v);
    } else {
      const prefix = b.toString("latin1", 257, 263).startsWith("ustar") ? field(b, 345, 155) : "";
      const name =
        longName ??
        pax.get("path") ??
        global.get("path") ??
        (prefix ? `${prefix}/${field(b, 0, 100)}` : field(b, 0, 100));
      const data = new StreamedData(s, size, short);
      yield data.member({ name, regular: type === "0" || type === "\0" || type === "7", offset: at });
      await data.finish();
      longName = undefined;
      pax = new Map();
    }
    await s.skip(padding);
  }
}
