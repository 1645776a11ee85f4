import { isUtf8 } from "node:buffer";

/**
 * A file name as the report shows it. Linux names are bytes, not text: a name that is not UTF-8
 * is shown with each byte that is not part of a UTF-8 character as `\xHH`, and its backslashes
 * doubled, so that no two such names look alike and neither is mangled into U+FFFD.
 */
export function shownName(name: Buffer): string {
  if (isUtf8(name)) return name.toString("utf8");
  let out = "";
  let at = 0;
  while (at < name.length) {
    const n = utf8Length(name, at);
    if (n === 0) out += `\\x${name[at]!.toString(16).padStart(2, "0")}`;
    else {
      const ch = name.toString("utf8", at, at + n);
      out += ch === "\\" ? "\\\\" : ch;
    }
    at += n || 1;
  }
  return out;
}

/** The length of the valid UTF-8 character at `at`, or 0 when there is none. */
function utf8Length(b: Buffer, at: number): number {
  const lead = b[at]!;
  const n = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead < 0xf5 ? 4 : 0;
  if (n === 0 || (n === 4 && lead < 0xf0) || at + n > b.length) return 0;
  return isUtf8(b.subarray(at, at + n)) ? n : 0;
}
