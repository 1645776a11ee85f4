import { FormatError } from "../core/errors.js";
import type { StrayModinfoString } from "../core/facts.js";
import { type FactBuilder, PLAIN_FACTS } from "./fact-builder.js";

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
export function parseModinfo(
  bytes: Uint8Array,
  maxStringBytes = Number.MAX_SAFE_INTEGER,
  build: FactBuilder = PLAIN_FACTS,
): Modinfo {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tags: [string, string][] = [];
  const stray: StrayModinfoString[] = [];
  let prevKey: string | null = null;
  let prevEnd = -2;
  for (let at = 0; at < buf.length; ) {
    let nul = buf.indexOf(0, at);
    if (nul < 0) nul = buf.length; // an unterminated last string still counts, as kmod reads it
    if (nul - at > maxStringBytes)
      throw new FormatError(
        ".modinfo",
        at,
        `a string of ${nul - at} bytes exceeds the limit of ${maxStringBytes} (--max-string)`,
      );
    if (nul > at) {
      // Key and value are decoded on their own rather than sliced from one string: a slice keeps
      // the whole `key=value` string alive for as long as the facts are kept. ('=' is one byte
      // that never occurs inside a multi-byte UTF-8 sequence, so finding it in the bytes is exact.)
      let eq = at;
      while (eq < nul && buf[eq] !== 0x3d) eq++; // bounded by this string: never quadratic
      if (eq === nul) eq = -1;
      if (eq > at) {
        const key = build.modinfoText(buf, at, eq);
        tags.push(build.modinfoTag(key, build.modinfoText(buf, eq + 1, nul)));
        prevKey = key;
      } else {
        stray.push({ text: buf.toString("utf8", at, nul), offset: at, follows: prevEnd === at - 1 ? prevKey : null });
        prevKey = null;
      }
      prevEnd = nul;
    }
    at = nul + 1;
  }
  // Copied to its length: the tags are kept with the facts (kmod/fact-builder.ts says why that matters).
  return { tags: tags.slice(), stray };
}

export function tagValues(info: Modinfo, key: string): string[] {
  return info.tags.filter(([k]) => k === key).map(([, v]) => v);
}
