import { FormatError } from "../errors.js";

/** One string in .modinfo that is not `key=value`. */
export interface StrayModinfoString {
  text: string;
  offset: number;
  /** Key of the tag this string directly follows (only one NUL between them), e.g. "license". */
  follows: string | null;
}

export interface Modinfo {
  /** Every `key=value` tag, in file order; keys may repeat. */
  tags: [string, string][];
  stray: StrayModinfoString[];
}

/**
 * .modinfo is a run of NUL-terminated `key=value` strings, possibly padded with extra NULs. A
 * string without `=` directly after a tag is what is left of a value with an embedded NUL — the
 * `"GPL\0for files in the \"GPL\" directory"` trick — and is kept so policy can flag it; kmod and
 * the kernel see only the part before the NUL.
 */
export function parseModinfo(bytes: Uint8Array, maxStringBytes = Number.MAX_SAFE_INTEGER): Modinfo {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tags: [string, string][] = [];
  const stray: StrayModinfoString[] = [];
  let prevKey: string | null = null;
  let prevEnd = -2;
  for (let at = 0; at < buf.length; ) {
    let nul = buf.indexOf(0, at);
    if (nul < 0) nul = buf.length; // an unterminated last string still counts, as kmod reads it
    if (nul - at > maxStringBytes) throw new FormatError(".modinfo", at, `a string of ${nul - at} bytes exceeds the limit of ${maxStringBytes} (--max-string)`);
    if (nul > at) {
      const s = buf.toString("utf8", at, nul);
      const eq = s.indexOf("=");
      if (eq > 0) {
        const key = s.slice(0, eq);
        tags.push([key, s.slice(eq + 1)]);
        prevKey = key;
      } else {
        stray.push({ text: s, offset: at, follows: prevEnd === at - 1 ? prevKey : null });
        prevKey = null;
      }
      prevEnd = nul;
    }
    at = nul + 1;
  }
  return { tags, stray };
}

export function tagValues(info: Modinfo, key: string): string[] {
  return info.tags.filter(([k]) => k === key).map(([, v]) => v);
}
